/**
 * A BIND zone file (what Cloudflare and registrars export) turned into a stack's `launch-ready:*`
 * config. Pure functions, no Pulumi and no file system: the CLI reads the files, plans the result
 * and writes it. Every record of the zone ends in exactly one of three lists: mapped (with the
 * config path that now declares it), skipped (Cloudflare serves it itself) or unmapped (with the
 * reason), so nothing is dropped silently. A record mapped only in part (an SPF term, a DMARC tag
 * the schema cannot hold) is mapped and also listed as unmapped with that part.
 */
import { parseZone } from "dnsz";
import { parseDkimKey } from "../../domain/mail/dkim";
import { parseDmarc } from "../../domain/mail/dmarc";
import { MAIL_PROVIDER_PRESETS, MAIL_PROVIDERS, type MailProvider } from "../../domain/mail/providers";
import { isSpfRecord, parseSpf, type SpfMechanism, type SpfTerm } from "../../domain/mail/spf";
import { recordTtlProblem, type CloudflarePlan } from "../../domain/cloudflare/zone-plans";
import { CAA_TAGS, PROXIED_BY_DEFAULT, type Environment, type HostPurpose } from "../../stacks/config-schema";
import { classifyTarget, normalizeTargetHost } from "../../domain/hostnames";
import { DEFAULT_DNS_ONLY_TTL } from "../../stacks/stack-config";

/** One record as dnsz reads it: lower-case absolute name without the trailing dot, content as written. */
export interface ZoneRecord {
  name: string;
  ttl: number;
  class: string;
  type: string;
  content: string;
  /** The comment after the record; Cloudflare writes `cf_tags=cf-proxied:true` there. */
  comment: string | null;
}

export interface ImportOptions {
  /** The zone's ASCII name, e.g. example.org. */
  domain: string;
  zoneId: string;
  accountId: string;
  plan: CloudflarePlan;
  environment: Environment;
  canonical: "apex" | "www";
  /** Who answers for the waiver a wildcard needs; required when the zone has one. */
  owner?: string;
  /** The import day (YYYY-MM-DD): waivers expire 90 days after it. */
  today: string;
  /** The zone file's name, for the waiver's reason. */
  source: string;
}

export interface ZoneImport {
  /** The `launch-ready:*` keys of the stack file, as plain JSON values. */
  config: Record<string, unknown>;
  mapped: Array<{ record: ZoneRecord; to: string }>;
  skipped: Array<{ record: ZoneRecord; reason: string }>;
  /** Whole records, or with `part` the piece of a mapped record that is not kept. */
  unmapped: Array<{ record: ZoneRecord; part?: string; reason: string }>;
  /** Config the zone did not hold but the stack needs. */
  added: Array<{ to: string; what: string; why: string }>;
  /** What is kept but changes or is assumed: TTLs, proxy status. */
  notes: Array<{ record: ZoneRecord; note: string }>;
}

/** Bad input, named by the command-line option that gave it. */
export class ZoneImportError extends Error {
  constructor(public readonly option: string, message: string) {
    super(`${option}: ${message}`);
  }
}

const WAIVER_DAYS = 90;

/** The ending the kit writes on every sender's SPF record when email.spfAll is not set (config-schema's default). */
export const KIT_SPF_ALL = "~all";

/** The ending every sender's SPF record gets in the imported stack: email.spfAll, or the kit's default. */
export function importedSpfAll(imported: Pick<ZoneImport, "config">): "-all" | "~all" {
  const email = imported.config["launch-ready:email"] as { spfAll?: "-all" | "~all" } | undefined;
  return email?.spfAll ?? KIT_SPF_ALL;
}

/** What a record looks like in a report: `www.example.org CNAME example.org.`, long values shortened. */
export function describeRecord(record: ZoneRecord): string {
  const content = record.content.length > 90 ? `${record.content.slice(0, 87)}...` : record.content;
  return `${record.name} ${record.type} ${content}`;
}

/**
 * Reads a zone file. Without `$ORIGIN` the origin is the domain, as BIND takes it from the zone
 * statement; a file whose `$ORIGIN` or SOA names another domain is refused, not imported into the wrong zone.
 */
export function readZone(text: string, domain: string): ZoneRecord[] {
  let data: ReturnType<typeof parseZone>;
  try {
    // A record without a TTL and no $TTL above it says nothing: 1 (Cloudflare's "automatic") keeps the kit's default.
    data = parseZone(`$ORIGIN ${domain}.\n${text}`, { defaultTTL: 1 });
  } catch (error) {
    throw new ZoneImportError("--zone-file", `is not a zone file dnsz can read (${(error as Error).message})`);
  }
  const origin = data.origin?.replace(/\.$/, "").toLowerCase();
  if (origin && origin !== domain) throw new ZoneImportError("--domain", `is ${domain}, but the zone file's $ORIGIN is ${origin}; give --domain ${origin}, or the zone file of ${domain}`);
  const soa = data.records.find((record) => record.type === "SOA");
  if (soa && soa.name !== domain) throw new ZoneImportError("--domain", `is ${domain}, but the zone file's SOA record is for ${soa.name}; give --domain ${soa.name}, or the zone file of ${domain}`);
  const garbled = data.records.find((record) => !/^[A-Z][A-Z0-9]*$/.test(record.type) || ["IN", "CH", "HS", "CS"].includes(record.type));
  if (garbled) throw new ZoneImportError("--zone-file", `has a line that reads as a record at ${garbled.name} of type "${garbled.type}" with "${garbled.content}"; is it a BIND zone file (name ttl IN type content)?`);
  const records = data.records.map(({ name, ttl, class: recordClass, type, content, comment }) => ({ name, ttl, class: recordClass, type, content: absoluteTarget(type, content, domain), comment }));
  if (!records.some((record) => record.type !== "SOA")) throw new ZoneImportError("--zone-file", "holds no records; export the zone as a BIND file (Cloudflare: DNS > Records > Import and Export > Export)");
  return records;
}

