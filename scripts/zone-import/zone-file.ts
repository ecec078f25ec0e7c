/**
 * Reading the export: a BIND zone file (what Cloudflare and registrars export) into records, each
 * name absolute and each target as BIND reads it. Kept apart from the mapping so the one place
 * that knows zone-file syntax (dnsz, $ORIGIN, relative targets, Cloudflare's cf_tags comments) is
 * also the one place that refuses a file of another zone, before anything is mapped.
 */
import { readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
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

const shortened = (text: string) => (text.length > 90 ? `${text.slice(0, 87)}...` : text);

/** What a record looks like in a report: `www.example.org CNAME example.org.`, long values shortened. */
export function describeRecord(record: ZoneRecord): string {
  return `${record.name} ${record.type} ${shortened(record.content)}`;
}

/**
 * A line of the file no record was read from: a directive the import does not follow, an entry
 * that does not read as one record, or a blank owner continuing one of those. Listed with its line
 * number, never skipped silently; `--strict` refuses the import instead.
 */
export interface UnreadLine {
  /** Where the entry starts, 1-based. */
  line: number;
  /** The entry as written, comments cut and lines in parentheses joined; long ones shortened. */
  text: string;
  reason: string;
}

/** What the file holds: its records in the file's order, and the lines no record was read from. */
export interface ZoneContent {
  records: ZoneRecord[];
  unread: UnreadLine[];
}

/** How a line not imported reads in a message: `line 3 [$INCLUDE other.zone]: why`; brackets, since entries hold quotes and parentheses. */
export function describeUnreadLine(unread: UnreadLine): string {
  return `line ${unread.line} [${unread.text}]: ${unread.reason}`;
}

/**
 * The lines of an open file, a block at a time, so a zone of any size is never held whole; lines
 * end at \n or \r\n, as `text.split(/\r?\n/)` reads them.
 */
export function* fileLines(fd: number, blockSize = 1 << 16): Generator<string> {
  const decoder = new StringDecoder("utf8");
  const block = Buffer.alloc(blockSize);
  let rest = "";
  for (let read = readSync(fd, block, 0, blockSize, null); read > 0; read = readSync(fd, block, 0, blockSize, null)) {
    const lines = (rest + decoder.write(block.subarray(0, read))).split(/\r?\n/);
    rest = lines.pop()!;
    yield* lines;
  }
  yield rest + decoder.end();
}

/**
 * Reads a zone file as `readZoneLines` does, and refuses it at the first line no record can be
 * read from: for a caller that has no report to list such lines in (init --from-zone).
 */
export function readZone(text: string, domain: string): ZoneRecord[] {
  const { records, unread } = readZoneLines(text.split(/\r?\n/), domain);
  if (unread.length > 0) {
    const [first] = unread;
    throw new ZoneImportError("--zone-file", `line ${first.line} [${first.text}] is not imported: ${first.reason}`);
  }
  return records;
}

/**
 * Reads a zone file as BIND does, entry by entry, from its lines as they come: `$ORIGIN` and `$TTL`
 * apply to the lines after them, a line that starts with a blank continues the previous owner,
 * parentheses join lines, and names and targets are relative to the origin of their own line.
 * dnsz reads each entry's fields. Only the lines given are read: `$INCLUDE` names another file,
 * which is never opened, and `$GENERATE` is not expanded; they, and entries that do not read as
 * one record, are returned as unread with their line numbers. Without `$ORIGIN` the origin is the
 * domain, as BIND takes it from the zone statement; a file whose `$ORIGIN` or SOA names another
 * domain is refused, not imported into the wrong zone.
 */
export function readZoneLines(lines: Iterable<string>, domain: string): ZoneContent {
  const records: ZoneRecord[] = [];
  const unread: UnreadLine[] = [];
  let origin = domain;
  let ttl: string | undefined;
  let owner: string | undefined;
  // The line of an entry not imported whose owner a blank-owner line after it would continue: unknown, so not guessed.
  let ownerNotRead: number | undefined;
  const notRead = (entry: ZoneEntry, reason: string) => unread.push({ line: entry.line, text: shortened(entry.text), reason });
  for (const entry of zoneEntries(lines)) {
    const at = `line ${entry.line}`;
    if (entry.unclosed) {
      notRead(entry, "opens a parenthesis that is never closed, so nothing from it to the end of the file is read");
      continue;
    }
    const directive = /^\$([A-Za-z]+)(?:\s+(\S+))?/.exec(entry.text);
    if (directive) {
      const [, written, value] = directive;
      const name = written.toUpperCase();
      if (name === "ORIGIN" && value) origin = directiveOrigin(value, origin, domain, at);
      else if (name === "TTL" && value) ttl = value;
      else if (name === "INCLUDE") {
        // An included file's $ORIGIN ends with it (RFC 1035 5.1), and BIND restores the owner name too: the lines after keep this file's.
        notRead(
          entry,
          `$INCLUDE names another file${value ? ` (${value})` : ""}, and the import reads only the zone file it is given; write that file's records into this one`,
        );
      } else {
        notRead(
          entry,
          name === "GENERATE"
            ? "$GENERATE stands for records the import does not expand; write the records it stands for into the file"
            : `$${written} is not a directive the import follows ($ORIGIN and $TTL, each with a value, are); write the records it stands for into the file`,
        );
        ownerNotRead = entry.line;
      }
      continue;
    }
    if (entry.inherited && ownerNotRead !== undefined) {
      notRead(entry, `has no owner name of its own, and continues line ${ownerNotRead}, which is not imported; write its name (@ for the apex)`);
      continue;
    }
    if (entry.inherited && owner === undefined) {
      notRead(entry, "has no owner name and no record above it to continue; write its name (@ for the apex)");
      continue;
    }
    const [written, rest] = entry.inherited ? [undefined, entry.text] : splitOwner(entry.text);
    const name = written === undefined ? owner! : absoluteName(written, origin, domain);
    const record = readEntry(`${name}. ${rest}`, entry, ttl);
    if (!record) {
      notRead(entry, "does not read as one record (name ttl IN type content); is it a BIND zone file?");
      // An entry that writes its owner sets the owner the next blank-owner line continues, and that owner could not be read.
      if (written !== undefined) ownerNotRead = entry.line;
      continue;
    }
    owner = record.name;
    ownerNotRead = undefined;
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
  if (!records.some((record) => record.type !== "SOA")) {
    const more = unread.length > 3 ? `; and ${unread.length - 3} more lines` : "";
    const unreadLines = unread.length > 0 ? `; nothing was imported from ${unread.slice(0, 3).map(describeUnreadLine).join("; ")}${more}` : "";
    throw new ZoneImportError(
      "--zone-file",
      `holds no records${unreadLines}; export the zone as a BIND file (Cloudflare: DNS > Records > Import and Export > Export)`,
    );
  }
  return { records, unread };
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
  /** Its parenthesis is still open at the end of the file: the rest of the file is in it. */
  unclosed?: true;
}

/** The file's entries as its lines come: comments cut at an unquoted `;`, lines in parentheses joined, blank lines left out. */
function* zoneEntries(lines: Iterable<string>): Generator<ZoneEntry> {
  let open: (ZoneEntry & { depth: number; parts: string[]; comments: string[] }) | undefined;
  let number = 0;
  for (const raw of lines) {
    number++;
    const { content, comment, depth } = scanLine(raw);
    if (!open) {
      if (content.trim() === "") continue;
      open = { line: number, text: "", comment: null, inherited: /^\s/.test(raw), depth: 0, parts: [], comments: [] };
    }
    open.parts.push(content);
    open.depth += depth;
    if (comment) open.comments.push(comment);
    if (open.depth > 0) continue;
    yield entryOf(open);
    open = undefined;
  }
  if (open) yield { ...entryOf(open), unclosed: true };
}

function entryOf({ line, inherited, parts, comments }: { line: number; inherited: boolean; parts: string[]; comments: string[] }): ZoneEntry {
  return { line, inherited, text: parts.join(" ").replace(/\s+/g, " ").trim(), comment: comments.length > 0 ? comments.join(" ") : null };
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
 * One entry's record, its owner already absolute, or undefined when it does not read as one. A
 * record that states no TTL under no `$TTL` says nothing, so it gets the kit's default and keeps
 * it; 1 would read as Cloudflare's automatic.
 */
function readEntry(text: string, entry: ZoneEntry, ttl: string | undefined): ZoneRecord | undefined {
  // dnsz reads an owner that starts with digits (Postmark's 20240101000000pm._domainkey, SendGrid's
  // 1234 link name) as a TTL when the entry states none, and drops the entry: state the TTL it has.
  const fields = /^(\S+)\s+(\S+)/.exec(text);
  const stated = fields && /^\d+([smhdw]\d*)*$/i.test(fields[2]) ? text : text.replace(/^(\S+)/, `$1 ${ttl ?? DEFAULT_DNS_ONLY_TTL}`);
  const read = parseZone(`${ttl === undefined ? "" : `$TTL ${ttl}\n`}${stated}\n`, { defaultTTL: DEFAULT_DNS_ONLY_TTL }).records;
  const record = read.length === 1 ? read[0] : undefined;
  if (!record || !/^[A-Z][A-Z0-9]*$/.test(record.type) || ["IN", "CH", "HS", "CS"].includes(record.type)) return undefined;
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

/** Why no stack declares a record of the zone's export: Cloudflare writes the SOA and serves the apex NS itself. */
export function servedByCloudflare(record: { name: string; type: string }, zone: string): string | undefined {
  if (record.type === "SOA") return "Cloudflare writes the zone's SOA itself";
  if (record.type === "NS" && record.name === zone) return "Cloudflare serves the zone's own NS records";
  return undefined;
}

/** Cloudflare's export says whether a record is proxied in its trailing comment; other exports do not. */
export function cfProxied(record: ZoneRecord): boolean | undefined {
  const tag = /cf-proxied:(true|false)/.exec(record.comment ?? "")?.[1];
  return tag === undefined ? undefined : tag === "true";
}
