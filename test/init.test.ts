/**
 * `launch-ready init`, in-process in scratch directories: what it writes, that what it writes
 * plans and passes the other verbs' checks there at once, and that it writes nothing when
 * anything is wrong. The plan runs with the new directory as its working directory, so it reads
 * the new Pulumi.yaml (project name) and stacks/ exactly as a founder's `npm run plan` would.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { checkEnv } from "../scripts/commands/check-env";
import { handover } from "../scripts/commands/handover";
import { init } from "../scripts/commands/init";
import { launchReady } from "../scripts/commands/launch-ready";
import { plan } from "../scripts/commands/plan";
import { schema } from "../scripts/commands/schema";
import { runVerb, type Io } from "../scripts/cli/io";
import { ROOT, runInProcess, scratchDir } from "./helpers";

const DOMAIN = "quill-example.com";
const ZONE_ID = "0123456789abcdef0123456789abcdef";
const ACCOUNT_ID = "fedcba9876543210fedcba9876543210";
const REQUIRED = ["--domain", DOMAIN, "--zone-id", ZONE_ID, "--account-id", ACCOUNT_ID];
const PEOPLE = [
  "--logs",
  "fly logs -a quill and fly logs -a quill-staging",
  "--origin",
  "quill.fly.dev",
  "--staging-origin",
  "quill-staging.fly.dev",
  "--owner",
  "ada@quill-mail.net",
  "--owner-name",
  "Ada Lovelace",
  "--alert-email",
  "oncall@quill-mail.net,ada@quill-mail.net",
  "--registrar",
  "Cloudflare Registrar",
  "--renews",
  "2031-03-01",
  "--auto-renew",
];
const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
const SCAFFOLD = [
  ".env.example",
  ".github/workflows/launch-ready-verify.yml",
  ".github/workflows/launch-ready.yml",
  ".gitignore",
  "HANDOVER.md",
  "Pulumi.yaml",
  "index.ts",
  "package.json",
  "stacks/Pulumi.prod.yaml",
  "stacks/Pulumi.staging.yaml",
  "stacks/schema.json",
  "tsconfig.json",
];

function filesIn(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => statSync(join(dir, file)).isFile())
    .map((file) => file.split("\\").join("/"))
    .sort();
}

interface PlanJson {
  stack: string;
  summary: { zone: string };
  resources: Array<{ urn: string; type: string; inputs: Record<string, any> }>;
  bar: Array<{ id: string; status: string; level: string; message: string; configPath?: string }>;
}

async function planIn(dir: string, stack: string): Promise<{ code: number; report: PlanJson }> {
  const result = await runInProcess(plan, ["--stack", stack, "--json"], { cwd: dir });
  expect(result.stderr).toBe("");
  return { code: result.code, report: JSON.parse(result.stdout) };
}

/** A GitHub Actions expression as the workflow writes it. */
const expression = (text: string) => `\${{ ${text} }}`;

const failures = (report: PlanJson) => report.bar.filter((result) => result.status === "fail" && result.level === "mandatory");
const recordNames = (report: PlanJson) => report.resources.filter((r) => r.type === DNS_RECORD).map((r) => String(r.inputs.name));

/** An io with a terminal on both ends, whose answers are `lines`, one a line. */
function terminalIo(dir: string, lines: string[]): { io: Io; output: () => string } {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text), isTTY: true },
    stderr: { write: (text: string) => (stderr += text), isTTY: true },
    env: {},
    cwd: dir,
    stdin: Object.assign(Readable.from(lines.map((line) => `${line}\n`)), { isTTY: true }),
  };
  return { io, output: () => stdout + stderr };
}

