/**
 * `npm run drift -- --stack NAME | --config FILE --records FILE [--json]`
 *
 * OPS-DRIFT, live: the zone's DNS records as Cloudflare holds them (FILE: the "List DNS Records"
 * answer of the API, or the dashboard's BIND export) against the records every stack managing the
 * zone declares (its owner and the stacks living in it, each planned offline as `pulumi up` would
 * run it). Lists the records nobody declares, the declared ones missing, and those whose proxy
 * status differs. Exit 0 no drift, 1 drift, 2 bad input.
 *
 * This file is the command line and the order of the stages; the comparison is scripts/drift/.
 */
import { dirname, resolve } from "node:path";
import { DNS_RECORD } from "../../domain/resource-types";
import { NotARegularFile, readRegularFile } from "../../stacks/regular-file";
import { formatProblems, problemsHeading, type ConfigProblem } from "../../stacks/stack-config";
import { siblingStackFiles, type StackFile } from "../../stacks/stack-file";
import { resolveZoneGroup, type UncheckedSibling } from "../../stacks/zone-group";
import { COMMON_OPTIONS, parseCommandLine, STACK_OPTIONS, stackConfigFromArgs } from "../cli/args";
import { fail, terminalSafe, type Io } from "../cli/io";
import { apiRecords, proxyStatus, zoneDrift, zoneFileRecords, type DeclaredRecord, type LiveRecord, type ZoneDrift } from "../drift/zone-drift";
import { OfflineRunFailure } from "../plan/offline-run";
import { runStackProgram } from "../plan/plan-stack";
import type { RecordFields } from "../zone-import/record-fields";
import { fetchRecordsCommand } from "../zone-import/report";
import { checkRecordListZone, readRecordIds, recordText } from "../zone-import/zone-coverage";
import { describeRecord, describeUnreadLine, readZoneLines, ZoneImportError } from "../zone-import/zone-file";

/** A record list is held whole to be read: the API's answer for a zone of Enterprise's default quota fits well within this. */
const MAX_RECORDS_FILE_BYTES = 512 * 1024 * 1024;

const USAGE = `Usage: npm run drift -- --stack NAME --records FILE [--json]
       npm run drift -- --config FILE --records FILE [--json]

  --stack NAME     any stack of the zone: every stack managing it (its owner and the stacks in it) is compared
  --config FILE    any stack file instead
  --records FILE   the zone's records as Cloudflare holds them, saved with
                     ${fetchRecordsCommand({ zoneId: "<zone.zoneId>" }, "records.json")}
                   or the dashboard's export (DNS > Records > Import and Export > Export, a BIND file)
  --json           print {"zone","stacks","records","undeclared","missing","proxiedDiffers","notCompared","drift"}
  --help           show this help

Records are compared by name, type and value as Cloudflare stores them (trailing dots, TXT quoting
and splitting, host case, MX priority and CAA/SRV data do not count), then by proxy status; TTLs
are not compared. The zone's SOA and apex NS are Cloudflare's and are left out.
Exit: 0 no drift, 1 drift (listed), 2 bad input or usage.`;

