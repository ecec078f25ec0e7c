/**
 * `npm run import:zone -- --zone-file F --domain D --stack NAME --out DIR --zone-id Z --account-id A [...]`
 *
 * Turns a BIND zone file (Cloudflare's or a registrar's export) into DIR/Pulumi.NAME.yaml, a stack
 * file that plans, and with --record-ids into DIR/import.json, so `pulumi import` adopts the live
 * records before the first `pulumi up`. Every record is declared, skipped (SOA, apex NS) or listed
 * as not imported with the reason, and so is every line no record is read from ($INCLUDE, whose
 * file is never opened, $GENERATE, an entry that is no record), with its line number; --strict
 * refuses the import instead. The file is read line by line, never whole. The stack is planned
 * offline and every imported record checked among the planned records before anything is written;
 * the files are then written all or nothing.
 *
 * This file is the command line and the order of the stages; the stages are in scripts/zone-import/.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync } from "node:fs";
import { basename, resolve } from "node:path";
import { today } from "../../domain/bar/weighing";
import { ZONE_PLAN_LIMITS, ZONE_PLANS } from "../../domain/cloudflare/zone-plans";
import { toAsciiZoneName } from "../../domain/hostnames";
import { cloudflareTokenPermissions } from "../../stacks/access";
import { ENVIRONMENTS } from "../../domain/bar/weighing";
import { HEX32 } from "../../stacks/schema/common";
import { formatProblems, parseStackConfig, problemsHeading } from "../../stacks/stack-config";
import { NotARegularFile, readRegularFile } from "../../stacks/regular-file";
import type { StackFile } from "../../stacks/stack-file";
import { COMMON_OPTIONS, findProjectFrom, parseCommandLine, requireStackName, wholeNumberFlag } from "../cli/args";
import { fail, type Io } from "../cli/io";
import { MAX_STACK_RECORDS } from "../../components/zone-records";
import { ConfigRefused, planStack } from "../plan/plan-stack";
import { KIT_NAME } from "../../stacks/project";
import type { PlanReport } from "../plan/plan-report";
import type { ZoneImport } from "../zone-import/draft";
import type { ImportArgs } from "../zone-import/import-args";
import { fetchRecordsCommand, jsonReport, textReport, type Outcome } from "../zone-import/report";
import { renderStackFile } from "../zone-import/stack-file";
import { outputPaths, overwriteRefusal, writeAll, WriteFailed } from "../zone-import/write-files";
import {
  buildImportPlan,
  checkCoverage,
  checkRecordListMatches,
  checkRecordListZone,
  readRecordIds,
  type CloudflareRecord,
} from "../zone-import/zone-coverage";
import { describeRecord, describeUnreadLine, fileLines, readZoneLines, ZoneImportError, type ZoneContent } from "../zone-import/zone-file";
import { mapZone } from "../zone-import/zone-import";

const USAGE = `Usage: npm run import:zone -- --zone-file FILE --domain DOMAIN --stack NAME --out DIR
                              --zone-id ID --account-id ID [options]

  --zone-file FILE    the zone as a BIND file: Cloudflare's (DNS > Records > Import and Export > Export)
                        or a registrar's export
  --domain DOMAIN     the zone's domain, e.g. example.com; must match the file's $ORIGIN and SOA
  --stack NAME        writes DIR/Pulumi.NAME.yaml
  --out DIR           where to write; stacks/ is where Pulumi.yaml reads stack files from
  --zone-id ID        the zone's 32-character ID (zone Overview page, API section)
  --account-id ID     the account's 32-character ID (same page)
  --plan PLAN         the zone's Cloudflare plan: ${ZONE_PLANS.join(" | ")} (default free)
  --record-quota N    the DNS records Cloudflare lets the zone hold, when not the plan's (free 200,
                        pro and business 3,500, enterprise 1,000,000): 1000 for a Free zone created
                        before 2024-09-01; written to the stack as zone.recordQuota
  --environment ENV   ${ENVIRONMENTS.join(" | ")} (default production)
  --canonical HOST    apex | www: the host the other redirects to. Without it the import infers it
                        from the zone: a name holding only Cloudflare's redirect placeholder
                        (192.0.2.1, 100::) or a registrar's forwarding record redirects; www as a
                        CNAME to the apex makes the apex canonical (and the other way round); the
                        only one of the pair the zone has is canonical; else www. The report
                        says which it chose and why
  --owner WHO         who answers for the DNS-SUBDOMAINS waiver a wildcard record needs (required then)
  --record-ids FILE   Cloudflare's "List DNS Records" answer for the zone, to write DIR/import.json:
                        curl -sS -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \\
                          "https://api.cloudflare.com/client/v4/zones/ZONE_ID/dns_records?per_page=5000000" > records.json
  --force             overwrite DIR/Pulumi.NAME.yaml and DIR/import.json if they exist; without
                        --record-ids, remove an earlier DIR/import.json (it would not match the new stack)
  --strict            refuse the import when a line of the zone file is not imported (see below)
  --json              print only a JSON report on stdout
  --help              show this help

A BIND export holds no record IDs, and \`pulumi import\` needs one per record (<zone_id>/<record_id>).
Without --record-ids only the stack file is written, with the command that fetches the IDs; no
import.json with made-up IDs is ever written. With it, import.json adopts each planned record
Cloudflare has, and the report lists those \`pulumi up\` would create.

Only the zone file given is read: a $INCLUDE line names a file the import never opens, and a
$GENERATE line is not expanded. Those lines, and entries that do not read as one record, are listed
as not imported with their line numbers, as records the stack cannot hold are; with --strict any
such line refuses the whole import.

The stack is planned offline before anything is written; what it still lacks to clear the minimum
bar (contacts, monitors, env, endpoints) is listed as next steps, not filled in with guesses.
Exit: 0 written (records and lines not imported are listed), 1 the import could not keep a record,
the zone holds more records than its quota or one stack declares (3,500), or the files could not
be written (nothing written), 2 bad input or usage, or with --strict a line
of the zone file not imported (nothing written).`;

function parseOptions(argv: string[], io: Io): ImportArgs {
  const text = { type: "string" } as const;
  const values = parseCommandLine(argv, USAGE, io, {
    ...COMMON_OPTIONS,
    "zone-file": text,
    domain: text,
    stack: text,
    out: text,
    "zone-id": text,
    "account-id": text,
    plan: text,
    "record-quota": text,
    environment: text,
    canonical: text,
    owner: text,
    "record-ids": text,
    force: { type: "boolean", default: false },
    strict: { type: "boolean", default: false },
  });
  const json = values.json;
  const bad = (message: string): never => fail(2, json, message);
  for (const option of ["zone-file", "domain", "stack", "out", "zone-id", "account-id"] as const) {
    if (!values[option]) bad(`--${option} is required.\n\n${USAGE}`);
  }
  const domain = toAsciiZoneName(values.domain!);
  if (!domain.ok) return bad(`--domain "${values.domain}" ${domain.problem}`);
  requireStackName(values.stack!, json);
  for (const option of ["zone-id", "account-id"] as const) {
    if (!HEX32.test(values[option]!.toLowerCase()))
      bad(`--${option} "${values[option]}" must be the 32-character hex ID from the zone's Overview page in the Cloudflare dashboard (API section)`);
  }
  const oneOf = <T extends string>(option: string, value: string, allowed: readonly T[]): T =>
    allowed.includes(value as T) ? (value as T) : bad(`--${option} "${value}" must be one of ${allowed.join(", ")}`);
  if (values.owner !== undefined && values.owner.trim().length < 2)
    bad(`--owner "${values.owner}" must name who answers for the waiver, e.g. --owner cto@${domain.value}`);
  return {
    zoneFile: values["zone-file"]!,
    domain: domain.value,
    stack: values.stack!,
    out: resolve(io.cwd, values.out!),
    ...projectOf(io, values.json ?? false),
    zoneId: values["zone-id"]!.toLowerCase(),
    accountId: values["account-id"]!.toLowerCase(),
    plan: values.plan === undefined ? "free" : oneOf("plan", values.plan, ZONE_PLANS),
    ...(values["record-quota"] === undefined ? {} : { recordQuota: wholeNumberFlag(values["record-quota"], "--record-quota", 0, json) }),
    environment: values.environment === undefined ? "production" : oneOf("environment", values.environment, ENVIRONMENTS),
    // Absent, the import infers it from the zone's apex and www records and says why.
    ...(values.canonical === undefined ? {} : { canonical: oneOf("canonical", values.canonical, ["apex", "www"] as const) }),
    ...(values.owner ? { owner: values.owner.trim() } : {}),
    ...(values["record-ids"] ? { recordIds: values["record-ids"] } : {}),
    force: values.force,
    strict: values.strict,
    json,
  };
}

/** Why an input file named on the command line cannot be read; messages name it as given. */
function unreadable(path: string, option: string, json: boolean, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  fail(2, json, `${option} ${path} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`}`);
}

/** Far past Cloudflare's answer for the most records one stack declares (3,500 records: about 2 MB). */
const MAX_RECORD_LIST_BYTES = 64 * 2 ** 20;

/** An input file named on the command line, read from the verb's working directory. */
function readInput(path: string, option: string, json: boolean, io: Io): string {
  try {
    return readRegularFile(resolve(io.cwd, path), MAX_RECORD_LIST_BYTES);
  } catch (error) {
    if (error instanceof NotARegularFile) fail(2, json, `${option} ${path} ${error.message}`);
    unreadable(path, option, json, error);
  }
}

/**
 * The zone file, opened first so a missing one is reported before anything else is looked at;
 * without blocking, so a FIFO is refused rather than waited on. It is read line by line, whatever its size.
 */
function openZoneFile(args: ImportArgs, io: Io): number {
  let fd: number;
  try {
    fd = openSync(resolve(io.cwd, args.zoneFile), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    unreadable(args.zoneFile, "--zone-file", args.json, error);
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    fail(2, args.json, `--zone-file ${args.zoneFile} is not a regular file (a pipe, a socket, a device or a directory): give the path of the zone's export`);
  }
  return fd;
}