/** Types whose last field is a host name. */
const TARGET_TYPES = new Set(["CNAME", "NS", "MX", "SRV"]);

/**
 * A target written relative (`www CNAME app`) is relative to the origin, as BIND reads it, and `@`
 * is the origin itself; dnsz keeps both as written. (A file that changes $ORIGIN midway would
 * need the origin of each line; exports do not do that.)
 */
function absoluteTarget(type: string, content: string, origin: string): string {
  if (!TARGET_TYPES.has(type)) return content;
  const fields = content.trim().split(/\s+/);
  const target = fields.pop()!;
  const absolute = target === "@" ? `${origin}.` : target === "." || target.endsWith(".") ? target : `${target}.${origin}.`;
  return [...fields, absolute].join(" ");
}

// ---------------------------------------------------------------------------------------------
// Record values: the zone file's text in the form the config and Cloudflare use.

/** TXT content as one string: quoted character-strings joined without separators (RFC 1035 3.3.14), escapes undone. */
export function txtText(content: string): string {
  const trimmed = content.trim();
  if (!trimmed.startsWith('"')) return trimmed;
  const strings = [...trimmed.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]);
  return strings.join("").replace(/\\(\d{3}|.)/g, (_, escaped: string) => (/^\d{3}$/.test(escaped) ? String.fromCharCode(Number(escaped)) : escaped));
}

/** A target host without the trailing dot, lower case; "." (no service) stays. */
function hostOf(text: string): string | undefined {
  const host = normalizeTargetHost(text);
  return host.ok ? host.value : undefined;
}

export type RecordData = { flags: number; tag: string; value: string } | { priority: number; weight: number; port: number; target: string };

/** A record's value as Cloudflare's API holds it: content, or priority + content (MX), or data (CAA, SRV). */
export interface RecordFields {
  name: string;
  type: string;
  content?: string;
  priority?: number;
  data?: RecordData;
}

/** The zone record in the API's shape, or undefined when its content cannot be read. */
export function zoneFields(record: ZoneRecord): RecordFields | undefined {
  const base = { name: record.name, type: record.type };
  const content = record.content.trim();
  switch (record.type) {
    case "A":
    case "AAAA": {
      const target = classifyTarget(content);
      return target.ok && target.value.type === record.type ? { ...base, content: target.value.content } : undefined;
    }
    case "CNAME":
    case "NS": {
      const host = hostOf(content);
      return host && host !== "." ? { ...base, content: host } : undefined;
    }
    case "MX": {
      const [, priority, target] = /^(\d+)\s+(\S+)$/.exec(content) ?? [];
      const host = target === undefined ? undefined : hostOf(target);
      return host && Number(priority) <= 65535 ? { ...base, priority: Number(priority), content: host } : undefined;
    }
    case "TXT":
      return { ...base, content: txtText(content) };
    case "CAA": {
      const [, flags, tag, value] = /^(\d+)\s+([A-Za-z0-9]+)\s+(.+)$/.exec(content) ?? [];
      return tag === undefined ? undefined : { ...base, data: { flags: Number(flags), tag: tag.toLowerCase(), value: txtText(value) } };
    }
    case "SRV": {
      const [, priority, weight, port, target] = /^(\d+)\s+(\d+)\s+(\d+)\s+(\S+)$/.exec(content) ?? [];
      const host = target === undefined ? undefined : hostOf(target);
      return host ? { ...base, data: { priority: Number(priority), weight: Number(weight), port: Number(port), target: host } } : undefined;
    }
    default:
      return undefined;
  }
}

/** Cloudflare's export says whether a record is proxied in its trailing comment; other exports do not. */
function cfProxied(record: ZoneRecord): boolean | undefined {
  const tag = /cf-proxied:(true|false)/.exec(record.comment ?? "")?.[1];
  return tag === undefined ? undefined : tag === "true";
}

// ---------------------------------------------------------------------------------------------
// Names: how the config writes a fully qualified name.

function inZone(fqdn: string, zone: string): boolean {
  return fqdn === zone || fqdn.endsWith(`.${zone}`);
}

function relativeLabels(fqdn: string, zone: string): string[] {
  return fqdn === zone ? [] : fqdn.slice(0, -(zone.length + 1)).split(".");
}

/** A host's name as `launch-ready:hosts` takes it: "@", one label, or the full name; a wildcard keeps its "*.". */
function hostName(fqdn: string, zone: string): string {
  const labels = relativeLabels(fqdn, zone);
  if (labels.length === 0) return "@";
  if (labels[0] === "*") return labels.length === 1 ? "*" : `*.${hostName(fqdn.slice(2), zone)}`;
  return labels.length === 1 ? labels[0] : fqdn;
}

/** A record's name as `launch-ready:records` takes it: relative for service and wildcard names, as zone files write them. */
function recordName(fqdn: string, zone: string): string {
  const labels = relativeLabels(fqdn, zone);
  if (labels.length === 0) return "@";
  const relative = labels.length === 1 || labels[0] === "*" || labels.some((label) => label.startsWith("_"));
  return relative ? labels.join(".") : fqdn;
}

const isServiceName = (fqdn: string, zone: string) => relativeLabels(fqdn, zone).some((label) => label.startsWith("_"));
const isWildcard = (fqdn: string) => fqdn.startsWith("*.");

const PURPOSE_BY_LABEL: Record<string, HostPurpose> = {
  www: "web",
  app: "web",
  api: "api",
  admin: "admin",
  docs: "docs",
  status: "status",
  mail: "mail",
  smtp: "mail",
  imap: "mail",
};

