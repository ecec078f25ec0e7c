/**
 * Reading the export: a BIND zone file (what Cloudflare and registrars export) into records, each
 * name absolute and each target as BIND reads it. Kept apart from the mapping so the one place
 * that knows zone-file syntax (dnsz, $ORIGIN, relative targets, Cloudflare's cf_tags comments) is
 * also the one place that refuses a file of another zone, before anything is mapped.
 */
import { parseZone } from "dnsz";
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

/** Bad input, named by the command-line option that gave it. */
export class ZoneImportError extends Error {
  constructor(
    public readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}

/** What a record looks like in a report: `www.example.org CNAME example.org.`, long values shortened. */
export function describeRecord(record: ZoneRecord): string {
  const content = record.content.length > 90 ? `${record.content.slice(0, 87)}...` : record.content;
  return `${record.name} ${record.type} ${content}`;
}

/**
 * Reads a zone file as BIND does, entry by entry: `$ORIGIN` and `$TTL` apply to the lines after
 * them, a line that starts with a blank continues the previous owner, parentheses join lines, and
 * names and targets are relative to the origin of their own line. dnsz reads each entry's fields;
 * an entry it cannot read as one record is refused with its line number, never skipped. Without
 * `$ORIGIN` the origin is the domain, as BIND takes it from the zone statement; a file whose
 * `$ORIGIN` or SOA names another domain is refused, not imported into the wrong zone.
 */
export function readZone(text: string, domain: string): ZoneRecord[] {
  const records: ZoneRecord[] = [];
  let origin = domain;
  let ttl: string | undefined;
  let owner: string | undefined;
  for (const entry of zoneEntries(text)) {
    const at = `line ${entry.line}`;
    const directive = /^\$([A-Za-z]+)(?:\s+(\S+))?/.exec(entry.text);
    if (directive) {
      const [, name, value] = directive;
      if (name.toUpperCase() === "ORIGIN" && value) origin = directiveOrigin(value, origin, domain, at);
      else if (name.toUpperCase() === "TTL" && value) ttl = value;
      else
        throw new ZoneImportError("--zone-file", `has ${entry.text} at ${at}, which the import does not follow; write the records it stands for into the file`);
      continue;
    }
    const [written, rest] = entry.inherited ? [undefined, entry.text] : splitOwner(entry.text);
    if (entry.inherited && owner === undefined)
      throw new ZoneImportError(
        "--zone-file",
        `has no owner name at ${at} ("${entry.text}") and no record above it to continue; write its name (@ for the apex)`,
      );
    const name = written === undefined ? owner! : absoluteName(written, origin, domain);
    const record = readEntry(`${name}. ${rest}`, entry, ttl, at);
    owner = record.name;
    if (record.type === "SOA" && record.name !== domain) {
      // The SOA's owner is the zone's apex; a full name written without its dot means that name, not one under the domain.
      const zone = written?.includes(".") ? written.replace(/\.$/, "").toLowerCase() : record.name;
      throw new ZoneImportError(
        "--domain",
        `is ${domain}, but the zone file's SOA record is for ${zone} (${at}); give --domain ${zone}, or the zone file of ${domain}`,
      );
    }
    records.push({ ...record, content: absoluteTarget(record.type, record.content, origin) });
  }
  if (!records.some((record) => record.type !== "SOA"))
    throw new ZoneImportError("--zone-file", "holds no records; export the zone as a BIND file (Cloudflare: DNS > Records > Import and Export > Export)");
  return records;
}

/** One entry of the file: a line, or lines joined by parentheses, without its comments. */
interface ZoneEntry {
  /** Where it starts, 1-based, for messages. */
  line: number;
  text: string;
  /** The comments on its lines; Cloudflare writes cf_tags there. */
  comment: string | null;
  /** It starts with a blank: its owner is the previous record's. */
  inherited: boolean;
}

/** The file's entries: comments cut at an unquoted `;`, lines in parentheses joined, blank lines left out. */
function zoneEntries(text: string): ZoneEntry[] {
  const entries: ZoneEntry[] = [];
  let open: (ZoneEntry & { depth: number; comments: string[] }) | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const { content, comment, depth } = scanLine(raw);
    if (!open) {
      if (content.trim() === "") return;
      open = { line: index + 1, text: "", comment: null, inherited: /^\s/.test(raw), depth: 0, comments: [] };
    }
    open.text = `${open.text} ${content}`;
    open.depth += depth;
    if (comment) open.comments.push(comment);
    if (open.depth > 0) return;
    const { line, inherited, comments } = open;
    entries.push({ line, inherited, text: open.text.replace(/\s+/g, " ").trim(), comment: comments.length > 0 ? comments.join(" ") : null });
    open = undefined;
  });
  if (open) throw new ZoneImportError("--zone-file", `opens a parenthesis at line ${open.line} that is never closed`);
  return entries;
}

