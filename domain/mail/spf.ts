/**
 * SPF (RFC 7208): parsing, the DNS-lookup limit and the length rules. Plain functions: the email
 * component uses them to refuse bad config, the policies to judge declared records, and live
 * verification to judge what DNS returns, through the same resolver interface.
 */

export type Qualifier = "+" | "-" | "~" | "?";

export interface SpfMechanism {
  kind: "mechanism";
  qualifier: Qualifier;
  name: "all" | "include" | "a" | "mx" | "ptr" | "ip4" | "ip6" | "exists";
  /** The domain-spec or address after ":", if any. */
  value?: string;
  /** The "/cidr" suffix, kept as written. */
  cidr?: string;
}

export interface SpfModifier {
  kind: "modifier";
  name: string;
  value: string;
}

export type SpfTerm = SpfMechanism | SpfModifier;

export interface SpfRecord {
  terms: SpfTerm[];
  /** The `all` mechanism's qualifier, if the record has one. */
  all?: Qualifier;
  redirect?: string;
}

export type SpfParse = { ok: true; record: SpfRecord } | { ok: false; problem: string };

const MECHANISMS = new Set(["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"]);
/** RFC 7208 4.6.4: the terms that cause DNS queries; at most 10 per evaluation. */
export const LOOKUP_TERMS = new Set(["include", "a", "mx", "ptr", "exists", "redirect"]);
export const MAX_DNS_LOOKUPS = 10;
/** RFC 7208 4.6.4: lookups that return no answer; more than 2 is a permerror. */
export const MAX_VOID_LOOKUPS = 2;
/** A TXT character-string holds at most 255 octets (RFC 1035 3.3.14). */
export const MAX_TXT_STRING = 255;
/** RFC 7208 3.4: keep the record within 512 octets so a UDP answer carries it. */
export const MAX_SPF_RECORD = 512;

export function isSpfRecord(txt: string): boolean {
  return /^v=spf1(\s|$)/i.test(txt.trim());
}

/** Parses one SPF record. Terms are case-insensitive; domain values keep their case. */
export function parseSpf(txt: string): SpfParse {
  const text = txt.trim();
  if (!isSpfRecord(text)) return { ok: false, problem: 'does not start with "v=spf1"' };
  const terms: SpfTerm[] = [];
  let all: Qualifier | undefined;
  let redirect: string | undefined;
  const seenModifiers = new Set<string>();
  for (const raw of text.split(/\s+/).slice(1)) {
    const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(raw);
    if (modifier) {
      const name = modifier[1].toLowerCase();
      if ((name === "redirect" || name === "exp") && seenModifiers.has(name)) return { ok: false, problem: `has "${name}=" twice (RFC 7208 6)` };
      if ((name === "redirect" || name === "exp") && modifier[2] === "") return { ok: false, problem: `has "${name}=" without a domain` };
      seenModifiers.add(name);
      if (name === "redirect") redirect = modifier[2];
      terms.push({ kind: "modifier", name, value: modifier[2] });
      continue;
    }
    const mechanism = /^([+\-~?]?)([a-z0-9]+)(?::([^/]*))?(\/.*)?$/i.exec(raw);
    const name = mechanism?.[2].toLowerCase();
    if (!mechanism || !name || !MECHANISMS.has(name)) return { ok: false, problem: `has the unknown term "${raw}"` };
    const qualifier = (mechanism[1] || "+") as Qualifier;
    const value = mechanism[3];
    if ((name === "include" || name === "exists") && !value) return { ok: false, problem: `has "${raw}" without a domain` };
    if ((name === "ip4" || name === "ip6") && !value) return { ok: false, problem: `has "${raw}" without an address` };
    if (name === "all" && (value || mechanism[4])) return { ok: false, problem: `has "${raw}"; all takes no argument` };
    if (name === "all") all = qualifier;
    terms.push({ kind: "mechanism", qualifier, name: name as SpfMechanism["name"], value, cidr: mechanism[4] });
  }
  return { ok: true, record: { terms, all, redirect } };
}