/** A zone file says nothing of what a host is for; its first label is the best guess, to be checked. */
function guessPurpose(fqdn: string, zone: string): HostPurpose {
  const first = relativeLabels(fqdn, zone)[0];
  return first === undefined ? "web" : (PURPOSE_BY_LABEL[first] ?? "other");
}

// ---------------------------------------------------------------------------------------------
// The draft config, filled record by record; config paths are known once lists are ordered.

interface HostDraft {
  fqdn: string;
  purpose: HostPurpose;
  targets: string[];
  records: ZoneRecord[];
  proxied?: boolean;
  ttl?: number;
  /** Why the import added this host, when the zone had none. */
  added?: string;
}

interface SenderDraft {
  provider: MailProvider;
  domain: string;
  include?: string;
  addresses: string[];
  dkim: Array<{ selector: string; value: string }>;
}

type Target =
  | { kind: "host"; host: HostDraft }
  | { kind: "senders"; senders: SenderDraft[] }
  | { kind: "dkim"; sender: SenderDraft; selector: string }
  | { kind: "inbound" }
  | { kind: "dmarc" }
  | { kind: "parked"; fqdn: string }
  | { kind: "record"; record: Record<string, unknown> };

interface Draft {
  zone: string;
  options: ImportOptions;
  hosts: Map<string, HostDraft>;
  senders: SenderDraft[];
  inbound?: { provider: MailProvider; mx?: Array<{ host: string; priority: number }> };
  dmarc?: Record<string, unknown>;
  parked: string[];
  /** email.spfAll: the apex's ending, or undefined for the kit's default. */
  spfAll?: "-all" | "~all";
  /** Why spfAll is what it is, for the parts of other records that end differently. */
  spfAllWhy?: string;
  records: Array<Record<string, unknown>>;
  mapped: Array<{ record: ZoneRecord; target: Target }>;
  result: Omit<ZoneImport, "config" | "mapped">;
}

const LEFT_AS_IS = "it stays in Cloudflare as it is, outside the stack";

function unmap(draft: Draft, record: ZoneRecord, reason: string, part?: string): void {
  draft.result.unmapped.push({ record, ...(part === undefined ? {} : { part }), reason });
}

/**
 * Maps a zone's records to stack config. Throws ZoneImportError when the options cannot make a
 * valid stack of this zone (a wildcard without --owner, an apex nothing can be derived for).
 */
export function importZone(records: readonly ZoneRecord[], options: ImportOptions): ZoneImport {
  const zone = options.domain;
  const draft: Draft = { zone, options, hosts: new Map(), senders: [], parked: [], records: [], mapped: [], result: { skipped: [], unmapped: [], added: [], notes: [] } };
  const pending = triage(draft, records);
  mapHosts(draft, pending);
  mapMail(draft, pending);
  mapOtherRecords(draft, pending, records);
  completeCanonicalPair(draft, records);
  const waivers = wildcardWaivers(draft);
  const hosts = orderedHosts(draft);
  const hostIndex = new Map(hosts.map((host, index) => [host, index]));
  for (const host of hosts) if (host.added) draft.result.added.push({ to: pathOf(draft, { kind: "host", host }, hostIndex), what: `${host.fqdn} → ${host.targets.join(", ")}`, why: host.added });
  return {
    config: buildConfig(draft, hosts, waivers),
    mapped: draft.mapped.map(({ record, target }) => ({ record, to: pathOf(draft, target, hostIndex) })),
    ...draft.result,
  };
}

/** Skips what Cloudflare serves, refuses what cannot be read or is not in the zone, and returns the rest by type. */
function triage(draft: Draft, records: readonly ZoneRecord[]): ZoneRecord[] {
  const seen = new Set<string>();
  const pending: ZoneRecord[] = [];
  for (const record of records) {
    const key = `${record.name} ${record.type} ${record.content.replace(/\s+/g, " ")}`;
    if (record.type === "SOA") draft.result.skipped.push({ record, reason: "Cloudflare writes the zone's SOA itself" });
    else if (record.type === "NS" && record.name === draft.zone) draft.result.skipped.push({ record, reason: "Cloudflare serves the zone's own NS records" });
    else if (!inZone(record.name, draft.zone)) unmap(draft, record, `is outside ${draft.zone}; ${LEFT_AS_IS} if it exists there at all`);
    else if (record.class.toUpperCase() !== "IN") unmap(draft, record, `is of class ${record.class}; Cloudflare serves class IN only`);
    else if (seen.has(key)) unmap(draft, record, "repeats a record above; a zone holds each record once");
    else if (!["A", "AAAA", "CNAME", "MX", "TXT", "CAA", "SRV", "NS"].includes(record.type)) {
      unmap(draft, record, `launch-ready declares A, AAAA, CNAME, MX, TXT, CAA, SRV and NS records, not ${record.type}; ${LEFT_AS_IS}`);
    } else if (!zoneFields(record)) unmap(draft, record, `its ${record.type} content cannot be read; ${LEFT_AS_IS}`);
    else pending.push(record);
    seen.add(key);
  }
  return pending;
}

function take(pending: ZoneRecord[], test: (record: ZoneRecord) => boolean): ZoneRecord[] {
  const taken = pending.filter(test);
  for (const record of taken) pending.splice(pending.indexOf(record), 1);
  return taken;
}

// ---------------------------------------------------------------------------------------------
// Hosts: A, AAAA and CNAME records at host names.

