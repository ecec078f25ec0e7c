/**
 * `npx launch-ready init --domain D --zone-id Z --account-id A [options]`
 *
 * Scaffolds a founder's repository on the kit: the npm package, the Pulumi project and program,
 * a prod and a staging stack file for the domain that plan offline at once, their JSON Schema,
 * the CI workflow, HANDOVER.md and .env.example exactly as their verbs would write them. What
 * only a person knows (who to call, who owns what, where alerts go) comes from flags or, on a
 * terminal, from questions; what nobody said is a placeholder the bar's OPS-HANDOVER names.
 *
 * Everything is judged before anything is written: a bad answer, an existing file without
 * --force, or an imported zone that does not plan ends the verb with nothing written.
 *
 * This file is the command line and the order of the stages; the files are built in scripts/init/.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { addDays, today } from "../../domain/bar/weighing";
import { ZONE_PLANS } from "../../domain/cloudflare/zone-plans";
import { opsHandover } from "../../policies/rules/ops-handover";
import { KIT_NAME, policyPackPath } from "../../stacks/project";
import { formatProblems, parseStackConfig, problemsHeading, type LaunchReadyConfig } from "../../stacks/stack-config";
import { parseStackFileText, type StackFile } from "../../stacks/stack-file";
import { COMMON_OPTIONS, parseCommandLine } from "../cli/args";
import { fail, type Io } from "../cli/io";
import { renderHandoverSection } from "../handover/handover";
import { withSection } from "../handover/handover-document";
import {
  judgeAccountId,
  judgeAwsRegion,
  judgeCanonical,
  judgeDate,
  judgeLogsWhere,
  judgeDomain,
  judgeEmail,
  judgeEmails,
  judgeName,
  judgeOrigin,
  judgePlan,
  judgeProjectName,
  judgeZoneId,
  projectNameFromDomain,
  type InitFacts,
  type Judged,
  type Origin,
} from "../init/facts";
import { adoptZone, type ZoneAdoption } from "../init/from-zone";
import { existingManifest, type ExistingManifest, gitignore, indexTs, mergedPackageJson, packageJson, pulumiYaml, tsconfigJson } from "../init/project-files";
import { linePrompter, type Prompter } from "../init/prompt";
import { renderStack, type RenderedStack } from "../init/stack-files";
import { placeholder } from "../../domain/placeholders";
import { verifyWorkflowYaml, workflowYaml } from "../init/workflow";
import { ConfigRefused, planStack } from "../plan/plan-stack";
import { checkCoverage } from "../zone-import/zone-coverage";
import { describeRecord, ZoneImportError } from "../zone-import/zone-file";
import { envExampleText } from "./check-env";
import { stackFileJsonSchema } from "./schema";
import { resolveZoneGroup } from "../../stacks/zone-group";

const USAGE = `Usage: npx launch-ready init --domain DOMAIN --zone-id ID --account-id ID [options]

Scaffolds the product's repository in the current directory (or --dir): package.json, Pulumi.yaml,
tsconfig.json, index.ts, stacks/Pulumi.prod.yaml and stacks/Pulumi.staging.yaml (staging under
staging.DOMAIN in the same zone) with stacks/schema.json, the CI workflow, HANDOVER.md,
.env.example and .gitignore.

  --domain DOMAIN          the product's domain, the Cloudflare zone's name, e.g. quill-example.com
  --zone-id ID             the zone's 32-character ID (zone Overview page, API section)
  --account-id ID          the account's 32-character ID (same page)
  --plan PLAN              the zone's Cloudflare plan: ${ZONE_PLANS.join(" | ")} (default free)
  --canonical HOST         apex | www: the host the other redirects to (default www)
  --origin TARGET          where the site is served from: a host name (my-app.fly.dev) or public IP
                             addresses, comma-separated
  --staging-origin TARGET  where staging.DOMAIN is served from, the same way
  --name NAME              the npm package and Pulumi project name (default: the domain without its
                             top-level label, e.g. quill-example)
  --aws-region REGION      the AWS region of the secrets (default us-east-1)
  --from-zone FILE         take prod's hosts, mail and other records from the zone's BIND export
                             (Cloudflare: DNS > Records > Import and Export > Export)
  --dir DIR                where to write (default: the current directory)

The people the handover names; each one not given is a TODO that the plan's OPS-HANDOVER names:
  --owner EMAIL            the founder: first contact, owner of every account, gets alerts and reports
  --owner-name NAME        the founder's name
  --alert-email EMAIL      who is emailed when the site is down (repeat it, or comma-separate; default --owner)
  --dmarc-reports EMAIL    where DMARC aggregate reports go (default --owner)
  --registrar NAME         where the domain is registered, e.g. "Cloudflare Registrar" (with --renews)
  --renews DATE            when the registration must be renewed, YYYY-MM-DD
  --auto-renew             auto-renew is on at the registrar
  --logs WHERE             where the app's request logs are read, e.g. "fly logs -a quill" (OPS-REQUEST-ID)

  --yes                    ask nothing: what no flag gives is left as a TODO
  --force                  overwrite files that exist
  --json                   print {"dir","project","files","todos","next"} on stdout
  --help                   show this help

On a terminal, init asks for what the flags leave out (not with --yes); without one, --domain,
--zone-id and --account-id are required. Nothing is written unless every answer is valid and no
file would be overwritten.
Exit: 0 written, 1 the files could not be written or the imported zone does not plan (nothing
written), 2 bad input or usage (nothing written).`;

const value = { type: "string" } as const;
const OPTIONS = {
  ...COMMON_OPTIONS,
  domain: value,
  "zone-id": value,
  "account-id": value,
  plan: value,
  canonical: value,
  origin: value,
  "staging-origin": value,
  name: value,
  "aws-region": value,
  "from-zone": value,
  dir: value,
  owner: value,
  "owner-name": value,
  "alert-email": { type: "string", multiple: true },
  "dmarc-reports": value,
  registrar: value,
  renews: value,
  "auto-renew": { type: "boolean" },
  logs: value,
  yes: { type: "boolean", default: false },
  force: { type: "boolean", default: false },
} as const;

/** Every file init writes, relative to the directory, in the order it lists them. */
const FILES = [
  "package.json",
  "Pulumi.yaml",
  "tsconfig.json",
  "index.ts",
  ".gitignore",
  "stacks/Pulumi.prod.yaml",
  "stacks/Pulumi.staging.yaml",
  "stacks/schema.json",
  ".github/workflows/launch-ready.yml",
  ".github/workflows/launch-ready-verify.yml",
  "HANDOVER.md",
  ".env.example",
] as const;
type ScaffoldFile = (typeof FILES)[number];

