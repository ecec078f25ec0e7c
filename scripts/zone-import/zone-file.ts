/**
 * Reading the export: a BIND zone file (what Cloudflare and registrars export) into records, each
 * name absolute and each target as BIND reads it. Kept apart from the mapping so the one place
 * that knows zone-file syntax (dnsz, $ORIGIN, relative targets, Cloudflare's cf_tags comments) is
 * also the one place that refuses a file of another zone, before anything is mapped.
 */
import { parseZone } from "dnsz";

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
 * Reads a zone file. Without `$ORIGIN` the origin is the domain, as BIND takes it from the zone
 * statement; a file whose `$ORIGIN` or SOA names another domain is refused, not imported into the wrong zone.
 */
export function readZone(text: string, domain: string): ZoneRecord[] {
  let data: ReturnType<typeof parseZone>;
  try {
    // A record without a TTL and no $TTL above it says nothing: 1 (Cloudflare's "automatic") keeps the kit's default.
    data = parseZone(`$ORIGIN ${domain}.\n${ownersAbsolute(text, domain)}`, { defaultTTL: 1 });
  } catch (error) {
    throw new ZoneImportError("--zone-file", `is not a zone file dnsz can read (${(error as Error).message})`);
  }
  const origin = data.origin?.replace(/\.$/, "").toLowerCase();
  if (origin && origin !== domain)
    throw new ZoneImportError("--domain", `is ${domain}, but the zone file's $ORIGIN is ${origin}; give --domain ${origin}, or the zone file of ${domain}`);
  const soa = data.records.find((record) => record.type === "SOA");
  if (soa && soa.name !== domain)
    throw new ZoneImportError(
      "--domain",
      `is ${domain}, but the zone file's SOA record is for ${soa.name}; give --domain ${soa.name}, or the zone file of ${domain}`,
    );
  const garbled = data.records.find((record) => !/^[A-Z][A-Z0-9]*$/.test(record.type) || ["IN", "CH", "HS", "CS"].includes(record.type));
  if (garbled)
    throw new ZoneImportError(
      "--zone-file",
      `has a line that reads as a record at ${garbled.name} of type "${garbled.type}" with "${garbled.content}"; is it a BIND zone file (name ttl IN type content)?`,
    );
  const records = data.records.map(({ name, ttl, class: recordClass, type, content, comment }) => ({
    name,
    ttl,
    class: recordClass,
    type,
    content: absoluteTarget(type, content, domain),
    comment,
  }));
  if (!records.some((record) => record.type !== "SOA"))
    throw new ZoneImportError("--zone-file", "holds no records; export the zone as a BIND file (Cloudflare: DNS > Records > Import and Export > Export)");
  return records;
}

/**
 * Cloudflare's dashboard export writes its SOA record's owner as `example.com`, without the final
 * dot that makes a name absolute, so read by the book it would be example.com.example.com. A
 * line whose owner is the domain or a name in it, written without the dot, means that name.
 * Names the domain does not end are left relative, as BIND reads them (`www`, `_dmarc`).
 */
function ownersAbsolute(text: string, domain: string): string {
  return text
    .split("\n")
    .map((line) => {
      const owner = /^([^\s;$]\S*)(\s.*)?$/.exec(line);
      if (!owner || owner[1].endsWith(".")) return line;
      const name = owner[1].toLowerCase();
      return name === domain || name.endsWith(`.${domain}`) ? `${owner[1]}.${owner[2] ?? ""}` : line;
    })
    .join("\n");
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

/** Cloudflare's export says whether a record is proxied in its trailing comment; other exports do not. */
export function cfProxied(record: ZoneRecord): boolean | undefined {
  const tag = /cf-proxied:(true|false)/.exec(record.comment ?? "")?.[1];
  return tag === undefined ? undefined : tag === "true";
}