/** The zone file's records and unread lines, read line by line from the open file. */
function readZoneFile(fd: number, args: ImportArgs): ZoneContent {
  try {
    return readZoneLines(fileLines(fd), args.domain);
  } catch (error) {
    if (error instanceof ZoneImportError) throw error;
    // A read that fails partway (a directory, an I/O error) is the file's, reported as such.
    if ((error as NodeJS.ErrnoException).code) unreadable(args.zoneFile, "--zone-file", args.json, error);
    throw error;
  }
}

/** --strict: a line of the file not imported refuses the import before anything is planned or written; under --json the lines are listed. */
function refuseUnreadLines(args: ImportArgs, zone: ZoneContent, io: Io): number {
  const count = zone.unread.length;
  const message = `--zone-file: ${count} line${count === 1 ? " is" : "s are"} not imported, and --strict refuses the import; nothing was written:\n${zone.unread.map((line) => `  ${describeUnreadLine(line)}`).join("\n")}`;
  io.stderr.write(args.json ? `${JSON.stringify({ error: message, problems: [], notImportedLines: zone.unread }, null, 2)}\n` : `${message}\n`);
  return 2;
}

/**
 * A zone holding more records than its plan lets Cloudflare keep, or than one stack of the kit
 * plans, is refused before it is planned: the plan would refuse it anyway, and planning each of
 * 100,000 records as a Pulumi resource takes more memory than a machine has.
 */