function mapHosts(draft: Draft, pending: ZoneRecord[]): void {
  const { zone } = draft;
  const hostRecords = take(pending, (r) => ["A", "AAAA", "CNAME"].includes(r.type) && !isServiceName(r.name, zone));
  for (const record of hostRecords) {
    const value = zoneFields(record)!.content!;
    const host = draft.hosts.get(record.name) ?? { fqdn: record.name, purpose: guessPurpose(record.name, zone), targets: [], records: [] };
    const hasCname = host.records.some((r) => r.type === "CNAME");
    if (host.records.length > 0 && (hasCname || record.type === "CNAME")) {
      unmap(draft, record, `${record.name} already has ${hasCname ? "a CNAME" : "address records"}; a CNAME cannot stand beside other records (RFC 1034 3.6.2)`);
      continue;
    }
    host.targets.push(value);
    host.records.push(record);
    draft.hosts.set(record.name, host);
    draft.mapped.push({ record, target: { kind: "host", host } });
  }
  for (const host of draft.hosts.values()) settleProxyAndTtl(draft, host);
  // Service names (`_foo`) cannot be hosts, and `launch-ready:records` holds no A/AAAA records.
  for (const record of take(pending, (r) => r.type === "A" || r.type === "AAAA")) {
    unmap(draft, record, `${record.name} is a service name (a label starts with "_"), which launch-ready:hosts does not take, and launch-ready:records holds no ${record.type} records; ${LEFT_AS_IS}`);
  }
}

/** Proxy status from Cloudflare's cf_tags, TTL kept only for DNS-only hosts: proxied names always answer with automatic TTL. */
function settleProxyAndTtl(draft: Draft, host: HostDraft): void {
  const tags = host.records.map(cfProxied);
  const known = tags.filter((tag): tag is boolean => tag !== undefined);
  const byDefault = PROXIED_BY_DEFAULT.has(host.purpose);
  if (known.length === 0) {
    draft.result.notes.push({ record: host.records[0], note: `the zone file does not say whether it is proxied (no cf_tags); the kit's default for a ${host.purpose} host applies: ${byDefault ? "proxied" : "DNS only"}` });
  } else {
    host.proxied = known.includes(true);
    host.records.forEach((record, position) => {
      if (tags[position] !== undefined && tags[position] !== host.proxied) draft.result.notes.push({ record, note: `is ${tags[position] ? "proxied" : "DNS only"} in the zone, but a host has one proxy setting: it will be ${host.proxied ? "proxied" : "DNS only"}` });
    });
  }
  if (host.proxied ?? byDefault) return;
  const ttls = [...new Set(host.records.map((record) => record.ttl))];
  const ttl = ttls[0];
  if (ttls.length > 1) draft.result.notes.push({ record: host.records[0], note: `its records have TTLs ${ttls.join(", ")}; a host has one TTL: ${ttl}` });
  host.ttl = keptTtl(draft, host.records[0], ttl);
}

/** A DNS-only TTL worth writing: not automatic (1), not the kit's default, and one the plan allows. */
function keptTtl(draft: Draft, record: ZoneRecord, ttl: number): number | undefined {
  if (ttl === 1 || ttl === DEFAULT_DNS_ONLY_TTL) return undefined;
  const problem = recordTtlProblem(ttl, draft.options.plan);
  if (problem) {
    draft.result.notes.push({ record, note: `its TTL ${problem}; it will be ${DEFAULT_DNS_ONLY_TTL}` });
    return undefined;
  }
  return ttl;
}

/**
 * DNS-CANONICAL needs both the apex and www, and the one that redirects must be proxied (Cloudflare
 * answers redirects only for proxied names). What is missing is added and reported.
 */
function completeCanonicalPair(draft: Draft, records: readonly ZoneRecord[]): void {
  const { zone } = draft;
  const www = `www.${zone}`;
  const apexHost = draft.hosts.get(zone);
  const wwwHost = draft.hosts.get(www);
  if (!apexHost && !wwwHost) {
    throw new ZoneImportError("--zone-file", `has no A, AAAA or CNAME record for ${zone} or ${www}; the stack needs the canonical host (DNS-CANONICAL), so add the site's record to the zone file first`);
  }
  const otherDataAt = (fqdn: string) => records.some((r) => r.name === fqdn && !["A", "AAAA", "CNAME", "SOA", "NS"].includes(r.type)) || draft.senders.some((s) => s.domain === fqdn) || draft.parked.includes(fqdn) || (fqdn === zone && draft.inbound !== undefined);
  if (!wwwHost) {
    // A CNAME to the apex follows whatever the apex points at; only other data at www forbids it.
    const targets = otherDataAt(www) ? addressesOf(apexHost!) : [zone];
    if (!targets) throw new ZoneImportError("--zone-file", `has no record for ${www}, and ${zone} is a CNAME while ${www} holds other records; add an A/AAAA record for ${www} to the zone file`);
    draft.hosts.set(www, { fqdn: www, purpose: "web", targets, records: [], added: `the zone has no ${www}; DNS-CANONICAL needs it so one of the pair can redirect to the other` });
  }
  if (!apexHost) {
    // A CNAME at the apex is flattened by Cloudflare, but cannot stand beside the apex's mail and other records.
    const targets = addressesOf(wwwHost!) ?? (otherDataAt(zone) ? undefined : [www]);
    if (!targets) throw new ZoneImportError("--zone-file", `has no A/AAAA record for ${zone}, and ${www} is a CNAME while the apex holds other records; add the apex's A/AAAA record to the zone file`);
    draft.hosts.set(zone, { fqdn: zone, purpose: "web", targets, records: [], added: `the zone has no record for ${zone}; DNS-CANONICAL needs it so one of the pair can redirect to the other` });
  }
  for (const fqdn of [zone, www]) {
    const host = draft.hosts.get(fqdn)!;
    const redirects = (draft.options.canonical === "apex") === (fqdn === www);
    if (redirects && host.proxied === false) {
      host.proxied = undefined;
      host.ttl = undefined;
      draft.result.notes.push({ record: host.records[0], note: `is DNS only in the zone, but ${fqdn} redirects to the canonical host (--canonical ${draft.options.canonical}) and Cloudflare redirects only proxied names: it will be proxied` });
    }
  }
}