describe("init with every flag", () => {
  const dir = scratchDir("launch-ready-init-");
  let initJson: { dir: string; project: string; files: string[]; todos: string[]; next: string[] };
  let prod: { code: number; report: PlanJson };
  let staging: { code: number; report: PlanJson };

  test("writes exactly the scaffold and reports it as JSON", async () => {
    const result = await runInProcess(init, [...REQUIRED, ...PEOPLE, "--yes", "--json"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    initJson = JSON.parse(result.stdout);
    expect(filesIn(dir)).toEqual(SCAFFOLD);
    expect([...initJson.files].sort()).toEqual(SCAFFOLD);
    expect(initJson).toMatchObject({ dir, project: "quill-example", todos: [] });
    expect(initJson.next).toEqual(expect.arrayContaining(["npm install", "pulumi stack init prod", "npm run plan -- --stack prod"]));
    expect(initJson.next.some((step) => step.startsWith("pulumi config set --secret cloudflare:apiToken"))).toBe(true);
  });

  test("package.json depends on this kit's version and Pulumi's, and has the npm scripts the verbs' hints name", () => {
    const kit = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(manifest).toMatchObject({
      name: "quill-example",
      private: true,
      dependencies: { "launch-ready": `^${kit.version}`, "@pulumi/pulumi": kit.dependencies["@pulumi/pulumi"] },
      devDependencies: { typescript: kit.dependencies.typescript ?? kit.devDependencies.typescript, "@types/node": kit.devDependencies["@types/node"] },
    });
    for (const script of ["plan", "handover", "import:zone", "check:env", "scan:secrets", "schema", "verify", "loadtest", "rollback"]) {
      expect(manifest.scripts[script], script).toBe(`launch-ready ${kit.scripts[script].split(" ").pop()}`);
    }
    expect(manifest.scripts.init).toBeUndefined();
    expect(parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8"))).toEqual({
      name: "quill-example",
      description: expect.stringContaining(DOMAIN),
      runtime: { name: "nodejs", options: { typescript: true } },
      main: "index.ts",
      stackConfigDir: "stacks",
    });
    expect(readFileSync(join(dir, "index.ts"), "utf8")).toContain('import { launchReadyProgram } from "launch-ready";\n\nexport = launchReadyProgram;');
    expect(JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8")).compilerOptions).toMatchObject({
      strict: true,
      module: "commonjs",
      skipLibCheck: true,
      types: ["node"],
    });
    expect(readFileSync(join(dir, ".gitignore"), "utf8").split("\n")).toEqual(
      expect.arrayContaining(["node_modules/", ".env", ".env.*", "!.env.example", "*.tgz"]),
    );
  });

  test("both stacks plan in the new project and clear the bar, prod on the domain and staging under staging.<domain>", async () => {
    prod = await planIn(dir, "prod");
    staging = await planIn(dir, "staging");
    for (const { code, report } of [prod, staging]) {
      expect(failures(report)).toEqual([]);
      expect(code).toBe(0);
      for (const record of report.resources.filter((r) => r.type === DNS_RECORD)) expect(record.inputs.zoneId).toBe(ZONE_ID);
      // The scheduled verify init writes is the one the plan looks for.
      expect(report.bar.find((r) => r.id === "OPS-DRIFT")?.status).toBe("pass");
    }
    expect(prod.report.resources[0].urn).toBe("urn:pulumi:prod::quill-example::pulumi:pulumi:Stack::quill-example-prod");
    expect(recordNames(prod.report)).toEqual(expect.arrayContaining([DOMAIN, `www.${DOMAIN}`, `_dmarc.${DOMAIN}`]));
    // One zone for both: no staging record may sit at a name prod declares (apex, www, mail).
    const stagingNames = recordNames(staging.report);
    expect(stagingNames).toEqual(expect.arrayContaining([`staging.${DOMAIN}`, `_dmarc.staging.${DOMAIN}`]));
    for (const name of stagingNames) expect(name.endsWith(`.staging.${DOMAIN}`) || name === `staging.${DOMAIN}`, name).toBe(true);
    expect(stagingNames.filter((name) => recordNames(prod.report).includes(name))).toEqual([]);
    const wwwRecord = prod.report.resources.find((r) => r.type === DNS_RECORD && r.inputs.name === `www.${DOMAIN}`);
    expect(wwwRecord?.inputs).toMatchObject({ type: "CNAME", content: "quill.fly.dev", proxied: true });
  });

  test("the people flags are where the handover and the monitors read them, and nothing names example.com", () => {
    const stackText = readFileSync(join(dir, "stacks", "Pulumi.prod.yaml"), "utf8");
    expect(stackText.startsWith("# yaml-language-server: $schema=./schema.json\n")).toBe(true);
    expect(stackText).not.toMatch(/(?<![\w-])example\.(com|org|net)/);
    const subscriptions = prod.report.resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription").map((r) => r.inputs.endpoint);
    expect(subscriptions.sort()).toEqual(["ada@quill-mail.net", "oncall@quill-mail.net"]);
    const config = parse(stackText).config;
    expect(JSON.stringify(config)).not.toMatch(/TODO|\.invalid/);
    expect(config["launch-ready:handover"].registrar).toEqual({
      name: "Cloudflare Registrar",
      owner: "ada@quill-mail.net",
      renews: "2031-03-01",
      autoRenew: true,
    });
    expect(config["launch-ready:handover"].contacts[0]).toMatchObject({ name: "Ada Lovelace", email: "ada@quill-mail.net" });
  });

  test("handover --check, check-env and schema --check pass in the new project as written", async () => {
    for (const stack of ["prod", "staging"]) {
      const checked = await runInProcess(handover, ["--stack", stack, "--check"], { cwd: dir });
      expect(checked.stderr).toBe("");
      expect(checked.code).toBe(0);
    }
    const example = join(scratchDir(), ".env.example");
    expect((await runInProcess(checkEnv, ["--stack", "prod", "--write-example", example], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, ".env.example"), "utf8")).toBe(readFileSync(example, "utf8"));
    expect((await runInProcess(schema, ["--check"], { cwd: dir })).code).toBe(0);
    // The founder's repository has no policies/ of its own: every command names the installed pack.
    const document = readFileSync(join(dir, "HANDOVER.md"), "utf8");
    expect(document).toContain("--policy-pack node_modules/launch-ready/policies`");
    expect(document).not.toMatch(/--policy-pack policies\b/);
  });

  test("the workflow parses, and its stack matrix is every stack file, production last", () => {
    const text = readFileSync(join(dir, ".github", "workflows", "launch-ready.yml"), "utf8");
    const workflow = parse(text, { uniqueKeys: true });
    expect(text).not.toMatch(/[&*]a\d/);
    const fromStacks = expression("fromJSON(needs.stacks.outputs.stacks)");
    expect(workflow.jobs.plan.strategy.matrix.stack).toBe(fromStacks);
    expect(workflow.jobs.deploy.strategy.matrix.stack).toBe(expression("fromJSON(needs.stacks.outputs.deploy)"));
    expect(workflow.jobs.plan.needs).toBe("stacks");
    const planRuns = workflow.jobs.plan.steps.map((step: { run?: string }) => step.run).filter(Boolean);
    expect(planRuns).toEqual([
      "npm ci",
      `npx launch-ready plan --stack ${expression("matrix.stack")} --markdown >> "$GITHUB_STEP_SUMMARY"`,
      `npx launch-ready handover --stack ${expression("matrix.stack")} --check`,
    ]);
    // The history is scanned once per change, in full, not once per stack.
    expect(workflow.jobs.scan.steps.map((step: { run?: string }) => step.run).filter(Boolean)).toEqual(["npm ci", "npx launch-ready scan-secrets"]);
    expect(workflow.jobs.scan.steps[0].with["fetch-depth"]).toBe(0);
    expect(workflow.jobs.deploy.needs).toContain("scan");
    const deploy = workflow.jobs.deploy;
    expect(deploy.if).toContain("refs/heads/main");
    expect(deploy.strategy["max-parallel"]).toBe(1);
    expect(deploy.environment).toContain("'production'");
    const pulumi = deploy.steps.filter((step: { uses?: string }) => step.uses?.startsWith("pulumi/actions"));
    expect(pulumi.map((step: { with: Record<string, string> }) => [step.with.command, step.with.policyPacks])).toEqual([
      ["preview", "node_modules/launch-ready/policies"],
      ["up", "node_modules/launch-ready/policies"],
    ]);

    const list = workflow.jobs.stacks.steps.find((step: { id?: string }) => step.id === "list").run;
    // Each stack file owning its zone, or living in the zone of the stack its zone.owner names.
    const matrix = (zones: Record<string, string>, owners: Record<string, string> = {}, texts: Record<string, string> = {}) => {
      const project = scratchDir();
      mkdirSync(join(project, "stacks"));
      for (const [stack, zone] of Object.entries(zones)) {
        const owner = owners[stack] ? `    owner: ${owners[stack]}\n` : "";
        // A handover owner after the zone must not read as the zone's.
        const handover = "  launch-ready:handover:\n    registrar:\n      owner: founder@x.example\n";
        const text = texts[stack] ?? `config:\n  launch-ready:zone:\n    domain: x.example\n    zoneId: ${zone}\n${owner}${handover}`;
        writeFileSync(join(project, "stacks", `Pulumi.${stack}.yaml`), text);
      }
      const output = join(project, "github-output");
      execFileSync("bash", ["-eo", "pipefail", "-c", list], { cwd: project, env: { ...process.env, GITHUB_OUTPUT: output } });
      const lines = Object.fromEntries(
        readFileSync(output, "utf8")
          .trim()
          .split("\n")
          .map((line) => [line.split("=")[0], JSON.parse(line.slice(line.indexOf("=") + 1))]),
      );
      return { plan: lines.stacks, deploy: lines.deploy };
    };
    const zone = (digit: string) => digit.repeat(32);
    expect(matrix({ prod: zone("1"), staging: zone("2") })).toEqual({ plan: ["staging", "prod"], deploy: ["staging", "prod"] });
    expect(matrix({ prod: zone("1"), staging: zone("2"), dev: zone("3") })).toEqual({ plan: ["dev", "staging", "prod"], deploy: ["dev", "staging", "prod"] });
    // As init writes them, staging lives in prod's zone: deployed after prod, whose rulesets carry its edge rules.
    expect(matrix({ prod: zone("1"), staging: zone("1"), dev: zone("3") }, { staging: "prod" })).toEqual({
      plan: ["dev", "staging", "prod"],
      deploy: ["dev", "prod", "staging"],
    });
    // The same in flow style, and with a quoted key: YAML a person may write.
    const flow = `config:\n  launch-ready:zone: { domain: s.x.example, zoneId: ${zone("1")}, owner: prod }\n`;
    const quoted = `config:\n  launch-ready:zone:\n    domain: q.x.example\n    "owner": "prod"\n`;
    expect(matrix({ prod: zone("1"), staging: zone("1"), qa: zone("1") }, {}, { staging: flow, qa: quoted })).toEqual({
      plan: ["qa", "staging", "prod"],
      deploy: ["prod", "qa", "staging"],
    });
  });
});