function refuseOverQuota(args: ImportArgs, imported: ZoneImport): void {
  const kept = imported.mapped.length;
  const quota = args.recordQuota ?? ZONE_PLAN_LIMITS[args.plan].dnsRecords;
  if (kept > MAX_STACK_RECORDS && quota > MAX_STACK_RECORDS) {
    fail(
      1,
      args.json,
      `--zone-file holds ${kept} records the stack would declare, more than the ${MAX_STACK_RECORDS} one stack of the kit plans (each is a Pulumi resource, planned in memory and created within Cloudflare's API limit of 1,200 requests per 5 minutes); nothing was written. Import an export of the records the product needs, and leave the others in Cloudflare, unmanaged`,
    );
  }
  if (kept <= quota) return;
  const raise =
    args.recordQuota === undefined
      ? `${args.plan === "free" ? "; a Free zone created before 2024-09-01 holds 1,000: say so with --record-quota 1000" : ""}; give the zone's plan with --plan (pro and business hold 3,500), or --record-quota N if Cloudflare gave the zone more`
      : "";
  fail(
    1,
    args.json,
    `--zone-file holds ${kept} records the stack would declare, but ${args.recordQuota === undefined ? `a ${args.plan} zone holds ${quota}` : `--record-quota is ${quota}`}, so pulumi up could not create them all; nothing was written${raise}`,
  );
}

function readLiveRecords(path: string, json: boolean, io: Io): CloudflareRecord[] {
  // Read first: a missing file is reported as missing, not as JSON that does not parse.
  const text = readInput(path, "--record-ids", json, io);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    fail(2, json, `--record-ids ${path} is not JSON (${(error as Error).message}); save the API's answer as it comes, e.g. curl ... > records.json`);
  }
  return readRecordIds(body);
}

