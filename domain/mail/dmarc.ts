/**
 * DMARC (RFC 7489, with the changes of RFC 9989): parsing a `_dmarc` TXT record the way receivers
 * read it, and what it enforces. Plain functions shared by the email component, the policies and
 * live verification.
 */

export type DmarcPolicy = "none" | "quarantine" | "reject";

export interface DmarcRecord {
  /**
   * The policy receivers apply to the domain itself. `none` when p= is missing, or when p=, sp= or
   * np= is invalid and rua= holds a valid address (RFC 7489 6.6.3, RFC 9989).
   */
  p: DmarcPolicy;
  /** For existing subdomains; p applies when absent. */
  sp?: DmarcPolicy;
  /** For subdomains that do not exist (RFC 9989); sp, then p, applies when absent. */
  np?: DmarcPolicy;
  /** RFC 9989: y marks a public suffix operator's record, n an organizational domain, u (the default) neither. */
  psd: "y" | "n" | "u";
  /** The valid `mailto:` addresses, without any `!size` suffix. */
  rua: string[];
  ruf: string[];
  adkim: "r" | "s";
  aspf: "r" | "s";
  /** The share of failing mail receivers that follow RFC 7489 apply the policy to; 100 when absent. RFC 9989 drops pct. */
  pct: number;
  /** t=y (RFC 9989): the owner is testing the policy and asks receivers not to apply it. */
  testing: boolean;
  /** Every tag as written, lower-cased names, including the ones receivers discard. */
  tags: Record<string, string>;
}

/** A part of the record receivers drop as a syntax error, applying the rest (RFC 7489 6.3). */
export interface DmarcDiscarded {
  /** As written: `adkim=x`, one address of a list (`rua=dmarc@example.com`), or text that is no tag. */
  part: string;
  /** What is wrong, what receivers do instead, and what to write. */
  problem: string;
}

export interface DmarcParse {
  record?: DmarcRecord;
  /** What makes the record unusable: receivers ignore it, as if there were none. */
  errors: string[];
  /** Invalid syntax receivers skip; the record still applies, without these parts. */
  discarded: DmarcDiscarded[];
  /** What is valid but worth changing. */
  warnings: string[];
}

const POLICIES = new Set(["none", "quarantine", "reject"]);
const KNOWN_TAGS = new Set(["v", "p", "sp", "np", "rua", "ruf", "adkim", "aspf", "pct", "fo", "rf", "ri", "psd", "t"]);

/** A `mailto:` report address, optionally with a size limit (`mailto:d@example.com!10m`, RFC 7489 6.2). */
function reportAddress(uri: string): string | undefined {
  const match = /^mailto:([^!@\s]+@[^!\s]+?)(![0-9]+[kmgt]?)?$/i.exec(uri.trim());
  return match?.[1];
}

const partialEnforcement = (pct: number) =>
  `pct=${pct} asks receivers that follow RFC 7489 to apply the policy to ${pct}% of failing mail only (RFC 9989 removes pct); drop pct`;
const TESTING = "t=y (testing mode, RFC 9989) asks receivers not to apply the policy yet; drop t=y to enforce it";

/** Whether a TXT record is meant as a DMARC record at all (its version tag), valid or not. */
export function isDmarcRecord(txt: string): boolean {
  return /^v\s*=\s*DMARC1\b/i.test(txt.trim());
}