/** The file's records, from either form, refused (exit 2, naming --records) when it is not the zone's list as saved. */
function liveRecords(path: string, given: string, zone: { domain: string; zoneId: string }, json: boolean): { format: string; records: LiveRecord[] } {
  let text: string;
  try {
    text = readRegularFile(path, MAX_RECORDS_FILE_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = error instanceof NotARegularFile ? error.message : code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(error)})`;
    fail(2, json, `--records ${given} ${why}. Save the zone's records with:\n  ${fetchRecordsCommand(zone, given)}`);
  }
  const refused = (error: unknown): never => {
    if (!(error instanceof ZoneImportError)) throw error;
    const said = error.message
      .slice(error.option.length + 2)
      .replace(/; give --domain \S+, or the zone file of \S+$/, "")
      .replace("not of --zone-id", "not of zone.zoneId");
    const why = error.option === "--domain" ? `is not the export of ${zone.domain}: the stack's zone.domain ${said}` : said;
    return fail(2, json, `--records ${given} ${terminalSafe(why)}. Save the zone's records again with:\n  ${fetchRecordsCommand(zone, given)}`);
  };
  try {
    if (text.trimStart().startsWith("{")) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        return fail(2, json, `--records ${given} is not JSON (${(error as Error).message}), nor a BIND zone file`);
      }
      const read = readRecordIds(body);
      checkRecordListZone(read, zone.domain, zone.zoneId);
      return { format: "Cloudflare API (List DNS Records)", records: apiRecords(body as { result: unknown[] }, read, zone.domain) };
    }
    const { records, unread } = readZoneLines(text.split(/\r?\n/), zone.domain);
    // A line not read could be a record, which would then be reported missing: the file is refused instead.
    if (unread.length > 0)
      return fail(2, json, `--records ${given}: ${terminalSafe(describeUnreadLine(unread[0]))}; give the export as the dashboard writes it`);
    // Cloudflare's export and registrars' all start with the zone's SOA: a file without one is not an export of the zone.
    if (!records.some((record) => record.type === "SOA")) {
      return fail(2, json, `--records ${given} has no SOA record for ${zone.domain}, so it is not an export of the zone; export it again`);
    }
    const read = zoneFileRecords(records, zone.domain);
    if (read.unreadable.length > 0) {
      return fail(
        2,
        json,
        `--records ${given}: ${terminalSafe(describeRecord(read.unreadable[0]))} has a value no ${read.unreadable[0].type} record can have; give the export as the dashboard writes it`,
      );
    }
    return { format: "BIND zone file", records: read.records };
  } catch (error) {
    return refused(error);
  }
}

/** Every DNS record one stack declares in the zone, from its offline plan; config its program refuses ends the verb with 2. */
async function declaredRecords(file: StackFile, project: string, zoneId: string, json: boolean): Promise<DeclaredRecord[]> {
  try {
    const run = await runStackProgram(file, project);
    return run.resources
      .filter((resource) => resource.type === DNS_RECORD && String(resource.inputs.zoneId ?? "").toLowerCase() === zoneId)
      .map(({ inputs }) => ({
        stack: file.stack,
        name: String(inputs.name),
        type: String(inputs.type),
        content: inputs.content === undefined ? undefined : String(inputs.content),
        priority: inputs.priority as number | undefined,
        data: inputs.data as RecordFields["data"],
        ...proxyStatus(String(inputs.type), inputs.proxied),
      }));
  } catch (error) {
    const problems = error instanceof OfflineRunFailure ? (error.cause as { problems?: ConfigProblem[] }).problems : undefined;
    if (!problems) throw error;
    return fail(
      2,
      json,
      `stack ${file.stack}, which manages records in the zone: ${problemsHeading(problems, file.path)}`,
      problems,
      formatProblems(problems, file.path),
    );
  }
}

const shown = (record: RecordFields) => terminalSafe(recordText(record));
const proxyText = (proxied: boolean | undefined) => (proxied === undefined ? "" : proxied ? " (proxied)" : " (DNS only)");