function addressesOf(host: HostDraft): string[] | undefined {
  return host.records.some((r) => r.type === "CNAME") ? undefined : [...host.targets];
}

// ---------------------------------------------------------------------------------------------
// Mail: inbound MX, SPF senders and parked names, DKIM, DMARC.

function mapMail(draft: Draft, pending: ZoneRecord[]): void {
  const { zone } = draft;
  const mx = take(pending, (r) => r.type === "MX");
  const spf = take(pending, (r) => r.type === "TXT" && isSpfRecord(zoneFields(r)!.content!));
  const apexMx = mx.filter((r) => r.name === zone && zoneFields(r)!.content !== ".");
  if (apexMx.length > 0) mapInbound(draft, apexMx);
  const nullMx = mx.filter((r) => zoneFields(r)!.content === ".");
  const receiving = new Set(mx.filter((r) => zoneFields(r)!.content !== ".").map((r) => r.name));
  mapSpf(draft, spf, receiving);
  for (const record of nullMx) {
    const sends = draft.senders.some((sender) => sender.domain === record.name);
    // The kit parks the apex by itself when it neither sends nor receives; saying so keeps the file explicit.
    if (record.name === zone && !sends && !receiving.has(zone) && !draft.parked.includes(zone)) draft.parked.push(zone);
    if (draft.parked.includes(record.name)) draft.mapped.push({ record, target: { kind: "parked", fqdn: record.name } });
    else if (record.name === zone) unmap(draft, record, `launch-ready publishes a null MX only at parked names (names that neither send nor receive), and ${zone} ${sends ? "sends" : "receives"} mail; ${LEFT_AS_IS}`);
    else pending.push(record);
  }
  // Subdomain MX records (a sending subdomain's bounce handling, a subdomain's own mail) are plain records.
  pending.push(...mx.filter((r) => r.name !== zone && zoneFields(r)!.content !== "."));
  mapDkim(draft, take(pending, (r) => (r.type === "TXT" || r.type === "CNAME") && dkimName(r.name) !== undefined), pending);
  mapDmarc(draft, take(pending, (r) => r.type === "TXT" && r.name.startsWith("_dmarc.") && /^v=DMARC1/i.test(zoneFields(r)!.content!)));
}

/** The apex MX set: a provider preset when it is exactly the preset's, otherwise the hosts as listed. */
function mapInbound(draft: Draft, records: ZoneRecord[]): void {
  const mx = records.map((record) => ({ host: zoneFields(record)!.content!, priority: zoneFields(record)!.priority! }));
  const key = (list: Array<{ host: string; priority: number }>) => list.map((entry) => `${entry.priority} ${entry.host}`).sort().join(",");
  const preset = MAIL_PROVIDERS.find((provider) => {
    const hosts = MAIL_PROVIDER_PRESETS[provider].inboundMx?.(draft.zone);
    return hosts !== undefined && key(hosts) === key(mx);
  });
  draft.inbound = preset ? { provider: preset } : { provider: "custom", mx };
  for (const record of records) {
    draft.mapped.push({ record, target: { kind: "inbound" } });
    mailTtlNote(draft, record);
  }
}

/** The kit writes every mail record with one TTL; a different one in the zone changes. */
function mailTtlNote(draft: Draft, record: ZoneRecord): void {
  if (record.ttl !== 1 && record.ttl !== DEFAULT_DNS_ONLY_TTL) draft.result.notes.push({ record, note: `its TTL ${record.ttl} becomes ${DEFAULT_DNS_ONLY_TTL}, the TTL of every mail record the kit writes` });
}

const SPF_TERM_REASONS: Record<string, string> = {
  a: "launch-ready:email.senders holds includes and ip4/ip6 addresses; list the addresses this name's A/AAAA records hold as a custom sender's addresses instead",
  mx: "launch-ready:email.senders holds includes and ip4/ip6 addresses; list the addresses of the MX hosts as a custom sender's addresses instead",
  ptr: "ptr is deprecated (RFC 7208 5.5) and fails MAIL-SPF; list the senders' addresses instead",
  exists: "exists: (usually with macros) cannot be written in launch-ready:email.senders",
  redirect: "a redirect cannot be written in launch-ready:email.senders; declare the senders it names instead",
  exp: "an explanation string is not kept; receivers use their own text",
};

/** An SPF mechanism as written, the qualifier only when not "+": how a term not kept is named in `unmapped`. */
export function spfTermText(term: SpfMechanism): string {
  return `${term.qualifier === "+" ? "" : term.qualifier}${term.name}${term.value ? `:${term.value}` : ""}${term.cidr ?? ""}`;
}

/**
 * SPF records: each include becomes a sender (a preset where the include is a provider's, custom
 * otherwise), ip4/ip6 terms a custom sender's addresses, `v=spf1 -all` on a name that neither sends
 * nor receives a parked name. The kit writes one `all` for every name (email.spfAll): the apex's,
 * or the kit's default `~all` when the apex's record has none; every other ending is listed as not kept.
 */
