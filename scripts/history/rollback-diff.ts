/**
 * What restoring a version would change, as plain data: the DNS answers resolvers get before and
 * after (and how long the old ones may live on in their caches), every other resource by URN, and
 * the stack file's encryption keys, which decide whether old ciphertext may be written back at
 * all. It compares plan reports and stack-file text only; how a person reads the result is
 * rollback-render.ts's.
 */
import { DNS_RECORD } from "../../domain/resource-types";
import { stableJson } from "../../domain/stable-json";
import { recordValueText } from "../../stacks/records-config";
import { readableEncryption, type StackEncryption } from "../../stacks/stack-file";
import type { PlanReport } from "../plan/plan-report";

/** Cloudflare's automatic TTL, and the TTL it answers proxied names with. */
export const AUTO_TTL_SECONDS = 300;

// ---------------------------------------------------------------------------------------------
// DNS: what resolvers answer before and after, and how long the old answers may live on.

/** A planned DNS record as a resolver would answer it. */
export interface DnsAnswer {
  urn: string;
  /** Fully qualified name. */
  name: string;
  type: string;
  /** The answer in zone-file form; MX with its preference first. */
  value: string;
  proxied: boolean;
  /** Seconds; 1 is Cloudflare's "automatic". */
  ttl: number;
}

export interface DnsChange {
  change: "added" | "removed" | "changed";
  name: string;
  type: string;
  urn: string;
  /** The record in the current plan (what resolvers may have cached); absent when added. */
  before?: DnsAnswer;
  /** The record after the rollback; absent when removed. */
  after?: DnsAnswer;
  /** Longest a resolver may keep answering with `before` after the change is applied, in seconds. */
  staleFor: number;
}

/** The DNS records of a plan, by URN order. */
export function plannedDnsAnswers(report: Pick<PlanReport, "resources">): DnsAnswer[] {
  return report.resources
    .filter((r) => r.custom && r.type === DNS_RECORD)
    .map((r) => {
      const inputs = r.inputs;
      return {
        urn: r.urn,
        name: String(inputs.name),
        type: String(inputs.type),
        value: recordValueText(inputs),
        proxied: inputs.proxied === true,
        ttl: typeof inputs.ttl === "number" ? inputs.ttl : 1,
      };
    })
    .sort((a, b) => compare(a.urn, b.urn));
}

/**
 * How long a resolver may keep answering with `before` once `after` is in place. A DNS-only record
 * was cached for its TTL (automatic is 300 s). A proxied record was answered with Cloudflare's
 * addresses, which stay right while it stays proxied: a changed or removed proxied record takes
 * effect at Cloudflare's edge at once. A proxied record turned DNS-only was cached as Cloudflare's
 * addresses for 300 s. A TTL-only change gives the same answer, so nothing stale remains.
 */
export function staleSeconds(before: DnsAnswer | undefined, after: DnsAnswer | undefined): number {
  if (!before) return 0;
  if (before.proxied) return after && !after.proxied ? AUTO_TTL_SECONDS : 0;
  if (after && after.value === before.value && !after.proxied) return 0;
  return before.ttl === 1 ? AUTO_TTL_SECONDS : before.ttl;
}

/** Records added, removed or changed going from `current` to `target`, matched by URN (name and type). */
export function diffDnsAnswers(current: readonly DnsAnswer[], target: readonly DnsAnswer[]): DnsChange[] {
  const now = new Map(current.map((r) => [r.urn, r]));
  const then = new Map(target.map((r) => [r.urn, r]));
  const changes: DnsChange[] = [];
  for (const urn of [...new Set([...now.keys(), ...then.keys()])].sort(compare)) {
    const before = now.get(urn);
    const after = then.get(urn);
    if (before && after && before.value === after.value && before.proxied === after.proxied && before.ttl === after.ttl) continue;
    const { name, type } = (after ?? before)!;
    changes.push({
      change: !before ? "added" : !after ? "removed" : "changed",
      name,
      type,
      urn,
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      staleFor: staleSeconds(before, after),
    });
  }
  return changes.sort((a, b) => compare(`${a.name} ${a.type} ${a.urn}`, `${b.name} ${b.type} ${b.urn}`));
}

export interface CacheWindow {
  /** The largest TTL among DNS-only records whose answer changes; 0 when every change is immediate. */
  seconds: number;
  /** The records that take that long. */
  slowest: Array<{ name: string; type: string }>;
  /** Names that get a record back: resolvers that asked recently may have cached "no such record". */
  added: string[];
}

export function cacheWindow(changes: readonly DnsChange[]): CacheWindow {
  const seconds = Math.max(0, ...changes.map((c) => c.staleFor));
  return {
    seconds,
    slowest: seconds === 0 ? [] : changes.filter((c) => c.staleFor === seconds).map(({ name, type }) => ({ name, type })),
    added: [...new Set(changes.filter((c) => c.change === "added").map((c) => c.name))],
  };
}

// ---------------------------------------------------------------------------------------------
// Every resource, by URN.

export interface ResourceDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Provider resources (not components) added, removed or with different inputs, by URN. Secret inputs read "[secret]" on both sides, so a changed secret value is not seen here. */
export function diffResources(current: PlanReport["resources"], target: PlanReport["resources"]): ResourceDiff {
  const now = new Map(current.filter((r) => r.custom).map((r) => [r.urn, stableJson(r.inputs)]));
  const then = new Map(target.filter((r) => r.custom).map((r) => [r.urn, stableJson(r.inputs)]));
  return {
    added: [...then.keys()].filter((urn) => !now.has(urn)).sort(compare),
    removed: [...now.keys()].filter((urn) => !then.has(urn)).sort(compare),
    changed: [...then.keys()].filter((urn) => now.has(urn) && now.get(urn) !== then.get(urn)).sort(compare),
  };
}

// ---------------------------------------------------------------------------------------------
// Secrets: restoring old ciphertext is safe only under the same key.

/** Read from a version's text; one that is not YAML has none, so any key it is compared with differs. */
export function encryptionOfText(text: string): StackEncryption {
  return readableEncryption(text) ?? {};
}

/** Which of the encryption keys differ between the current file and the version to restore. */
export function encryptionChanges(current: StackEncryption, target: StackEncryption): Array<keyof StackEncryption> {
  return (["encryptionsalt", "secretsprovider", "encryptedkey"] as const).filter((key) => current[key] !== target[key]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
