/**
 * The imported zone against the planned stack and against Cloudflare: every record the import
 * mapped must be among the planned `cloudflare.DnsRecord`s (coverage), and every planned record
 * that already exists in Cloudflare gets its record ID in a `pulumi import` file, so `pulumi up`
 * adopts it instead of creating a duplicate. Pure functions over the plan report.
 */
import { isDmarcRecord, parseDmarc } from "../../domain/mail/dmarc";
import { isSpfRecord, parseSpf } from "../../domain/mail/spf";
import { DNS_RECORD } from "../../domain/resource-types";
import { domainToASCII } from "node:url";
import { classifyTarget, normalizeTargetHost } from "../../domain/hostnames";
import type { PlanReport } from "../plan/plan-report";
import type { ZoneImport } from "./draft";
import { importedSpfAll, spfTermText } from "./mail";
import { txtText, zoneFields, type RecordFields } from "./record-fields";
import { ZoneImportError, type ZoneRecord } from "./zone-file";

export type PlannedResource = PlanReport["resources"][number];

const ROOT_STACK = "pulumi:pulumi:Stack";

export function plannedDnsRecords(resources: readonly PlannedResource[]): PlannedResource[] {
  return resources.filter((resource) => resource.type === DNS_RECORD);
}

function plannedFields(resource: PlannedResource): RecordFields {
  const { name, type, content, priority, data } = resource.inputs as Record<string, unknown>;
  return {
    name: String(name),
    type: String(type),
    content: content === undefined ? undefined : String(content),
    priority: priority as number | undefined,
    data: data as RecordFields["data"],
  };
}

/** Cloudflare's API and the plan give CAA and SRV values as data; without it, the content is read as a zone file would be. */
function structured(fields: RecordFields): RecordFields["data"] {
  return fields.data ?? zoneFields({ name: fields.name, type: fields.type, content: fields.content ?? "", ttl: 1, class: "IN", comment: null })?.data;
}

/** A record's value in one text form, whichever source it comes from (zone file, plan, Cloudflare's API). */
function valueText(fields: RecordFields): string {
  const content = fields.content ?? "";
  switch (fields.type) {
    case "A":
    case "AAAA": {
      const address = classifyTarget(content);
      return address.ok ? address.value.content : content;
    }
    case "CNAME":
    case "NS": {
      const host = normalizeTargetHost(content);
      return host.ok ? host.value : content;
    }
    case "MX": {
      const host = normalizeTargetHost(content);
      return `${fields.priority ?? ""} ${host.ok ? host.value : content}`;
    }
    case "TXT":
      return txtText(content);
    case "CAA": {
      const data = structured(fields) as { flags: number; tag: string; value: string } | undefined;
      return data ? `${data.flags} ${data.tag.toLowerCase()} ${data.value}` : content;
    }
    case "SRV": {
      const data = structured(fields) as { priority?: number; weight: number; port: number; target: string } | undefined;
      const target = data ? normalizeTargetHost(data.target) : undefined;
      return data ? `${data.priority ?? fields.priority} ${data.weight} ${data.port} ${target?.ok ? target.value : data.target}` : content;
    }
    default:
      return content;
  }
}

/**
 * What identifies a record among the others: name, type and value. A name holds one SPF and one
 * DMARC record, and the kit writes their text its own way, so those two are identified by kind.
 */
export function recordIdentity(fields: RecordFields): string {
  const value = valueText(fields);
  const kind = fields.type === "TXT" && isSpfRecord(value) ? "(SPF)" : fields.type === "TXT" && isDmarcRecord(value) ? "(DMARC)" : value;
  return `${fields.name.toLowerCase()} ${fields.type} ${kind}`;
}

/**
 * A record as name, type and whole value, each in one form whichever source wrote it (trailing
 * dots, TXT quoting and splitting, host case, MX priority, CAA and SRV data): what `drift` compares.
 */
export function recordText(fields: RecordFields): string {
  return `${fields.name.toLowerCase()} ${fields.type} ${valueText(fields)}`;
}

// ---------------------------------------------------------------------------------------------
// Coverage: the zone against the plan.

export interface CoverageGap {
  record: ZoneRecord;
  to: string;
  problem: string;
}

export interface Coverage {
  /** Mapped zone records the plan does not hold as they are: a failure of the import. */
  gaps: CoverageGap[];
  /** Each mapped zone record with the planned resource that declares it. */
  matched: Array<{ record: ZoneRecord; resource: PlannedResource }>;
  /** Planned DNS records no zone record accounts for: `pulumi up` creates them. */
  unaccounted: PlannedResource[];
}