export function parseDmarc(txt: string): DmarcParse {
  const errors: string[] = [];
  const discarded: DmarcDiscarded[] = [];
  const warnings: string[] = [];
  const discard = (part: string, problem: string) => discarded.push({ part, problem });
  // No prototype: a tag named constructor or __proto__ is a tag like any other.
  const tags: Record<string, string> = Object.create(null);
  const parts = txt
    .trim()
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  for (const [position, part] of parts.entries()) {
    const match = /^([a-z]+)\s*=\s*(.*)$/i.exec(part);
    const name = match?.[1].toLowerCase();
    if (position === 0 && name !== "v") errors.push('must start with "v=DMARC1"');
    if (!match || !name) {
      if (position > 0) discard(part, `"${part}" is not a tag=value pair, so receivers skip it; write tag=value or remove it`);
      continue;
    }
    // DMARC uses DKIM's tag-list syntax, where a repeated tag invalidates the whole list (RFC 6376 3.2).
    if (Object.hasOwn(tags, name)) errors.push(`has the tag ${name} twice`);
    tags[name] = match[2].trim();
  }
  if (tags.v !== "DMARC1") errors.push(`v must be DMARC1 (got ${tags.v ?? "nothing"})`);

  const addresses = (name: "rua" | "ruf") =>
    (tags[name] ? tags[name].split(",").map((u) => u.trim()) : []).flatMap((uri) => {
      const address = reportAddress(uri);
      if (!address) discard(`${name}=${uri}`, `${name} has "${uri}", which receivers skip; a report address is mailto:someone@domain`);
      return address ? [address] : [];
    });
  const rua = addresses("rua");
  const ruf = addresses("ruf");

  const policies = { p: policyTag(tags.p), sp: policyTag(tags.sp), np: policyTag(tags.np) };
  // RFC 7489 6.6.3: a bad p or sp leaves receivers with p=none when there is somewhere to report
  // to, and with nothing otherwise. np is RFC 9989's: receivers that know it drop a bad one.
  const invalid = (["p", "sp"] as const).filter((name) => policies[name] === null);
  const fallback = invalid.length > 0 || policies.p === undefined;
  if (policies.np === null)
    discard(
      `np=${tags.np}`,
      `np=${tags.np} is not none, quarantine or reject, so receivers ignore it and apply sp, then p, to names that do not exist; write np=reject`,
    );
  for (const name of invalid) {
    const written = `${name}=${tags[name]} is not none, quarantine or reject`;
    if (rua.length === 0)
      errors.push(`${written}, and with no valid rua address receivers ignore the whole record (RFC 7489 6.6.3); write ${name}=quarantine or ${name}=reject`);
    else
      discard(
        `${name}=${tags[name]}`,
        `${written}, so receivers act as if the record said p=none (RFC 7489 6.6.3); write ${name}=quarantine or ${name}=reject`,
      );
  }
  if (policies.p === undefined) {
    if (rua.length === 0)
      errors.push("has no p= policy (none, quarantine or reject), and with no valid rua address receivers ignore the record; write p=quarantine or p=reject");
    else warnings.push("has no p= policy, so receivers act as if p=none; write p=quarantine or p=reject");
  }

  const alignment = (name: "adkim" | "aspf"): "r" | "s" => {
    const value = tags[name]?.toLowerCase();
    if (value === undefined || value === "r" || value === "s") return value ?? "r";
    discard(`${name}=${tags[name]}`, `${name}=${tags[name]} must be r (relaxed) or s (strict); receivers use r`);
    return "r";
  };
  const adkim = alignment("adkim");
  const aspf = alignment("aspf");

  let pct = 100;
  if (tags.pct !== undefined) {
    if (/^\d{1,3}$/.test(tags.pct) && Number(tags.pct) <= 100) pct = Number(tags.pct);
    else discard(`pct=${tags.pct}`, `pct=${tags.pct} must be 0 to 100; receivers apply the policy to all failing mail`);
    warnings.push(pct < 100 ? partialEnforcement(pct) : "pct= is removed by RFC 9989 and ignored; drop it");
  }
  const testing = tags.t?.toLowerCase() === "y";
  if (tags.t !== undefined && !/^[yn]$/i.test(tags.t)) discard(`t=${tags.t}`, `t=${tags.t} must be y or n; receivers use n (apply the policy)`);
  if (testing) warnings.push(TESTING);
  let psd: DmarcRecord["psd"] = "u";
  if (tags.psd !== undefined) {
    if (/^[ynu]$/i.test(tags.psd)) psd = tags.psd.toLowerCase() as DmarcRecord["psd"];
    else discard(`psd=${tags.psd}`, `psd=${tags.psd} must be y, n or u; receivers use u`);
  }
  if (psd === "y")
    warnings.push("psd=y marks the domain as a public suffix (RFC 9989), so each of its subdomains becomes an organizational domain of its own; drop it");
  if (tags.fo !== undefined && !/^[01ds](:[01ds])*$/i.test(tags.fo))
    discard(`fo=${tags.fo}`, `fo=${tags.fo} must be 0, 1, d or s (colon-separated); receivers use 0`);
  for (const name of Object.keys(tags)) {
    if (!KNOWN_TAGS.has(name)) warnings.push(`unknown tag ${name} is ignored by receivers`);
    if (name === "rf" || name === "ri") warnings.push(`${name}= is removed by RFC 9989 and ignored; drop it`);
  }
  if (rua.length === 0) warnings.push("has no rua= address, so nobody sees who sends mail as this domain");
  if (errors.length > 0) return { errors, discarded, warnings };
  return {
    record: {
      p: fallback ? "none" : policies.p!,
      sp: fallback ? undefined : (policies.sp ?? undefined),
      np: fallback ? undefined : (policies.np ?? undefined),
      psd,
      rua,
      ruf,
      adkim,
      aspf,
      pct,
      testing,
      tags,
    },
    errors,
    discarded,
    warnings,
  };
}