function renderText(drift: ZoneDrift, heading: string, notCompared: readonly UncheckedSibling[]): string {
  const lines = [heading];
  const section = (title: string, entries: string[]) => {
    if (entries.length > 0) lines.push("", `${title} (${entries.length}):`, ...entries.map((entry) => `  ${entry}`));
  };
  section(
    "In the zone, declared by no stack",
    drift.undeclared.map((r) => `${shown(r)}${proxyText(r.proxied)}${r.managedBy ? `\n    ${r.managedBy}` : ""}`),
  );
  section(
    "Declared, missing from the zone",
    drift.missing.map((r) => `${shown(r)}${proxyText(r.proxied)}   stack ${r.stack}`),
  );
  section(
    "Proxy status differs",
    drift.proxiedDiffers.map(
      ({ declared, live }) => `${shown(declared)}   stack ${declared.stack} declares${proxyText(declared.proxied)}, the zone has${proxyText(live.proxied)}`,
    ),
  );
  section(
    "Stack files not compared",
    notCompared.map((sibling) => `${sibling.path} ${sibling.why}`),
  );
  const drifted = drift.undeclared.length + drift.missing.length + drift.proxiedDiffers.length;
  lines.push(
    "",
    drifted === 0
      ? `OPS-DRIFT pass: the ${drift.matched} records are the ones declared.`
      : `OPS-DRIFT fail: ${drift.undeclared.length} declared by no stack, ${drift.missing.length} missing, ${drift.proxiedDiffers.length} with another proxy status; ${drift.matched} as declared. Declare a record you keep (launch-ready:hosts or launch-ready:records) or delete it in Cloudflare; pulumi up creates a missing one.`,
  );
  return lines.join("\n");
}

const recordJson = (record: LiveRecord | DeclaredRecord) => ({
  ...("stack" in record ? { stack: record.stack } : {}),
  record: recordText(record),
  name: record.name,
  type: record.type,
  ...(record.proxied === undefined ? {} : { proxied: record.proxied }),
  ...("managedBy" in record && record.managedBy ? { note: record.managedBy } : {}),
});

export async function drift(argv: string[], io: Io): Promise<number> {
  const args = parseCommandLine(argv, USAGE, io, { ...STACK_OPTIONS, ...COMMON_OPTIONS, records: { type: "string" } });
  const { json } = args;
  if (!args.records) fail(2, json, `--records is required.\n\n${USAGE}`);
  const { path, file, projectName, config } = stackConfigFromArgs(args, json, USAGE, io);
  const siblings = siblingStackFiles(dirname(path), file.stack);
  const resolved = resolveZoneGroup({ stack: file.stack, path, config }, siblings);
  if (!resolved.ok) fail(2, json, problemsHeading(resolved.problems, path), resolved.problems, formatProblems(resolved.problems, path));
  const { group, unchecked } = resolved;
  const zone = { domain: group.owner.config.zone.domain, zoneId: config.zone.zoneId };
  const live = liveRecords(resolve(io.cwd, args.records), args.records, zone, json);

  const files = new Map([file, ...siblings].map((stackFile) => [stackFile.stack, stackFile]));
  const stacks = [group.owner, ...group.members];
  if (!json && io.stderr.isTTY) io.stderr.write(`Planning ${stacks.map((s) => s.stack).join(", ")} offline under Pulumi's mocks...\n`);
  const declared: DeclaredRecord[] = [];
  for (const stack of stacks) declared.push(...(await declaredRecords(files.get(stack.stack)!, projectName, zone.zoneId, json)));
  const result = zoneDrift(declared, live.records);
  const drifted = result.undeclared.length + result.missing.length + result.proxiedDiffers.length > 0;

  if (json) {
    const report = {
      zone,
      stacks: stacks.map((s) => s.stack),
      records: { path: args.records, format: live.format, count: live.records.length },
      undeclared: result.undeclared.map(recordJson),
      missing: result.missing.map(recordJson),
      proxiedDiffers: result.proxiedDiffers.map(({ declared: d, live: l }) => ({ ...recordJson(d), declared: d.proxied, live: l.proxied })),
      notCompared: unchecked,
      drift: drifted,
    };
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const heading = `Zone ${zone.domain} (${zone.zoneId}), stacks ${stacks.map((s) => s.stack).join(", ")}, against ${args.records} (${live.format}, ${live.records.length} records):`;
    io.stdout.write(`${renderText(result, terminalSafe(heading), unchecked)}\n`);
  }
  return drifted ? 1 : 0;
}
