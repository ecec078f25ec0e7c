/**
 * The bar's live column: what the internet shows, judged against the same IDs the plan and the
 * pack use. Plain functions of what the probes saw (DNS answers, TLS handshakes, HTTP answers);
 * the probing itself lives in policies/live/probes.ts, so these are tested on exact inputs and the
 * whole chain against real servers on loopback.
 */
import { expiryStanding, parseSecurityTxt } from "../../domain/security-txt";
import { ROUTE53_SEARCH_BYTES } from "../../domain/aws";
import type { BarId } from "../../domain/bar/catalog";
import { caaAllows, type CaaProperty } from "../../domain/caa";
import { authorityOfIssuer } from "../../domain/cloudflare/certificate-authorities";
import { CHALLENGE_HEADER } from "../../domain/cloudflare/bot-protection";
import { isCloudflareAddress } from "../../domain/cloudflare/edge-ips";
import { CF_RAY_HEADER, CONVENTIONAL_REQUEST_ID_HEADER } from "../../domain/request-ids";
import { HSTS_MIN_MAX_AGE, HSTS_PRELOAD_MIN_MAX_AGE, isFrameOption, isStrictReferrerPolicy, STRICT_REFERRER_POLICIES } from "../../domain/http-security";
import { DNSKEY_SEP_FLAG, dsMatches, dsText, keyTag, type DnskeyRdata, type DsRdata } from "../../domain/dnssec";
import type { DeclaredHost } from "../../stacks/stack-config";

export type LiveStatus = "pass" | "fail" | "warn" | "skip";

export interface LiveCheck {
  id: BarId;
  /** What was checked: a host, a URL, a resolver pair. */
  target: string;
  status: LiveStatus;
  detail: string;
}

const check = (id: BarId, target: string, status: LiveStatus, detail: string): LiveCheck => ({ id, target, status, detail });

/** What one resolver answered for a host: addresses, or the CNAME target, or the error code. */
export interface ResolverAnswer {
  resolver: string;
  addresses?: string[];
  /** `ENOTFOUND` (NXDOMAIN), `ENODATA`, `ETIMEOUT`, ... */
  error?: string;
}

function describeAnswer(answer: ResolverAnswer): string {
  if (answer.error) return answer.error === "ENOTFOUND" ? "NXDOMAIN" : answer.error;
  return (answer.addresses ?? []).join(", ") || "no records";
}

function answerKey(answer: ResolverAnswer): string {
  return answer.error ? `error:${answer.error}` : [...(answer.addresses ?? [])].sort().join(",");
}

/** NXDOMAIN and NODATA are answers (the name has no address); a timeout, a refusal or SERVFAIL is a resolver that did not answer. */
const answered = (answer: ResolverAnswer) => !answer.error || answer.error === "ENOTFOUND" || answer.error === "ENODATA";

/** A check whose prerequisite failed still shows, failed, naming that prerequisite: nothing the bar asks of a target goes missing. */
/** A check whose prerequisite failed: it fails, naming what it could not get past. */
export const unchecked = (id: BarId, target: string, because: string): LiveCheck => check(id, target, "fail", `could not be checked because ${because}`);

/**
 * DNS-SUBDOMAINS: the host resolves on every resolver. DNS-SANE: the resolvers that answered give
 * the same answer (propagation). DNS-PROXIED: a proxied host answers only from Cloudflare's edge.
 * A resolver that did not answer fails DNS-SUBDOMAINS, and the other two name it and judge what
 * did answer; with no answer at all, nothing passes.
 */
export function judgeDns(host: DeclaredHost, answers: readonly ResolverAnswer[]): LiveCheck[] {
  const heard = answers.filter(answered);
  const silent = answers.filter((a) => !answered(a));
  const silence = silent.map((a) => `${a.resolver} (${a.error})`).join(", ");
  const unheard = silent.length > 0 ? `; no answer from ${silence}` : "";
  const said = (a: ResolverAnswer) => `${describeAnswer(a)} on ${a.resolver}`;
  const none =
    answers.length === 0
      ? `no resolver was asked about ${host.fqdn}`
      : `no resolver answered for ${host.fqdn}: ${silence}; check the network path to them, or name others with --resolver`;

  const subdomains = (): LiveCheck => {
    if (heard.length === 0) return check("DNS-SUBDOMAINS", host.fqdn, "fail", none);
    const missing = [...heard.filter((a) => a.error).map(said), ...(silent.length > 0 ? [`no answer from ${silence}`] : [])];
    if (missing.length > 0) return check("DNS-SUBDOMAINS", host.fqdn, "fail", missing.join("; "));
    return check("DNS-SUBDOMAINS", host.fqdn, "pass", `resolves on ${heard.map((a) => a.resolver).join(", ")}`);
  };

  const sane = (): LiveCheck => {
    if (heard.length === 0) return unchecked("DNS-SANE", host.fqdn, none);
    const distinct = new Map<string, ResolverAnswer[]>();
    for (const answer of heard) distinct.set(answerKey(answer), [...(distinct.get(answerKey(answer)) ?? []), answer]);
    if (distinct.size > 1)
      return check(
        "DNS-SANE",
        host.fqdn,
        "fail",
        `resolvers disagree (propagation, or a record changed): ${[...distinct.values()].map((group) => `${group.map((a) => a.resolver).join(", ")} answer ${describeAnswer(group[0])}`).join("; ")}${unheard}`,
      );
    const agree = heard.length === 1 ? `${heard[0].resolver} answers` : `${heard.length} resolvers agree`;
    return check("DNS-SANE", host.fqdn, "pass", `${agree}: ${describeAnswer(heard[0])}${unheard}`);
  };

  const proxied = (): LiveCheck => {
    if (!host.proxied) return check("DNS-PROXIED", host.fqdn, "skip", "DNS-only by design");
    if (heard.length === 0) return unchecked("DNS-PROXIED", host.fqdn, none);
    const addresses = heard.flatMap((a) => a.addresses ?? []);
    if (addresses.length === 0) return unchecked("DNS-PROXIED", host.fqdn, `${host.fqdn} has no address (${heard.map(said).join("; ")})`);
    const outside = [...new Set(addresses.filter((address) => !isCloudflareAddress(address)))];
    if (outside.length > 0)
      return check(
        "DNS-PROXIED",
        host.fqdn,
        "fail",
        `answers ${outside.join(", ")}, outside Cloudflare's edge: traffic skips the cache, the WAF and DDoS protection (is the record DNS-only in Cloudflare?)${unheard}`,
      );
    return check("DNS-PROXIED", host.fqdn, "pass", `answers only Cloudflare edge addresses (${[...new Set(addresses)].join(", ")})${unheard}`);
  };

  return [subdomains(), sane(), proxied()];
}