/** What the flags and answers have given so far, each judged. */
interface Given {
  domain?: string;
  zoneId?: string;
  accountId?: string;
  plan?: InitFacts["plan"];
  canonical?: InitFacts["canonical"];
  origin?: Origin;
  stagingOrigin?: Origin;
  project?: string;
  awsRegion?: string;
  ownerEmail?: string;
  ownerName?: string;
  alertEmails?: string[];
  dmarcReports?: string;
  registrar?: string;
  renews?: string;
  autoRenew?: boolean;
  logsWhere?: string;
}

const REQUIRED = [
  { field: "domain", flag: "--domain", shown: "DOMAIN" },
  { field: "zoneId", flag: "--zone-id", shown: "ZONE_ID" },
  { field: "accountId", flag: "--account-id", shown: "ACCOUNT_ID" },
] as const;

type Values = ReturnType<typeof parseCommandLine<typeof OPTIONS>>;

function judgeFlags(values: Values, json: boolean): Given {
  const judged = <T>(flag: string, value: string | undefined, judge: (text: string) => Judged<T>): T | undefined => {
    if (value === undefined) return undefined;
    const result = judge(value);
    return result.ok ? result.value : fail(2, json, `--${flag} "${value}" ${result.problem}`);
  };
  const alertEmails = values["alert-email"];
  const given: Given = {
    domain: judged("domain", values.domain, judgeDomain),
    zoneId: judged("zone-id", values["zone-id"], judgeZoneId),
    accountId: judged("account-id", values["account-id"], judgeAccountId),
    plan: judged("plan", values.plan, judgePlan),
    canonical: judged("canonical", values.canonical, judgeCanonical),
    origin: judged("origin", values.origin, judgeOrigin),
    stagingOrigin: judged("staging-origin", values["staging-origin"], judgeOrigin),
    project: judged("name", values.name, judgeProjectName),
    awsRegion: judged("aws-region", values["aws-region"], judgeAwsRegion),
    ownerEmail: judged("owner", values.owner, judgeEmail),
    ownerName: judged("owner-name", values["owner-name"], judgeName),
    alertEmails: alertEmails && judged("alert-email", alertEmails.join(","), (list) => judgeEmails([list])),
    dmarcReports: judged("dmarc-reports", values["dmarc-reports"], judgeEmail),
    registrar: judged("registrar", values.registrar, judgeName),
    renews: judged("renews", values.renews, judgeDate),
    autoRenew: values["auto-renew"],
    logsWhere: judged("logs", values.logs, judgeLogsWhere),
  };
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Given;
}

