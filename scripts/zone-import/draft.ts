/**
 * The draft config, filled record by record, and what every mapping stage shares: the options,
 * the result's lists (mapped, skipped, unmapped, added, notes) and the one way a record is listed
 * as not imported. Config paths (`launch-ready:hosts[2]`) are known only once lists are ordered,
 * so stages record a target and zone-import.ts turns targets into paths at the end.
 */
import { recordTtlProblem, type ZonePlan } from "../../domain/cloudflare/zone-plans";
import type { MailProvider } from "../../domain/mail/providers";
import type { Environment } from "../../domain/bar/weighing";
import type { HostPurpose } from "../../stacks/schema/site";
import { DEFAULT_DNS_ONLY_TTL } from "../../stacks/stack-config";
import type { ZoneRecord } from "./zone-file";

export interface ImportOptions {
  /** The zone's ASCII name, e.g. example.org. */
  domain: string;
  zoneId: string;
  accountId: string;
  plan: ZonePlan;
  /** The zone's DNS record quota when Cloudflare gave it another than the plan's (a Free zone created before 2024-09-01: 1,000). */
  recordQuota?: number;
  environment: Environment;
  /** The canonical host as --canonical gives it; without it, the import infers it from the zone. */
  canonical?: "apex" | "www";
  /** Who answers for the waiver a wildcard needs; required when the zone has one. */
  owner?: string;
  /** The import day (YYYY-MM-DD): waivers expire 90 days after it. */
  today: string;
  /** The zone file's name, for the waiver's reason. */
  source: string;
}

/** The canonical host of the apex/www pair and why the import chose it, for the report. */
export interface CanonicalChoice {
  host: "apex" | "www";
  /** flag: --canonical gave it; zone: the zone's records show it; default: they do not, so the kit's default. */
  by: "flag" | "zone" | "default";
  why: string;
}

export interface ZoneImport {
  /** The `launch-ready:*` keys of the stack file, as plain JSON values. */
  config: Record<string, unknown>;
  canonical: CanonicalChoice;
  mapped: Array<{ record: ZoneRecord; to: string }>;
  skipped: Array<{ record: ZoneRecord; reason: string }>;
  /** Whole records, or with `part` the piece of a mapped record that is not kept. */
  unmapped: Array<{ record: ZoneRecord; part?: string; reason: string }>;
  /** Config the zone did not hold but the stack needs. */
  added: Array<{ to: string; what: string; why: string }>;
  /** What is kept but changes or is assumed: TTLs, proxy status. */
  notes: Array<{ record: ZoneRecord; note: string }>;
}

export interface HostDraft {
  fqdn: string;
  purpose: HostPurpose;
  targets: string[];
  records: ZoneRecord[];
  proxied?: boolean;
  ttl?: number;
  /** Why the import added this host, when the zone had none. */
  added?: string;
}

export interface SenderDraft {
  provider: MailProvider;
  domain: string;
  include?: string;
  addresses: string[];
  dkim: Array<{ selector: string; value: string }>;
  /** The region its bounce MX names (Resend, SES), when the preset's default is not it. */
  region?: string;
  /** The bounce name and target, where the preset's defaults are not them. */
  returnPath?: { name?: string; target?: string };
  links: Array<{ name: string; target: string }>;
}

/** Where a mapped record went; a config path once the lists are ordered. */
export type Target =
  | { kind: "host"; host: HostDraft }
  | { kind: "senders"; senders: SenderDraft[] }
  | { kind: "dkim"; sender: SenderDraft; selector: string }
  | { kind: "inbound" }
  | { kind: "dmarc" }
  | { kind: "parked"; fqdn: string }
  | { kind: "record"; record: Record<string, unknown> };

export interface Draft {
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
  /** Return-path and click-tracking CNAMEs of mail providers, kept from the hosts for the mail stage. */
  mailCnames: ZoneRecord[];
  mapped: Array<{ record: ZoneRecord; target: Target }>;
  result: Omit<ZoneImport, "config" | "canonical" | "mapped">;
}

export const LEFT_AS_IS = "it stays in Cloudflare as it is, outside the stack";

/** Lists a whole record, or with `part` a piece of a mapped one, as not imported, with the reason. */
export function unmap(draft: Draft, record: ZoneRecord, reason: string, part?: string): void {
  draft.result.unmapped.push({ record, ...(part === undefined ? {} : { part }), reason });
}

/** Removes the records a stage takes from those still pending, in one pass, and returns them; the rest keep their order. */
export function take(pending: ZoneRecord[], test: (record: ZoneRecord) => boolean): ZoneRecord[] {
  const taken: ZoneRecord[] = [];
  let kept = 0;
  for (let index = 0; index < pending.length; index++) {
    const record = pending[index];
    if (test(record)) taken.push(record);
    else pending[kept++] = record;
  }
  pending.length = kept;
  return taken;
}

/**
 * A DNS-only TTL worth writing: not the kit's default, and one the plan allows. Cloudflare's
 * automatic TTL (1) is the kit's too (AUTOMATIC_TTL), so it is kept as 1: written as the default
 * instead, `pulumi import` would adopt the record at automatic and the next `up` change it to 300.
 */
export function keptTtl(draft: Draft, record: ZoneRecord, ttl: number): number | undefined {
  if (ttl === DEFAULT_DNS_ONLY_TTL) return undefined;
  const problem = recordTtlProblem(ttl, draft.options.plan);
  if (problem) {
    draft.result.notes.push({ record, note: `its TTL ${problem}; it will be ${DEFAULT_DNS_ONLY_TTL}` });
    return undefined;
  }
  return ttl;
}