function mapSpf(draft: Draft, records: ZoneRecord[], receiving: ReadonlySet<string>): void {
  const parsed = records.flatMap((record) => {
    const spf = parseSpf(zoneFields(record)!.content!);
    if (!spf.ok) {
      unmap(draft, record, `the SPF record ${spf.problem}; ${LEFT_AS_IS}`);
      return [];
    }
    return [{ record, spf: spf.record }];
  });
  const byName = new Map<string, typeof parsed>();
  for (const entry of parsed) byName.set(entry.record.name, [...(byName.get(entry.record.name) ?? []), entry]);
  const sending = [...byName.values()].map((entries) => {
    for (const extra of entries.slice(1)) unmap(draft, extra.record, "is a second SPF record at its name; receivers fail a name with two (RFC 7208 3.2), so only the first is imported");
    return entries[0];
  });
  const isParking = (entry: (typeof parsed)[number]) => entry.spf.all === "-" && entry.spf.terms.length === 1;
  // Only the apex's own sending record decides: a subdomain's ending is not the zone's, and a parked
  // apex's `v=spf1 -all` is the kit's parking record, not how senders' records end.
  const apex = sending.find((entry) => entry.record.name === draft.zone && !isParking(entry));
  const apexAll = apex?.spf.all === "-" || apex?.spf.all === "~" ? (`${apex.spf.all}all` as "-all" | "~all") : undefined;
  draft.spfAll = apexAll;
  draft.spfAllWhy = apexAll ? `the apex's SPF record ends ${apexAll}` : `the apex has no SPF record ending -all or ~all, so the kit's default ${KIT_SPF_ALL} applies`;
  for (const entry of sending) {
    if (isParking(entry)) mapParkedSpf(draft, entry.record, receiving);
    else mapSenderSpf(draft, entry.record, entry.spf.terms);
  }
}

function mapParkedSpf(draft: Draft, record: ZoneRecord, receiving: ReadonlySet<string>): void {
  if (receiving.has(record.name) || isServiceName(record.name, draft.zone) || isWildcard(record.name)) {
    const why = receiving.has(record.name) ? "it receives mail (MX)" : "it is not a host name";
    return unmap(draft, record, `launch-ready publishes v=spf1 -all only at parked names (no mail sent or received), and ${why}; ${LEFT_AS_IS}`);
  }
  draft.parked.push(record.name);
  draft.mapped.push({ record, target: { kind: "parked", fqdn: record.name } });
  mailTtlNote(draft, record);
}

function mapSenderSpf(draft: Draft, record: ZoneRecord, terms: SpfTerm[]): void {
  const domain = record.name;
  if (isServiceName(domain, draft.zone) || isWildcard(domain)) {
    return unmap(draft, record, `${domain} cannot be a sending name in launch-ready:email.senders (it takes host names), and launch-ready:records refuses SPF records; ${LEFT_AS_IS}, but anything that includes it keeps working only while it does`);
  }
  const senders: SenderDraft[] = [];
  const addresses: string[] = [];
  const dropped: Array<{ part: string; reason: string }> = [];
  for (const term of terms) {
    if (term.kind === "modifier") {
      dropped.push({ part: `${term.name}=${term.value}`, reason: SPF_TERM_REASONS[term.name] ?? "an unknown modifier is not kept" });
    } else if (term.name === "all") {
      const written = draft.spfAll ?? KIT_SPF_ALL;
      if (spfTermText(term) !== written) dropped.push({ part: spfTermText(term), reason: `launch-ready:email.spfAll is one ending for every SPF record (-all or ~all, MAIL-SPF) and ${draft.spfAllWhy}; this record will end ${written}` });
    } else if (term.qualifier !== "+") {
      dropped.push({ part: spfTermText(term), reason: "only passing (+) includes and addresses can be written in launch-ready:email.senders" });
    } else if (term.name === "include") {
      senderFor(draft, domain, term.value!, senders);
    } else if (term.name === "ip4" || term.name === "ip6") {
      addresses.push(`${term.value}${term.cidr ?? ""}`);
    } else {
      dropped.push({ part: spfTermText(term), reason: SPF_TERM_REASONS[term.name] });
    }
  }
  if (addresses.length > 0) {
    const custom = senders.find((sender) => sender.provider === "custom") ?? senderFor(draft, domain, undefined, senders);
    custom.addresses.push(...addresses);
  }
  if (senders.length === 0) return unmap(draft, record, `has no include or ip4/ip6 term the kit can write (${dropped.map((d) => d.part).join(", ")}); ${LEFT_AS_IS}`);
  draft.mapped.push({ record, target: { kind: "senders", senders } });
  if (!terms.some((term) => term.name === "all")) draft.result.notes.push({ record, note: `has no all term; the kit ends every SPF record with ${draft.spfAll ?? KIT_SPF_ALL}` });
  for (const { part, reason } of dropped) unmap(draft, record, reason, part);
  mailTtlNote(draft, record);
}

/** The sender an include names: the provider whose preset uses it, or a custom sender. */
function senderFor(draft: Draft, domain: string, include: string | undefined, already: SenderDraft[]): SenderDraft {
  const provider = include === undefined ? undefined : MAIL_PROVIDERS.find((p) => MAIL_PROVIDER_PRESETS[p].spfInclude === include.toLowerCase());
  const sender: SenderDraft = provider ? { provider, domain, addresses: [], dkim: [] } : { provider: "custom", domain, ...(include ? { include } : {}), addresses: [], dkim: [] };
  const same = already.find((s) => s.provider === sender.provider && s.include === sender.include);
  if (same) return same;
  already.push(sender);
  draft.senders.push(sender);
  return sender;
}

function dkimName(fqdn: string): { selector: string; domain: string } | undefined {
  const [, selector, domain] = /^(.+?)\._domainkey\.(.+)$/.exec(fqdn) ?? [];
  return selector === undefined ? undefined : { selector, domain };
}

