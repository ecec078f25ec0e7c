/**
 * The zone's records as Cloudflare holds them against the records every stack of the zone
 * declares (OPS-DRIFT, live): what nobody declares, what is declared but not there, and what is
 * there with another proxy status. Both sides in the form Cloudflare stores (recordText), so a
 * trailing dot, TXT quoting or a host's case is never drift. Pure functions over the saved export
 * and the offline plans.
 *
 * Cloudflare facts relied on (read 2026-12-03): the API holds TXT content as quoted RFC 1035
 * character-strings of up to 255 bytes, longer ones split (Cloudflare's API client,
 * https://github.com/cloudflare/cloudflare-typescript/pull/1777), which txtText joins again; the
 * zone's SOA, its apex NS and Email Routing's MX and DKIM records are ones Cloudflare injects and
 * maintains (https://docs.dnscontrol.org/provider/cloudflareapi).
 */
import { UNKNOWN_SHOWN_AS } from "../plan/offline-run";
import type { RecordFields } from "../zone-import/record-fields";
import { type CloudflareRecord, recordText } from "../zone-import/zone-coverage";
import { cfProxied, servedByCloudflare, type ZoneRecord } from "../zone-import/zone-file";
import { zoneFields } from "../zone-import/record-fields";

/** A record of the zone's export. */
export interface LiveRecord extends RecordFields {
  /** Absent where the export does not say (a BIND file of a record that cannot be proxied). */
  proxied?: boolean;
  /** Why Cloudflare itself made or manages it, when the export says so. */
  managedBy?: string;
}

/** A DNS record a stack of the zone declares, as its offline plan registers it. */
export interface DeclaredRecord extends RecordFields {
  stack: string;
  proxied?: boolean;
}

export interface ZoneDrift {
  /** In the zone, declared by no stack: made in the dashboard or left behind. */
  undeclared: LiveRecord[];
  /** Declared by a stack, not in the zone: not deployed yet, or deleted by hand. */
  missing: DeclaredRecord[];
  /** There as declared, but proxied where the stack says DNS-only, or the other way round. */
  proxiedDiffers: Array<{ declared: DeclaredRecord; live: LiveRecord }>;
  /** Records found as declared. */
  matched: number;
}

/**
 * Keys in a record's `meta` (or the record itself) by which Cloudflare's API marks what one of its
 * products made (Email Routing, Workers custom domains, R2, Tunnel). The API documents `meta` only
 * as "extra Cloudflare-specific information about the record"
 * (https://developers.cloudflare.com/api/python/resources/dns/subresources/records/methods/get/,
 * read 2026-12-03); these keys are the ones API clients read there.
 */
const MANAGED_FLAGS = ["read_only", "auto_added", "managed_by_apps", "managed_by_argo_tunnel"] as const;

/** The note of a record Cloudflare marks as its own: keep it, or remove it where it was made. */
function managedNote(entry: Record<string, unknown>): string | undefined {
  const meta = typeof entry.meta === "object" && entry.meta !== null ? (entry.meta as Record<string, unknown>) : {};
  const flag = MANAGED_FLAGS.find((key) => meta[key] === true);
  const why = flag ? `meta.${flag}` : entry.locked === true ? "locked" : undefined;
  return why
    ? `Cloudflare marks it as made by one of its products (${why}): the dashboard shows it read-only; change it where it was made (Email Routing, a Workers custom domain, R2), not in a stack`
    : undefined;
}

/** The records of a "List DNS Records" answer, read by readRecordIds, with what drift also compares. */
export function apiRecords(body: { result: unknown[] }, read: readonly CloudflareRecord[], zone: string): LiveRecord[] {
  return read.flatMap((record, index) => {
    if (servedByCloudflare(record, zone)) return [];
    const entry = body.result[index] as Record<string, unknown>;
    const managedBy = managedNote(entry);
    return [
      {
        name: record.name,
        type: record.type,
        content: record.content,
        priority: record.priority,
        data: record.data as RecordFields["data"],
        ...proxyStatus(record.type, entry.proxied),
        ...(managedBy ? { managedBy } : {}),
      },
    ];
  });
}

/** The types zoneFields reads: a record of one of them it cannot read is not one Cloudflare would export. */
const READ_TYPES = new Set(["A", "AAAA", "CNAME", "NS", "MX", "TXT", "CAA", "SRV"]);

/**
 * The records of a BIND export, as zoneFields reads them; a type it does not read (HTTPS, TLSA...)
 * keeps its content as written. A record of a type it reads whose content it cannot read is
 * returned as `unreadable`, for the caller to refuse the file.
 */
export function zoneFileRecords(records: readonly ZoneRecord[], zone: string): { records: LiveRecord[]; unreadable: ZoneRecord[] } {
  const read: LiveRecord[] = [];
  const unreadable: ZoneRecord[] = [];
  for (const record of records.filter((record) => !servedByCloudflare(record, zone))) {
    const fields = zoneFields(record);
    if (!fields && READ_TYPES.has(record.type)) unreadable.push(record);
    else read.push({ ...(fields ?? { name: record.name, type: record.type, content: record.content }), ...proxyStatus(record.type, cfProxied(record)) });
  }
  return { records: read, unreadable };
}

/** The types Cloudflare can proxy: only theirs is a proxy status compared. */
const PROXIABLE = new Set(["A", "AAAA", "CNAME"]);

/** A record's proxy status where its type has one. */
export const proxyStatus = (type: string, proxied: unknown): { proxied?: boolean } => (PROXIABLE.has(type) && typeof proxied === "boolean" ? { proxied } : {});

const unknownValue = (record: RecordFields) => recordText(record).includes(UNKNOWN_SHOWN_AS);
const nameAndType = (record: RecordFields) => `${record.name.toLowerCase()} ${record.type}`;

export function zoneDrift(declared: readonly DeclaredRecord[], live: readonly LiveRecord[]): ZoneDrift {
  const unmatched = new Map<string, LiveRecord[]>();
  for (const record of live) unmatched.set(recordText(record), [...(unmatched.get(recordText(record)) ?? []), record]);
  const take = (key: string) => unmatched.get(key)?.shift();
  const drift: ZoneDrift = { undeclared: [], missing: [], proxiedDiffers: [], matched: 0 };
  const found = (record: DeclaredRecord, match: LiveRecord | undefined) => {
    if (!match) drift.missing.push(record);
    else if (record.proxied !== undefined && match.proxied !== undefined && record.proxied !== match.proxied)
      drift.proxiedDiffers.push({ declared: record, live: match });
    else drift.matched++;
  };
  for (const record of declared.filter((record) => !unknownValue(record))) found(record, take(recordText(record)));
  // A value the plan cannot know (one another resource gives at `pulumi up`) is matched by name and type.
  for (const record of declared.filter(unknownValue)) {
    const key = [...unmatched.keys()].find((text) => text.startsWith(`${nameAndType(record)} `) && unmatched.get(text)!.length > 0);
    found(record, key === undefined ? undefined : take(key));
  }
  const left = new Set([...unmatched.values()].flat());
  drift.undeclared = live.filter((record) => left.has(record));
  return drift;
}
