/**
 * SPF (RFC 7208): the record grammar, and check_host() as a receiver runs it: mechanisms,
 * modifiers, macros, redirect and exp, and the processing limits. Plain functions over a DNS
 * interface: the email component uses the grammar to refuse bad config, the policy pack runs
 * check_host() over the records the stack declares (with documented costs for providers'
 * includes), and live verification runs it over what DNS answers.
 *
 * Written here rather than taken from mailauth 4.13 (the last major that runs on Node 20): run
 * through the RFC 7208 test suite it failed 9 of 203 scenarios (exp and macro cases, a bare ip6,
 * helo-domain literals), counted a void lookup only when both A and AAAA were empty, and reports
 * no trace of which term cost what, which is what a verdict has to name.
 */

export type Qualifier = "+" | "-" | "~" | "?";

/** RFC 7208 5: the mechanisms; any other term before ":" is unknown, and a permerror. */
export const SPF_MECHANISMS = ["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"] as const;

export interface SpfMechanism {
  kind: "mechanism";
  qualifier: Qualifier;
  name: (typeof SPF_MECHANISMS)[number];
  /** The domain-spec or address after ":", as written. */
  value?: string;
  /** The "/cidr" suffix, as written. */
  cidr?: string;
  /** Prefix lengths the suffix gives; absent means the whole address. */
  ip4Prefix?: number;
  ip6Prefix?: number;
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
  exp?: string;
}

export type SpfParse = { ok: true; record: SpfRecord } | { ok: false; problem: string };

/** RFC 7208 4.6.4: the DNS-querying terms (include, a, mx, ptr, exists, redirect) one evaluation may run. */
export const MAX_DNS_LOOKUPS = 10;
/** RFC 7208 4.6.4: lookups that return no answer; more than 2 is a permanent error. */
export const MAX_VOID_LOOKUPS = 2;
/** RFC 7208 4.6.4: the address records one mx or ptr term may look up. */
export const MAX_NAME_LOOKUPS = 10;
/** A TXT character-string holds at most 255 octets (RFC 1035 3.3.14). */
export const MAX_TXT_STRING = 255;
/** RFC 7208 3.4: keep the record within 512 octets so a UDP answer carries it. */
export const MAX_SPF_RECORD = 512;

/** RFC 7208 4.5: a record is SPF when its version section is exactly "v=spf1". */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1( |$)/i.test(txt);
}

const NAME = /^[a-z][a-z0-9_.-]*$/i;
const MACRO_LETTERS = "slodiphcrtv";
const EXP_ONLY_LETTERS = "crt";
/** RFC 7208 7.1 toplabel: alphanumeric with at least one letter, or with inner hyphens. */
const TOPLABEL = /^(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i;
const QNUM = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])";
const IP4 = new RegExp(`^${QNUM}\\.${QNUM}\\.${QNUM}\\.${QNUM}$`);
/** "/0" or a number without leading zeros: RFC 7208 ip4-cidr-length, ip6-cidr-length. */
const CIDR = "(0|[1-9][0-9]*)";
const DUAL_CIDR = new RegExp(`(?:/${CIDR})?(?://${CIDR})?$`);
const SINGLE_CIDR = new RegExp(`/${CIDR}$`);

/** `expanded` marks "%%", "%_" and "%-", which count as macro-expands in the grammar. */
type MacroToken = { literal: string; expanded?: boolean } | { letter: string; upper: boolean; digits?: number; reverse: boolean; delimiters: string };

