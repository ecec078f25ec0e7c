/**
 * CAA as RFC 8659 defines it (https://www.rfc-editor.org/rfc/rfc8659, read 2026-12-03), for the
 * declared records and for what DNS serves alike (TLS-CAA).
 * - 3: the relevant RRset for a name is the CAA set at the name itself or, when that is empty,
 *   at its closest ancestor with one, climbing label by label (the resolver follows CNAMEs).
 * - 4.2/4.3: `issue` authorises a CA for any certificate, `issuewild` for wildcard ones and,
 *   where a set holds any issuewild, only those decide wildcards. A set with neither property
 *   restricts nothing. The value is an issuer domain name, optionally `;` and parameters; an empty
 *   domain (`;`) authorises nobody.
 * - 4.4: `iodef` is where a CA may report a refused request: a mailto:, http: or https: URL.
 * - 4.1: an unknown tag with the critical flag (128) forbids issuance altogether.
 */

export interface CaaProperty {
  flags: number;
  tag: string;
  value: string;
}

/** The tags this kit reads; others (issuemail, issuevmc, contactemail) are left to their own CAs. */
const KNOWN_TAGS = new Set(["issue", "issuewild", "iodef", "issuemail", "issuevmc", "contactemail", "contactphone"]);

/** The names CAA is looked up at for `fqdn`, nearest first: the name, then each ancestor below the root. */
export function caaLookupNames(fqdn: string): string[] {
  const labels = fqdn.replace(/\.$/, "").toLowerCase().split(".");
  return labels.map((_, i) => labels.slice(i).join("."));
}

/**
 * Where a CA starts looking for `host`'s CAA when certifying it: the host itself, or for a
 * wildcard certificate covering it (`*.example.com` for www.example.com) the wildcard's base name,
 * the host's parent (RFC 8659 3 looks the wildcard's FQDN up without its "*." label).
 */
export function caaNameFor(host: string, wildcard: boolean): string {
  const name = host.replace(/\.$/, "").toLowerCase();
  return wildcard && name.includes(".") ? name.slice(name.indexOf(".") + 1) : name;
}

/** The relevant CAA set for `fqdn` among `sets` (by lower-case name): where it is found and what it holds; none found is `undefined`. */
export function relevantCaaSet<T extends CaaProperty>(
  fqdn: string,
  sets: ReadonlyMap<string, readonly T[]>,
): { name: string; properties: readonly T[] } | undefined {
  for (const name of caaLookupNames(fqdn)) {
    const properties = sets.get(name);
    if (properties && properties.length > 0) return { name, properties };
  }
  return undefined;
}

/** The issuer domain name of an issue or issuewild value, lower case; "" when it authorises nobody. */
export function issuerDomainOf(value: string): string {
  return value.split(";")[0].trim().toLowerCase().replace(/\.$/, "");
}

/** Whether `set` lets the CA named `caa` issue a certificate, a wildcard one when `wildcard`. */
export function caaAllows(set: readonly CaaProperty[], caa: string, wildcard = false): boolean {
  if (set.some((p) => p.flags & 128 && !KNOWN_TAGS.has(p.tag.toLowerCase()))) return false;
  const tagged = (tag: string) => set.filter((p) => p.tag.toLowerCase() === tag);
  const named = (properties: readonly CaaProperty[]) => properties.some((p) => issuerDomainOf(p.value) === caa.toLowerCase());
  if (wildcard && tagged("issuewild").length > 0) return named(tagged("issuewild"));
  // No issue property (issuewild aside): the set restricts nothing for this name (4.2, erratum 5244).
  return tagged("issue").length === 0 || named(tagged("issue"));
}

/** Whether `set` restricts issuance at all: an issue or issuewild property, or a critical unknown tag. */
export function caaRestricts(set: readonly CaaProperty[]): boolean {
  return set.some((p) => ["issue", "issuewild"].includes(p.tag.toLowerCase()) || (p.flags & 128 && !KNOWN_TAGS.has(p.tag.toLowerCase())));
}

/** Why an iodef value is not one RFC 8659 4.4 allows, or undefined. */
export function iodefProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL; write mailto:security@<your domain> or an https:// URL`;
  }
  if (!["mailto:", "http:", "https:"].includes(url.protocol)) return `"${value}" is a ${url.protocol} URL; RFC 8659 4.4 takes mailto:, http: or https:`;
  if (url.protocol === "mailto:" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(decodeURIComponent(url.pathname)))
    return `"${value}" names no mail address after mailto:`;
  return undefined;
}
