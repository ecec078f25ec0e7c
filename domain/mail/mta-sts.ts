/**
 * MTA-STS (RFC 8461) and SMTP TLS reporting (RFC 8460) as plain functions: the policy text the
 * kit serves, its `_mta-sts` TXT id, and the parsers and the MX pattern match that the rule,
 * the component and the live check share.
 */
import { createHash } from "node:crypto";

export type MtaStsMode = "enforce" | "testing" | "none";
export const MTA_STS_MODES = ["enforce", "testing", "none"] as const;

/** RFC 8461 3.2: max_age is at most 31557600 seconds (about a year). */
export const MAX_MTA_STS_MAX_AGE = 31_557_600;
/** RFC 8461 3.3: senders may refuse a policy body larger than 64 KB. */
export const MAX_MTA_STS_POLICY_BYTES = 65_536;
/** RFC 8461 3.3: the policy's own path below `mta-sts.<domain>`. */
export const MTA_STS_POLICY_PATH = "/.well-known/mta-sts.txt";

export const mtaStsHost = (domain: string) => `mta-sts.${domain}`;
export const mtaStsRecordName = (domain: string) => `_mta-sts.${domain}`;
export const tlsRptRecordName = (domain: string) => `_smtp._tls.${domain}`;
export const mtaStsPolicyUrl = (domain: string) => `https://${mtaStsHost(domain)}${MTA_STS_POLICY_PATH}`;

export interface MtaStsPolicy {
  mode: MtaStsMode;
  mx: string[];
  maxAge: number;
}

/** The policy file: CRLF-separated key/value pairs, version first (RFC 8461 3.2). */
export function mtaStsPolicyText(policy: MtaStsPolicy): string {
  return ["version: STSv1", `mode: ${policy.mode}`, ...policy.mx.map((mx) => `mx: ${mx}`), `max_age: ${policy.maxAge}`, ""].join("\r\n");
}

/**
 * The `_mta-sts` id, derived from the policy text: senders refetch the policy only when the id
 * changes (RFC 8461 3.1), so any change of the text changes it. 1 to 32 alphanumerics.
 */
export function mtaStsId(policyText: string): string {
  return createHash("sha256").update(policyText).digest("hex").slice(0, 32);
}

export const mtaStsRecord = (policyText: string) => `v=STSv1; id=${mtaStsId(policyText)}`;

export function tlsRptRecord(reports: readonly string[]): string {
  return `v=TLSRPTv1; rua=${reports.map((address) => `mailto:${address}`).join(",")}`;
}

/** RFC 8461 3.1: a TXT record is an STS record when it starts with v=STSv1. */
export const isMtaStsRecord = (txt: string) => /^v=STSv1\s*(;|$)/.test(txt);
export const isTlsRptRecord = (txt: string) => /^v=TLSRPTv1\s*(;|$)/.test(txt);

/** The `_mta-sts` record's id, or what is wrong with it (RFC 8461 3.1: `v=STSv1; id=<1*32 alnum>`). */
export function parseMtaStsRecord(txt: string): { id: string } | { error: string } {
  const fields = txt.split(";").map((field) => field.trim());
  if (fields[0] !== "v=STSv1") return { error: `"${txt}" does not start with v=STSv1` };
  const ids = fields.filter((field) => field.startsWith("id="));
  if (ids.length !== 1) return { error: `"${txt}" needs exactly one id=` };
  const id = ids[0].slice(3);
  return /^[A-Za-z0-9]{1,32}$/.test(id) ? { id } : { error: `"${txt}" has id=${id}, which is not 1 to 32 letters and digits` };
}

/** The TLS-RPT record's report URIs, or what is wrong with it (RFC 8460 3: `v=TLSRPTv1; rua=<mailto: or https: URIs>`). */
export function parseTlsRptRecord(txt: string): { rua: string[] } | { error: string } {
  const fields = txt.split(";").map((field) => field.trim());
  if (fields[0] !== "v=TLSRPTv1") return { error: `"${txt}" does not start with v=TLSRPTv1` };
  const rua = fields.filter((field) => field.startsWith("rua="));
  if (rua.length !== 1) return { error: `"${txt}" needs exactly one rua= report address` };
  const uris = rua[0]
    .slice(4)
    .split(",")
    .map((uri) => uri.trim());
  const bad = uris.find((uri) => !/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/.test(uri));
  return bad === undefined ? { rua: uris } : { error: `"${txt}" has rua ${bad || "(empty)"}, which is neither mailto: nor https:` };
}

/** The policy file read as senders read it (RFC 8461 3.2), or every reason it does not parse. */
export function parseMtaStsPolicy(text: string): { policy: MtaStsPolicy; errors: [] } | { policy?: undefined; errors: string[] } {
  const errors: string[] = [];
  const fields: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon < 1) {
      errors.push(`line "${line}" is not key: value`);
      continue;
    }
    fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const values = (key: string) => fields.filter(([k]) => k === key).map(([, v]) => v);
  if (fields[0]?.[0] !== "version" || fields[0][1] !== "STSv1") errors.push("the first field must be version: STSv1");
  const [mode, ...moreModes] = values("mode");
  if (!(MTA_STS_MODES as readonly string[]).includes(mode ?? "") || moreModes.length > 0) errors.push("needs one mode: enforce, testing or none");
  const [maxAgeText, ...moreAges] = values("max_age");
  const maxAge = /^\d{1,10}$/.test(maxAgeText ?? "") ? Number(maxAgeText) : Number.NaN;
  if (!(maxAge <= MAX_MTA_STS_MAX_AGE) || moreAges.length > 0) errors.push(`needs one max_age of 0 to ${MAX_MTA_STS_MAX_AGE} seconds`);
  const mx = values("mx");
  const badMx = mx.find((pattern) => !/^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]*[a-z]\.?$/i.test(pattern));
  if (badMx !== undefined) errors.push(`mx ${badMx} is not a host name or a *. pattern`);
  if (mx.length === 0 && mode !== "none") errors.push("needs at least one mx line");
  if (errors.length > 0) return { errors };
  return { policy: { mode: mode as MtaStsMode, mx, maxAge }, errors: [] };
}

const bare = (name: string) => name.toLowerCase().replace(/\.$/, "");

/** RFC 8461 4.1: an mx pattern matches the host itself, or with a leading `*.`, exactly one label in its place. */
export function mxPatternCovers(pattern: string, host: string): boolean {
  const p = bare(pattern);
  const h = bare(host);
  if (!p.startsWith("*.")) return p === h;
  const dot = h.indexOf(".");
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/** The MX hosts no pattern of the policy covers: senders in enforce mode refuse to deliver to them. */
export function uncoveredMx(policy: Pick<MtaStsPolicy, "mx">, hosts: readonly string[]): string[] {
  return hosts.filter((host) => !policy.mx.some((pattern) => mxPatternCovers(pattern, host)));
}