/** A question for what the flags left out: asked only while `asks` holds, its answer judged as the flag's would be. */
interface Question {
  asks(given: Given): boolean;
  text(given: Given): string;
  /** An empty answer to a required question is asked again; to another, it keeps the default. */
  required?: boolean;
  /** Judges the answer into `given`; returns the problem when it is refused. */
  take(given: Given, answer: string): string | undefined;
}

function question<K extends keyof Given>(
  field: K,
  text: (given: Given) => string,
  judge: (answer: string) => Judged<NonNullable<Given[K]>>,
  options: { required?: boolean; when?: (given: Given) => boolean } = {},
): Question {
  return {
    asks: (given) => given[field] === undefined && (options.when?.(given) ?? true),
    text,
    required: options.required,
    take(given, answer) {
      const judged = judge(answer);
      if (!judged.ok) return judged.problem;
      given[field] = judged.value;
      return undefined;
    },
  };
}

const TODO = "[Enter: leave a TODO]";
const QUESTIONS: Question[] = [
  question("domain", () => "Domain of the product, the Cloudflare zone's name (e.g. quill-example.com): ", judgeDomain, { required: true }),
  question("zoneId", (g) => `Zone ID of ${g.domain} (Cloudflare dashboard: the zone's Overview page, API section): `, judgeZoneId, { required: true }),
  question("accountId", () => "Account ID (the same page): ", judgeAccountId, { required: true }),
  question("plan", () => `The zone's Cloudflare plan, ${ZONE_PLANS.join(" | ")} [free]: `, judgePlan),
  question("origin", (g) => `Where ${g.domain} is served from, a host name (e.g. my-app.fly.dev) or public IP addresses ${TODO}: `, judgeOrigin),
  question("stagingOrigin", (g) => `Where staging.${g.domain} is served from ${TODO}: `, judgeOrigin),
  question("ownerEmail", () => `Your email, for the handover, uptime alerts and DMARC reports ${TODO}: `, judgeEmail),
  question("ownerName", () => `Your name, for the handover ${TODO}: `, judgeName),
  question(
    "alertEmails",
    (g) => `Who is emailed when the site is down, comma-separated [${g.ownerEmail ?? "Enter: leave a TODO"}]: `,
    (answer) => judgeEmails([answer]),
  ),
  question("registrar", (g) => `Where ${g.domain} is registered, e.g. Cloudflare Registrar ${TODO}: `, judgeName),
  question("renews", (g) => `When the registration of ${g.domain} must be renewed, YYYY-MM-DD: `, judgeDate, {
    required: true,
    when: (g) => g.registrar !== undefined,
  }),
  question(
    "autoRenew",
    () => "Is auto-renew on at the registrar? [y/N]: ",
    (answer) => (/^(y|yes|n|no)$/i.test(answer) ? { ok: true, value: /^y/i.test(answer) } : { ok: false, problem: "answer y or n" }),
    { when: (g) => g.registrar !== undefined },
  ),
];