/** Items by identity, each list in order, so matching a zone of thousands of records stays linear. */
function byIdentity<T>(items: readonly T[], fields: (item: T) => RecordFields): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const item of items) {
    const identity = recordIdentity(fields(item));
    const same = index.get(identity);
    if (same) same.push(item);
    else index.set(identity, [item]);
  }
  return index;
}

export function checkCoverage(imported: ZoneImport, resources: readonly PlannedResource[]): Coverage {
  const planned = plannedDnsRecords(resources);
  const unused = byIdentity(planned, plannedFields);
  const used = new Set<PlannedResource>();
  const coverage: Coverage = { gaps: [], matched: [], unaccounted: [] };
  const spfAll = importedSpfAll(imported);
  const partsNotKept = new Map<ZoneRecord, string[]>();
  for (const { record, part } of imported.unmapped) if (part !== undefined) partsNotKept.set(record, [...(partsNotKept.get(record) ?? []), part]);
  for (const { record, to } of imported.mapped) {
    const fields = zoneFields(record)!;
    const resource = unused.get(recordIdentity(fields))?.shift();
    const notKept = partsNotKept.get(record) ?? [];
    const problem = resource
      ? semanticDifference(fields, plannedFields(resource), notKept, spfAll)
      : `no planned ${record.type} record at ${record.name} has the value ${valueText(fields)}`;
    if (problem) coverage.gaps.push({ record, to, problem });
    if (resource) {
      used.add(resource);
      coverage.matched.push({ record, resource });
    }
  }
  coverage.unaccounted = planned.filter((resource) => !used.has(resource));
  return coverage;
}

/**
 * SPF and DMARC compared by meaning, leaving out the parts the import reported as not kept. An SPF
 * record whose own `all` is not kept (or that has none) must end as the import said it would:
 * with the stack's email.spfAll.
 */
function semanticDifference(zone: RecordFields, planned: RecordFields, notKept: readonly string[], spfAll: string): string | undefined {
  const zoneText = valueText(zone);
  const plannedText = valueText(planned);
  if (zone.type === "TXT" && isSpfRecord(zoneText)) return spfDifference(zoneText, plannedText, notKept, spfAll);
  if (zone.type === "TXT" && isDmarcRecord(zoneText)) return dmarcDifference(zoneText, plannedText, notKept);
  return undefined;
}

function spfTerms(text: string, notKept: readonly string[]): { terms: string[]; all?: string } | undefined {
  const parsed = parseSpf(text);
  if (!parsed.ok) return undefined;
  const written = parsed.record.terms.map((term) => (term.kind === "modifier" ? `${term.name}=${term.value}` : spfTermText(term)).toLowerCase());
  const kept = written.filter((term) => !notKept.some((part) => part.toLowerCase() === term));
  return { terms: kept.filter((term) => !/^[+\-~?]?all$/.test(term)).sort(), all: kept.find((term) => /^[+\-~?]?all$/.test(term)) };
}

function spfDifference(zoneText: string, plannedText: string, notKept: readonly string[], spfAll: string): string | undefined {
  const zone = spfTerms(zoneText, notKept);
  const planned = spfTerms(plannedText, []);
  if (!zone || !planned) return `the planned SPF record "${plannedText}" does not parse`;
  if (zone.terms.join(" ") !== planned.terms.join(" ")) {
    return `the planned SPF record "${plannedText}" authorises other senders than the zone's "${zoneText}" (terms kept: ${[...zone.terms, zone.all ?? ""].join(" ").trim()})`;
  }
  const ending = zone.all ?? spfAll;
  return planned.all === ending
    ? undefined
    : `the planned SPF record "${plannedText}" ends ${planned.all ?? "without all"}, but the import kept ${zone.all ? `the zone's ${ending}` : `email.spfAll ${ending}`} for the zone's "${zoneText}"`;
}

function dmarcDifference(zoneText: string, plannedText: string, notKept: readonly string[]): string | undefined {
  const zone = parseDmarc(zoneText).record;
  const planned = parseDmarc(plannedText).record;
  if (!zone || !planned) return `the planned DMARC record "${plannedText}" does not parse`;
  const dropped = new Set(notKept.map((part) => part.split("=")[0].toLowerCase()));
  const view = (record: NonNullable<typeof zone>) => ({
    p: record.p,
    sp: record.sp,
    rua: [...record.rua].sort().join(","),
    ruf: [...record.ruf].sort().join(","),
    adkim: record.adkim,
    aspf: record.aspf,
  });
  const zoneView = view(zone);
  const plannedView = view(planned);
  const differing = (Object.keys(zoneView) as Array<keyof typeof zoneView>).filter((tag) => !dropped.has(tag) && zoneView[tag] !== plannedView[tag]);
  return differing.length === 0 ? undefined : `the planned DMARC record "${plannedText}" differs from the zone's "${zoneText}" in ${differing.join(", ")}`;
}

