/**
 * The report of an import that was written: what each zone record became, what was skipped or not
 * kept and why, what `pulumi up` would create, where the stack is still below the bar, and the next
 * steps, as text or as JSON. Its own file because it only reads what the other stages produced;
 * paths are shown relative to the verb's working directory, where the person typed the command.
 */
import { join, relative, resolve } from "node:path";
import Table from "cli-table3";
import type { BarResult } from "../../policies/bar";
import type { TokenPermission } from "../../stacks/access";
import { recordValueText } from "../../stacks/records-config";
import type { PlanReport } from "../plan/plan-report";
import type { ZoneImport } from "./draft";
import type { ImportArgs } from "./import-args";
import type { Coverage, ImportPlan, PlannedResource } from "./zone-coverage";
import { describeRecord, type UnreadLine, type ZoneRecord } from "./zone-file";

/** What fetches the zone's record list, for the steps and for a refused --record-ids. */
export function fetchRecordsCommand(args: Pick<ImportArgs, "zoneId">, path: string): string {
  return `curl -sS -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" "https://api.cloudflare.com/client/v4/zones/${args.zoneId}/dns_records?per_page=5000000" > ${path}`;
}

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

function rerunCommand(args: ImportArgs, recordIds: string, cwd: string): string {
  const options: Array<[string, string | undefined]> = [
    ["--zone-file", args.zoneFile],
    ["--domain", args.domain],
    ["--stack", args.stack],
    ["--out", relative(cwd, args.out) || "."],
    ["--zone-id", args.zoneId],
    ["--account-id", args.accountId],
    ["--plan", args.plan],
    ["--environment", args.environment],
    ["--canonical", args.canonical],
    ["--owner", args.owner],
    ["--record-ids", recordIds],
  ];
  return `npm run import:zone -- ${options
    .filter(([, value]) => value !== undefined)
    .map(([flag, value]) => `${flag} ${shellQuote(value!)}`)
    .join(" ")}${args.strict ? " --strict" : ""} --force`;
}

function nextSteps({ args, report, stackPath, importPath, tokenPermissions }: Outcome, cwd: string): string[] {
  const shown = relative(cwd, stackPath) || stackPath;
  const steps: string[] = [];
  if (barFailures(report).length > 0)
    steps.push(`Fill in what the minimum bar still needs (listed above) in ${shown}, then check it: npm run plan -- --config ${shown}`);
  steps.push("Check each host's purpose in launch-ready:hosts: it was guessed from the host's name");
  const stacksDir = args.project?.stacksDir;
  if (resolve(args.out) !== stacksDir) {
    steps.push(
      stacksDir
        ? `Copy ${shown} to ${relative(cwd, join(stacksDir, `Pulumi.${args.stack}.yaml`))}: Pulumi.yaml reads stack files from ${relative(cwd, stacksDir) || "."}/`
        : `Copy ${shown} into your Pulumi project's stackConfigDir (npx launch-ready init --from-zone starts a project from the zone file)`,
    );
  }
  steps.push(`pulumi stack init ${args.stack}`);
  steps.push(
    `pulumi config set --secret cloudflare:apiToken --stack ${args.stack}   # a token scoped to ${args.domain} only, with: ${tokenPermissions.map((entry) => entry.permission).join(", ")}`,
  );
  if (Object.keys(report.summary.byType).some((type) => type.startsWith("aws:")))
    steps.push(`pulumi config set aws:region us-east-1 --stack ${args.stack}   # where the uptime monitors and alarms live`);
  if (importPath) {
    steps.push(
      `pulumi import --file ${relative(cwd, importPath) || importPath} --stack ${args.stack} --generate-code=false   # Pulumi 3.94 or later; adopts the records, which the program already declares`,
    );
  } else {
    const recordIds = join(relative(cwd, args.out) || ".", "records.json");
    steps.push(fetchRecordsCommand(args, recordIds));
    steps.push(`${rerunCommand(args, recordIds, cwd)}   # writes import.json with each record's ID`);
    steps.push(
      `pulumi import --file ${join(relative(cwd, args.out) || ".", "import.json")} --stack ${args.stack} --generate-code=false   # Pulumi 3.94 or later`,
    );
  }
  steps.push(
    `pulumi preview --stack ${args.stack}   # expect updates (the kit's record comments, TTLs) and only the creates listed above; no replaces or deletes of DNS records`,
  );
  return steps;
}