/** A refused --record-ids: exit 2 with the command that fetches the right list. */
function refuseRecordList(args: ImportArgs, error: unknown): never {
  if (!(error instanceof ZoneImportError)) throw error;
  fail(
    2,
    args.json,
    `${error.message}. Nothing was written; fetch the record list of ${args.domain} (zone ID ${args.zoneId}) with:\n  ${fetchRecordsCommand(args, args.recordIds!)}`,
  );
}

/** The working directory's project, if any: where the stack file belongs and its schema is. */
function projectOf(io: Io, json: boolean): Pick<ImportArgs, "project"> {
  const project = findProjectFrom(io.cwd, json);
  return project ? { project } : {};
}

export async function importZone(argv: string[], io: Io): Promise<number> {
  const args = parseOptions(argv, io);
  const { json } = args;
  const day = today();
  const { stackFile: stackPath, importFile } = outputPaths(args);
  const importPath = args.recordIds ? importFile : undefined;

  let zone: ZoneContent;
  let imported: ZoneImport;
  let live: CloudflareRecord[] | undefined;
  const fd = openZoneFile(args, io);
  try {
    const refusal = overwriteRefusal(args, stackPath, importFile);
    if (refusal) fail(2, json, refusal);
    live = args.recordIds ? readLiveRecords(args.recordIds, json, io) : undefined;
    zone = readZoneFile(fd, args);
    if (args.strict && zone.unread.length > 0) return refuseUnreadLines(args, zone, io);
    imported = mapZone(zone.records, { ...args, today: day, source: basename(args.zoneFile) });
  } catch (error) {
    if (error instanceof ZoneImportError) fail(2, json, error.message);
    throw error;
  } finally {
    closeSync(fd);
  }
  try {
    if (live) checkRecordListZone(live, args.domain, args.zoneId);
  } catch (error) {
    refuseRecordList(args, error);
  }
  refuseOverQuota(args, imported);

  const stackFile: StackFile = { stack: args.stack, path: stackPath, config: imported.config, secretKeys: [], secureValues: [], encryption: {} };
  let report: PlanReport;
  try {
    report = await planStack(stackFile, { project: args.project?.name ?? KIT_NAME, on: day });
  } catch (error) {
    if (!(error instanceof ConfigRefused)) throw error;
    const heading = `The stack imported from ${args.zoneFile} does not plan; nothing was written. ${problemsHeading(error.problems, "the imported config")}`;
    fail(
      1,
      json,
      heading,
      error.problems,
      `The stack imported from ${args.zoneFile} does not plan; nothing was written.\n${formatProblems(error.problems, "the imported config")}`,
    );
  }
  const coverage = checkCoverage(imported, report.resources);
  if (coverage.gaps.length > 0) {
    const lines = coverage.gaps.map((gap) => `  ${describeRecord(gap.record)} (${gap.to}): ${gap.problem}`);
    fail(
      1,
      json,
      `${coverage.gaps.length} imported record${coverage.gaps.length === 1 ? " is" : "s are"} not planned as the zone has ${coverage.gaps.length === 1 ? "it" : "them"}; nothing was written:\n${lines.join("\n")}`,
    );
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

  let createdDirectory: string | undefined;
  try {
    createdDirectory = mkdirSync(args.out, { recursive: true });
  } catch (error) {
    fail(1, json, `--out ${args.out} cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)}); nothing was written`);
  }
  let removed: string[];
  try {
    removed = writeAll(
      [
        { path: stackPath, text: renderStackFile(args, imported, zone.unread, day) },
        ...(importPath && importPlan ? [{ path: importPath, text: `${JSON.stringify(importPlan.file, null, 2)}\n` }] : []),
      ],
      importPath ? [] : [importFile],
      imported.config,
      // The process ID names the side files, as it always has; it is not part of the verb's io.
      { createdDirectory, tag: process.pid, warn: (line) => io.stderr.write(`${line}\n`) },
    );
  } catch (error) {
    if (error instanceof WriteFailed) fail(1, json, error.message);
    throw error;
  }
  const outcome: Outcome = {
    args,
    imported,
    unread: zone.unread,
    report,
    coverage,
    importPlan,
    stackPath,
    importPath,
    removed,
    tokenPermissions: cloudflareTokenPermissions(parsed.config),
  };
  io.stdout.write(json ? `${JSON.stringify(jsonReport(outcome, io.cwd), null, 2)}\n` : `${textReport(outcome, io.cwd)}\n`);
  return 0;
}