/** Reads a macro-string (RFC 7208 7.1); a syntax error is a problem, as it is a permerror. */
function parseMacroString(text: string, inExp: boolean): MacroToken[] | string {
  const tokens: MacroToken[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c !== "%") {
      const code = c.charCodeAt(0);
      // exp text may hold spaces; a domain-spec is only visible ASCII.
      if (code > 0x7e || (code < 0x21 && !(inExp && c === " "))) return `has the character ${JSON.stringify(c)}, which SPF does not allow`;
      tokens.push({ literal: c });
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === "%" || next === "_" || next === "-") {
      tokens.push({ literal: next === "%" ? "%" : next === "_" ? " " : "%20", expanded: true });
      i += 2;
      continue;
    }
    const macro = /^%\{([a-z])([0-9]*)(r?)([.\-+,/_=]*)\}/i.exec(text.slice(i));
    if (!macro) return `has "%" not followed by a macro (write "%%" for a percent sign)`;
    const letter = macro[1].toLowerCase();
    if (!MACRO_LETTERS.includes(letter)) return `has the unknown macro "%{${macro[1]}}"`;
    if (!inExp && EXP_ONLY_LETTERS.includes(letter)) return `uses "%{${macro[1]}}", which only exp text may use`;
    const digits = macro[2] === "" ? undefined : Number(macro[2]);
    if (digits === 0) return `has "${macro[0]}"; a macro keeps at least one part`;
    tokens.push({ letter, upper: macro[1] !== letter, digits, reverse: macro[3] !== "", delimiters: macro[4] || "." });
    i += macro[0].length;
  }
  return tokens;
}

/** A domain-spec (RFC 7208 7.1) ends in a macro or in "." and a valid top label; checked before expansion. */
function checkDomainSpec(spec: string): string | undefined {
  const tokens = parseMacroString(spec, false);
  if (typeof tokens === "string") return tokens;
  const last = tokens.at(-1);
  if (last && (!("literal" in last) || last.expanded)) return undefined;
  let tail = "";
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i];
    if (!("literal" in token) || token.expanded) break;
    tail = token.literal + tail;
  }
  const label = /\.([^.]+)\.?$/.exec(tail)?.[1];
  if (label === undefined || !TOPLABEL.test(label)) return `has the domain "${spec}", which does not end in a valid top-level label`;
  return undefined;
}

function parseMechanism(raw: string): SpfMechanism | string {
  const match = /^([+\-~?]?)([a-z][a-z0-9_.-]*)(.*)$/i.exec(raw);
  if (!match) return `has the unknown term "${raw}"`;
  const qualifier = (match[1] || "+") as Qualifier;
  const name = match[2].toLowerCase();
  let rest = match[3];
  const mechanism: SpfMechanism = { kind: "mechanism", qualifier, name: name as SpfMechanism["name"] };
  const takeCidr = (pattern: RegExp) => {
    const cidr = pattern.exec(rest);
    if (cidr && cidr[0] !== "") {
      mechanism.cidr = cidr[0];
      rest = rest.slice(0, rest.length - cidr[0].length);
    }
    return cidr;
  };
  switch (name) {
    case "all":
      if (rest !== "") return `has "${raw}"; all takes no argument`;
      return mechanism;
    case "include":
    case "exists":
      if (!rest.startsWith(":") || rest.length === 1) return `has "${raw}" without a domain`;
      mechanism.value = rest.slice(1);
      return checkDomainSpec(mechanism.value) ?? mechanism;
    case "a":
    case "mx": {
      const cidr = takeCidr(DUAL_CIDR);
      if (cidr?.[1] !== undefined) mechanism.ip4Prefix = Number(cidr[1]);
      if (cidr?.[2] !== undefined) mechanism.ip6Prefix = Number(cidr[2]);
      if ((mechanism.ip4Prefix ?? 0) > 32 || (mechanism.ip6Prefix ?? 0) > 128) return `has "${raw}", a prefix longer than the address`;
      if (rest === "") return mechanism;
      if (!rest.startsWith(":") || rest.length === 1) return `has the unknown term "${raw}"`;
      mechanism.value = rest.slice(1);
      return checkDomainSpec(mechanism.value) ?? mechanism;
    }
    case "ptr":
      if (rest === "") return mechanism;
      if (!rest.startsWith(":") || rest.length === 1) return `has the unknown term "${raw}"`;
      mechanism.value = rest.slice(1);
      return checkDomainSpec(mechanism.value) ?? mechanism;
    case "ip4": {
      const cidr = takeCidr(SINGLE_CIDR);
      if (cidr) mechanism.ip4Prefix = Number(cidr[1]);
      if (!rest.startsWith(":") || !IP4.test(rest.slice(1))) return `has "${raw}", which is not an IPv4 address`;
      if ((mechanism.ip4Prefix ?? 0) > 32) return `has "${raw}"; an IPv4 prefix is at most /32`;
      mechanism.value = rest.slice(1);
      return mechanism;
    }
    case "ip6": {
      const cidr = takeCidr(SINGLE_CIDR);
      if (cidr) mechanism.ip6Prefix = Number(cidr[1]);
      if (!rest.startsWith(":") || ip6Value(rest.slice(1)) === undefined) return `has "${raw}", which is not an IPv6 address`;
      if ((mechanism.ip6Prefix ?? 0) > 128) return `has "${raw}"; an IPv6 prefix is at most /128`;
      mechanism.value = rest.slice(1);
      return mechanism;
    }
    default:
      return `has the unknown term "${raw}"`;
  }
}