/** What a TLS handshake with the host's name showed. */
export interface TlsHandshake {
  /** The server completed a handshake (at the version offered, when one was pinned). */
  accepted: boolean;
  /** The chain verified against the trust store (or --ca) and node matched the name. */
  authorized: boolean;
  /** Why not, as node's TLS stack says it (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, ...). */
  error?: string;
  validTo?: Date;
  /** The certificate's subjectAltName dNSName entries. */
  dnsNames?: string[];
  /** The organisation (O) of the certificate's issuer, which names its CA (TLS-CAA). */
  issuerOrganization?: string;
}

/** The CAA set that governs a name as one resolver serves it (RFC 8659 3): where it was found and what it holds, none, or why it could not be read. */
export type ServedCaa = { name: string; properties: CaaProperty[] } | { none: true } | { error: string };

const caaText = (properties: readonly CaaProperty[]) => properties.map((p) => `${p.flags} ${p.tag} "${p.value}"`).join(", ");

/**
 * TLS-CAA live: the CAA set that governs `host` allows the CA that issued the certificate it
 * presents, for the name it certifies it under (a wildcard one by issuewild where the set has
 * any), and has an iodef. Otherwise that CA refuses the certificate's renewal.
 */
export function judgeCaa(host: string, handshake: TlsHandshake, served: ServedCaa): LiveCheck {
  if ("error" in served) return unchecked("TLS-CAA", host, `no CAA answer for ${host} or a parent: ${served.error}`);
  if (!handshake.accepted) return unchecked("TLS-CAA", host, `the TLS handshake with ${host} failed: ${handshake.error ?? "unknown reason"}`);
  if ("none" in served)
    return check(
      "TLS-CAA",
      host,
      "fail",
      `no CAA record at ${host} or any parent, so every CA may issue for it: the zone's CAA set (launch-ready:tls.caa) is not served`,
    );
  const at = `the CAA set at ${served.name} (${caaText(served.properties)})`;
  const issuer = handshake.issuerOrganization;
  const ca = authorityOfIssuer(issuer);
  if (!ca)
    return check(
      "TLS-CAA",
      host,
      "warn",
      `its certificate's issuer${issuer ? ` O=${issuer}` : " names no organisation and"} is not a CA the kit knows, so which CAA entry it needs is unknown: check that ${at} names it`,
    );
  const wildcard = !(handshake.dnsNames ?? []).some((name) => name.toLowerCase() === host.toLowerCase());
  const problems = [
    caaAllows(served.properties, ca.caa, wildcard)
      ? ""
      : `does not allow ${ca.title} (${ca.caa}), which issued the ${wildcard ? "wildcard " : ""}certificate ${host} presents, so its renewal would be refused; add ${wildcard ? "issuewild" : "issue"} "${ca.caa}" to launch-ready:tls.caa, or move ${host} to a CA the set names`,
    served.properties.some((p) => p.tag.toLowerCase() === "iodef")
      ? ""
      : "has no iodef, so a CA has nowhere to report a refused request; set launch-ready:tls.caa.iodef",
  ].filter(Boolean);
  return problems.length > 0
    ? check("TLS-CAA", host, "fail", `${at} ${problems.join(", and ")}`)
    : check("TLS-CAA", host, "pass", `${ca.title} (${ca.caa}) issued its certificate; ${at} allows it`);
}

/** Days left on a certificate before TLS-STRICT fails it: renewals that stall are caught in time. */
export const MIN_CERTIFICATE_DAYS = 14;

/** A subjectAltName dNSName covers a host as browsers match it: whole, or a `*` standing for exactly its leftmost label, never a TLD's. */
function dnsNameCovers(name: string, host: string): boolean {
  const [pattern, fqdn] = [name, host].map((value) => value.toLowerCase().replace(/\.$/, ""));
  if (pattern === fqdn) return true;
  const dot = fqdn.indexOf(".");
  return pattern.startsWith("*.") && dot > 0 && pattern.slice(2) === fqdn.slice(dot + 1) && pattern.slice(2).includes(".");
}

/**
 * Why a browser's handshake with the host fails, or undefined when it succeeds: what TLS-STRICT
 * fails first, and what keeps the checks made over that connection from being made. Node still
 * accepts a certificate naming the host only in its subject CN when it has no subjectAltName;
 * browsers do not (RFC 6125 6.4.4, RFC 9110 4.3.4), so the names are matched here.
 */
export function handshakeFailure(host: string, handshake: TlsHandshake): string | undefined {
  if (!handshake.authorized) return handshake.error ?? "unknown reason";
  const names = handshake.dnsNames ?? [];
  if (names.some((name) => dnsNameCovers(name, host))) return undefined;
  return names.length === 0
    ? `the certificate names ${host} only in the subject CN, with no subjectAltName DNS name, and browsers ignore the CN (RFC 6125 6.4.4): reissue it with ${host} as a subjectAltName`
    : `${host} is not among the certificate's subjectAltName DNS names (${names.join(", ")}) as browsers match them, a wildcard standing for one whole leftmost label: reissue it with ${host} as a subjectAltName`;
}