// ---------------------------------------------------------------------------------------------
// The `pulumi import` file: planned records matched to Cloudflare's record IDs.

/** One record of Cloudflare's "List DNS Records" answer, as far as matching needs it. */
export interface CloudflareRecord {
  id: string;
  name: string;
  type: string;
  content?: string;
  priority?: number;
  data?: Record<string, unknown>;
  /** The zone Cloudflare says the record is in, where the answer still carries it (zone_id, zone_name). */
  zoneId?: string;
  zoneName?: string;
}

/** A record name as DNS and the zone file write it: lower-case ASCII (punycode), without the trailing dot. */
function asciiName(name: string): string {
  const bare = name.replace(/\.$/, "");
  return (/[^\p{ASCII}]/u.test(bare) ? domainToASCII(bare) || bare : bare).toLowerCase();
}

/**
 * Reads the body of `GET /zones/{zone_id}/dns_records`. A partial listing is refused: a record
 * missing from it would be created by `pulumi up` next to the one that exists.
 */
export function readRecordIds(body: unknown): CloudflareRecord[] {
  const fail = (message: string): never => {
    throw new ZoneImportError("--record-ids", message);
  };
  if (typeof body !== "object" || body === null || !Array.isArray((body as { result?: unknown }).result)) {
    return fail('is not the answer of Cloudflare\'s "List DNS Records" API: it needs {"result": [{"id", "name", "type", "content"}, ...]}');
  }
  const { result, success, result_info: info } = body as { result: unknown[]; success?: boolean; result_info?: { total_count?: number } };
  if (success === false) return fail("holds an API error (success: false); check the token and the zone ID, and fetch it again");
  if (info?.total_count !== undefined && info.total_count > result.length) {
    return fail(
      `holds ${result.length} of the zone's ${info.total_count} records; fetch them all at once (per_page=${info.total_count}) so no record is missed`,
    );
  }
  return result.map((entry, index) => {
    const record = entry as Record<string, unknown>;
    if (typeof record.id !== "string" || typeof record.name !== "string" || typeof record.type !== "string")
      return fail(`result[${index}] has no id, name or type`);
    return {
      id: record.id,
      name: asciiName(record.name),
      type: record.type,
      ...(typeof record.content === "string" ? { content: record.content } : {}),
      ...(typeof record.priority === "number" ? { priority: record.priority } : {}),
      ...(typeof record.data === "object" && record.data !== null ? { data: record.data as Record<string, unknown> } : {}),
      ...(typeof record.zone_id === "string" ? { zoneId: record.zone_id.toLowerCase() } : {}),
      ...(typeof record.zone_name === "string" ? { zoneName: asciiName(record.zone_name) } : {}),
    };
  });
}

const shownRecords = (records: readonly CloudflareRecord[]) =>
  `${records
    .slice(0, 3)
    .map((record) => `${record.name} ${record.type}`)
    .join(", ")}${records.length > 3 ? `, and ${records.length - 3} more` : ""}`;

/** The zone a record list is of: the zone Cloudflare names in it, or the longest suffix of two or more labels all its names share. */
export function likelyZone(live: readonly CloudflareRecord[]): string | undefined {
  const named = [...new Set(live.map((record) => record.zoneName).filter((name) => name !== undefined))];
  if (named.length === 1) return named[0];
  if (live.length === 0) return undefined;
  let common = live[0].name.split(".").reverse();
  for (const record of live.slice(1)) {
    const labels = record.name.split(".").reverse();
    let same = 0;
    while (same < common.length && common[same] === labels[same]) same++;
    common = common.slice(0, same);
  }
  // The shared suffix of service and wildcard names is not a zone: `_domainkey.example.com` is in example.com.
  while (common.length > 2 && (common.at(-1) === "*" || common.at(-1)!.startsWith("_"))) common.pop();
  return common.length >= 2 ? common.reverse().join(".") : undefined;
}

/**
 * Refuses a record list that is not the zone's before anything is planned: one with a record
 * outside the domain, or of another zone ID, is another zone's, and its IDs would adopt the wrong
 * records or none.
 */
export function checkRecordListZone(live: readonly CloudflareRecord[], domain: string, zoneId: string): void {
  const outside = live.filter((record) => record.name !== domain && !record.name.endsWith(`.${domain}`));
  if (outside.length > 0) {
    const zone = likelyZone(outside);
    throw new ZoneImportError(
      "--record-ids",
      `holds ${outside.length} record${outside.length === 1 ? "" : "s"} outside ${domain} (${shownRecords(outside)}); it looks like the record list of ${zone ?? "more than one zone"}, not of ${domain}`,
    );
  }
  const otherZone = live.find((record) => record.zoneId !== undefined && record.zoneId !== zoneId);
  if (otherZone) {
    throw new ZoneImportError(
      "--record-ids",
      `holds records of the zone ID ${otherZone.zoneId}${otherZone.zoneName ? ` (${otherZone.zoneName})` : ""}, not of --zone-id ${zoneId}`,
    );
  }
}