/** Parses one SPF record to RFC 7208's grammar; any syntax error is a problem (a permerror). */
export function parseSpf(txt: string): SpfParse {
  if (!isSpfRecord(txt)) return { ok: false, problem: 'does not start with "v=spf1"' };
  const terms: SpfTerm[] = [];
  const record: SpfRecord = { terms };
  for (const raw of txt.split(" ").slice(1)) {
    if (raw === "") continue;
    const equals = raw.indexOf("=");
    if (equals > 0 && NAME.test(raw.slice(0, equals))) {
      const name = raw.slice(0, equals).toLowerCase();
      const value = raw.slice(equals + 1);
      if ((name === "redirect" || name === "exp") && record[name] !== undefined) return { ok: false, problem: `has "${name}=" twice (RFC 7208 6)` };
      // Unknown modifiers are ignored, but their value must still be a macro-string.
      const problem = name === "redirect" || name === "exp" ? checkDomainSpec(value) : parseMacroString(value, false);
      if (typeof problem === "string") return { ok: false, problem: value === "" ? `has "${name}=" without a domain` : problem };
      if (name === "redirect" || name === "exp") record[name] = value;
      terms.push({ kind: "modifier", name, value });
      continue;
    }
    const mechanism = parseMechanism(raw);
    if (typeof mechanism === "string") return { ok: false, problem: mechanism };
    if (mechanism.name === "all") record.all ??= mechanism.qualifier;
    terms.push(mechanism);
  }
  return { ok: true, record };
}

/** How a long SPF record is published: TXT strings of at most 255 characters each. */
export function splitTxtStrings(record: string): string[] {
  const strings: string[] = [];
  for (let i = 0; i < record.length; i += MAX_TXT_STRING) strings.push(record.slice(i, i + MAX_TXT_STRING));
  return strings;
}

export type SpfQueryType = "TXT" | "A" | "AAAA" | "MX" | "PTR";

/**
 * DNS as check_host() needs it. `query` answers the records of one type at a name (TXT strings
 * joined, MX exchange names, PTR names), [] when the name has none or does not exist, and throws
 * when DNS does not answer (SERVFAIL, a timeout): that is a temperror.
 */
export interface SpfDns {
  query(name: string, type: SpfQueryType): Promise<string[]>;
}

/** How a DNS failure reads in a verdict: the name and type, and the resolver's code. */
export function didNotAnswer(name: string, type: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error));
  return `${name} ${type} did not answer (${code})`;
}

/** A DNS failure check_host() met: the name and type that did not answer. */
export class SpfDnsError extends Error {
  constructor(
    readonly queryName: string,
    readonly queryType: SpfQueryType,
    cause: unknown,
  ) {
    super(didNotAnswer(queryName, queryType, cause), { cause });
  }
}

/** A name as DNS compares it: case-insensitive, the root's trailing dot dropped. */
export const canonicalName = (name: string) => name.toLowerCase().replace(/\.$/, "");

export type SpfResult = "none" | "neutral" | "pass" | "fail" | "softfail" | "temperror" | "permerror";