describe("init --yes with only the required flags", () => {
  const dir = scratchDir("launch-ready-init-");

  test("leaves what only a person knows as placeholders, which OPS-HANDOVER names and nothing else fails", async () => {
    const result = await runInProcess(init, [...REQUIRED, "--yes", "--json"], { cwd: dir });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    for (const stack of ["prod", "staging"]) {
      const text = readFileSync(join(dir, "stacks", `Pulumi.${stack}.yaml`), "utf8");
      // Nothing invented: no example addresses, only marked stand-ins.
      expect(text).not.toMatch(/(?<![\w-])example\.(com|org|net)/);
      const { code, report: planned } = await planIn(dir, stack);
      expect(code).toBe(1);
      const failing = failures(planned);
      expect([...new Set(failing.map((result) => result.id))]).toEqual(["OPS-HANDOVER"]);
      const paths = failing.map((result) => result.configPath);
      expect(paths).toEqual(
        expect.arrayContaining([
          "launch-ready:handover.contacts[0].name",
          "launch-ready:handover.contacts[0].email",
          "launch-ready:handover.access[0].owner",
          "launch-ready:monitoring.alerts.emails[0]",
          "launch-ready:email.dmarc.rua[0]",
          "launch-ready:hosts[0].target",
        ]),
      );
      // The domain's registrar is prod's to name: staging lives in prod's zone.
      expect(paths.includes("launch-ready:handover.registrar")).toBe(stack === "prod");
      expect(failing.find((result) => result.configPath === "launch-ready:handover.contacts[0].name")?.message).toContain('"TODO: your name"');
      // What init lists as TODOs is what the bar will say, word for word.
      expect(report.todos.filter((todo: string) => todo.startsWith(`stacks/Pulumi.${stack}.yaml: `))).toEqual(
        failing.map((result) => `stacks/Pulumi.${stack}.yaml: ${result.message}`),
      );
    }
    expect((await runInProcess(handover, ["--stack", "prod", "--check"], { cwd: dir })).code).toBe(0);
  });
});

