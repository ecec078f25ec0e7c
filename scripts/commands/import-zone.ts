/**
 * `npm run import:zone -- --zone-file F --domain D --stack NAME --out DIR --zone-id Z --account-id A [...]`
 *
 * Turns a BIND zone file (Cloudflare's or a registrar's export) into DIR/Pulumi.NAME.yaml, a stack
 * file that plans, and with --record-ids into DIR/import.json, so `pulumi import` adopts the live
 * records before the first `pulumi up`. Every record is declared, skipped (SOA, apex NS) or listed
 * as not imported with the reason. The stack is planned offline and every imported record checked
 * among the planned records before anything is written; the files are then written all or nothing.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import Table from "cli-table3";
import { Document, isMap, isSeq, type Node } from "yaml";
import { today, type BarResult } from "../policies/bar";
import { CLOUDFLARE_PLANS } from "../domain/cloudflare/zone-plans";
import { ENVIRONMENTS, HEX32 } from "../stacks/config-schema";
import { toAsciiZoneName } from "../domain/hostnames";
import { recordValueText } from "../stacks/records-config";
import { cloudflareTokenPermissions, type TokenPermission } from "../stacks/access";
import { formatProblems, parseStackConfig, problemsHeading } from "../stacks/stack-config";
import { readStackFile, STACKS_DIR, type StackFile } from "../stacks/stack-file";
import { COMMON_OPTIONS, exitWithError, parseCommandLine, requireStackName } from "./cli/args";
import { ConfigRefused, planStack } from "./plan/plan-stack";
import type { PlanReport } from "./plan/plan-report";
import {
  buildImportPlan,
  checkCoverage,
  checkRecordListMatches,
  checkRecordListZone,
  readRecordIds,
  type CloudflareRecord,
  type Coverage,
  type ImportPlan,
  type PlannedResource,
} from "./zone-import/zone-coverage";
import { describeRecord, importZone, readZone, ZoneImportError, type ImportOptions, type ZoneImport, type ZoneRecord } from "./zone-import/zone-import";

const USAGE = `Usage: npm run import:zone -- --zone-file FILE --domain DOMAIN --stack NAME --out DIR
                              --zone-id ID --account-id ID [options]

  --zone-file FILE    the zone as a BIND file (Cloudflare: DNS > Records > Import and Export > Export)
  --domain DOMAIN     the zone's domain, e.g. example.com; must match the file's $ORIGIN and SOA
  --stack NAME        writes DIR/Pulumi.NAME.yaml
  --out DIR           where to write; stacks/ is where Pulumi.yaml reads stack files from
  --zone-id ID        the zone's 32-character ID (zone Overview page, API section)
  --account-id ID     the account's 32-character ID (same page)
  --plan PLAN         the zone's Cloudflare plan: ${CLOUDFLARE_PLANS.join(" | ")} (default free)
  --environment ENV   ${ENVIRONMENTS.join(" | ")} (default production)
  --canonical HOST    apex | www: the host the other redirects to (default www)
  --owner WHO         who answers for the DNS-SUBDOMAINS waiver a wildcard record needs (required then)
  --record-ids FILE   Cloudflare's "List DNS Records" answer for the zone, to write DIR/import.json:
                        curl -sS -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\
                          "https://api.cloudflare.com/client/v4/zones/ZONE_ID/dns_records?per_page=5000000" > records.json
  --force             overwrite DIR/Pulumi.NAME.yaml and DIR/import.json if they exist; without
                        --record-ids, remove an earlier DIR/import.json (it would not match the new stack)
  --json              print only a JSON report on stdout
  --help              show this help

A BIND export holds no record IDs, and \`pulumi import\` needs one per record (<zone_id>/<record_id>).
Without --record-ids only the stack file is written, with the command that fetches the IDs; no
import.json with made-up IDs is ever written. With it, import.json adopts each planned record
Cloudflare has, and the report lists those \`pulumi up\` would create.

The stack is planned offline before anything is written; what it still lacks to clear the minimum
bar (contacts, monitors, env, endpoints) is listed as next steps, not filled in with guesses.
Exit: 0 written, 1 the import could not keep a record or the files could not be written (nothing
written), 2 bad input or usage (nothing written).`;

/** The command line: what the import itself takes, and where its input and output are. */
interface Args extends Omit<ImportOptions, "today" | "source"> {
  zoneFile: string;
  stack: string;
  out: string;
  recordIds?: string;
  force: boolean;
  json: boolean;
}

