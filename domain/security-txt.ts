/**
 * security.txt (RFC 9116) as plain functions: the file the kit serves on the canonical host, its
 * parser, and how near its Expires is, shared by the rule, the component and the live check.
 */

export const SECURITY_TXT_PATH = "/.well-known/security.txt";
/** The most of the file verify reads: a security.txt is a few lines. */
export const MAX_SECURITY_TXT_BYTES = 32_768;
/** RFC 9116 2.5.5: Expires is recommended less than a year ahead. */
export const SECURITY_TXT_MAX_DAYS = 365;
/** How many days before Expires the bar starts warning that the file needs a new date. */
export const SECURITY_TXT_WARN_DAYS = 30;

export interface SecurityTxt {
  contacts: string[];
  /** RFC 3339 date-time. */
  expires: string;
  canonical?: string;
  policy?: string;
  preferredLanguages?: string[];
}

/** The file: one field per line, Contact first (RFC 9116 2.4, 2.5). */
export function securityTxtText(file: SecurityTxt): string {
  return [
    ...file.contacts.map((contact) => `Contact: ${contact}`),
    `Expires: ${file.expires}`,
    ...(file.canonical ? [`Canonical: ${file.canonical}`] : []),
    ...(file.policy ? [`Policy: ${file.policy}`] : []),
    ...(file.preferredLanguages?.length ? [`Preferred-Languages: ${file.preferredLanguages.join(", ")}`] : []),
    "",
  ].join("\n");
}

/** A day's end (YYYY-MM-DD) as the RFC 3339 date-time Expires takes. */
export const expiresAt = (day: string) => `${day}T23:59:59Z`;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** The file read as RFC 9116 2.5 says: Contact at least once, Expires exactly once, the rest at most once. */
export function parseSecurityTxt(text: string): { file: SecurityTxt; errors: [] } | { file?: undefined; errors: string[] } {
  const fields: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon < 1) return { errors: [`line "${line}" is not Field: value`] };
    fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  const values = (name: string) => fields.filter(([n]) => n === name).map(([, v]) => v);
  const errors: string[] = [];
  const contacts = values("contact");
  if (contacts.length === 0) errors.push("has no Contact (RFC 9116 2.5.3 requires one)");
  const bad = contacts.find((contact) => !/^(mailto:|https:\/\/|tel:)\S+$/i.test(contact));
  if (bad !== undefined) errors.push(`Contact ${bad} is not a mailto:, https:// or tel: URI`);
  const expires = values("expires");
  if (expires.length !== 1) errors.push(`has ${expires.length} Expires fields; RFC 9116 2.5.5 requires exactly one`);
  else if (!RFC3339.test(expires[0]) || Number.isNaN(Date.parse(expires[0]))) errors.push(`Expires ${expires[0]} is not an RFC 3339 date-time`);
  for (const name of ["canonical", "policy", "preferred-languages"]) if (values(name).length > 1) errors.push(`has more than one ${name}`);
  if (errors.length > 0) return { errors };
  const [canonical] = values("canonical");
  const [policy] = values("policy");
  const [languages] = values("preferred-languages");
  return {
    file: {
      contacts,
      expires: expires[0],
      ...(canonical ? { canonical } : {}),
      ...(policy ? { policy } : {}),
      ...(languages ? { preferredLanguages: languages.split(",").map((l) => l.trim()) } : {}),
    },
    errors: [],
  };
}

/** How Expires stands at `now`: past (the file must be ignored, RFC 9116 2.5.5), near, too far ahead, or fine. */
export function expiryStanding(expires: string, now: Date): { state: "expired" | "near" | "far" | "ok"; days: number } {
  const days = Math.floor((Date.parse(expires) - now.getTime()) / 86_400_000);
  if (Date.parse(expires) <= now.getTime()) return { state: "expired", days };
  if (days < SECURITY_TXT_WARN_DAYS) return { state: "near", days };
  if (days > SECURITY_TXT_MAX_DAYS) return { state: "far", days };
  return { state: "ok", days };
}