/** What the import did, for the report. */
export interface Outcome {
  args: ImportArgs;
  imported: ZoneImport;
  /** The zone file's lines no record was read from ($INCLUDE, $GENERATE, entries that are no record). */
  unread: UnreadLine[];
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

/** The canonical host's full name: the report names hosts as a person types them in a browser. */
function canonicalName({ args, imported }: Outcome): string {
  return imported.canonical.host === "www" ? `www.${args.domain}` : args.domain;
}

/** Which host is canonical and why, in a sentence; how to choose the other when the import inferred it. */
function canonicalText(outcome: Outcome): string {
  const { host, by, why } = outcome.imported.canonical;
  const choose = by === "flag" ? "" : ` Give --canonical ${host === "www" ? "apex" : "www"} for the other.`;
  return `Canonical host: ${canonicalName(outcome)} (launch-ready:canonical ${host}), ${by === "flag" ? why : `inferred: ${why}`}.${choose}`;
}

/** The report under --json. */
export function jsonReport(outcome: Outcome, cwd: string): unknown {
  const { args, imported, unread, report, coverage, importPlan, stackPath, importPath, removed, tokenPermissions } = outcome;
  return {
    stack: args.stack,
    zone: args.domain,
    environment: args.environment,
    canonical: { host: imported.canonical.host, name: canonicalName(outcome), by: imported.canonical.by, why: imported.canonical.why },
    files: { stack: stackPath, importFile: importPath ?? null, removed },
    mapped: imported.mapped.map(({ record, to }) => ({ record: recordJson(record), to })),
    skipped: imported.skipped.map(({ record, reason }) => ({ record: recordJson(record), reason })),
    unmapped: imported.unmapped.map(({ record, part, reason }) => ({ record: recordJson(record), ...(part === undefined ? {} : { part }), reason })),
    added: imported.added,
    notes: imported.notes.map(({ record, note }) => ({ record: recordJson(record), note })),
    notImportedLines: unread,
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
    nextSteps: nextSteps(outcome, cwd),
  };
}

/**
 * Pushes a heading and one line per item. A zone's lists can hold more items than a call takes
 * arguments (`push(...lines)` overflows the stack past about 120,000), so they go in one by one.
 */
export function appendAll<T>(out: string[], heading: readonly string[], items: readonly T[], line: (item: T) => string): void {
  for (const text of heading) out.push(text);
  for (const item of items) out.push(line(item));
}

/**
 * Rows cli-table3 lays out at once. It checks each cell against every row above it (0.6.5's
 * `conflictExists`), so one table of n rows takes n² time: 10,000 rows took 2.4 s, 100,000 over
 * three minutes. The columns have fixed widths, so a row renders the same in any table.
 */
const ROWS_PER_LAYOUT = 500;

/** The corners of a table's top border, as the corners of the line between two rows. */
const TOP_TO_MIDDLE: Record<string, string> = { "┌": "├", "┬": "┼", "┐": "┤" };

/**
 * A table with fixed column widths, laid out a part of its rows at a time and joined where the
 * parts meet, line for line what one table of all the rows prints.
 */
export function renderTable(head: string[], colWidths: number[], rows: readonly string[][]): string {
  const render = (withHead: boolean, part: readonly string[][]) => {
    const table = new Table({ head: withHead ? head : [], style: { head: [], border: [] }, wordWrap: true, colWidths });
    for (const row of part) table.push(row);
    return table.toString();
  };
  if (rows.length <= ROWS_PER_LAYOUT) return render(true, rows);
  const parts: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_LAYOUT) {
    const lines = render(start === 0, rows.slice(start, start + ROWS_PER_LAYOUT)).split("\n");
    // A later part's top border is the line between its first row and the row above; every part but the last ends without its bottom border.
    if (start > 0) lines[0] = lines[0].replace(/[┌┬┐]/g, (corner) => TOP_TO_MIDDLE[corner]);
    if (start + ROWS_PER_LAYOUT < rows.length) lines.pop();
    parts.push(lines.join("\n"));
  }
  return parts.join("\n");
}