export interface SpfQuery {
  /** The client's address. */
  ip: string;
  /** The domain whose policy is checked: MAIL FROM's domain, or HELO's. */
  domain: string;
  /** MAIL FROM (or postmaster@HELO when it is empty). */
  sender: string;
  helo?: string;
  /** The receiving host, for %{r} in exp text. */
  receiver?: string;
}

export interface SpfEvaluation {
  result: SpfResult;
  /** The exp= text for a fail, when the record gives one that expands. */
  explanation?: string;
  /** Why a permerror or temperror, or which term decided the result. */
  reason: string;
  /** The record and term that matched: `example.com: include:_spf.example.net`. */
  matched?: string;
  /** DNS-querying terms evaluated, includes and redirects expanded (RFC 7208 4.6.4). */
  lookups: number;
  voidLookups: number;
  /** Names judged without reading their records (the offline plan): includes and redirects at their documented cost. */
  opaque: string[];
  /** The name and type that did not answer, for a temperror. */
  failedQuery?: { name: string; type: SpfQueryType };
  /** The result rests on a redirect to an opaque target, so it is not known. */
  undecided?: boolean;
}

export interface SpfOptions {
  /**
   * For a name whose records cannot be read, the total DNS lookups an include or redirect of it
   * costs; undefined to read them. The offline plan knows providers' costs, not their records, and
   * only the stack's own names: an opaque name matches nothing and is not void (someone else's
   * servers, never the address being judged), and an opaque redirect leaves the result undecided.
   */
  opaqueCost?: (domain: string) => number | undefined;
  /** The time for %{t}; defaults to now. */
  now?: Date;
}

class PermError extends Error {}

/** Where one level of check_host() ended: the result, and the record and term that gave it. */
interface Outcome {
  result: SpfResult;
  reason: string;
  domain: string;
  record?: SpfRecord;
  matched?: string;
  undecided?: boolean;
}

/** A name DNS can carry: no empty label, none over 63 octets (RFC 1035 2.3.4). */
const isDnsName = (name: string) =>
  name
    .replace(/\.$/, "")
    .split(".")
    .every((label) => label.length > 0 && label.length <= 63);

/** RFC 7208 4.3: a name check_host() may evaluate: a DNS name of at least two labels. */
const isValidDomain = (domain: string) => isDnsName(domain) && domain.replace(/\.$/, "").includes(".");

/** The address as bits, with its family; IPv4-mapped IPv6 addresses count as IPv4 (RFC 7208 5). */
function ipValue(ip: string): { family: 4 | 6; bits: bigint } | undefined {
  if (IP4.test(ip)) return { family: 4, bits: ip4Bits(ip) };
  const six = ip6Value(ip);
  if (six === undefined) return undefined;
  if (six >> 32n === 0xffffn) return { family: 4, bits: six & 0xffffffffn };
  return { family: 6, bits: six };
}

const ip4Bits = (ip: string) => ip.split(".").reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);