test("each people fact stands alone: a name without an email keeps the name, and only the email is a TODO", async () => {
  const dir = scratchDir("launch-ready-init-");
  expect((await runInProcess(init, [...REQUIRED, "--owner-name", "Ada Lovelace", "--yes"], { cwd: dir })).code).toBe(0);
  const contact = parse(readFileSync(join(dir, "stacks", "Pulumi.prod.yaml"), "utf8")).config["launch-ready:handover"].contacts[0];
  expect(contact).toEqual({ role: "Founder and account owner", name: "Ada Lovelace", email: "todo-founder@todo.invalid" });
});

describe("init refuses", () => {
  test("to overwrite: nothing is written and every existing file is named; --force overwrites", async () => {
    const dir = scratchDir("launch-ready-init-");
    mkdirSync(join(dir, "stacks"));
    writeFileSync(join(dir, "package.json"), "mine\n");
    writeFileSync(join(dir, "stacks", "Pulumi.prod.yaml"), "config: {}\n");
    const refused = await runInProcess(init, [...REQUIRED, "--yes"], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("  package.json\n");
    expect(refused.stderr).toContain("  stacks/Pulumi.prod.yaml\n");
    expect(refused.stderr).toContain("--force");
    expect(filesIn(dir)).toEqual(["package.json", "stacks/Pulumi.prod.yaml"]);
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe("mine\n");

    const forced = await runInProcess(init, [...REQUIRED, "--yes", "--force"], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(filesIn(dir)).toEqual(SCAFFOLD);
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name).toBe("quill-example");
  });

  test("to change a script of an existing package.json, which it otherwise adds to: after npm install, init keeps what is there", async () => {
    const dir = scratchDir("launch-ready-init-");
    const installed = { name: "quill", version: "1.0.0", scripts: { dev: "next dev" }, dependencies: { "launch-ready": "file:../launch-ready-0.1.0.tgz" } };
    writeFileSync(join(dir, "package.json"), `${JSON.stringify(installed, null, 2)}\n`);
    expect((await runInProcess(init, [...REQUIRED, "--yes"], { cwd: dir })).code).toBe(0);
    const merged = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(merged.name).toBe("quill");
    expect(merged.dependencies["launch-ready"]).toBe("file:../launch-ready-0.1.0.tgz");
    expect(merged.dependencies["@pulumi/pulumi"]).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"]);
    expect(merged.scripts).toMatchObject({ dev: "next dev", plan: "launch-ready plan", "import:zone": "launch-ready import-zone" });
    expect(filesIn(dir)).toEqual(SCAFFOLD);

    const clashing = scratchDir("launch-ready-init-");
    writeFileSync(join(clashing, "package.json"), `${JSON.stringify({ name: "quill", scripts: { plan: "make plan" } })}\n`);
    const refused = await runInProcess(init, [...REQUIRED, "--yes"], { cwd: clashing });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('  package.json scripts.plan: "make plan" (init\'s: "launch-ready plan")\n');
    expect(filesIn(clashing)).toEqual(["package.json"]);
    expect((await runInProcess(init, [...REQUIRED, "--yes", "--force"], { cwd: clashing })).code).toBe(0);
    expect(JSON.parse(readFileSync(join(clashing, "package.json"), "utf8")).scripts.plan).toBe("launch-ready plan");
  });

  test("to add to a package.json whose scripts or dependencies are not objects, even with --force: nothing is written", async () => {
    const wrong: Array<[Record<string, unknown>, string]> = [
      [{ name: "quill", scripts: "node build.js" }, '"scripts" is text, where npm reads an object of script names to commands'],
      [{ name: "quill", dependencies: ["left-pad"] }, '"dependencies" is a list, where npm reads an object of package names to versions'],
      [{ name: "quill", devDependencies: null }, '"devDependencies" is null, where npm reads an object of package names to versions'],
    ];
    for (const [manifest, problem] of wrong) {
      const dir = scratchDir("launch-ready-init-");
      const text = `${JSON.stringify(manifest)}\n`;
      writeFileSync(join(dir, "package.json"), text);
      const refused = await runInProcess(init, [...REQUIRED, "--yes", "--force", "--json"], { cwd: dir });
      expect(refused.code, problem).toBe(2);
      expect(JSON.parse(refused.stderr).error).toBe(
        `${join(dir, "package.json")}: ${problem}; nothing was written. Correct it (or remove the key), then run init again.`,
      );
      expect(filesIn(dir)).toEqual(["package.json"]);
      expect(readFileSync(join(dir, "package.json"), "utf8")).toBe(text);
    }
  });

  test("to leave a half-written repository: a write that fails puts back every file it created or changed", async () => {
    const dir = scratchDir("launch-ready-init-");
    const manifest = `${JSON.stringify({ name: "quill", scripts: { dev: "next dev" } }, null, 2)}\n`;
    writeFileSync(join(dir, "package.json"), manifest);
    // A file where the workflow's directory must go: writing it fails after package.json was merged.
    writeFileSync(join(dir, ".github"), "not a directory\n");
    const result = await runInProcess(init, [...REQUIRED, "--yes"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("every file this run created was removed and every file it changed restored");
    expect(filesIn(dir)).toEqual([".github", "package.json"]);
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe(manifest);
  });

  test("without a terminal, to guess the required flags: exit 2 naming each, with the command to run", async () => {
    const dir = scratchDir("launch-ready-init-");
    const result = await runInProcess(init, ["--domain", DOMAIN], { cwd: dir, tty: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--zone-id and --account-id are required (there is no terminal to ask on)");
    expect(result.stderr).toContain(`npx launch-ready init --domain ${DOMAIN} --zone-id ZONE_ID --account-id ACCOUNT_ID`);
    const yes = await runInProcess(init, ["--yes"], { cwd: dir });
    expect(yes.stderr).toContain("--domain, --zone-id and --account-id are required (--yes asks nothing)");
    expect(filesIn(dir)).toEqual([]);
  });

  test.each([
    [["--zone-id", "not-an-id"], '--zone-id "not-an-id" must be the 32-character hex ID'],
    [["--account-id", ACCOUNT_ID.slice(1)], `--account-id "${ACCOUNT_ID.slice(1)}" must be the 32-character hex ID`],
    [["--plan", "gold"], '--plan "gold" must be one of free, pro, business, enterprise'],
    [["--domain", "localhost"], '--domain "localhost" is a single label'],
    [["--canonical", "root"], '--canonical "root" must be one of apex, www'],
    [["--origin", "10.0.0.5"], "private or reserved address"],
    [["--owner", "ada"], '--owner "ada" is not an email address'],
    [["--name", "launch-ready"], "is the kit's own name"],
    [["--registrar", "Namecheap"], '--registrar "Namecheap" needs --renews YYYY-MM-DD'],
    [["--renews", "2031-02-30", "--registrar", "Namecheap"], '--renews "2031-02-30" must be a date written YYYY-MM-DD'],
  ])("bad input %j: exit 2 saying what to give, nothing written", async (bad, message) => {
    const dir = scratchDir("launch-ready-init-");
    const flags = [...REQUIRED];
    for (let i = 0; i < bad.length; i += 2) {
      const at = flags.indexOf(bad[i]);
      if (at >= 0) flags.splice(at, 2);
      flags.push(bad[i], bad[i + 1]);
    }
    const result = await runInProcess(init, [...flags, "--yes"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(filesIn(dir)).toEqual([]);
  });
});

describe("init on a terminal", () => {
  test("asks for what the flags leave out, asks again after a refused answer, and writes the answers", async () => {
    const dir = scratchDir("launch-ready-init-");
    const answers = [
      DOMAIN,
      "0123", // refused: asked again
      ZONE_ID,
      ACCOUNT_ID,
      "", // plan: the default
      "203.0.114.10",
      "", // staging origin: a TODO
      "ada@quill-mail.net",
      "Ada Lovelace",
      "", // alerts: the owner
      "Namecheap",
      "2031-03-01",
      "n",
    ];
    const { io, output } = terminalIo(dir, answers);
    const code = await runVerb(init, [], io, "init failed", 1);
    expect(output()).toContain(`Zone ID of ${DOMAIN}`);
    expect(output()).toContain('"0123" must be the 32-character hex ID');
    expect(code).toBe(0);
    const config = parse(readFileSync(join(dir, "stacks", "Pulumi.prod.yaml"), "utf8")).config;
    expect(config["launch-ready:zone"]).toEqual({ domain: DOMAIN, zoneId: ZONE_ID, accountId: ACCOUNT_ID, plan: "free" });
    expect(config["launch-ready:hosts"][0]).toEqual({ name: "@", target: "203.0.114.10", purpose: "web" });
    expect(config["launch-ready:monitoring"].alerts.emails).toEqual(["ada@quill-mail.net"]);
    expect(config["launch-ready:handover"].registrar).toEqual({ name: "Namecheap", owner: "ada@quill-mail.net", renews: "2031-03-01", autoRenew: false });
    const staging = parse(readFileSync(join(dir, "stacks", "Pulumi.staging.yaml"), "utf8")).config;
    expect(staging["launch-ready:hosts"][0].target).toBe("todo-staging-origin.invalid");
  });

  test("an input that ends before the required answers is exit 2 naming the flags, nothing written", async () => {
    const dir = scratchDir("launch-ready-init-");
    const { io, output } = terminalIo(dir, [DOMAIN]);
    expect(await runVerb(init, [], io, "init failed", 1)).toBe(2);
    expect(output()).toContain("--zone-id and --account-id are required (the input ended before they were answered)");
    expect(filesIn(dir)).toEqual([]);
  });

  test("--yes asks nothing, even on a terminal", async () => {
    const dir = scratchDir("launch-ready-init-");
    const { io, output } = terminalIo(dir, ["never read"]);
    expect(await runVerb(init, [...REQUIRED, "--yes"], io, "init failed", 1)).toBe(0);
    expect(output()).not.toContain("Domain of the product");
    expect(output()).not.toContain("Your email");
  });
});

describe("init --from-zone", () => {
  const zone = join(__dirname, "fixtures", "example-zone.txt");

  test("takes prod's hosts and records from the export, keeps staging generated, and the prod stack plans", async () => {
    const dir = scratchDir("launch-ready-init-");
    const args = ["--domain", "example.org", "--zone-id", ZONE_ID, "--account-id", ACCOUNT_ID, "--from-zone", zone, "--owner", "ada@quill-mail.net", "--yes"];
    const result = await runInProcess(init, args, { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("1 of its records was not imported");
    const { report } = await planIn(dir, "prod");
    expect(report.summary.zone).toBe("example.org");
    expect(recordNames(report)).toEqual(
      expect.arrayContaining(["status.example.org", "_sip._tls.example.org", "google._domainkey.example.org", "api.example.org"]),
    );
    const mx = report.resources.find((r) => r.type === DNS_RECORD && r.inputs.type === "MX");
    expect(mx?.inputs).toMatchObject({ name: "example.org", content: "smtp.google.com" });
    const staging = parse(readFileSync(join(dir, "stacks", "Pulumi.staging.yaml"), "utf8")).config;
    expect(staging["launch-ready:zone"].domain).toBe("staging.example.org");
    // Its one host is its domain: Universal SSL has no certificate for www.staging.example.org.
    expect(staging["launch-ready:hosts"].map((host: { name: string }) => host.name)).toEqual(["@"]);
    expect(staging["launch-ready:zone"].owner).toBe("prod");
    expect(staging["launch-ready:tls"]).toBeUndefined();
  });

  test("refuses the export of another domain, naming the fix, with nothing written", async () => {
    const dir = scratchDir("launch-ready-init-");
    const result = await runInProcess(init, [...REQUIRED, "--from-zone", zone, "--yes"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("give --domain example.org");
    expect(filesIn(dir)).toEqual([]);
  });
});

test("--help prints the usage, and init is the first command launch-ready lists", async () => {
  const help = await runInProcess(init, ["--help"], { cwd: scratchDir() });
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("Usage: npx launch-ready init --domain DOMAIN --zone-id ID --account-id ID");
  expect(help.stdout).toContain("--from-zone FILE");
  const commands = await runInProcess(launchReady, ["--help"], { cwd: scratchDir() });
  expect(commands.stdout.split("\n").find((line) => line.startsWith("  "))).toMatch(/^ {2}init /);
});