/** DKIM keys join their sender; a key with no sender of its kind at its name stays a plain record. */
function mapDkim(draft: Draft, records: ZoneRecord[], pending: ZoneRecord[]): void {
  for (const record of records) {
    const { selector, domain } = dkimName(record.name)!;
    const value = zoneFields(record)!.content!;
    const kind = record.type === "CNAME" ? "cname" : "txt";
    const usable = kind === "cname" || parseDkimKey(value).errors.length === 0;
    const candidates = draft.senders.filter((s) => s.domain === domain && MAIL_PROVIDER_PRESETS[s.provider].dkim === kind);
    // A key that names its provider belongs to that provider's sender only.
    const named = MAIL_PROVIDERS.find((provider) => MAIL_PROVIDER_PRESETS[provider].dkimHint?.test(`${selector} ${value}`));
    const sender = named ? candidates.find((s) => s.provider === named) : (candidates.find((s) => s.provider !== "custom") ?? candidates[0]);
    if (!usable || !sender || !/^[a-z0-9][a-z0-9._-]*$/i.test(selector)) {
      pending.push(record);
      continue;
    }
    sender.dkim.push({ selector, value });
    draft.mapped.push({ record, target: { kind: "dkim", sender, selector } });
    mailTtlNote(draft, record);
  }
}

const DMARC_TAG_REASONS: Record<string, string> = {
  pct: "RFC 9989 removes pct and receivers ignore it (the kit writes none, the same as pct=100)",
  ri: "RFC 9989 removes ri; receivers send aggregate reports daily",
  rf: "RFC 9989 removes rf; failure reports use the only format there is",
  fo: "launch-ready:email.dmarc has no fo; receivers use fo=0 (report when both SPF and DKIM fail)",
  np: "launch-ready:email.dmarc has no np; names that do not exist follow sp (or p)",
  psd: "launch-ready:email.dmarc has no psd; it is for public suffix operators",
  t: "launch-ready:email.dmarc has no t (testing mode); use ramp to tighten the policy on dates",
};

const DMARC_KEPT_TAGS = new Set(["v", "p", "sp", "rua", "ruf", "adkim", "aspf"]);

/** The apex's DMARC record becomes email.dmarc; a parked name's `p=reject` is the kit's own; others stay. */
function mapDmarc(draft: Draft, records: ZoneRecord[]): void {
  for (const record of records) {
    const owner = record.name.slice("_dmarc.".length);
    const parsed = parseDmarc(zoneFields(record)!.content!);
    if (!parsed.record) {
      unmap(draft, record, `the DMARC record is invalid (${parsed.errors.join("; ")}); ${LEFT_AS_IS}`);
      continue;
    }
    const dmarc = parsed.record;
    const dropped = Object.entries(dmarc.tags)
      .filter(([tag]) => !DMARC_KEPT_TAGS.has(tag))
      .map(([tag, value]) => ({ part: `${tag}=${value}`, reason: DMARC_TAG_REASONS[tag] ?? `launch-ready:email.dmarc has no ${tag}` }));
    for (const tag of ["rua", "ruf"]) {
      if (dmarc.tags[tag]?.includes("!")) dropped.push({ part: `${tag}=${dmarc.tags[tag]}`, reason: "report size limits (!10m) are not kept; receivers send reports of any size" });
    }
    if (owner === draft.zone && dmarc.rua.length > 0) {
      draft.dmarc = {
        policy: dmarc.p,
        ...(dmarc.sp ? { subdomainPolicy: dmarc.sp } : {}),
        rua: dmarc.rua,
        ...(dmarc.ruf.length > 0 ? { ruf: dmarc.ruf } : {}),
        ...(dmarc.adkim === "s" ? { adkim: "s" } : {}),
        ...(dmarc.aspf === "s" ? { aspf: "s" } : {}),
      };
      draft.mapped.push({ record, target: { kind: "dmarc" } });
    } else if (draft.parked.includes(owner)) {
      if (dmarc.p !== "reject") {
        unmap(draft, record, `${owner} is parked and the kit publishes p=reject at its _dmarc (MAIL-PARKED), but this record says p=${dmarc.p}; ${LEFT_AS_IS} until the stack replaces it`);
        continue;
      }
      for (const tag of ["sp", "rua", "ruf", "adkim", "aspf"]) if (dmarc.tags[tag] !== undefined) dropped.push({ part: `${tag}=${dmarc.tags[tag]}`, reason: "a parked name's DMARC record is the kit's v=DMARC1; p=reject" });
      draft.mapped.push({ record, target: { kind: "parked", fqdn: owner } });
    } else if (owner === draft.zone) {
      unmap(draft, record, `has no rua= report address, which launch-ready:email.dmarc requires (MAIL-DMARC); add email.dmarc with rua by hand; until then ${LEFT_AS_IS}`);
      continue;
    } else {
      unmap(draft, record, `launch-ready:email.dmarc is the apex's policy; subdomains follow its sp= (or p=), so ${record.name} ${LEFT_AS_IS}`);
      continue;
    }
    for (const { part, reason } of dropped) unmap(draft, record, reason, part);
    mailTtlNote(draft, record);
  }
}

// ---------------------------------------------------------------------------------------------
// Everything else: launch-ready:records.

/** What no host or mail setting took, in the zone's order. */
function mapOtherRecords(draft: Draft, pending: ZoneRecord[], records: readonly ZoneRecord[]): void {
  for (const record of [...pending].sort((a, b) => records.indexOf(a) - records.indexOf(b))) mapRecord(draft, record);
}