/** How a long SPF record is published: TXT strings of at most 255 characters each. */
export function splitTxtStrings(record: string): string[] {
  const strings: string[] = [];
  for (let i = 0; i < record.length; i += MAX_TXT_STRING) strings.push(record.slice(i, i + MAX_TXT_STRING));
  return strings;
}

/** Answers TXT and MX queries; live checks query DNS, the offline plan a table of known senders. */
export interface SpfResolver {
  /** TXT records at a name (each already joined from its strings); [] when there are none. */
  txt(name: string): Promise<string[]>;
  /** MX hosts of a name; [] when there are none. */
  mx(name: string): Promise<string[]>;
}

export interface SpfLookupReport {
  /** DNS-querying terms after expanding includes and redirects (RFC 7208 4.6.4). */
  lookups: number;
  /** Queries that found nothing (no SPF record at an include, no MX hosts). */
  voidLookups: number;
  problems: string[];
  /** Every domain whose SPF record was read, in order. */
  visited: string[];
}

/**
 * Counts the DNS lookups an evaluation of `domain`'s SPF record costs, expanding includes and
 * redirects through `resolver`. Loops, repeated includes and the RFC's limits (10 lookups, 2 void
 * lookups) are reported as problems. An include the resolver cannot answer still costs its own
 * lookup and is reported void.
 */
export async function countSpfLookups(domain: string, record: string, resolver: SpfResolver): Promise<SpfLookupReport> {
  const report: SpfLookupReport = { lookups: 0, voidLookups: 0, problems: [], visited: [] };
  const seen = new Set<string>();

  const walk = async (name: string, text: string, chain: string[]): Promise<void> => {
    report.visited.push(name);
    const parsed = parseSpf(text);
    if (!parsed.ok) return void report.problems.push(`${name}: SPF record ${parsed.problem}`);
    for (const term of parsed.record.terms) {
      if (!LOOKUP_TERMS.has(term.name)) continue;
      if (term.kind === "modifier" && term.name !== "redirect") continue;
      report.lookups++;
      const target = term.kind === "modifier" ? term.value : (term.value ?? name);
      if (term.name === "include" || term.name === "redirect") {
        const key = target.toLowerCase();
        if (chain.includes(key)) {
          report.problems.push(`${name}: ${term.name} of ${target} loops back (${[...chain, key].join(" → ")})`);
          continue;
        }
        if (seen.has(key)) report.problems.push(`${name}: ${target} is included more than once; each copy costs lookups again`);
        seen.add(key);
        const spf = (await resolver.txt(target)).filter(isSpfRecord);
        if (spf.length === 0) {
          report.voidLookups++;
          report.problems.push(`${name}: ${term.name} of ${target} finds no SPF record`);
          continue;
        }
        if (spf.length > 1) report.problems.push(`${target} publishes ${spf.length} SPF records; RFC 7208 3.2 allows one`);
        await walk(target, spf[0], [...chain, key]);
      } else if (term.name === "mx") {
        const hosts = await resolver.mx(target);
        if (hosts.length === 0) report.voidLookups++;
        // RFC 7208 4.6.4: the address lookups of one mx term count against their own limit of 10.
        if (hosts.length > MAX_DNS_LOOKUPS) report.problems.push(`${name}: mx of ${target} has ${hosts.length} MX hosts; SPF allows 10 per mx term`);
      } else if (term.name === "ptr") {
        report.problems.push(`${name}: uses ptr, which RFC 7208 5.5 says not to use (slow, unreliable)`);
      }
    }
  };

  await walk(domain, record, [domain.toLowerCase()]);
  if (report.lookups > MAX_DNS_LOOKUPS) report.problems.push(`${domain}: ${report.lookups} DNS lookups; receivers stop at ${MAX_DNS_LOOKUPS} (RFC 7208 4.6.4)`);
  if (report.voidLookups > MAX_VOID_LOOKUPS)
    report.problems.push(`${domain}: ${report.voidLookups} lookups found nothing; more than ${MAX_VOID_LOOKUPS} is a permanent error (RFC 7208 4.6.4)`);
  return report;
}