/** TLS-STRICT: the certificate is valid for the host, its chain trusted, and not expiring within MIN_CERTIFICATE_DAYS. */
export function judgeCertificate(host: string, handshake: TlsHandshake, now: Date): LiveCheck {
  const failure = handshakeFailure(host, handshake);
  if (failure)
    return check(
      "TLS-STRICT",
      host,
      "fail",
      !handshake.accepted ? `no TLS handshake with ${host}: ${failure}` : !handshake.authorized ? `certificate not accepted: ${failure}` : failure,
    );
  if (!handshake.validTo) return check("TLS-STRICT", host, "fail", "the server sent no certificate expiry to judge");
  const days = Math.floor((handshake.validTo.getTime() - now.getTime()) / 86_400_000);
  if (days < MIN_CERTIFICATE_DAYS)
    return check(
      "TLS-STRICT",
      host,
      "fail",
      `certificate expires in ${days} day${days === 1 ? "" : "s"} (${handshake.validTo.toISOString().slice(0, 10)}): renewal has stalled`,
    );
  return check("TLS-STRICT", host, "pass", `trusted chain, valid for ${host}, ${days} days left`);
}

export type TlsVersion = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

/** TLS-VERSION: TLS 1.0 and 1.1 handshakes are refused; 1.2 and 1.3 are accepted. */
/** What a probe stopped by the run's deadline (verify --deadline) says it did not answer with. */
export const runDeadlinePassed = (ms: number) => `the run's deadline of ${ms} ms passed first`;