function mapRecord(draft: Draft, record: ZoneRecord): void {
  const fields = zoneFields(record)!;
  const name = recordName(record.name, draft.zone);
  let value: Record<string, unknown>;
  switch (record.type) {
    case "TXT":
      if (fields.content!.length === 0 || fields.content!.length > 2048) return unmap(draft, record, `launch-ready:records takes TXT content of 1 to 2048 characters, not ${fields.content!.length}; ${LEFT_AS_IS}`);
      value = { content: fields.content };
      break;
    case "CAA": {
      const data = fields.data as { flags: number; tag: string; value: string };
      if (!(CAA_TAGS as readonly string[]).includes(data.tag) || (data.flags !== 0 && data.flags !== 128)) {
        return unmap(draft, record, `launch-ready:records takes CAA flags 0 or 128 and the tags ${CAA_TAGS.join(", ")}; ${LEFT_AS_IS}`);
      }
      value = { ...(data.flags === 0 ? {} : { flags: data.flags }), tag: data.tag, value: data.value };
      break;
    }
    case "SRV": {
      const data = fields.data as { priority: number; weight: number; port: number; target: string };
      value = { priority: data.priority, weight: data.weight, port: data.port, target: data.target };
      break;
    }
    case "MX":
      value = { content: fields.content, priority: fields.priority };
      break;
    default:
      value = { content: fields.content };
  }
  if (cfProxied(record)) draft.result.notes.push({ record, note: "is proxied in the zone, but launch-ready:records are DNS only: it will be DNS only" });
  const ttl = keptTtl(draft, record, record.ttl);
  const entry = { name, type: record.type, ...value, ...(ttl === undefined ? {} : { ttl }) };
  draft.records.push(entry);
  draft.mapped.push({ record, target: { kind: "record", record: entry } });
}

// ---------------------------------------------------------------------------------------------
// Waivers and the config itself.

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A wildcard is kept as the live zone has it, under a dated DNS-SUBDOMAINS waiver with a named owner. */
function wildcardWaivers(draft: Draft): Array<Record<string, unknown>> {
  const wildcards = [...new Set(draft.mapped.map(({ record }) => record.name).filter(isWildcard))];
  if (wildcards.length === 0) return [];
  const { owner, source, today } = draft.options;
  if (!owner) {
    throw new ZoneImportError("--owner", `is needed: the zone has ${wildcards.join(", ")}, a wildcard the bar refuses (DNS-SUBDOMAINS) unless waived, and a waiver names who answers for it; give --owner you@${draft.zone}`);
  }
  const reason = `Imported from the live zone (${source}, ${today}): ${wildcards.join(", ")} answers for names nobody declared; replace it with named subdomains before this waiver expires`;
  return [{ id: "DNS-SUBDOMAINS", reason, owner, expires: addDays(today, WAIVER_DAYS) }];
}

function hostEntry(draft: Draft, host: HostDraft): Record<string, unknown> {
  const byDefault = PROXIED_BY_DEFAULT.has(host.purpose);
  return {
    name: hostName(host.fqdn, draft.zone),
    target: host.targets.length === 1 ? host.targets[0] : host.targets,
    purpose: host.purpose,
    ...(host.proxied !== undefined && host.proxied !== byDefault ? { proxied: host.proxied } : {}),
    ...(host.ttl === undefined ? {} : { ttl: host.ttl }),
  };
}

/** Apex and www first (the canonical pair), then the zone's order. */
function orderedHosts(draft: Draft): HostDraft[] {
  const pair = [draft.zone, `www.${draft.zone}`];
  return [...draft.hosts.values()].sort((a, b) => (pair.includes(b.fqdn) ? 1 : 0) - (pair.includes(a.fqdn) ? 1 : 0) || pair.indexOf(a.fqdn) - pair.indexOf(b.fqdn));
}

function senderEntry(draft: Draft, sender: SenderDraft): Record<string, unknown> {
  return {
    provider: sender.provider,
    ...(sender.domain === draft.zone ? {} : { domain: hostName(sender.domain, draft.zone) }),
    ...(sender.dkim.length > 0 ? { dkim: sender.dkim } : {}),
    ...(sender.include ? { include: sender.include } : {}),
    ...(sender.addresses.length > 0 ? { addresses: sender.addresses } : {}),
  };
}

function buildConfig(draft: Draft, hosts: HostDraft[], waivers: Array<Record<string, unknown>>): Record<string, unknown> {
  const { options } = draft;
  const email = {
    ...(draft.senders.length > 0 ? { senders: draft.senders.map((sender) => senderEntry(draft, sender)) } : {}),
    ...(draft.inbound ? { inbound: draft.inbound } : {}),
    ...(draft.dmarc ? { dmarc: draft.dmarc } : {}),
    ...(draft.parked.length > 0 ? { parked: draft.parked.map((fqdn) => hostName(fqdn, draft.zone)) } : {}),
    ...(draft.spfAll === "-all" ? { spfAll: "-all" } : {}),
  };
  const key = (name: string) => `launch-ready:${name}`;
  return {
    [key("environment")]: options.environment,
    [key("zone")]: { domain: draft.zone, zoneId: options.zoneId, accountId: options.accountId, plan: options.plan },
    [key("canonical")]: { host: options.canonical },
    [key("hosts")]: hosts.map((host) => hostEntry(draft, host)),
    ...(Object.keys(email).length > 0 ? { [key("email")]: email } : {}),
    ...(draft.records.length > 0 ? { [key("records")]: draft.records } : {}),
    ...(waivers.length > 0 ? { [key("waivers")]: waivers } : {}),
  };
}

function pathOf(draft: Draft, target: Target, hostIndex: ReadonlyMap<HostDraft, number>): string {
  switch (target.kind) {
    case "host":
      return `launch-ready:hosts[${hostIndex.get(target.host)}]`;
    case "senders":
      return target.senders.map((sender) => `launch-ready:email.senders[${draft.senders.indexOf(sender)}]`).join(", ");
    case "dkim":
      return `launch-ready:email.senders[${draft.senders.indexOf(target.sender)}].dkim[${target.sender.dkim.findIndex((key) => key.selector === target.selector)}]`;
    case "inbound":
      return "launch-ready:email.inbound";
    case "dmarc":
      return "launch-ready:email.dmarc";
    case "parked":
      return `launch-ready:email.parked[${draft.parked.indexOf(target.fqdn)}]`;
    case "record":
      return `launch-ready:records[${draft.records.indexOf(target.record)}]`;
  }
}