/** The command that would run init with what was given, the missing flags shown as what to type. */
function rerunCommand(argv: string[], missing: ReadonlyArray<(typeof REQUIRED)[number]>): string {
  const quoted = argv.map((arg) => (/^[A-Za-z0-9_./:@=,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`));
  return ["npx", KIT_NAME, "init", ...quoted, ...missing.map((required) => `${required.flag} ${required.shown}`)].join(" ");
}

/** What no flag or answer gave is an error naming each flag, `why` nobody was asked, and the command to run. */
function requireFlags(given: Given, argv: string[], why: string, json: boolean): void {
  const missing = REQUIRED.filter((required) => given[required.field] === undefined);
  if (missing.length === 0) return;
  const names = missing.map((required) => required.flag);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  fail(
    2,
    json,
    `${list} ${missing.length === 1 ? "is" : "are"} required (${why}). Run:\n  ${rerunCommand(argv, missing)}\n` +
      "The zone and account IDs are on the zone's Overview page in the Cloudflare dashboard (API section).",
  );
}

/** Asks what the flags left out; false when the input ended first (what is then missing is reported as for flags). */
async function askMissing(given: Given, prompter: Prompter, output: { write(text: string): unknown }): Promise<boolean> {
  for (const asked of QUESTIONS) {
    while (asked.asks(given)) {
      const answer = await prompter.ask(asked.text(given));
      if (answer === undefined) return false;
      if (answer === "") {
        if (asked.required) continue;
        break;
      }
      const problem = asked.take(given, answer);
      if (problem) output.write(`  "${answer}" ${problem}\n`);
    }
  }
  return true;
}

/** The facts to scaffold from: what was given, with the defaults for the rest. */
function factsFrom(given: Given, json: boolean): InitFacts {
  const domain = given.domain!;
  let project = given.project;
  if (project === undefined) {
    const derived = judgeProjectName(projectNameFromDomain(domain));
    project = derived.ok
      ? derived.value
      : fail(2, json, `the project name ${projectNameFromDomain(domain)}, from ${domain}, ${derived.problem}; give --name NAME`);
  }
  if ((given.registrar === undefined) !== (given.renews === undefined)) {
    fail(
      2,
      json,
      given.registrar === undefined
        ? `--renews ${given.renews} needs --registrar NAME: where ${domain} is registered`
        : `--registrar "${given.registrar}" needs --renews YYYY-MM-DD: when the registration of ${domain} must be renewed`,
    );
  }
  return {
    domain,
    zoneId: given.zoneId!,
    accountId: given.accountId!,
    plan: given.plan ?? "free",
    canonical: given.canonical ?? "www",
    project,
    awsRegion: given.awsRegion ?? "us-east-1",
    ...(given.origin ? { origin: given.origin } : {}),
    ...(given.stagingOrigin ? { stagingOrigin: given.stagingOrigin } : {}),
    ...(given.ownerEmail ? { ownerEmail: given.ownerEmail } : {}),
    ...(given.ownerName ? { ownerName: given.ownerName } : {}),
    alertEmails: given.alertEmails ?? [],
    ...(given.dmarcReports ? { dmarcReports: given.dmarcReports } : {}),
    ...(given.logsWhere ? { logsWhere: given.logsWhere } : {}),
    ...(given.registrar && given.renews ? { registrar: { name: given.registrar, renews: given.renews, autoRenew: given.autoRenew ?? false } } : {}),
    securityTxtExpires: addDays(today(), SECURITY_TXT_INIT_DAYS),
  };
}

/** How far ahead init dates security.txt's Expires: eleven months, so the renewal falls before RFC 9116's one-year advice runs out. */
const SECURITY_TXT_INIT_DAYS = 335;

/**
 * Before anything is asked: the directory must be one, and no file may be overwritten without
 * --force. A package.json that is a JSON object is added to, not overwritten (the founder may have
 * run `npm init` or `npm install launch-ready` first), unless one of its scripts would change; one
 * whose scripts or dependencies init cannot add to is refused even with --force.
 */
function refuseOverwrite(dir: string, force: boolean, json: boolean, packageManifest: ExistingManifest | undefined): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) fail(2, json, `--dir ${dir} is a file; give a directory`);
  if (packageManifest?.problem) {
    fail(2, json, `${join(dir, "package.json")}: ${packageManifest.problem}; nothing was written. Correct it (or remove the key), then run init again.`);
  }
  const existing = FILES.filter((file) => existsSync(join(dir, file)));
  const directory = existing.find((file) => statSync(join(dir, file)).isDirectory());
  if (directory) fail(2, json, `${join(dir, directory)} is a directory; nothing was written. Move it away, or give another --dir.`);
  const conflicts = existing.flatMap((file) =>
    file !== "package.json" || !packageManifest ? [file] : packageManifest.clashes.map((clash) => `package.json ${clash}`),
  );
  if (conflicts.length === 0 || force) return;
  fail(
    2,
    json,
    `${conflicts.length} file${conflicts.length === 1 ? "" : "s"} or script${conflicts.length === 1 ? "" : "s"} would be overwritten in ${dir}; nothing was written:\n${conflicts.map((file) => `  ${file}`).join("\n")}\nGive --force to overwrite ${conflicts.length === 1 ? "it" : "them"}, or another --dir.`,
  );
}

function readZoneFile(path: string, io: Io, json: boolean): { text: string; source: string } {
  try {
    return { text: readFileSync(resolve(io.cwd, path), "utf8"), source: basename(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(2, json, `--from-zone ${path} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`}`);
  }
}

/** A zone-import error names the import's --zone-file; here the file is --from-zone. */
function zoneProblem(error: ZoneImportError): string {
  const message = error.message.slice(error.option.length + 2);
  return `${error.option === "--zone-file" ? "--from-zone" : error.option}: ${message}`;
}

/** The stack file as every verb will read it back from disk: the config it was rendered from, validated. */
function readBack(stack: RenderedStack, dir: string): { file: StackFile; config: LaunchReadyConfig } {
  const file = parseStackFileText(stack.text, join(dir, "stacks", `Pulumi.${stack.stack}.yaml`));
  if (!isDeepStrictEqual(file.config, stack.config)) throw new Error(`the ${stack.stack} stack file does not read back as the config init built`);
  const parsed = parseStackConfig(file.config);
  if (!parsed.ok)
    throw new Error(`the ${stack.stack} stack init built does not parse:\n${formatProblems(parsed.problems, `stacks/Pulumi.${stack.stack}.yaml`)}`);
  return { file, config: parsed.config };
}

/** The imported prod stack must plan and keep every record it imported, as import-zone requires, before anything is written. */
async function refuseUnplannedZone(adoption: ZoneAdoption, file: StackFile, project: string, day: string, path: string, json: boolean): Promise<void> {
  let resources: Awaited<ReturnType<typeof planStack>>["resources"];
  try {
    resources = (await planStack(file, { project, on: day })).resources;
  } catch (error) {
    if (!(error instanceof ConfigRefused)) throw error;
    const heading = `The prod stack imported from ${path} does not plan; nothing was written.`;
    fail(
      1,
      json,
      `${heading} ${problemsHeading(error.problems, "the imported config")}`,
      error.problems,
      `${heading}\n${formatProblems(error.problems, "the imported config")}`,
    );
  }
  const gaps = checkCoverage(adoption.imported, resources).gaps;
  if (gaps.length > 0) {
    const lines = gaps.map((gap) => `  ${describeRecord(gap.record)} (${gap.to}): ${gap.problem}`);
    fail(
      1,
      json,
      `${gaps.length} record${gaps.length === 1 ? "" : "s"} of ${path} would not be planned as the zone has them; nothing was written:\n${lines.join("\n")}`,
    );
  }
}

/** HANDOVER.md: a line of its own, then each stack's section exactly as `npm run handover -- --stack <name>` writes it. */
function handoverDocument(facts: InitFacts, stacks: Array<{ stack: string; file: StackFile; config: LaunchReadyConfig }>, dir: string): string {
  let document = `# Handover: ${facts.domain}\n\nWhat the team needs to run ${facts.domain} after launch. Each section below is generated from its stack file; notes of your own go outside the sections.\n`;
  for (const { stack, file, config } of stacks) {
    const zone = resolveZoneGroup(
      { stack, path: file.path, config },
      stacks.filter((other) => other.stack !== stack).map((other) => other.file),
    );
    const body = renderHandoverSection({
      stack,
      stackFile: `stacks/Pulumi.${stack}.yaml`,
      command: `npm run handover -- --stack ${stack}`,
      project: facts.project,
      policyPack: policyPackPath(dir),
      config,
      encryption: file.encryption,
      hasSecureValues: file.secureValues.length > 0,
      ...(zone.ok ? { zone: zone.group } : {}),
    });
    document = withSection(document, stack, body);
  }
  return document;
}

/** What OPS-HANDOVER will say of each stack until a person fills it in: the TODOs, in the bar's words. */
function todos(stacks: Array<{ stack: string; config: LaunchReadyConfig }>, day: string): string[] {
  return stacks.flatMap(({ stack, config }) =>
    opsHandover.checkStack!([], { config, today: day }).flatMap((verdict) =>
      verdict.status === "fail" ? [`stacks/Pulumi.${stack}.yaml: ${verdict.message}`] : [],
    ),
  );
}

function nextSteps(dir: string, io: Io): string[] {
  const into = relative(io.cwd, dir);
  const policyPack = `--policy-pack ${policyPackPath(dir)}`;
  return [
    ...(into ? [`cd ${into}`] : []),
    "npm install",
    "pulumi login",
    "pulumi stack init prod",
    "pulumi stack init staging",
    "pulumi config set --secret cloudflare:apiToken --stack prod",
    "pulumi config set --secret cloudflare:apiToken --stack staging",
    "npm run plan -- --stack prod",
    "npm run plan -- --stack staging",
    "npm run handover -- --stack prod",
    "npm run handover -- --stack staging",
    `pulumi preview --stack prod ${policyPack}`,
    `pulumi up --stack prod ${policyPack}`,
  ];
}

/**
 * Writes every file, or, if one cannot be written, puts the directory back as it was (files this
 * run created removed, files it changed, such as a merged package.json, restored) and ends the verb.
 */
function writeFiles(dir: string, files: Record<ScaffoldFile, string>, json: boolean): void {
  const before: Array<{ path: string; content?: Buffer }> = [];
  try {
    for (const file of FILES) {
      const path = join(dir, file);
      mkdirSync(dirname(path), { recursive: true });
      before.push({ path, ...(existsSync(path) ? { content: readFileSync(path) } : {}) });
      writeFileSync(path, files[file]);
    }
  } catch (error) {
    for (const { path, content } of before.reverse()) {
      if (content === undefined) rmSync(path, { force: true });
      else writeFileSync(path, content);
    }
    fail(1, json, `Writing ${dir} failed (${(error as Error).message}); every file this run created was removed and every file it changed restored.`);
  }
}

export async function init(argv: string[], io: Io): Promise<number> {
  const values = parseCommandLine(argv, USAGE, io, OPTIONS);
  const json = values.json;
  const given = judgeFlags(values, json);
  const dir = resolve(io.cwd, values.dir ?? ".");
  const packagePath = join(dir, "package.json");
  const packageManifest = existsSync(packagePath) && statSync(packagePath).isFile() ? existingManifest(readFileSync(packagePath, "utf8")) : undefined;
  refuseOverwrite(dir, values.force, json, packageManifest);
  const zoneFile = values["from-zone"] === undefined ? undefined : readZoneFile(values["from-zone"], io, json);
  let why = values.yes ? "--yes asks nothing" : "there is no terminal to ask on";
  // Questions go where a person reads them, never into the JSON on stdout (which may be piped on).
  const output = json ? io.stderr : io.stdout;
  if (!values.yes && output.isTTY && io.stdin?.isTTY) {
    const prompter = linePrompter(io.stdin, output);
    try {
      if (!(await askMissing(given, prompter, output))) why = "the input ended before they were answered";
    } finally {
      prompter.close();
    }
  }
  requireFlags(given, argv, why, json);
  const facts = factsFrom(given, json);

  const day = today();
  let adoption: ZoneAdoption | undefined;
  try {
    adoption = zoneFile && adoptZone(zoneFile.text, zoneFile.source, facts, day, facts.ownerEmail ?? placeholder.text("who answers for the wildcard waiver"));
  } catch (error) {
    if (error instanceof ZoneImportError) fail(2, json, zoneProblem(error));
    throw error;
  }
  const prod = renderStack("prod", facts, adoption);
  const staging = renderStack("staging", facts);
  const stacks = [prod, staging].map((stack) => ({ stack: stack.stack, ...readBack(stack, dir) }));
  if (adoption) await refuseUnplannedZone(adoption, stacks[0].file, facts.project, day, values["from-zone"]!, json);

  writeFiles(
    dir,
    {
      "package.json": packageManifest
        ? mergedPackageJson(packageManifest, facts.project, facts.domain, values.force)
        : packageJson(facts.project, facts.domain),
      "Pulumi.yaml": pulumiYaml(facts.project, facts.domain),
      "tsconfig.json": tsconfigJson(),
      "index.ts": indexTs(),
      ".gitignore": gitignore(),
      "stacks/Pulumi.prod.yaml": prod.text,
      "stacks/Pulumi.staging.yaml": staging.text,
      "stacks/schema.json": `${JSON.stringify(stackFileJsonSchema(), null, 2)}\n`,
      ".github/workflows/launch-ready.yml": workflowYaml(),
      ".github/workflows/launch-ready-verify.yml": verifyWorkflowYaml(),
      "HANDOVER.md": handoverDocument(facts, stacks, dir),
      ".env.example": envExampleText(stacks[0].config, "prod", facts.project),
    },
    json,
  );

  const report = { dir, project: facts.project, files: [...FILES], todos: todos(stacks, day), next: nextSteps(dir, io) };
  if (json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const notImported = adoption?.imported.unmapped.filter((entry) => entry.part === undefined).length ?? 0;
  io.stdout.write(
    [
      `Wrote ${FILES.length} files for ${facts.project} (${facts.domain}) in ${dir}:`,
      ...FILES.map((file) => `  ${file}`),
      ...(adoption
        ? [
            `The prod stack's hosts and records come from ${values["from-zone"]}${notImported > 0 ? `; ${notImported} of its records ${notImported === 1 ? "was" : "were"} not imported (listed atop stacks/Pulumi.prod.yaml)` : ""}.`,
          ]
        : []),
      ...(report.todos.length > 0
        ? [
            "",
            "Only you know these; they are placeholders in the stack files, and the plan's OPS-HANDOVER names each until it is replaced:",
            ...report.todos.map((todo) => `  ${todo}`),
          ]
        : []),
      "",
      "Next:",
      ...report.next.map((step) => `  ${step}`),
      "",
    ].join("\n"),
  );
  return 0;
}