/** A policy tag's value: undefined when absent, null when not a policy. */
function policyTag(value: string | undefined): DmarcPolicy | null | undefined {
  if (value === undefined) return undefined;
  return POLICIES.has(value.toLowerCase()) ? (value.toLowerCase() as DmarcPolicy) : null;
}

/** Which mail of the domain a policy covers: its own, an existing subdomain's, or a subdomain that does not exist. */
export type DmarcScope = "domain" | "subdomain" | "non-existent";

/** The tag whose policy receivers apply to the scope (RFC 9989: np, then sp, then p). */
function policyTagFor(record: DmarcRecord, scope: DmarcScope): "p" | "sp" | "np" {
  if (scope === "non-existent" && record.np) return "np";
  if (scope !== "domain" && record.sp) return "sp";
  return "p";
}

export function appliedPolicy(record: DmarcRecord, scope: DmarcScope = "domain"): DmarcPolicy {
  return record[policyTagFor(record, scope)]!;
}

/**
 * Why receivers would not quarantine or reject all of the scope's failing mail (p=none, t=y,
 * pct under 100); undefined when they would. The one definition of enforcement for the policies
 * and the live checks.
 */
export function enforcementGap(record: DmarcRecord, scope: DmarcScope = "domain"): string | undefined {
  const tag = policyTagFor(record, scope);
  if (record[tag] === "none") return `receivers apply ${tag}=none, which only watches: failing mail is delivered as usual`;
  if (record.testing) return TESTING;
  if (record.pct < 100) return partialEnforcement(record.pct);
  return undefined;
}

/**
 * RFC 7489 7.1: a report address outside the policy domain's organizational domain needs that
 * address's domain to publish `<policy-domain>._report._dmarc.<report-domain>` TXT "v=DMARC1".
 * `organizationalDomain` (the zone, by default the policy domain) decides what counts as outside;
 * one entry per address of rua and ruf, names in lower case.
 */
export function externalReportAuthorizations(
  policyDomain: string,
  record: DmarcRecord,
  organizationalDomain: string = policyDomain,
): Array<{ address: string; name: string }> {
  const canonical = (domain: string) => domain.toLowerCase().replace(/\.$/, "");
  const policy = canonical(policyDomain);
  const organization = canonical(organizationalDomain);
  const own = (domain: string) => domain === organization || domain.endsWith(`.${organization}`) || organization.endsWith(`.${domain}`);
  const external = new Map<string, { address: string; name: string }>();
  for (const address of [...record.rua, ...record.ruf]) {
    const domain = canonical(address.slice(address.lastIndexOf("@") + 1));
    if (!own(domain) && !external.has(address.toLowerCase())) external.set(address.toLowerCase(), { address, name: `${policy}._report._dmarc.${domain}` });
  }
  return [...external.values()];
}