/** The eight groups of an IPv6 address as written (an embedded IPv4 tail in hex), or undefined if it is not one. */
function ip6Groups(ip: string): string[] | undefined {
  let text = ip;
  const embedded = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (embedded) {
    if (!IP4.test(embedded[1])) return undefined;
    const v4 = ip4Bits(embedded[1]);
    text = `${text.slice(0, text.length - embedded[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  return all.every((group) => /^[0-9a-f]{1,4}$/i.test(group)) ? all : undefined;
}

function ip6Value(ip: string): bigint | undefined {
  return ip6Groups(ip)?.reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}

function inNetwork(address: { family: 4 | 6; bits: bigint }, network: string, prefix: number | undefined): boolean {
  const other = ipValue(network);
  if (!other || other.family !== address.family) return false;
  const width = address.family === 4 ? 32 : 128;
  // An IPv4-mapped ip6 network counts its prefix over 128 bits, the IPv4 part being the last 32.
  const bits = prefix !== undefined && network.includes(":") && other.family === 4 ? Math.max(0, prefix - 96) : prefix;
  const shift = BigInt(width - (bits ?? width));
  return address.bits >> shift === other.bits >> shift;
}

/** The name a PTR query for the address asks for. */
function reverseName(address: { family: 4 | 6; bits: bigint }): string {
  if (address.family === 4) return `${[0, 8, 16, 24].map((shift) => (address.bits >> BigInt(shift)) & 0xffn).join(".")}.in-addr.arpa`;
  return `${nibbles(address.bits).reverse().join(".")}.ip6.arpa`;
}

const dotted = (bits: bigint) => [24, 16, 8, 0].map((shift) => (bits >> BigInt(shift)) & 0xffn).join(".");
const nibbles = (bits: bigint) => bits.toString(16).padStart(32, "0").split("");

/** RFC 7208 7.3: an expanded name over 253 octets loses labels from the left. */
function truncateDomain(name: string): string {
  let result = name;
  while (result.length > 253 && result.includes(".")) result = result.slice(result.indexOf(".") + 1);
  return result;
}

/**
 * Runs check_host() (RFC 7208 4-7) for `query`: the result a receiver reaches, with what it
 * cost. A DNS failure is a temperror naming the query; a syntax error, a loop or a broken limit
 * is a permerror naming the term.
 */
export async function checkHost(query: SpfQuery, dns: SpfDns, options: SpfOptions = {}): Promise<SpfEvaluation> {
  const address = ipValue(query.ip);
  if (!address) throw new Error(`check_host() needs an IP address, not "${query.ip}"`);
  const at = query.sender.lastIndexOf("@");
  const local = at > 0 ? query.sender.slice(0, at) : "postmaster";
  const senderDomain = at >= 0 ? query.sender.slice(at + 1) : query.sender;
  const sender = `${local}@${senderDomain}`;
  const evaluation: SpfEvaluation = { result: "neutral", reason: "", lookups: 0, voidLookups: 0, opaque: [] };
  let confirmedNames: Promise<string[]> | undefined;

  const ask = async (name: string, type: SpfQueryType): Promise<string[]> => {
    try {
      return await dns.query(name, type);
    } catch (error) {
      throw error instanceof SpfDnsError ? error : new SpfDnsError(name, type, error);
    }
  };
  const countLookup = (where: string, term: string) => {
    if (++evaluation.lookups > MAX_DNS_LOOKUPS)
      throw new PermError(`${where}: ${term} is DNS lookup ${evaluation.lookups}; receivers stop at ${MAX_DNS_LOOKUPS} (RFC 7208 4.6.4)`);
  };
  const countVoid = (where: string, term: string, answers: string[]) => {
    if (answers.length > 0) return;
    if (++evaluation.voidLookups > MAX_VOID_LOOKUPS)
      throw new PermError(
        `${where}: ${term} is void lookup ${evaluation.voidLookups} (no answer); more than ${MAX_VOID_LOOKUPS} is a permanent error (RFC 7208 4.6.4)`,
      );
  };
  // The addresses a name has in the client's family: A for IPv4 clients, AAAA for IPv6.
  const addresses = (name: string) => ask(name, address.family === 4 ? "A" : "AAAA");

  /** %{p}: a PTR name of the client whose addresses include it, preferring the current domain, then its subdomains (RFC 7208 7.3). */
  const validated = async (domain: string): Promise<string> => {
    confirmedNames ??= (async () => {
      const names = await ask(reverseName(address), "PTR").catch(() => []);
      const confirmed: string[] = [];
      for (const name of names.slice(0, MAX_NAME_LOOKUPS)) {
        const found = await addresses(name).catch(() => []);
        if (found.some((a) => inNetwork(address, a, undefined))) confirmed.push(name.replace(/\.$/, ""));
      }
      return confirmed;
    })();
    const confirmed = await confirmedNames;
    const current = canonicalName(domain);
    return confirmed.find((n) => canonicalName(n) === current) ?? confirmed.find((n) => canonicalName(n).endsWith(`.${current}`)) ?? confirmed[0] ?? "unknown";
  };

  const expand = async (text: string, domain: string, inExp: boolean): Promise<string> => {
    const tokens = parseMacroString(text, inExp);
    if (typeof tokens === "string") throw new PermError(`"${text}" ${tokens}`);
    const values: Record<string, () => string | Promise<string>> = {
      s: () => sender,
      l: () => local,
      o: () => senderDomain,
      d: () => domain,
      // The nibbles keep the case the address was written in, as the RFC 7208 suite expects of exp text.
      i: () =>
        address.family === 4
          ? dotted(address.bits)
          : ip6Groups(query.ip)!
              .flatMap((group) => group.padStart(4, "0").split(""))
              .join("."),
      p: () => validated(domain),
      v: () => (address.family === 4 ? "in-addr" : "ip6"),
      h: () => query.helo ?? senderDomain,
      c: () => (address.family === 4 ? dotted(address.bits) : query.ip.toLowerCase()),
      r: () => query.receiver ?? "unknown",
      t: () => String(Math.floor((options.now ?? new Date()).getTime() / 1000)),
    };
    let result = "";
    for (const token of tokens) {
      if ("literal" in token) {
        result += token.literal;
        continue;
      }
      const value = await values[token.letter]();
      let parts = value.split(new RegExp(`[${token.delimiters.replace(/[-\]\\^]/g, "\\$&")}]`));
      if (token.reverse) parts = parts.reverse();
      if (token.digits !== undefined) parts = parts.slice(Math.max(0, parts.length - token.digits));
      const joined = parts.join(".");
      result += token.upper ? encodeURIComponent(joined).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : joined;
    }
    return result;
  };
  /** A name the offline plan cannot read: it matches nothing and is not void. */
  const opaque = (name: string) => {
    if (options.opaqueCost?.(canonicalName(name)) === undefined) return false;
    evaluation.opaque.push(canonicalName(name));
    return true;
  };
  const targetOf = async (spec: string | undefined, domain: string) => (spec === undefined ? domain : truncateDomain(await expand(spec, domain, false)));

  /** One level of check_host(): the record at `domain`, or the result a receiver gets there. */
  const evaluate = async (domain: string): Promise<Outcome> => {
    if (!isValidDomain(domain)) return { result: "none", reason: `${domain} is not a valid domain name (RFC 7208 4.3)`, domain };
    const records = (await ask(domain, "TXT")).filter(isSpfRecord);
    if (records.length === 0) return { result: "none", reason: `${domain} publishes no SPF record`, domain };
    if (records.length > 1) throw new PermError(`${domain} publishes ${records.length} SPF records; RFC 7208 4.5 allows one`);
    if (!/^[\x20-\x7e]*$/.test(records[0])) throw new PermError(`${domain}: the SPF record has characters outside 7-bit ASCII`);
    const parsed = parseSpf(records[0]);
    if (!parsed.ok) throw new PermError(`${domain}: the SPF record ${parsed.problem}`);
    const { record } = parsed;
    for (const term of record.terms) {
      if (term.kind === "modifier") continue;
      const written = `${term.qualifier === "+" ? "" : term.qualifier}${term.name}${term.value !== undefined ? `:${term.value}` : ""}${term.cidr ?? ""}`;
      const matched = (): Outcome => ({
        result: QUALIFIER_RESULTS[term.qualifier],
        reason: `${domain}: ${written} matched`,
        record,
        domain,
        matched: `${domain}: ${written}`,
      });
      switch (term.name) {
        case "all":
          return matched();
        case "ip4":
        case "ip6":
          if (inNetwork(address, term.value!, term.name === "ip4" ? term.ip4Prefix : term.ip6Prefix)) {
            return matched();
          }
          break;
        case "a":
        case "mx": {
          countLookup(domain, written);
          const target = await targetOf(term.value, domain);
          // A name no DNS query can carry matches nothing (what receivers do with it varies: fail or permerror).
          if (!isDnsName(target) || opaque(target)) break;
          let hosts = [target];
          if (term.name === "mx") {
            hosts = await ask(target, "MX");
            countVoid(domain, written, hosts);
            if (hosts.length > MAX_NAME_LOOKUPS)
              throw new PermError(`${domain}: ${written} finds ${hosts.length} MX hosts; SPF allows ${MAX_NAME_LOOKUPS} (RFC 7208 4.6.4)`);
          }
          const prefix = address.family === 4 ? term.ip4Prefix : term.ip6Prefix;
          for (const host of hosts) {
            if (host === "" || host === "." || opaque(host)) continue;
            // Every empty answer counts, an MX host's too, as pyspf counts them: an IPv4-only MX
            // costs an IPv6 client a void lookup.
            const found = await addresses(host);
            countVoid(domain, written, found);
            if (found.some((a) => inNetwork(address, a, prefix))) return matched();
          }
          break;
        }
        case "ptr": {
          countLookup(domain, written);
          const target = canonicalName(await targetOf(term.value, domain));
          if (!isDnsName(target)) break;
          // RFC 7208 5.5: a DNS error in the PTR lookup fails to match rather than erroring, and
          // is no void lookup (4.6.4 counts empty answers only).
          const names = await ask(reverseName(address), "PTR").catch(() => undefined);
          if (!names) break;
          countVoid(domain, written, names);
          for (const name of names.slice(0, MAX_NAME_LOOKUPS)) {
            const host = canonicalName(name);
            if (host !== target && !host.endsWith(`.${target}`)) continue;
            const found = await addresses(name).catch(() => []);
            if (found.some((a) => inNetwork(address, a, undefined))) {
              return matched();
            }
          }
          break;
        }
        case "exists": {
          countLookup(domain, written);
          const target = await targetOf(term.value, domain);
          if (!isDnsName(target) || opaque(target)) break;
          // RFC 7208 5.7: always an A query, whatever the client's family.
          const found = await ask(target, "A");
          countVoid(domain, written, found);
          if (found.length > 0) {
            return matched();
          }
          break;
        }
        case "include": {
          countLookup(domain, written);
          const target = await targetOf(term.value, domain);
          const cost = options.opaqueCost?.(canonicalName(target));
          if (cost !== undefined) {
            evaluation.lookups += cost - 1;
            evaluation.opaque.push(canonicalName(target));
            if (evaluation.lookups > MAX_DNS_LOOKUPS)
              throw new PermError(
                `${domain}: ${written} brings the DNS lookups to ${evaluation.lookups}; receivers stop at ${MAX_DNS_LOOKUPS} (RFC 7208 4.6.4)`,
              );
            break;
          }
          // An included record that ends undecided offline does not match, as an opaque include does not.
          const inner = await evaluate(target);
          if (inner.result === "none") throw new PermError(`${domain}: ${written}: ${inner.reason}`);
          if (inner.result === "pass") return { ...matched(), reason: inner.reason, matched: inner.matched };
          break;
        }
      }
    }
    if (record.redirect !== undefined) {
      countLookup(domain, `redirect=${record.redirect}`);
      const target = await targetOf(record.redirect, domain);
      const cost = options.opaqueCost?.(canonicalName(target));
      if (cost !== undefined) {
        evaluation.lookups += cost - 1;
        evaluation.opaque.push(canonicalName(target));
        return { result: "neutral", reason: `${domain}: redirect=${target}, whose record is not read offline`, domain, undecided: true };
      }
      const inner = await evaluate(target);
      if (inner.result === "none") throw new PermError(`${domain}: redirect=${record.redirect}: ${inner.reason}`);
      return inner;
    }
    return { result: "neutral", reason: `${domain}: no mechanism matched and the record has no all`, record, domain };
  };

  try {
    const outcome = await evaluate(query.domain);
    Object.assign(evaluation, { result: outcome.result, reason: outcome.reason, matched: outcome.matched, undecided: outcome.undecided });
    if (outcome.result === "fail" && outcome.record?.exp !== undefined) evaluation.explanation = await explain(outcome.record.exp, outcome.domain);
  } catch (error) {
    if (error instanceof PermError) Object.assign(evaluation, { result: "permerror", reason: error.message });
    else if (error instanceof SpfDnsError)
      Object.assign(evaluation, { result: "temperror", reason: error.message, failedQuery: { name: error.queryName, type: error.queryType } });
    else throw error;
  }
  return evaluation;

  /** RFC 7208 6.2: the explanation, or none when anything about it fails. */
  async function explain(spec: string, domain: string): Promise<string | undefined> {
    try {
      const texts = await ask(truncateDomain(await expand(spec, domain, false)), "TXT");
      if (texts.length !== 1) return undefined;
      return await expand(texts[0], domain, true);
    } catch {
      return undefined;
    }
  }
}

const QUALIFIER_RESULTS: Record<Qualifier, SpfResult> = { "+": "pass", "-": "fail", "~": "softfail", "?": "neutral" };

/**
 * Addresses no sender can own (RFC 5737 and RFC 3849 documentation ranges): a record that
 * passes one of them authorises strangers, however deep the include that does it.
 */
export const STRANGER_ADDRESSES = ["192.0.2.123", "2001:db8::123"] as const;

/** Why a policy falls short: its kind, for rules that report some kinds their own way, and the words. */
export interface SpfPolicyProblem {
  kind: "permissive" | "neutral" | "none" | "permerror" | "temperror";
  text: string;
}

export interface SpfPolicyReport {
  /** The most any one stranger's evaluation cost: a receiver walks every term for an unlisted sender. */
  lookups: number;
  voidLookups: number;
  /** What makes the policy fall short of the bar; empty when it rejects strangers within the limits. */
  problems: SpfPolicyProblem[];
  /** Names judged without reading their records (the offline plan). */
  opaque: string[];
  /** The name and type that did not answer, when DNS failed. */
  failedQuery?: { name: string; type: SpfQueryType };
}

/**
 * Judges `domain`'s SPF policy as receivers apply it to mail from an address no sender owns:
 * it must end in fail or softfail, within the processing limits, at any depth of includes.
 * The live checks run it over DNS, the policy pack over the declared records.
 */
export async function judgeSpfPolicy(domain: string, dns: SpfDns, options: SpfOptions = {}): Promise<SpfPolicyReport> {
  const report: SpfPolicyReport = { lookups: 0, voidLookups: 0, problems: [], opaque: [] };
  for (const ip of STRANGER_ADDRESSES) {
    const evaluation = await checkHost({ ip, domain, sender: `postmaster@${domain}` }, dns, options);
    report.lookups = Math.max(report.lookups, evaluation.lookups);
    report.voidLookups = Math.max(report.voidLookups, evaluation.voidLookups);
    report.opaque = [...new Set([...report.opaque, ...evaluation.opaque])];
    if (evaluation.failedQuery) report.failedQuery = evaluation.failedQuery;
    const problem = spfPolicyProblem(ip, evaluation);
    if (problem && !report.problems.some((p) => p.text === problem.text)) report.problems.push(problem);
    // One error already fails the policy; the other address would only repeat it.
    if (evaluation.result === "permerror" || evaluation.result === "temperror") break;
  }
  return report;
}

function spfPolicyProblem(ip: string, evaluation: SpfEvaluation): SpfPolicyProblem | undefined {
  switch (evaluation.result) {
    case "pass":
      return { kind: "permissive", text: `authorises ${ip}, an address no sender owns, through ${evaluation.matched}: remove the permissive term` };
    case "neutral":
      if (evaluation.undecided) return undefined;
      return {
        kind: "neutral",
        text: `leaves ${ip}, an address no sender owns, neutral (${evaluation.matched ?? "no all mechanism is reached"}): end the record with -all or ~all`,
      };
    case "none":
      return { kind: "none", text: `has no SPF policy: ${evaluation.reason}` };
    case "permerror":
      return { kind: "permerror", text: `is a permanent error for receivers: ${evaluation.reason}` };
    case "temperror":
      return { kind: "temperror", text: `could not be checked because ${evaluation.reason}` };
    default:
      return undefined;
  }
}