/** A handshake error that is no answer to the version offered: the alerts and refusals of a version or its ciphers are. */
function saysNothingOfVersions(error: string): boolean {
  if (/^E[A-Z]+$|^no handshake within|^the run's deadline of/.test(error)) return true;
  return /^ERR_SSL_/.test(error) && !/PROTOCOL|VERSION|HANDSHAKE_FAILURE|CIPHER/.test(error);
}

export function judgeTlsVersions(host: string, handshakes: Readonly<Record<TlsVersion, TlsHandshake>>): LiveCheck {
  const accepted = Object.fromEntries(Object.entries(handshakes).map(([version, answer]) => [version, answer.accepted])) as Record<TlsVersion, boolean>;
  // A network error (ECONNREFUSED, ETIMEDOUT...), a deadline, or a TLS error of this client's own that is
  // not about the version (ERR_SSL_EXCESSIVE_MESSAGE_SIZE: a certificate chain past OpenSSL's limit)
  // on every version says nothing of which ones the server takes.
  const unreached = Object.values(handshakes).every((answer) => !answer.accepted && saysNothingOfVersions(answer.error ?? ""));
  if (unreached) return unchecked("TLS-VERSION", host, `no TLS handshake with ${host} at any version: ${handshakes["TLSv1.3"].error}`);
  const legacy = (["TLSv1", "TLSv1.1"] as const).filter((version) => accepted[version]);
  if (legacy.length > 0) return check("TLS-VERSION", host, "fail", `accepts ${legacy.join(" and ")}; set the zone's minimum TLS version to 1.2`);
  if (!accepted["TLSv1.2"] && !accepted["TLSv1.3"]) return check("TLS-VERSION", host, "fail", "refuses TLS 1.2 and 1.3 alike: no client can connect");
  if (!accepted["TLSv1.3"]) return check("TLS-VERSION", host, "warn", "refuses TLS 1.0/1.1 and accepts 1.2, but not 1.3");
  if (!accepted["TLSv1.2"]) return check("TLS-VERSION", host, "warn", "accepts only TLS 1.3: older clients cannot connect");
  return check("TLS-VERSION", host, "pass", "TLS 1.0 and 1.1 refused; 1.2 and 1.3 accepted");
}

/** One answer of a request that was not followed. */
export interface HttpHop {
  url: string;
  status: number;
  location?: string;
}

/** A request that got no answer, and why. */
export interface FailedRequest {
  url: string;
  error: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PERMANENT = new Set([301, 308]);

/**
 * http://X must redirect to https://X before going anywhere else: HSTS preload requires it, and a
 * browser sees X's own HSTS header only if it goes there first.
 */
function upgradesInPlace(hop: HttpHop): boolean {
  const target = locationOf(hop);
  return REDIRECTS.has(hop.status) && target?.protocol === "https:" && target.hostname === new URL(hop.url).hostname;
}

/** Where an answer points: undefined without a Location, or with one that is not a URL (browsers then stay put). */
export function locationOf(answer: { location?: string; url: string }): URL | undefined {
  return answer.location !== undefined && URL.canParse(answer.location, answer.url) ? new URL(answer.location, answer.url) : undefined;
}

const inPlaceUpgrade = (host: string) =>
  `http:// must first redirect to https:// on ${host} itself (HSTS preload requires it, and only there does a browser see ${host}'s HSTS header)`;

/** TLS-HTTPS-ONLY: `http://host/` answers a redirect to `https://host/`. */
export function judgeHttpsOnly(host: string, first: HttpHop | { error: string }): LiveCheck {
  if ("error" in first) return check("TLS-HTTPS-ONLY", host, "fail", `http://${host}/ did not answer: ${first.error}`);
  const target = locationOf(first);
  if (!REDIRECTS.has(first.status) || !target)
    return check(
      "TLS-HTTPS-ONLY",
      host,
      "fail",
      `http://${host}/ answers ${first.status}${first.location !== undefined ? ` with Location "${first.location}", which is not a URL,` : ""} instead of a redirect to https://${host}/`,
    );
  if (target.protocol !== "https:") return check("TLS-HTTPS-ONLY", host, "fail", `http://${host}/ redirects to ${target.href}, not to https://`);
  if (!upgradesInPlace(first)) return check("TLS-HTTPS-ONLY", host, "fail", `http://${host}/ redirects to ${target.href}; ${inPlaceUpgrade(host)}`);
  return check("TLS-HTTPS-ONLY", host, "pass", `http://${host}/ → ${first.status} ${target.href}`);
}

/**
 * DNS-CANONICAL, for one request to a non-canonical host: over https, one permanent hop to the
 * same path and query on the canonical host; over http, first an upgrade on the same host (the
 * HSTS preload rule), then at most that one hop; never a downgrade to http. `failed` is the
 * request that got no answer, when one did: before the canonical URL, the chain is unknown.
 */
export function judgeCanonicalRedirect(start: string, hops: readonly HttpHop[], canonicalHost: string, failed?: FailedRequest): LiveCheck {
  const from = new URL(start);
  const expected = new URL(`https://${canonicalHost}${from.pathname}${from.search}`).href;
  const target = `${from.protocol}//${from.host}${from.pathname}${from.search}`;
  const redirects = hops.filter((hop) => REDIRECTS.has(hop.status));
  for (const hop of redirects) {
    if (locationOf(hop)?.protocol === "http:") return check("DNS-CANONICAL", target, "fail", `${hop.url} downgrades to ${hop.location}`);
  }
  const first = redirects[0];
  if (from.protocol === "http:" && hops.length > 0 && !(first && upgradesInPlace(first))) {
    const upgrade = (first && locationOf(first)?.href) ?? "nowhere";
    return check("DNS-CANONICAL", target, "fail", `the first hop goes to ${upgrade}; ${inPlaceUpgrade(from.hostname)}`);
  }
  if (failed && failed.url !== expected) return unchecked("DNS-CANONICAL", target, `${failed.url} did not answer: ${failed.error}`);
  const allowed = from.protocol === "http:" ? 2 : 1;
  if (redirects.length > allowed)
    return check(
      "DNS-CANONICAL",
      target,
      "fail",
      `${redirects.length} hops (${redirects.map((h) => `${h.status} ${h.location}`).join(" → ")}); the canonical redirect must take one`,
    );
  const final = hops[hops.length - 1];
  const last = redirects[redirects.length - 1];
  if (!last) return check("DNS-CANONICAL", target, "fail", `answers ${final?.status ?? "nothing"} instead of redirecting to ${expected}`);
  if (!PERMANENT.has(last.status))
    return check("DNS-CANONICAL", target, "fail", `redirects with ${last.status}; a canonical redirect is permanent (301 or 308)`);
  const arrived = locationOf(last)?.href;
  if (!arrived) return check("DNS-CANONICAL", target, "fail", `redirects to "${last.location}", which is not a URL`);
  if (arrived !== expected) return check("DNS-CANONICAL", target, "fail", `redirects to ${arrived}, expected ${expected} (path and query kept)`);
  return check("DNS-CANONICAL", target, "pass", `→ ${last.status} ${arrived}`);
}

/** Response headers by lowercase name: one string per header line as received, or one string standing for them all. */
type Headers = Readonly<Record<string, string | string[] | undefined>>;

const headerLines = (headers: Headers, name: string): string[] | undefined => {
  const value = headers[name];
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
};

/** The Fetch standard's "get": a header's lines combined with ", ". */
const headerValue = (headers: Headers, name: string) => headerLines(headers, name)?.join(", ");

/**
 * The Fetch standard's "get, decode, and split": the combined value split at commas outside
 * quoted strings, each part stripped of spaces and tabs. How browsers read a header that may be
 * sent twice, or as a list.
 */
function headerValues(headers: Headers, name: string): string[] | undefined {
  const value = headerValue(headers, name);
  if (value === undefined) return undefined;
  const values: string[] = [];
  let part = "";
  for (let at = 0; at <= value.length; at++) {
    const char = value[at];
    if (char === '"') {
      const close = /^"(?:[^"\\]|\\.)*"?/.exec(value.slice(at))![0];
      part += close;
      at += close.length - 1;
    } else if (char === "," || char === undefined) {
      values.push(part.replace(/^[\t ]+|[\t ]+$/g, ""));
      part = "";
    } else {
      part += char;
    }
  }
  return values;
}

