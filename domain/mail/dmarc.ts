/**
 * DMARC (RFC 7489, with the changes of RFC 9989): parsing and validating a `_dmarc` TXT record.
 * Plain functions shared by the email component, the policies and live verification.
 */

export type DmarcPolicy = "none" | "quarantine" | "reject";

export interface DmarcRecord {
  p: DmarcPolicy;
  sp?: DmarcPolicy;
  rua: string[];
  ruf: string[];
  adkim: "r" | "s";
  aspf: "r" | "s";
  pct?: number;
  /** Every tag as written, lower-cased names. */
  tags: Record<string, string>;
}

export interface DmarcParse {
  record?: DmarcRecord;
  /** What makes the record invalid: receivers would ignore it. */
  errors: string[];
  /** What is valid but worth changing. */
  warnings: string[];
}

const POLICIES = new Set(["none", "quarantine", "reject"]);
const KNOWN_TAGS = new Set(["v", "p", "sp", "rua", "ruf", "adkim", "aspf", "pct", "fo", "rf", "ri", "np", "psd", "t"]);
/** Tags RFC 9989 removes; receivers ignore them. */
const REMOVED_BY_9989 = new Set(["pct", "rf", "ri"]);

/** A `mailto:` report address, optionally with a size limit (`mailto:d@example.com!10m`). */
function reportAddress(uri: string): string | undefined {
  const match = /^mailto:([^!@\s]+@[^!\s]+?)(![0-9]+[kmgt]?)?$/i.exec(uri.trim());
  return match?.[1];
}

/** Whether a TXT record is meant as a DMARC record at all (its version tag), valid or not. */
export function isDmarcRecord(txt: string): boolean {
  return /^v\s*=\s*DMARC1\b/i.test(txt.trim());
}

export function parseDmarc(txt: string): DmarcParse {
  const errors: string[] = [];
  const warnings: string[] = [];
  const tags: Record<string, string> = {};
  const parts = txt
    .trim()
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  for (const [position, part] of parts.entries()) {
    const match = /^([a-z]+)\s*=\s*(.*)$/i.exec(part);
    if (!match) {
      errors.push(`"${part}" is not a tag=value pair`);
      continue;
    }
    const name = match[1].toLowerCase();
    if (position === 0 && name !== "v") errors.push('must start with "v=DMARC1"');
    if (name in tags) errors.push(`has the tag ${name} twice`);
    tags[name] = match[2].trim();
  }
  if (tags.v !== "DMARC1") errors.push(`v must be DMARC1 (got ${tags.v ?? "nothing"})`);
  if (!tags.p) errors.push("has no p= policy (none, quarantine or reject)");
  else if (!POLICIES.has(tags.p.toLowerCase())) errors.push(`p=${tags.p} is not none, quarantine or reject`);
  if (tags.sp && !POLICIES.has(tags.sp.toLowerCase())) errors.push(`sp=${tags.sp} is not none, quarantine or reject`);
  for (const alignment of ["adkim", "aspf"] as const) {
    if (tags[alignment] && !/^[rs]$/i.test(tags[alignment])) errors.push(`${alignment}=${tags[alignment]} must be r (relaxed) or s (strict)`);
  }
  const uris = (name: "rua" | "ruf") => (tags[name] ? tags[name].split(",").map((u) => u.trim()) : []);
  for (const name of ["rua", "ruf"] as const) {
    for (const uri of uris(name)) if (!reportAddress(uri)) errors.push(`${name} has "${uri}"; a report address is mailto:someone@domain`);
  }
  let pct: number | undefined;
  if (tags.pct !== undefined) {
    pct = Number(tags.pct);
    if (!/^\d+$/.test(tags.pct) || pct > 100) errors.push(`pct=${tags.pct} must be 0 to 100`);
  }
  for (const name of Object.keys(tags)) {
    if (!KNOWN_TAGS.has(name)) warnings.push(`unknown tag ${name} is ignored by receivers`);
    if (REMOVED_BY_9989.has(name)) warnings.push(`${name}= is removed by RFC 9989 and ignored; drop it`);
  }
  if (!tags.rua) warnings.push("has no rua= address, so nobody sees who sends mail as this domain");
  if (errors.length > 0) return { errors, warnings };
  return {
    record: {
      p: tags.p.toLowerCase() as DmarcPolicy,
      sp: tags.sp?.toLowerCase() as DmarcPolicy | undefined,
      rua: uris("rua").map((u) => reportAddress(u)!),
      ruf: uris("ruf").map((u) => reportAddress(u)!),
      adkim: (tags.adkim?.toLowerCase() ?? "r") as "r" | "s",
      aspf: (tags.aspf?.toLowerCase() ?? "r") as "r" | "s",
      pct,
      tags,
    },
    errors,
    warnings,
  };
}

/**
 * RFC 7489 7.1: a report address at another domain needs that domain to publish
 * `<policy-domain>._report._dmarc.<report-domain>` TXT "v=DMARC1".
 */
export function externalReportAuthorizations(policyDomain: string, record: DmarcRecord): Array<{ address: string; name: string }> {
  const own = (domain: string) => domain === policyDomain || domain.endsWith(`.${policyDomain}`) || policyDomain.endsWith(`.${domain}`);
  return [...record.rua, ...record.ruf]
    .map((address) => ({ address, domain: address.split("@")[1].toLowerCase() }))
    .filter(({ domain }) => !own(domain))
    .map(({ address, domain }) => ({ address, name: `${policyDomain}._report._dmarc.${domain}` }));
}
