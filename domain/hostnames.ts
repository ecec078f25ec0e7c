/**
 * Hostname rules shared by the stack config, the components, the policies and live checks.
 * Plain functions, no Pulumi: a name is judged the same way wherever it is judged.
 */
import { BlockList, isIPv4, isIPv6 } from "node:net";
import { domainToASCII, domainToUnicode } from "node:url";

/** RFC 1035 2.3.4: a label is at most 63 octets, a name at most 253 characters in text form. */
export const MAX_LABEL_LENGTH = 63;
export const MAX_NAME_LENGTH = 253;

export type NameResult = { ok: true; value: string } | { ok: false; problem: string };

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * The ASCII a name may be written with: letters, digits, hyphens and dots (and underscores in
 * record names). Anything else is refused before domainToASCII sees it: that is a URL host parser,
 * which cuts a name at "/", "?", "#" or "\" ("example.com/evil" becomes example.com), decodes
 * "%41" and drops what it ignores, so a name it would rewrite is planned as another name.
 * Non-ASCII is left to it: mapping an internationalised name to punycode is what it is for.
 */
const OTHER_ASCII = /[^a-z0-9.\-\P{ASCII}]/iu;
const OTHER_ASCII_IN_RECORD_NAME = /[^a-z0-9._\-\P{ASCII}]/iu;