/** RFC 6797 6.1's directive: a token name, then optionally `=` and a token or quoted-string value, ending at `;` or the end. */
const HSTS_DIRECTIVE = /[\t ]*(?:([!#$%&'*+.^_`|~\w-]+)[\t ]*(?:=[\t ]*(?:([!#$%&'*+.^_`|~\w-]+)|"((?:[^"\\]|\\.)*)"))?[\t ]*)?(;|$)/y;

/** The directives RFC 6797 defines: browsers ignore a header that repeats one, and skip the others (preload, unknown ones). */
const HSTS_DIRECTIVES = new Set(["max-age", "includesubdomains"]);

/**
 * One Strict-Transport-Security header as RFC 6797 6.1 has browsers read it: directives by
 * lowercase name with their unquoted values, or why the header is invalid and so ignored (it
 * does not parse, or repeats max-age or includeSubDomains).
 */
function parseHsts(value: string): Map<string, string | undefined> | { invalid: string } {
  const directives = new Map<string, string | undefined>();
  const pattern = new RegExp(HSTS_DIRECTIVE);
  for (;;) {
    const at = pattern.lastIndex;
    const match = pattern.exec(value);
    if (!match) return { invalid: `it does not parse after "${value.slice(0, at)}"` };
    const [, name, token, quoted, end] = match;
    if (name) {
      if (directives.has(name.toLowerCase()) && HSTS_DIRECTIVES.has(name.toLowerCase())) return { invalid: `it repeats ${name}` };
      directives.set(name.toLowerCase(), token ?? quoted?.replace(/\\(.)/g, "$1"));
    }
    if (!end) return directives;
  }
}

/**
 * Why a browser ignores a Strict-Transport-Security header, or its max-age in seconds and whether
 * it covers subdomains. max-age is required and is delta-seconds; includeSubDomains takes no value.
 */
function readHsts(value: string): { invalid: string } | { maxAge: number; includeSubDomains: boolean; preload: boolean } {
  const directives = parseHsts(value);
  if ("invalid" in directives) return directives;
  const maxAge = directives.get("max-age");
  if (maxAge === undefined) return { invalid: directives.has("max-age") ? "max-age has no value" : "it has no max-age" };
  if (!/^\d+$/.test(maxAge)) return { invalid: `max-age "${maxAge}" is not a whole number of seconds` };
  if (directives.get("includesubdomains") !== undefined) return { invalid: "includeSubDomains takes no value" };
  return { maxAge: Number(maxAge), includeSubDomains: directives.has("includesubdomains"), preload: directives.has("preload") };
}

/**
 * TLS-HSTS's preload requirements where the preload list reads them: the base domain's own HTTPS
 * answer, a redirect included (hstspreload.org: "that redirect must still have the HSTS header").
 * The same-host http:// upgrade and HTTPS on every host are TLS-HTTPS-ONLY and TLS-STRICT's, per host.
 */
export function judgeHstsPreload(url: string, answer: { status: number; headers: Headers } | { because: string }): LiveCheck {
  if ("because" in answer) return unchecked("TLS-HSTS", url, answer.because);
  const hsts = headerLines(answer.headers, "strict-transport-security")?.[0];
  const read = hsts === undefined ? undefined : readHsts(hsts);
  const want = `send Strict-Transport-Security: max-age=${HSTS_PRELOAD_MIN_MAX_AGE}; includeSubDomains; preload on it`;
  const missing = !read
    ? "no Strict-Transport-Security header"
    : "invalid" in read
      ? `Strict-Transport-Security "${hsts}" is invalid (${read.invalid})`
      : [
          read.maxAge < HSTS_PRELOAD_MIN_MAX_AGE ? `max-age=${read.maxAge}, under ${HSTS_PRELOAD_MIN_MAX_AGE}` : "",
          read.includeSubDomains ? "" : "no includeSubDomains",
          read.preload ? "" : "no preload directive",
        ]
          .filter(Boolean)
          .join(", ");
  return missing
    ? check("TLS-HSTS", url, "fail", `preload: the base domain's ${answer.status} answer has ${missing}, which the preload list refuses; ${want}`)
    : check("TLS-HSTS", url, "pass", `preload: the base domain's ${answer.status} answer sends ${hsts}`);
}

/** One DNS question's outcome: what it found, or the error code it ended with. */
export type Asked<T> = { value: T } | { error: string };

/** What one resolver said of a zone's DNSSEC (probes.ts `dnssecOn`). */
export interface DnssecAnswer {
  resolver: string;
  /** The DS records the parent publishes for the zone (asked with checking disabled). */
  ds: Asked<DsRdata[]>;
  /** The zone's DNSKEY records (asked with checking disabled). */
  dnskeys: Asked<DnskeyRdata[]>;
  /** The zone's SOA asked with DO: whether the resolver set AD, and whether an SOA came back. */
  soa: Asked<{ authenticated: boolean; answered: boolean }>;
}

const dnsError = (code: string) => (code === "ESERVFAIL" ? "SERVFAIL" : code);

/** Part one of DNS-DNSSEC through one resolver: a DS of the parent's names a key the zone serves. Undefined when it holds. */
function delegationProblem(zone: string, answer: DnssecAnswer): string | undefined {
  if ("error" in answer.ds) return `the parent's DS could not be read (${dnsError(answer.ds.error)})`;
  if (answer.ds.value.length === 0) return `the parent publishes no DS for ${zone}, so no resolver can authenticate it; add the DS record at the registrar`;
  const published = answer.ds.value.map(dsText).join(", ");
  if ("error" in answer.dnskeys) return `the zone's DNSKEY could not be read (${dnsError(answer.dnskeys.error)}) to compare with the parent's DS ${published}`;
  const keys = answer.dnskeys.value;
  if (keys.length === 0)
    return `the parent publishes DS ${published}, but ${zone} serves no DNSKEY: the zone is not signed, and validating resolvers refuse its answers`;
  const ds = answer.ds.value;
  if (!ds.some((record) => keys.some((key) => dsMatches(zone, record, key)))) {
    const served = keys.map((key) => `${keyTag(key)}${key.flags & DNSKEY_SEP_FLAG ? " (KSK)" : ""}`).join(", ");
    return `the parent's DS ${published} matches none of the zone's DNSKEYs (key tags ${served}): the registrar holds a stale or mistyped DS; replace it with the one the handover shows`;
  }
  return undefined;
}

/** Part two through one resolver: the zone's answer comes back authenticated (AD). Undefined when it does. */
function validationProblem(answer: DnssecAnswer): string | undefined {
  if ("error" in answer.soa)
    return answer.soa.error === "ESERVFAIL"
      ? `${answer.resolver} answers SERVFAIL: the answers fail validation`
      : `${answer.resolver} did not answer (${answer.soa.error})`;
  if (!answer.soa.value.answered) return `${answer.resolver} returned no SOA for the zone`;
  if (!answer.soa.value.authenticated) return `${answer.resolver} answers without AD: unauthenticated (no DS at the parent, or the resolver does not validate)`;
  return undefined;
}

/**
 * DNS-DNSSEC, live: through each resolver, the parent's DS names one of the zone's DNSKEYs (the
 * digest recomputed per RFC 4034 §5.1.4), and the zone's answer comes back with AD set. The
 * detail says which of the two fails.
 */
export function judgeDnssec(zone: string, answers: readonly DnssecAnswer[]): LiveCheck {
  if (answers.length === 0) return unchecked("DNS-DNSSEC", zone, `no resolver was asked about ${zone}`);
  const delegation = [...new Set(answers.flatMap((a) => delegationProblem(zone, a) ?? []))];
  const validation = answers.flatMap((a) => validationProblem(a) ?? []);
  if (delegation.length === 0 && validation.length === 0) {
    const ds = answers[0].ds as { value: DsRdata[] };
    const keys = (answers[0].dnskeys as { value: DnskeyRdata[] }).value;
    const named = ds.value.filter((record) => keys.some((key) => dsMatches(zone, record, key))).map(dsText);
    return check(
      "DNS-DNSSEC",
      zone,
      "pass",
      `the parent's DS ${named.join(", ")} matches the zone's key; ${answers.map((a) => a.resolver).join(", ")} return authenticated answers (AD)`,
    );
  }
  const parts = [
    ...(delegation.length > 0 ? [`DS: ${delegation.join("; ")}`] : []),
    ...(validation.length > 0 ? [`validation: ${validation.join("; ")}`] : []),
  ];
  return check("DNS-DNSSEC", zone, "fail", parts.join(". "));
}

/** Every Referrer-Policy token: a browser applies the last of these in the header, skipping any it does not know. */
const REFERRER_POLICIES = new Set<string>([...STRICT_REFERRER_POLICIES, "no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "unsafe-url"]);

/** A frame-ancestors source that lets any site frame the page: "*" or a bare scheme such as "https:". */
const OPEN_FRAME_SOURCE = /^(?:\*|[a-z][a-z0-9+.-]*:)$/i;

/** The source lists of every frame-ancestors directive among the CSP policies sent (headers, and policies joined by ","). */
function frameAncestors(headers: Headers): string[][] {
  return (headerValues(headers, "content-security-policy") ?? []).flatMap((policy) =>
    policy
      .split(";")
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name.toLowerCase() === "frame-ancestors")
      .map(([, ...sources]) => sources),
  );
}

/** X-Frame-Options values that, sent with any other, make a browser refuse the frame: HTML blocks on conflicting values. */
const CONFLICTING_FRAME_OPTIONS = ["deny", "sameorigin", "allowall"];

/**
 * TLS-HSTS and EDGE-HEADERS on the canonical host's HTML answer, read as browsers read them.
 * `relaxHstsMaxAge` lets staging keep a shorter max-age (the bar allows it there): a short one is
 * then a warning. `because` says why there is no answer to judge: both then fail with it.
 */
export function judgeSecurityHeaders(url: string, answer: { headers: Headers } | { because: string }, relaxHstsMaxAge: boolean): LiveCheck[] {
  if ("because" in answer) return [unchecked("TLS-HSTS", url, answer.because), unchecked("EDGE-HEADERS", url, answer.because)];
  const { headers } = answer;
  const checks: LiveCheck[] = [];
  const hstsLines = headerLines(headers, "strict-transport-security");
  // A browser reads the first Strict-Transport-Security header only (RFC 6797 8.1).
  const hsts = hstsLines?.[0];
  const others = hstsLines && hstsLines.length > 1 ? ` (the first of ${hstsLines.length} Strict-Transport-Security headers: browsers ignore the rest)` : "";
  const wanted = `send one Strict-Transport-Security: max-age=${HSTS_MIN_MAX_AGE}; includeSubDomains`;
  const read = hsts === undefined ? undefined : readHsts(hsts);
  if (!read) {
    checks.push(check("TLS-HSTS", url, "fail", "no Strict-Transport-Security header"));
  } else if ("invalid" in read) {
    checks.push(check("TLS-HSTS", url, "fail", `Strict-Transport-Security "${hsts}" is invalid (${read.invalid}), so browsers ignore it${others}: ${wanted}`));
  } else if (read.maxAge < HSTS_MIN_MAX_AGE) {
    checks.push(
      check(
        "TLS-HSTS",
        url,
        relaxHstsMaxAge ? "warn" : "fail",
        `max-age=${read.maxAge}, under ${HSTS_MIN_MAX_AGE} (${HSTS_MIN_MAX_AGE / 86_400} days): raise it${others}`,
      ),
    );
  } else if (!read.includeSubDomains) {
    checks.push(check("TLS-HSTS", url, "fail", `no includeSubDomains: subdomains can still be reached over http${others}`));
  } else {
    checks.push(check("TLS-HSTS", url, "pass", `${hsts}${others}`));
  }

  const problems: string[] = [];
  // Fetch's "determine nosniff": only the first value counts.
  const nosniff = headerValues(headers, "x-content-type-options");
  if (nosniff?.[0]?.toLowerCase() !== "nosniff")
    problems.push(
      nosniff
        ? `X-Content-Type-Options: nosniff (it sends "${headerValue(headers, "x-content-type-options")}", and browsers read only its first value)`
        : "X-Content-Type-Options: nosniff",
    );
  const frameOptions = new Set(headerValues(headers, "x-frame-options")?.map((value) => value.toLowerCase()));
  const [frameOption] = frameOptions;
  const framesRefused =
    frameOptions.size > 1 ? CONFLICTING_FRAME_OPTIONS.some((value) => frameOptions.has(value)) : frameOption !== undefined && isFrameOption(frameOption);
  // HTML: a CSP frame-ancestors directive, where one is sent, decides alone; X-Frame-Options is then ignored.
  const ancestors = frameAncestors(headers);
  if (ancestors.length > 0) {
    if (!ancestors.some((sources) => sources.every((source) => !OPEN_FRAME_SOURCE.test(source))))
      problems.push(
        `CSP frame-ancestors that refuses other sites (it allows ${ancestors.map((sources) => sources.join(" ")).join(", ")}; browsers obey it over X-Frame-Options)`,
      );
  } else if (!framesRefused) problems.push("X-Frame-Options (or CSP frame-ancestors)");
  const referrer = headerValues(headers, "referrer-policy")
    ?.map((value) => value.toLowerCase())
    .filter((value) => REFERRER_POLICIES.has(value))
    .pop();
  if (!referrer || !isStrictReferrerPolicy(referrer)) problems.push("Referrer-Policy strict-origin-when-cross-origin or stricter");
  checks.push(
    problems.length === 0
      ? check("EDGE-HEADERS", url, "pass", "nosniff, frame protection and a strict Referrer-Policy")
      : check("EDGE-HEADERS", url, "fail", `missing: ${problems.join("; ")}`),
  );
  return checks;
}

/** An answer to an anonymous request, as EDGE-ADMIN judges it. */
export interface AnonymousAnswer {
  status: number;
  location?: string;
  headers: Headers;
}

/** EDGE-ADMIN: an anonymous request to an admin surface gets 401/403, a Cloudflare challenge, or the Access sign-in, never the app. */
export function judgeAdminAnswer(url: string, answer: AnonymousAnswer): LiveCheck {
  if (headerValue(answer.headers, "cf-mitigated") === "challenge") return check("EDGE-ADMIN", url, "pass", "anonymous requests get a Cloudflare challenge");
  if (answer.status === 401 || answer.status === 403) return check("EDGE-ADMIN", url, "pass", `anonymous requests get ${answer.status}`);
  if (
    answer.status >= 300 &&
    answer.status < 400 &&
    answer.location &&
    /\.cloudflareaccess\.com$/i.test(locationOf({ location: answer.location, url })?.hostname ?? "")
  ) {
    return check("EDGE-ADMIN", url, "pass", "anonymous requests are sent to the Cloudflare Access sign-in");
  }
  return check(
    "EDGE-ADMIN",
    url,
    "fail",
    `an anonymous request gets ${answer.status}${answer.location ? ` → ${answer.location}` : ""}: the admin surface is open to the world`,
  );
}

/** An origin no stack may allow, sent by the CORS check. */
export const FOREIGN_ORIGIN = "https://launch-ready-verify.invalid";

/** EDGE-CORS: a foreign Origin gets no matching Access-Control-Allow-Origin, and `*` never comes with credentials. */
export function judgeCors(url: string, headers: Headers): LiveCheck {
  const allowed = headerValue(headers, "access-control-allow-origin");
  const credentials = headerValue(headers, "access-control-allow-credentials") === "true";
  if (allowed === FOREIGN_ORIGIN)
    return check(
      "EDGE-CORS",
      url,
      "fail",
      `reflects a foreign Origin (${FOREIGN_ORIGIN})${credentials ? " with credentials" : ""}: any site can call this API from a browser`,
    );
  if (allowed === "*")
    return check(
      "EDGE-CORS",
      url,
      "fail",
      `answers Access-Control-Allow-Origin: *${credentials ? " with credentials" : ""}; list the origins in launch-ready:edge.cors and answer only those`,
    );
  return check("EDGE-CORS", url, "pass", allowed ? `a foreign Origin gets ${allowed}, not itself` : "a foreign Origin gets no Access-Control-Allow-Origin");
}

/** EDGE-CACHE-PRIVATE: an authenticated API request, asked twice, is never served from the edge cache. */
export function judgeCachePrivate(url: string, second: Headers): LiveCheck {
  const status = headerValue(second, "cf-cache-status")?.toUpperCase();
  if (status === "HIT" || status === "STALE" || status === "REVALIDATED")
    return check("EDGE-CACHE-PRIVATE", url, "fail", `an authenticated request came back ${status} from the edge cache: one user's answer can reach another`);
  return check("EDGE-CACHE-PRIVATE", url, "pass", status ? `cf-cache-status ${status}` : "not served from the edge cache");
}

/** MON-UPTIME, live: each monitored URL answers 2xx/3xx now, with its search text where one is set, within what Route 53 reads. */
export function judgeMonitorUrl(url: string, answer: { status: number; body?: string } | { error: string }, search?: string): LiveCheck {
  if ("error" in answer) return check("MON-UPTIME", url, "fail", `does not answer: ${answer.error}`);
  if (answer.status < 200 || answer.status >= 400) return check("MON-UPTIME", url, "fail", `answers ${answer.status}: its monitor would alert now`);
  if (search && !(answer.body ?? "").includes(search))
    return check(
      "MON-UPTIME",
      url,
      "fail",
      `answers ${answer.status} without "${search}" in its first ${ROUTE53_SEARCH_BYTES.toLocaleString("en-US")} bytes: its monitor would alert now`,
    );
  return check("MON-UPTIME", url, "pass", `answers ${answer.status}${search ? ` with "${search}"` : ""}`);
}

/**
 * EDGE-BOTS, live: a request shaped like the webhook sender's (its User-Agent and method, no
 * cookies, nothing a browser would add) reaches the endpoint: any answer but a Cloudflare
 * challenge, which Cloudflare marks with `cf-mitigated: challenge` whatever the challenge's type.
 * A 400 or 401 from the app (an unsigned delivery refused) is the endpoint answering.
 */
export function judgeWebhookReach(url: string, sender: string, answer: AnonymousAnswer | { error: string }): LiveCheck {
  if ("error" in answer) return unchecked("EDGE-BOTS", url, `${url} did not answer: ${answer.error}`);
  if (headerValue(answer.headers, CHALLENGE_HEADER.name) === CHALLENGE_HEADER.value)
    return check(
      "EDGE-BOTS",
      url,
      "fail",
      `a request shaped like ${sender}'s gets a Cloudflare challenge (${answer.status}, ${CHALLENGE_HEADER.name}: ${CHALLENGE_HEADER.value}), which a webhook sender cannot pass: turn Bot Fight Mode off (launch-ready:edge.bots), or skip Super Bot Fight Mode on this path`,
    );
  return check("EDGE-BOTS", url, "pass", `a request shaped like ${sender}'s reaches the endpoint (${answer.status})`);
}

/**
 * OPS-REQUEST-ID, live: a monitored URL answers with a request ID a person can take to the logs:
 * Cloudflare's CF-Ray, or the app's own header (`handover.logs.requestIdHeader`, else X-Request-ID).
 */
export function judgeRequestId(url: string, answer: { headers: Headers } | { error: string }, appHeader?: string): LiveCheck {
  if ("error" in answer) return unchecked("OPS-REQUEST-ID", url, `${url} did not answer: ${answer.error}`);
  const own = appHeader ?? CONVENTIONAL_REQUEST_ID_HEADER;
  for (const name of [CF_RAY_HEADER, own.toLowerCase()]) {
    const value = headerValue(answer.headers, name);
    if (value) return check("OPS-REQUEST-ID", url, "pass", `answers with ${name === CF_RAY_HEADER ? "CF-Ray" : own}: ${value}`);
  }
  return check(
    "OPS-REQUEST-ID",
    url,
    "fail",
    `answers without CF-Ray or ${own}, so a failed request here cannot be found in the logs: proxy the host through Cloudflare, or have the app set ${own} on every answer (launch-ready:handover.logs.requestIdHeader)`,
  );
}

/** EDGE-RATE-LIMIT, live: a burst just over the declared limit meets 429 (block) or a challenge (managed_challenge). */
export function judgeRateLimit(
  url: string,
  answers: ReadonlyArray<{ status: number; headers: Headers } | { error: string }>,
  limit: { requests: number; period: number; action: string },
): LiveCheck {
  const stopped = answers.filter(
    (a) =>
      "status" in a &&
      (a.status === 429 || headerValue(a.headers, "cf-mitigated") === "challenge" || (limit.action === "managed_challenge" && a.status === 403)),
  );
  const sent = `${answers.length} requests against a limit of ${limit.requests} per ${limit.period} s`;
  if (stopped.length > 0) return check("EDGE-RATE-LIMIT", url, "pass", `${sent}: ${stopped.length} stopped`);
  const errors = answers.filter((a) => "error" in a).length;
  return check(
    "EDGE-RATE-LIMIT",
    url,
    "fail",
    `${sent}: none stopped${errors ? ` (${errors} did not answer)` : ""}; the rate-limit rule is missing or not matching this path`,
  );
}

const CACHED_STATUSES = new Set(["HIT", "MISS", "EXPIRED", "REVALIDATED", "STALE", "UPDATING"]);

/** EDGE-CACHE-STATIC: a static asset, asked twice, answers with an edge cache status and a Cache-Control that lets caches keep it. */
export function judgeCacheStatic(url: string, second: Headers): LiveCheck {
  const status = headerValue(second, "cf-cache-status")?.toUpperCase();
  const control = headerValue(second, "cache-control")?.toLowerCase() ?? "";
  if (!status || !CACHED_STATUSES.has(status))
    return check(
      "EDGE-CACHE-STATIC",
      url,
      "fail",
      `cf-cache-status is ${status ?? "absent"}: the edge does not cache this asset (is a cache rule covering it?)`,
    );
  if (/no-store|private|no-cache/.test(control) || !/(s-)?max-age=[1-9]/.test(control))
    return check("EDGE-CACHE-STATIC", url, "fail", `Cache-Control "${control || "absent"}" does not let caches keep it`);
  return check("EDGE-CACHE-STATIC", url, "pass", `cf-cache-status ${status}, Cache-Control ${control}`);
}

/**
 * OPS-SECURITY-TXT live: the canonical host's security.txt, fetched over HTTPS with the
 * certificate checked, answers 200 text/plain (RFC 9116 3), parses with a Contact and one
 * Expires, and has not expired; an Expires within 30 days or over a year ahead is a warning.
 */
export function judgeSecurityTxt(
  url: string,
  answer: { status: number; headers: NodeJS.Dict<string[]>; body?: string } | { because: string },
  now: Date,
): LiveCheck {
  if ("because" in answer) return unchecked("OPS-SECURITY-TXT", url, answer.because);
  const type = answer.headers["content-type"]?.[0] ?? "";
  if (answer.status !== 200 || !/^text\/plain\s*(;|$)/i.test(type))
    return check(
      "OPS-SECURITY-TXT",
      url,
      "fail",
      `answers ${answer.status}${type ? ` ${type}` : ""}; researchers look for a 200 text/plain security.txt there (RFC 9116 3)`,
    );
  const parsed = parseSecurityTxt(answer.body ?? "");
  if (!parsed.file) return check("OPS-SECURITY-TXT", url, "fail", `security.txt ${parsed.errors.join("; ")}`);
  const expiry = expiryStanding(parsed.file.expires, now);
  const contacts = `Contact ${parsed.file.contacts.join(", ")}`;
  if (expiry.state === "expired")
    return check("OPS-SECURITY-TXT", url, "fail", `expired on ${parsed.file.expires}, so researchers must ignore it (RFC 9116 2.5.5); renew Expires`);
  if (expiry.state === "near")
    return check("OPS-SECURITY-TXT", url, "warn", `${contacts}; expires in ${expiry.days} days (${parsed.file.expires}): renew Expires`);
  if (expiry.state === "far")
    return check("OPS-SECURITY-TXT", url, "warn", `${contacts}; expires in ${expiry.days} days, more than the year RFC 9116 2.5.5 recommends`);
  return check("OPS-SECURITY-TXT", url, "pass", `${contacts}; expires ${parsed.file.expires}`);
}