/** The report for a person. */
export function textReport(outcome: Outcome, cwd: string): string {
  const { args, imported, unread, report, coverage, importPlan, stackPath, importPath, removed } = outcome;
  const out: string[] = [];
  const shown = (path: string) => relative(cwd, path) || path;
  out.push(`Imported ${args.zoneFile} (${args.domain}) into ${shown(stackPath)}${importPath ? ` and ${shown(importPath)}` : ""}.`);
  for (const path of removed) out.push(`Removed ${shown(path)}: an earlier run wrote it, and without --record-ids it would not match the new stack.`);
  out.push(canonicalText(outcome), "");
  const mapped = renderTable(
    ["Zone record", "Declared at"],
    [70, 44],
    imported.mapped.map(({ record, to }) => [describeRecord(record), to]),
  );
  out.push(`${imported.mapped.length} records imported:`, mapped);
  if (imported.skipped.length > 0)
    out.push(`Skipped, Cloudflare serves them itself: ${imported.skipped.map(({ record }) => `${record.name} ${record.type}`).join(", ")}.`);
  if (imported.unmapped.length > 0) {
    const unmapped = renderTable(
      ["Zone record", "Not kept", "Why"],
      [40, 18, 62],
      imported.unmapped.map(({ record, part, reason }) => [describeRecord(record), part ?? "the whole record", reason]),
    );
    out.push(
      "",
      "Not imported: whole records stay in Cloudflare as they are, outside the stack; parts are dropped when the stack writes the record:",
      unmapped,
    );
  }
  if (unread.length > 0) {
    const lines = renderTable(
      ["Line", "Zone file entry", "Why no record was read from it"],
      [8, 40, 72],
      unread.map(({ line, text, reason }) => [String(line), text, reason]),
    );
    out.push("", `Lines not imported (${args.zoneFile} is the only file read; records these lines stand for, if any, are not in the stack):`, lines);
  }
  if (imported.added.length > 0) appendAll(out, ["", "Added, not in the zone file:"], imported.added, (added) => `  ${added.to}: ${added.what} (${added.why})`);
  if (imported.notes.length > 0) appendAll(out, ["", "Notes:"], imported.notes, ({ record, note }) => `  ${record.name} ${record.type}: ${note}`);
  out.push("", `Planned offline: ${coverage.matched.length + coverage.unaccounted.length} DNS records; every imported record is among them.`);
  const created = importPlan?.created ?? coverage.unaccounted;
  if (created.length > 0)
    appendAll(
      out,
      [`pulumi up would create (${importPlan ? "not in Cloudflare's record list" : "not in the zone file"}):`],
      created,
      (resource) => `  ${plannedText(resource)}`,
    );
  if (importPlan) {
    out.push(`${shown(importPath!)}: ${importPlan.adopted.length} records to adopt with their Cloudflare IDs.`);
    if (importPlan.unmanaged.length > 0)
      appendAll(
        out,
        ["In Cloudflare but not in the stack (left as they are):"],
        importPlan.unmanaged,
        (record) => `  ${record.name} ${record.type} ${record.content ?? ""}`,
      );
  } else {
    out.push("import.json was not written: a zone file holds no record IDs, and pulumi import needs them. The steps below fetch them.");
  }
  const failures = barFailures(report);
  if (failures.length > 0) {
    const bar = renderTable(
      ["Bar", "What the stack still needs", "Where"],
      [28, 64, 36],
      failures.map((failure) => [`${failure.id} (${failure.level})`, failure.message, failure.configPath ?? ""]),
    );
    out.push("", `The imported stack plans, but is below the minimum bar in ${failures.length} place${failures.length === 1 ? "" : "s"}:`, bar);
  }
  const waived = report.bar.filter((result) => result.status === "waived");
  if (waived.length > 0) appendAll(out, ["Waived:"], waived, (result) => `  ${result.id}: ${result.message}`);
  out.push("", "Next steps (nothing has been run against Cloudflare or Pulumi):", ...nextSteps(outcome, cwd).map((step, index) => `  ${index + 1}. ${step}`));
  return out.join("\n");
}