function characterProblem(name: string, pattern: RegExp, allowed: string): string | undefined {
  const character = pattern.exec(name)?.[0];
  if (character === undefined) return undefined;
  const shown = JSON.stringify(character);
  return /[/?#:@\\]/.test(character)
    ? `holds ${shown}, which is part of a URL, not a name; write the name alone, without scheme, port, path, query or fragment (such as app.example.com)`
    : `holds ${shown}; a name holds only ${allowed}`;
}

/**
 * Whether a name ends the way URL parsers take for an IPv4 address (WHATWG URL, "ends in a
 * number"): a last label of digits or of 0x and hex digits. domainToASCII rewrites such a name to
 * dotted-quad form ("0x7f.0.0.1" and "127.1" become 127.0.0.1, "1.1" becomes 1.0.0.1), and no
 * top-level domain is numeric (RFC 3696 2), so such a name is an address or nothing.
 */
function endsInNumber(name: string): boolean {
  const last = name.replace(/\.$/, "").split(".").pop() ?? "";
  return /^(?:\d+|0x[0-9a-f]*)$/i.test(last);
}

/** What a name that domainToASCII would rewrite rather than encode is told. */
const REWRITTEN =
  "has characters IDNA drops or maps to others (zero-width, soft hyphen, full-width or styled letters), so it would be planned as another name; type it in plain letters";

/**
 * The ASCII form of a name holding non-ASCII, or undefined when IDNA would rewrite it rather than
 * encode it: read back, the ASCII form must give the name as typed (lower case, NFC), as an
 * internationalised name does ("Bücher" and its xn-- form), and "w\u200Bww" or "ⓦⓦⓦ" (both
 * "www") do not.
 */
function encodedName(name: string): string | undefined {
  const ascii = domainToASCII(name);
  return ascii !== "" && domainToUnicode(ascii) === name.normalize("NFC").toLowerCase() ? ascii : undefined;
}

const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
/**
 * A label is named by its position, not quoted: a name that is refused may be something else
 * typed into the wrong key (a token), and its callers decide whether the value may be shown.
 */
function labelAt(position: number): string {
  return `its ${ORDINALS[position] ?? `label number ${position + 1}`}${position < ORDINALS.length ? " label" : ""}`;
}

function ldhProblem(label: string, position: number, what: string): string {
  if (label.startsWith("-") || label.endsWith("-"))
    return `has a hyphen at the start or end of ${labelAt(position)}; a ${what} label does not start or end with one`;
  return `has ${JSON.stringify(label.replace(/[a-z0-9-]/g, "")[0] ?? "?")} in ${labelAt(position)}; a ${what} label holds only letters, digits and hyphens`;
}

const NUMERIC_NAME =
  "ends in a label of digits (or 0x and hex digits), which URL parsers read as an IPv4 address (0x7f.1 is 127.0.0.1), so it is refused rather than rewritten; a name's last label holds a letter (api, example.com), and an IPv4 address is written as four decimal numbers, such as 203.0.113.10";

/**
 * Converts a host or domain name to the lower-case ASCII (punycode) form DNS and Cloudflare use,
 * and checks every label: letters, digits and inner hyphens only, 1 to 63 octets, 253 in all.
 * A trailing dot (absolute name) is accepted and dropped. Nothing is rewritten but case and IDN:
 * a name a URL parser would read as something else (a path, an address) is refused.
 */
export function toAsciiHostname(input: string): NameResult {
  const trimmed = input.trim().replace(/\.$/, "");
  if (trimmed === "") return { ok: false, problem: "is empty" };
  if (/\s/.test(trimmed)) return { ok: false, problem: "contains white space" };
  if (isIPv4(trimmed) || isIPv6(trimmed)) return { ok: false, problem: "is an IP address, not a name" };
  const character = characterProblem(trimmed, OTHER_ASCII, "letters, digits, hyphens and dots");
  if (character) return { ok: false, problem: character };
  if (endsInNumber(trimmed)) return { ok: false, problem: NUMERIC_NAME };
  const ascii = domainToASCII(trimmed);
  if (ascii === "") return { ok: false, problem: "is not a valid internationalised domain name" };
  if (/[^\p{ASCII}]/u.test(trimmed) && encodedName(trimmed) === undefined) return { ok: false, problem: REWRITTEN };
  // Full-width digits and dots are mapped to ASCII ones, so the mapped name is judged again.
  if (endsInNumber(ascii)) return { ok: false, problem: NUMERIC_NAME };
  if (ascii.length > MAX_NAME_LENGTH) {
    return { ok: false, problem: `is ${ascii.length} characters long in ASCII form; a DNS name is at most ${MAX_NAME_LENGTH}` };
  }
  for (const [position, label] of ascii.split(".").entries()) {
    if (label === "") return { ok: false, problem: "has an empty label (two dots in a row)" };
    if (label.length > MAX_LABEL_LENGTH) {
      return { ok: false, problem: `has ${labelAt(position)} of ${label.length} characters; a label is at most ${MAX_LABEL_LENGTH}` };
    }
    if (!LDH_LABEL.test(label)) return { ok: false, problem: ldhProblem(label, position, "host name") };
  }
  return { ok: true, value: ascii };
}

/** A zone's own name: at least two labels, so that a typo like "example" is caught early. */
export function toAsciiZoneName(input: string): NameResult {
  const raw = input.trim();
  // Said before the name rules, which would only call it a number: the zone's name makes URLs (https://www.<zone>/).
  if (isIPv4(raw) || isIPv6(raw) || (!OTHER_ASCII.test(raw) && endsInNumber(raw)))
    return {
      ok: false,
      problem:
        "is an IP address (or ends in a number, as only an address does); a zone is a registered domain name, not an address: write the domain, such as example.com",
    };
  const result = toAsciiHostname(input);
  if (!result.ok) return result;
  if (!result.value.includes(".")) return { ok: false, problem: `is a single label; a zone is a registered domain such as example.com` };
  return result;
}

/**
 * Resolves a declared host name against its zone and returns the fully qualified ASCII name.
 * Accepted forms: "@" (the apex), a single relative label ("www"), or a fully qualified name inside
 * the zone ("api.example.com", IDN allowed). A dotted name that does not end in the zone is refused
 * rather than guessed at: "api.v2" could mean api.v2.example.com or a typo of another domain.
 */
export function resolveHostInZone(name: string, zone: string): NameResult {
  const raw = name.trim();
  if (raw === "@") return { ok: true, value: zone };
  if (raw.split(".")[0] === "*") {
    return {
      ok: false,
      problem:
        "is a wildcard; declare each subdomain on its own (DNS-SUBDOMAINS), or waive DNS-SUBDOMAINS in launch-ready:waivers with a reason, an owner and an expiry date",
    };
  }
  const ascii = toAsciiHostname(raw);
  if (!ascii.ok) return ascii;
  const host = ascii.value;
  if (host === zone || host.endsWith(`.${zone}`)) return { ok: true, value: host };
  if (!host.includes(".")) {
    const fqdn = `${host}.${zone}`;
    return fqdn.length > MAX_NAME_LENGTH
      ? { ok: false, problem: `makes ${fqdn}, ${fqdn.length} characters long; a DNS name is at most ${MAX_NAME_LENGTH}` }
      : { ok: true, value: fqdn };
  }
  return {
    ok: false,
    problem: `is outside the zone ${zone}; write a single label ("www"), "@" for the apex, or a full name ending in .${zone}`,
  };
}

export type RecordTarget = { type: "A" | "AAAA" | "CNAME"; content: string };

/**
 * An IPv4 address as DNS, Cloudflare and this kit write it: four decimal numbers 0 to 255 without
 * leading zeros. Node's isIPv4 is exactly that; URL parsers and inet_aton also read "0x7f.0.0.1",
 * "0177.0.0.1" and "127.1" as 127.0.0.1, forms that are refused here rather than rewritten.
 */
const IPV4_FORM = "four decimal numbers from 0 to 255 without leading zeros, such as 203.0.113.10";

/** Classifies a record target: an IPv4 address (A), an IPv6 address (AAAA) or a host name (CNAME). */
export function classifyTarget(target: string): { ok: true; value: RecordTarget } | { ok: false; problem: string } {
  const raw = target.trim();
  if (isIPv4(raw)) return { ok: true, value: { type: "A", content: raw } };
  if (isIPv6(raw)) {
    // A zone index (fe80::1%eth0) names an interface of one machine; no record can hold it.
    if (raw.includes("%")) return { ok: false, problem: "is an IPv6 address with a zone index (%...); write the address alone" };
    return { ok: true, value: { type: "AAAA", content: canonicalIPv6(raw) } };
  }
  if (raw.includes("://") || /[/?#]/.test(raw)) {
    return { ok: false, problem: "is a URL; a DNS target is a host name or an IP address, without scheme, path, query or fragment" };
  }
  if (/^[\d.]+$/.test(raw) || (!OTHER_ASCII.test(raw) && endsInNumber(raw)))
    return { ok: false, problem: `looks like an IPv4 address but is not one as DNS writes it; an IPv4 address is ${IPV4_FORM}` };
  const host = toAsciiHostname(raw);
  if (!host.ok) return { ok: false, problem: `is neither an IP address nor a valid host name: it ${host.problem}` };
  if (!host.value.includes(".")) return { ok: false, problem: "is a single label; a CNAME target is a full host name such as app.fly.dev" };
  return { ok: true, value: { type: "CNAME", content: host.value } };
}

/** The lower-case compressed text form, so "2001:DB8::0:1" and "2001:db8::1" are one record. */
function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/**
 * Addresses no public DNS record should point at: private, loopback, link-local, shared (CGNAT),
 * documentation, benchmarking, multicast and other special-purpose ranges (RFC 6890 and the IANA
 * special-purpose registries). Node's BlockList does the prefix matching.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  NON_PUBLIC.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["3fff::", 20],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  NON_PUBLIC.addSubnet(network, prefix, "ipv6");

/** True for an address a public A/AAAA record may hold (DNS-SANE). */
export function isPublicAddress(address: string): boolean {
  if (isIPv4(address)) return !NON_PUBLIC.check(address, "ipv4");
  if (!isIPv6(address)) return false;
  // IPv4-mapped (::ffff:a.b.c.d) is judged by its IPv4 part; BlockList would match it against the
  // IPv4 rules anyway, which is also why no ::ffff:0:0/96 rule is listed (it would catch all IPv4).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return mapped ? isPublicAddress(mapped) : !NON_PUBLIC.check(address, "ipv6");
}

/** A label of a record name: service labels (`_sip`, `_domainkey`) may use underscores. */
const RECORD_LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/**
 * Whether text is written as a domain name, valid here or not (`bad_name.example.com`,
 * `*.example.org`, `bücher.de`): labels of letters, digits, hyphens and underscores, a leading
 * `*`, ending in a top-level domain of letters. Names are public (DNS publishes them), so a
 * problem may quote one; a token is not written like one.
 */
export function isNameShaped(text: string): boolean {
  const labels = text.replace(/\.$/, "").split(".");
  if (labels.length < 2 || !/^\p{L}{2,63}$/u.test(labels[labels.length - 1])) return false;
  return labels.every((label, position) => (label === "*" && position === 0) || /^[\p{L}\p{M}\p{N}_-]{1,63}$/u.test(label));
}

/**
 * Resolves the name of a record that is not a host (`_acme-challenge`, `_sip._tls.example.com`)
 * the way hosts are resolved, but letting labels hold underscores. A leading `*` label is
 * returned as is: whether a wildcard is allowed depends on a waiver, judged by the caller.
 */
export function resolveRecordNameInZone(name: string, zone: string): NameResult {
  const absolute = name.trim().endsWith(".");
  const raw = name.trim().replace(/\.$/, "");
  if (raw === "@" || raw === "") return raw === "@" ? { ok: true, value: zone } : { ok: false, problem: "is empty" };
  const character = characterProblem(raw.replace(/^\*(?:\.|$)/, ""), OTHER_ASCII_IN_RECORD_NAME, "letters, digits, hyphens, underscores and dots");
  if (character) return { ok: false, problem: character };
  const ascii = /[^\p{ASCII}]/u.test(raw) ? domainToASCII(raw) : raw.toLowerCase();
  if (ascii === "") return { ok: false, problem: "is not a valid internationalised domain name" };
  if (/[^\p{ASCII}]/u.test(raw) && encodedName(raw) === undefined) return { ok: false, problem: REWRITTEN };
  const labels = ascii.split(".");
  for (const [position, label] of labels.entries()) {
    if (label === "*" && position === 0) continue;
    if (label === "") return { ok: false, problem: "has an empty label (two dots in a row)" };
    if (label.length > MAX_LABEL_LENGTH)
      return { ok: false, problem: `has ${labelAt(position)} of ${label.length} characters; a label is at most ${MAX_LABEL_LENGTH}` };
    if (!RECORD_LABEL.test(label))
      return {
        ok: false,
        problem: `has a hyphen at the start or end of ${labelAt(position)}; a record name label holds letters, digits, hyphens and underscores, and does not start or end with a hyphen`,
      };
  }
  // Names are relative to the zone as in a zone file (`send.mail`, `_sip._tls`, `*.preview`) unless
  // they end in the zone or a dot. One that ends in a top-level domain (`status.other.org`) is
  // far likelier another domain written without its dot than a name under this zone, so it is
  // refused, asking for the full name if it really is one.
  const inZone = ascii === zone || ascii.endsWith(`.${zone}`);
  if (!inZone && (absolute || endsInTopLevelDomain(labels, zone)))
    return {
      ok: false,
      problem: `is outside the zone ${zone}; write a name relative to the zone ("send.mail", "_sip._tls"), "@" for the apex, or a full name ending in .${zone}${absolute ? "" : ` (${ascii}.${zone} if you mean that name)`}`,
    };
  const fqdn = inZone ? ascii : `${ascii}.${zone}`;
  if (fqdn.length > MAX_NAME_LENGTH) return { ok: false, problem: `makes ${fqdn}, ${fqdn.length} characters long; a DNS name is at most ${MAX_NAME_LENGTH}` };
  return { ok: true, value: fqdn };
}

/** Top-level domains a founder's names commonly end in, besides the zone's own. */
const COMMON_TOP_LEVEL_DOMAINS = new Set(["com", "net", "org", "io", "dev", "app", "ai", "co", "xyz", "me", "so", "sh", "tech", "cloud"]);

/** Whether a dotted relative name ends as a domain name would: in the zone's TLD or a common one. */
function endsInTopLevelDomain(labels: readonly string[], zone: string): boolean {
  if (labels.length < 2) return false;
  const last = labels[labels.length - 1];
  return last === zone.split(".").pop() || COMMON_TOP_LEVEL_DOMAINS.has(last);
}

/** A record's target host in the lower-case form Cloudflare returns, without the trailing dot; "." stays "." (no service). */
export function normalizeTargetHost(target: string): NameResult {
  const raw = target.trim();
  if (raw === ".") return { ok: true, value: "." };
  const resolved = toAsciiHostname(raw);
  if (resolved.ok || !/_/.test(raw)) return resolved;
  // Targets such as s1.domainkey.u123.wl.sendgrid.net are plain; a few providers use service labels.
  const labels = raw.replace(/\.$/, "").toLowerCase().split(".");
  return labels.every((label) => RECORD_LABEL.test(label)) ? { ok: true, value: labels.join(".") } : resolved;
}