/**
 * Refuses a record list that holds none of the records the import declares: an empty answer, a
 * stale or wrong listing. Its import.json would adopt nothing, and `pulumi up` would create every
 * record again beside the live ones.
 */
export function checkRecordListMatches(plan: ImportPlan, coverage: Coverage, live: readonly CloudflareRecord[], domain: string): void {
  const imported = new Set(coverage.matched.map(({ resource }) => resource));
  if (plan.adopted.some(({ resource }) => imported.has(resource))) return;
  const count = `${coverage.matched.length} record${coverage.matched.length === 1 ? "" : "s"} imported from the zone file`;
  if (live.length === 0) {
    throw new ZoneImportError(
      "--record-ids",
      `holds no records, so import.json would adopt none of the ${count}, and pulumi up would create them all beside the live ones`,
    );
  }
  const zone = likelyZone(live);
  throw new ZoneImportError(
    "--record-ids",
    `matches none of the ${count} (it holds ${shownRecords(live)}); it looks like ${zone === domain ? `an old list of ${domain}, or another account's zone of that name` : `the record list of ${zone ?? "another zone"}`}, and import.json would adopt nothing`,
  );
}

export interface ImportFileEntry {
  type: string;
  name: string;
  id?: string;
  parent?: string;
  logicalName?: string;
  component?: boolean;
}

export interface ImportFile {
  nameTable: Record<string, string>;
  resources: ImportFileEntry[];
}

export interface ImportPlan {
  file: ImportFile;
  /** Planned records that exist in Cloudflare, with their import IDs. */
  adopted: Array<{ resource: PlannedResource; id: string }>;
  /** Planned records Cloudflare does not have: `pulumi up` creates them. */
  created: PlannedResource[];
  /** Records in Cloudflare the stack does not declare: left as they are. */
  unmanaged: CloudflareRecord[];
}

/** A name `pulumi import` can also use as a variable in the code it generates; the logical name stays exact. */
export function importEntryName(logicalName: string, taken: Set<string>): string {
  const base = logicalName.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(?=\d)/, "_");
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

/** The component chain above a resource, outermost first, without the stack itself (URNs leave it out). */
function ancestors(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): PlannedResource[] {
  const chain: PlannedResource[] = [];
  for (
    let parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    parent && parent.type !== ROOT_STACK;
    parent = parent.parent ? byUrn.get(parent.parent) : undefined
  )
    chain.unshift(parent);
  return chain;
}

/**
 * The import file: each component above the records once (`component: true`, Pulumi 3.94 and
 * later), then each planned record found in Cloudflare under its parent, with the ID Cloudflare's
 * provider imports by, `<zone_id>/<record_id>`.
 */
export function buildImportPlan(resources: readonly PlannedResource[], zoneId: string, live: readonly CloudflareRecord[]): ImportPlan {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const available = byIdentity(live, (record) => record as RecordFields);
  const plan: ImportPlan = { file: { nameTable: {}, resources: [] }, adopted: [], created: [], unmanaged: [] };
  const taken = new Set<string>();
  const fileNames = new Map<string, string>();
  // Parents are declared before their children, each once.
  const declare = (resource: PlannedResource, id?: string): string => {
    const known = fileNames.get(resource.urn);
    if (known) return known;
    const parent = ancestors(resource, byUrn).at(-1);
    const parentName = parent ? declare(parent) : undefined;
    const name = importEntryName(resource.name, taken);
    fileNames.set(resource.urn, name);
    plan.file.resources.push({
      type: resource.type,
      name,
      ...(id ? { id } : {}),
      ...(parentName ? { parent: parentName } : {}),
      ...(name === resource.name ? {} : { logicalName: resource.name }),
      ...(resource.custom ? {} : { component: true }),
    });
    return name;
  };
  for (const resource of plannedDnsRecords(resources)) {
    const match = available.get(recordIdentity(plannedFields(resource)))?.shift();
    if (!match) {
      plan.created.push(resource);
      continue;
    }
    const id = `${zoneId}/${match.id}`;
    plan.adopted.push({ resource, id });
    declare(resource, id);
  }
  const left = new Set([...available.values()].flat());
  plan.unmanaged = live.filter((record) => left.has(record));
  return plan;
}