function parseOptions(argv: string[]): Args {
  const text = { type: "string" } as const;
  const values = parseCommandLine(argv, USAGE, () =>
    parseArgs({
      args: argv,
      options: {
        ...COMMON_OPTIONS,
        "zone-file": text, domain: text, stack: text, out: text, "zone-id": text, "account-id": text,
        plan: text, environment: text, canonical: text, owner: text, "record-ids": text,
        force: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values,
  );
  const json = values.json;
  const bad = (message: string): never => exitWithError(2, json, message);
  for (const option of ["zone-file", "domain", "stack", "out", "zone-id", "account-id"] as const) {
    if (!values[option]) bad(`--${option} is required.\n\n${USAGE}`);
  }
  const domain = toAsciiZoneName(values.domain!);
  if (!domain.ok) return bad(`--domain "${values.domain}" ${domain.problem}`);
  requireStackName(values.stack!, json);
  for (const option of ["zone-id", "account-id"] as const) {
    if (!HEX32.test(values[option]!.toLowerCase())) bad(`--${option} "${values[option]}" must be the 32-character hex ID from the zone's Overview page in the Cloudflare dashboard (API section)`);
  }
  const oneOf = <T extends string>(option: string, value: string | undefined, allowed: readonly T[], fallback: T): T =>
    value === undefined ? fallback : allowed.includes(value as T) ? (value as T) : bad(`--${option} "${value}" must be one of ${allowed.join(", ")}`);
  if (values.owner !== undefined && values.owner.trim().length < 2) bad(`--owner "${values.owner}" must name who answers for the waiver, e.g. --owner cto@${domain.value}`);
  return {
    zoneFile: values["zone-file"]!,
    domain: domain.value,
    stack: values.stack!,
    out: resolve(values.out!),
    zoneId: values["zone-id"]!.toLowerCase(),
    accountId: values["account-id"]!.toLowerCase(),
    plan: oneOf("plan", values.plan, CLOUDFLARE_PLANS, "free"),
    environment: oneOf("environment", values.environment, ENVIRONMENTS, "production"),
    canonical: oneOf("canonical", values.canonical, ["apex", "www"] as const, "www"),
    ...(values.owner ? { owner: values.owner.trim() } : {}),
    ...(values["record-ids"] ? { recordIds: values["record-ids"] } : {}),
    force: values.force,
    json,
  };
}

function readInput(path: string, option: string, json: boolean): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    exitWithError(2, json, `${option} ${path} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`}`);
  }
}

function readLiveRecords(path: string, json: boolean): CloudflareRecord[] {
  let body: unknown;
  try {
    body = JSON.parse(readInput(path, "--record-ids", json));
  } catch (error) {
    exitWithError(2, json, `--record-ids ${path} is not JSON (${(error as Error).message}); save the API's answer as it comes, e.g. curl ... > records.json`);
  }
  return readRecordIds(body);
}

/** What fetches the zone's record list, for the steps and for a refused --record-ids. */
function fetchRecordsCommand(args: Args, path: string): string {
  return `curl -sS -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" "https://api.cloudflare.com/client/v4/zones/${args.zoneId}/dns_records?per_page=5000000" > ${path}`;
}

/** A refused --record-ids: exit 2 with the command that fetches the right list. */
function refuseRecordList(args: Args, error: unknown): never {
  if (!(error instanceof ZoneImportError)) throw error;
  exitWithError(2, args.json, `${error.message}. Nothing was written; fetch the record list of ${args.domain} (zone ID ${args.zoneId}) with:\n  ${fetchRecordsCommand(args, args.recordIds!)}`);
}

// ---------------------------------------------------------------------------------------------
// The stack file as written: the config with its provenance on top.

function headerComment(args: Args, imported: ZoneImport, day: string, schema: string): string {
  const lines = [
    ` yaml-language-server: $schema=${schema}`,
    ` Stack ${args.stack} (${args.environment}) for ${args.domain}, imported by \`npm run import:zone\` from ${basename(args.zoneFile)} on ${day}.`,
    " The live zone's records are declared below; `npm run plan -- --config <this file>` shows what the stack still",
    " needs to clear the minimum bar. Hosts' purposes are guessed from their names: check them.",
  ];
  const whole = imported.unmapped.filter((entry) => entry.part === undefined);
  const parts = imported.unmapped.filter((entry) => entry.part !== undefined);
  if (whole.length > 0) lines.push(" Not imported (left in Cloudflare as they are):", ...whole.map((entry) => `   ${describeRecord(entry.record)}: ${entry.reason}`));
  if (parts.length > 0) lines.push(" Imported without these parts:", ...parts.map((entry) => `   ${entry.record.name} ${entry.record.type} ${entry.part}: ${entry.reason}`));
  return lines.join("\n");
}

const KEY_COMMENTS: Record<string, string> = {
  "launch-ready:hosts": " From the zone's A, AAAA and CNAME records; proxied as the export's cf_tags say.",
  "launch-ready:email": " From the zone's MX, SPF, DKIM and DMARC records; the kit writes their text from these.",
  "launch-ready:records": " The zone's other records, each declared on purpose (DNS-SUBDOMAINS).",
  "launch-ready:waivers": " The zone's wildcard is kept under a dated waiver: replace it with named subdomains (DNS-SUBDOMAINS).",
};

/** Short list items on one line, as the example stacks write hosts; long ones (DKIM keys) in block style. */
function flowShortItems(node: Node | null | undefined): void {
  if (!isSeq(node)) return;
  for (const item of node.items) if (isMap(item) && JSON.stringify(item.toJSON()).length <= 110) item.flow = true;
}

function renderStackFile(args: Args, imported: ZoneImport, day: string): string {
  const document = new Document({ config: imported.config });
  const schema = relative(args.out, join(STACKS_DIR, "schema.json")).split("\\").join("/");
  document.commentBefore = headerComment(args, imported, day, schema.startsWith(".") ? schema : `./${schema}`);
  const config = document.get("config", true);
  if (isMap(config)) {
    for (const pair of config.items) {
      const key = String((pair.key as { value?: unknown }).value);
      if (KEY_COMMENTS[key]) (pair.key as Node).commentBefore = KEY_COMMENTS[key];
      if (key !== "launch-ready:email") flowShortItems(pair.value as Node);
    }
  }
  for (const added of imported.added) {
    const [, key, index] = /^(launch-ready:[a-z]+)\[(\d+)\]$/.exec(added.to) ?? [];
    const item = key ? document.getIn(["config", key, Number(index)], true) : undefined;
    if (item) (item as Node).commentBefore = ` Not in the zone file: ${added.why}.`;
  }
  return document.toString({ lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------
// Writing: every file or none.

function outputPaths(args: Args): { stackFile: string; importFile: string } {
  return { stackFile: join(args.out, `Pulumi.${args.stack}.yaml`), importFile: join(args.out, "import.json") };
}

/**
 * Refuses, before anything is read or planned, to replace what is there without --force. Without
 * --record-ids no import.json is written, so one from an earlier run would sit beside a stack it
 * does not match: it blocks too, and --force removes it.
 */
function refuseOverwrite(args: Args, stackPath: string, importPath: string): void {
  if (existsSync(args.out) && !statSync(args.out).isDirectory()) exitWithError(2, args.json, `--out ${args.out} is a file; give a directory`);
  const existing = [stackPath, importPath].filter((path) => existsSync(path));
  const directory = existing.find((path) => statSync(path).isDirectory());
  if (directory) exitWithError(2, args.json, `${directory} is a directory; nothing was written. Move it away, or give another --out / --stack.`);
  if (existing.length === 0 || args.force) return;
  const stale = args.recordIds === undefined && existing.includes(importPath);
  exitWithError(
    2,
    args.json,
    `${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}; nothing was written. Give --force to overwrite${stale ? ` (without --record-ids, --force removes ${importPath}: written by an earlier run, it would not match the new stack; give --record-ids to write a new one)` : ""}, or another --out / --stack.`,
  );
}

const sidePath = (path: string, kind: "tmp" | "bak") => join(dirname(path), `.${basename(path)}.${process.pid}.${kind}`);

/**
 * Writes every file under a temporary name and reads the stack file back as the plan would; then
 * moves what the targets hold aside, renames the new files in and drops what was moved aside.
 * Any failure puts the targets back as they were: the files are written all or none. Returns the
 * paths of `remove` that existed and are gone.
 */
function writeAll(
  files: Array<{ path: string; text: string }>,
  remove: string[],
  expectedConfig: Record<string, unknown>,
  { json, createdDirectory }: { json: boolean; createdDirectory?: string },
): string[] {
  const temporary = files.map((file) => ({ ...file, temp: sidePath(file.path, "tmp") }));
  const movedAside: string[] = [];
  const renamedIn: string[] = [];
  try {
    for (const file of temporary) writeFileSync(file.temp, file.text);
    const readBack = readStackFile(temporary[0].temp);
    if (!isDeepStrictEqual(readBack.config, expectedConfig)) throw new Error(`${files[0].path} did not read back as the config that was planned`);
    for (const path of [...files.map((file) => file.path), ...remove]) {
      if (!existsSync(path)) continue;
      renameSync(path, sidePath(path, "bak"));
      movedAside.push(path);
    }
    for (const file of temporary) {
      renameSync(file.temp, file.path);
      renamedIn.push(file.path);
    }
  } catch (error) {
    const stuck = undoWrite(temporary.map((file) => file.temp), renamedIn, movedAside);
    if (createdDirectory) removeEmptyDirectories(dirname(files[0].path), createdDirectory);
    const cause = (error as Error).message;
    if (stuck.length === 0) exitWithError(1, json, `Nothing was written: ${cause}; ${dirname(files[0].path)} is as it was.`);
    exitWithError(1, json, `Writing failed (${cause}), and putting the earlier files back failed too:\n${stuck.map((line) => `  ${line}`).join("\n")}`);
  }
  for (const path of movedAside) {
    try {
      rmSync(sidePath(path, "bak"), { force: true });
    } catch (error) {
      process.stderr.write(`The files were written, but the earlier ${path}, moved to ${sidePath(path, "bak")}, could not be removed (${(error as Error).message}); delete it.\n`);
    }
  }
  return remove.filter((path) => movedAside.includes(path));
}

/** The directories this run created for --out, innermost first, as long as they are empty. */
function removeEmptyDirectories(out: string, createdDirectory: string): void {
  for (let directory = out; ; directory = dirname(directory)) {
    try {
      rmdirSync(directory);
    } catch {
      return;
    }
    if (directory === createdDirectory || dirname(directory) === directory) return;
  }
}

/** Removes what was renamed in and the temporary files, and moves the earlier files back; returns what could not be undone. */
function undoWrite(temporary: string[], renamedIn: string[], movedAside: string[]): string[] {
  const stuck: string[] = [];
  for (const path of renamedIn) {
    try {
      rmSync(path, { force: true });
    } catch (error) {
      stuck.push(`${path} is the new file and could not be removed (${(error as Error).message})`);
    }
  }
  for (const path of movedAside) {
    try {
      renameSync(sidePath(path, "bak"), path);
    } catch (error) {
      stuck.push(`the earlier ${path} is at ${sidePath(path, "bak")} and could not be moved back (${(error as Error).message})`);
    }
  }
  for (const temp of temporary) {
    try {
      rmSync(temp, { force: true });
    } catch (error) {
      stuck.push(`${temp} could not be removed (${(error as Error).message})`);
    }
  }
  return stuck;
}

// ---------------------------------------------------------------------------------------------
// The report.

function recordJson(record: ZoneRecord): Record<string, unknown> {
  return { name: record.name, type: record.type, ttl: record.ttl, content: record.content };
}

function plannedText(resource: PlannedResource): string {
  const inputs = resource.inputs as Record<string, unknown>;
  return `${String(inputs.name)} ${String(inputs.type)} ${recordValueText(inputs)}`;
}

function barFailures(report: PlanReport): BarResult[] {
  return report.bar.filter((result) => result.status === "fail");
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function rerunCommand(args: Args, recordIds: string): string {
  const options: Array<[string, string | undefined]> = [
    ["--zone-file", args.zoneFile], ["--domain", args.domain], ["--stack", args.stack], ["--out", relative(process.cwd(), args.out) || "."],
    ["--zone-id", args.zoneId], ["--account-id", args.accountId], ["--plan", args.plan], ["--environment", args.environment],
    ["--canonical", args.canonical], ["--owner", args.owner], ["--record-ids", recordIds],
  ];
  return `npm run import:zone -- ${options.filter(([, value]) => value !== undefined).map(([flag, value]) => `${flag} ${shellQuote(value!)}`).join(" ")} --force`;
}

function nextSteps({ args, report, stackPath, importPath, tokenPermissions }: Outcome): string[] {
  const shown = relative(process.cwd(), stackPath) || stackPath;
  const steps: string[] = [];
  if (barFailures(report).length > 0) steps.push(`Fill in what the minimum bar still needs (listed above) in ${shown}, then check it: npm run plan -- --config ${shown}`);
  steps.push("Check each host's purpose in launch-ready:hosts: it was guessed from the host's name");
  if (resolve(args.out) !== STACKS_DIR) steps.push(`Copy ${shown} to stacks/Pulumi.${args.stack}.yaml: Pulumi.yaml reads stack files from stacks/`);
  steps.push(`pulumi stack init ${args.stack}`);
  steps.push(`pulumi config set --secret cloudflare:apiToken --stack ${args.stack}   # a token scoped to ${args.domain} only, with: ${tokenPermissions.map((entry) => entry.permission).join(", ")}`);
  if (Object.keys(report.summary.byType).some((type) => type.startsWith("aws:"))) steps.push(`pulumi config set aws:region us-east-1 --stack ${args.stack}   # where the uptime monitors and alarms live`);
  if (importPath) {
    steps.push(`pulumi import --file ${relative(process.cwd(), importPath) || importPath} --stack ${args.stack} --generate-code=false   # Pulumi 3.94 or later; adopts the records, which the program already declares`);
  } else {
    const recordIds = join(relative(process.cwd(), args.out) || ".", "records.json");
    steps.push(fetchRecordsCommand(args, recordIds));
    steps.push(`${rerunCommand(args, recordIds)}   # writes import.json with each record's ID`);
    steps.push(`pulumi import --file ${join(relative(process.cwd(), args.out) || ".", "import.json")} --stack ${args.stack} --generate-code=false   # Pulumi 3.94 or later`);
  }
  steps.push(`pulumi preview --stack ${args.stack}   # expect updates (the kit's record comments, TTLs) and only the creates listed above; no replaces or deletes of DNS records`);
  return steps;
}

interface Outcome {
  args: Args;
  imported: ZoneImport;
  report: PlanReport;
  coverage: Coverage;
  importPlan?: ImportPlan;
  stackPath: string;
  importPath?: string;
  /** An import.json of an earlier run, removed because this run wrote none. */
  removed: string[];
  /** The Cloudflare API token's permissions for this stack (stacks/access.ts). */
  tokenPermissions: TokenPermission[];
}

function jsonReport(outcome: Outcome): unknown {
  const { args, imported, report, coverage, importPlan, stackPath, importPath, removed, tokenPermissions } = outcome;
  return {
    stack: args.stack,
    zone: args.domain,
    environment: args.environment,
    files: { stack: stackPath, importFile: importPath ?? null, removed },
    mapped: imported.mapped.map(({ record, to }) => ({ record: recordJson(record), to })),
    skipped: imported.skipped.map(({ record, reason }) => ({ record: recordJson(record), reason })),
    unmapped: imported.unmapped.map(({ record, part, reason }) => ({ record: recordJson(record), ...(part === undefined ? {} : { part }), reason })),
    added: imported.added,
    notes: imported.notes.map(({ record, note }) => ({ record: recordJson(record), note })),
    plannedRecords: coverage.matched.length + coverage.unaccounted.length,
    createdByPulumiUp: (importPlan?.created ?? coverage.unaccounted).map((resource) => ({ logicalName: resource.name, record: plannedText(resource) })),
    ...(importPlan
      ? {
          adopted: importPlan.adopted.map(({ resource, id }) => ({ logicalName: resource.name, id })),
          unmanaged: importPlan.unmanaged.map((record) => ({ id: record.id, name: record.name, type: record.type, content: record.content ?? null })),
        }
      : {}),
    bar: {
      failures: barFailures(report).map(({ id, level, message, configPath }) => ({ id, level, message, configPath: configPath ?? null })),
      waived: report.bar.filter((result) => result.status === "waived").map(({ id, message }) => ({ id, message })),
    },
    cloudflareTokenPermissions: tokenPermissions,
    nextSteps: nextSteps(outcome),
  };
}

function table(head: string[], colWidths: number[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] }, wordWrap: true, colWidths });
}

function textReport(outcome: Outcome): string {
  const { args, imported, report, coverage, importPlan, stackPath, importPath, removed } = outcome;
  const out: string[] = [];
  const shown = (path: string) => relative(process.cwd(), path) || path;
  out.push(`Imported ${args.zoneFile} (${args.domain}) into ${shown(stackPath)}${importPath ? ` and ${shown(importPath)}` : ""}.`);
  for (const path of removed) out.push(`Removed ${shown(path)}: an earlier run wrote it, and without --record-ids it would not match the new stack.`);
  out.push("");
  const mapped = table(["Zone record", "Declared at"], [70, 44]);
  for (const { record, to } of imported.mapped) mapped.push([describeRecord(record), to]);
  out.push(`${imported.mapped.length} records imported:`, mapped.toString());
  if (imported.skipped.length > 0) out.push(`Skipped, Cloudflare serves them itself: ${imported.skipped.map(({ record }) => `${record.name} ${record.type}`).join(", ")}.`);
  if (imported.unmapped.length > 0) {
    const unmapped = table(["Zone record", "Not kept", "Why"], [40, 18, 62]);
    for (const { record, part, reason } of imported.unmapped) unmapped.push([describeRecord(record), part ?? "the whole record", reason]);
    out.push("", "Not imported: whole records stay in Cloudflare as they are, outside the stack; parts are dropped when the stack writes the record:", unmapped.toString());
  }
  if (imported.added.length > 0) out.push("", "Added, not in the zone file:", ...imported.added.map((added) => `  ${added.to}: ${added.what} (${added.why})`));
  if (imported.notes.length > 0) out.push("", "Notes:", ...imported.notes.map(({ record, note }) => `  ${record.name} ${record.type}: ${note}`));
  out.push("", `Planned offline: ${coverage.matched.length + coverage.unaccounted.length} DNS records; every imported record is among them.`);
  const created = importPlan?.created ?? coverage.unaccounted;
  if (created.length > 0) out.push(`pulumi up would create (${importPlan ? "not in Cloudflare's record list" : "not in the zone file"}):`, ...created.map((resource) => `  ${plannedText(resource)}`));
  if (importPlan) {
    out.push(`${shown(importPath!)}: ${importPlan.adopted.length} records to adopt with their Cloudflare IDs.`);
    if (importPlan.unmanaged.length > 0) out.push("In Cloudflare but not in the stack (left as they are):", ...importPlan.unmanaged.map((record) => `  ${record.name} ${record.type} ${record.content ?? ""}`));
  } else {
    out.push("import.json was not written: a zone file holds no record IDs, and pulumi import needs them. The steps below fetch them.");
  }
  const failures = barFailures(report);
  if (failures.length > 0) {
    const bar = table(["Bar", "What the stack still needs", "Where"], [28, 64, 36]);
    for (const failure of failures) bar.push([`${failure.id} (${failure.level})`, failure.message, failure.configPath ?? ""]);
    out.push("", `The imported stack plans, but is below the minimum bar in ${failures.length} place${failures.length === 1 ? "" : "s"}:`, bar.toString());
  }
  const waived = report.bar.filter((result) => result.status === "waived");
  if (waived.length > 0) out.push("Waived:", ...waived.map((result) => `  ${result.id}: ${result.message}`));
  out.push("", "Next steps (nothing has been run against Cloudflare or Pulumi):", ...nextSteps(outcome).map((step, index) => `  ${index + 1}. ${step}`));
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<void> {
  const args = parseOptions(argv);
  const { json } = args;
  const day = today();
  const zoneText = readInput(args.zoneFile, "--zone-file", json);
  const { stackFile: stackPath, importFile } = outputPaths(args);
  const importPath = args.recordIds ? importFile : undefined;
  refuseOverwrite(args, stackPath, importFile);

  let imported: ZoneImport;
  let live: CloudflareRecord[] | undefined;
  try {
    live = args.recordIds ? readLiveRecords(args.recordIds, json) : undefined;
    imported = importZone(readZone(zoneText, args.domain), { ...args, today: day, source: basename(args.zoneFile) });
  } catch (error) {
    if (error instanceof ZoneImportError) exitWithError(2, json, error.message);
    throw error;
  }
  try {
    if (live) checkRecordListZone(live, args.domain, args.zoneId);
  } catch (error) {
    refuseRecordList(args, error);
  }

  const stackFile: StackFile = { stack: args.stack, path: stackPath, config: imported.config, secretKeys: [], secureValues: [], encryption: {} };
  let report: PlanReport;
  try {
    report = await planStack(stackFile, day);
  } catch (error) {
    if (!(error instanceof ConfigRefused)) throw error;
    const heading = `The stack imported from ${args.zoneFile} does not plan; nothing was written. ${problemsHeading(error.problems, "the imported config")}`;
    exitWithError(1, json, heading, error.problems, `The stack imported from ${args.zoneFile} does not plan; nothing was written.\n${formatProblems(error.problems, "the imported config")}`);
  }
  const coverage = checkCoverage(imported, report.resources);
  if (coverage.gaps.length > 0) {
    const lines = coverage.gaps.map((gap) => `  ${describeRecord(gap.record)} (${gap.to}): ${gap.problem}`);
    exitWithError(1, json, `${coverage.gaps.length} imported record${coverage.gaps.length === 1 ? " is" : "s are"} not planned as the zone has ${coverage.gaps.length === 1 ? "it" : "them"}; nothing was written:\n${lines.join("\n")}`);
  }
  const importPlan = live ? buildImportPlan(report.resources, args.zoneId, live) : undefined;
  try {
    if (live && importPlan) checkRecordListMatches(importPlan, coverage, live, args.domain);
  } catch (error) {
    refuseRecordList(args, error);
  }
  // The stack planned, so its config parses; the token's permissions follow from it.
  const parsed = parseStackConfig(imported.config);
  if (!parsed.ok) throw new Error(`the imported config planned but does not parse: ${formatProblems(parsed.problems, "the imported config")}`);

  const createdDirectory = mkdirSync(args.out, { recursive: true });
  const removed = writeAll(
    [{ path: stackPath, text: renderStackFile(args, imported, day) }, ...(importPath && importPlan ? [{ path: importPath, text: `${JSON.stringify(importPlan.file, null, 2)}\n` }] : [])],
    importPath ? [] : [importFile],
    imported.config,
    { json, createdDirectory },
  );
  const outcome: Outcome = { args, imported, report, coverage, importPlan, stackPath, importPath, removed, tokenPermissions: cloudflareTokenPermissions(parsed.config) };
  process.stdout.write(json ? `${JSON.stringify(jsonReport(outcome), null, 2)}\n` : `${textReport(outcome)}\n`);
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`import:zone failed: ${error.message}\n`);
  process.exit(1);
});