/** A line's content and comment, split at the first `;` outside quotes, with its unquoted parentheses taken out and counted. */
function scanLine(raw: string): { content: string; comment: string | null; depth: number } {
  let content = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "\\") {
      content += raw.slice(i, i + 2);
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      content += c;
    } else if (quoted) content += c;
    else if (c === ";") return { content, comment: raw.slice(i + 1).trim() || null, depth };
    else if (c === "(" || c === ")") {
      depth += c === "(" ? 1 : -1;
      content += " ";
    } else content += c;
  }
  return { content, comment: null, depth };
}

/** The owner as written and the rest of an entry that starts with one. */
function splitOwner(text: string): [string, string] {
  const space = text.search(/\s/);
  return space < 0 ? [text, ""] : [text.slice(0, space), text.slice(space + 1)];
}

/**
 * A name as written, absolute and without the final dot: `@` is the origin, a name with the final
 * dot is as written, and any other is relative to the origin. Cloudflare's dashboard export writes
 * its SOA record's owner as `example.com`, without the final dot, so read by the book it would be
 * example.com.example.com: a name that is the domain or ends in it means that name.
 */
function absoluteName(written: string, origin: string, domain: string): string {
  const name = written.toLowerCase();
  if (name === "@") return origin;
  if (name.endsWith(".")) return name.slice(0, -1);
  return name === domain || name.endsWith(`.${domain}`) ? name : `${name}.${origin}`;
}

/**
 * A `$ORIGIN` must be the domain or a name in it. One written without its final dot is relative
 * when it is one label (`$ORIGIN mail`); with dots it is a full name missing its dot, as exports
 * write them, so the suggestion names it as written rather than under the domain.
 */
function directiveOrigin(value: string, origin: string, domain: string, at: string): string {
  const name = value.includes(".") ? value.toLowerCase().replace(/\.$/, "") : absoluteName(value, origin, domain);
  if (name !== domain && !name.endsWith(`.${domain}`))
    throw new ZoneImportError("--domain", `is ${domain}, but the zone file's $ORIGIN is ${name} (${at}); give --domain ${name}, or the zone file of ${domain}`);
  return name;
}

/**
 * One entry's record, its owner already absolute. A record that states no TTL under no `$TTL` says
 * nothing, so it gets the kit's default and keeps it; 1 would read as Cloudflare's automatic.
 */
function readEntry(text: string, entry: ZoneEntry, ttl: string | undefined, at: string): ZoneRecord {
  // dnsz reads an owner that starts with digits (Postmark's 20240101000000pm._domainkey, SendGrid's
  // 1234 link name) as a TTL when the entry states none, and drops the entry: state the TTL it has.
  const fields = /^(\S+)\s+(\S+)/.exec(text);
  const stated = fields && /^\d+([smhdw]\d*)*$/i.test(fields[2]) ? text : text.replace(/^(\S+)/, `$1 ${ttl ?? DEFAULT_DNS_ONLY_TTL}`);
  const read = parseZone(`${ttl === undefined ? "" : `$TTL ${ttl}\n`}${stated}\n`, { defaultTTL: DEFAULT_DNS_ONLY_TTL }).records;
  const record = read.length === 1 ? read[0] : undefined;
  if (!record || !/^[A-Z][A-Z0-9]*$/.test(record.type) || ["IN", "CH", "HS", "CS"].includes(record.type))
    throw new ZoneImportError(
      "--zone-file",
      `has an entry at ${at} that does not read as one record: "${entry.text}"; is it a BIND zone file (name ttl IN type content)?`,
    );
  return { name: record.name, ttl: record.ttl, class: record.class, type: record.type, content: record.content, comment: entry.comment };
}

/** Types whose last field is a host name. */
const TARGET_TYPES = new Set(["CNAME", "NS", "MX", "SRV"]);

/** A target written relative (`www CNAME app`) is relative to its line's origin, as BIND reads it, and `@` is the origin itself; dnsz keeps both as written. */
function absoluteTarget(type: string, content: string, origin: string): string {
  if (!TARGET_TYPES.has(type)) return content;
  const fields = content.trim().split(/\s+/);
  const target = fields.pop()!;
  const absolute = target === "@" ? `${origin}.` : target === "." || target.endsWith(".") ? target : `${target}.${origin}.`;
  return [...fields, absolute].join(" ");
}

/** Cloudflare's export says whether a record is proxied in its trailing comment; other exports do not. */
export function cfProxied(record: ZoneRecord): boolean | undefined {
  const tag = /cf-proxied:(true|false)/.exec(record.comment ?? "")?.[1];
  return tag === undefined ? undefined : tag === "true";
}
