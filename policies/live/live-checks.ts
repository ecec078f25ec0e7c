/**
 * The bar's live column: what the internet shows, judged against the same IDs the plan and the
 * pack use. Plain functions of what the probes saw (DNS answers, TLS handshakes, HTTP answers);
 * the probing itself lives in policies/live/probes.ts, so these are tested on exact inputs and the
 * whole chain against real servers on loopback.
 */
import type { BarId } from "../../domain/bar/catalog";
import { isCloudflareAddress } from "../../domain/cloudflare/edge-ips";
import { HSTS_MIN_MAX_AGE, isFrameOption, isStrictReferrerPolicy } from "../../domain/http-security";
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
  cname?: string;
  /** `ENOTFOUND` (NXDOMAIN), `ENODATA`, `ETIMEOUT`, ... */
  error?: string;
}

function describeAnswer(answer: ResolverAnswer): string {
  if (answer.error) return answer.error === "ENOTFOUND" ? "NXDOMAIN" : answer.error;
  return answer.cname ? `CNAME ${answer.cname}` : (answer.addresses ?? []).join(", ") || "no records";
}

function answerKey(answer: ResolverAnswer): string {
  return answer.error ? `error:${answer.error}` : answer.cname ? `cname:${answer.cname.toLowerCase()}` : [...(answer.addresses ?? [])].sort().join(",");
}

/**
 * DNS-SUBDOMAINS: the host resolves on every resolver. DNS-SANE: every resolver gives the same
 * answer (propagation). DNS-PROXIED: a proxied host answers only from Cloudflare's edge.
 */
export function judgeDns(host: DeclaredHost, answers: readonly ResolverAnswer[]): LiveCheck[] {
  const checks: LiveCheck[] = [];
  const failed = answers.filter((a) => a.error);
  checks.push(
    failed.length === 0
      ? check("DNS-SUBDOMAINS", host.fqdn, "pass", `resolves on ${answers.map((a) => a.resolver).join(", ")}`)
      : check("DNS-SUBDOMAINS", host.fqdn, "fail", failed.map((a) => `${describeAnswer(a)} on ${a.resolver}`).join("; ")),
  );
  const distinct = new Map<string, ResolverAnswer[]>();
  for (const answer of answers) distinct.set(answerKey(answer), [...(distinct.get(answerKey(answer)) ?? []), answer]);
  checks.push(
    distinct.size <= 1
      ? check(
          "DNS-SANE",
          host.fqdn,
          "pass",
          `${answers.length} resolver${answers.length === 1 ? "" : "s"} agree: ${answers[0] ? describeAnswer(answers[0]) : "nothing asked"}`,
        )
      : check(
          "DNS-SANE",
          host.fqdn,
          "fail",
          `resolvers disagree (propagation, or a record changed): ${[...distinct.values()].map((group) => `${group.map((a) => a.resolver).join(", ")} answer ${describeAnswer(group[0])}`).join("; ")}`,
        ),
  );
  if (host.proxied) {
    const addresses = answers.flatMap((a) => a.addresses ?? []);
    const outside = [...new Set(addresses.filter((address) => !isCloudflareAddress(address)))];
    if (addresses.length === 0) checks.push(check("DNS-PROXIED", host.fqdn, "fail", "no address to judge: the host did not resolve"));
    else if (outside.length > 0)
      checks.push(
        check(
          "DNS-PROXIED",
          host.fqdn,
          "fail",
          `answers ${outside.join(", ")}, outside Cloudflare's edge: traffic skips the cache, the WAF and DDoS protection (is the record DNS-only in Cloudflare?)`,
        ),
      );
    else checks.push(check("DNS-PROXIED", host.fqdn, "pass", `answers only Cloudflare edge addresses (${[...new Set(addresses)].join(", ")})`));
  } else {
    checks.push(check("DNS-PROXIED", host.fqdn, "skip", "DNS-only by design"));
  }
  return checks;
}

/** What a TLS handshake with the host's name showed. */
export interface TlsHandshake {
  /** The chain verified against the trust store (or --ca) and the name matched. */
  authorized: boolean;
  /** Why not, as node's TLS stack says it (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, ...). */
  error?: string;
  validTo?: Date;
  protocol?: string;
}

/** Days left on a certificate before TLS-STRICT fails it: renewals that stall are caught in time. */
export const MIN_CERTIFICATE_DAYS = 14;

/** TLS-STRICT: the certificate is valid for the host, its chain trusted, and not expiring within 14 days. */
export function judgeCertificate(host: string, handshake: TlsHandshake, now: Date): LiveCheck {
  if (!handshake.authorized) return check("TLS-STRICT", host, "fail", `certificate not accepted: ${handshake.error ?? "unknown reason"}`);
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
export function judgeTlsVersions(host: string, accepted: Readonly<Record<TlsVersion, boolean>>): LiveCheck {
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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PERMANENT = new Set([301, 308]);

/** TLS-HTTPS-ONLY: `http://host/` answers a redirect to `https://`. */
export function judgeHttpsOnly(host: string, first: HttpHop | { error: string }): LiveCheck {
  if ("error" in first) return check("TLS-HTTPS-ONLY", host, "fail", `http://${host}/ did not answer: ${first.error}`);
  if (!REDIRECTS.has(first.status) || !first.location)
    return check("TLS-HTTPS-ONLY", host, "fail", `http://${host}/ answers ${first.status} instead of a redirect to https://`);
  const target = new URL(first.location, first.url);
  if (target.protocol !== "https:") return check("TLS-HTTPS-ONLY", host, "fail", `http://${host}/ redirects to ${target.href}, not to https://`);
  return check("TLS-HTTPS-ONLY", host, "pass", `http://${host}/ → ${first.status} ${target.href}`);
}

/**
 * DNS-CANONICAL, for one request to a non-canonical host: over https, one permanent hop to the
 * same path and query on the canonical host; over http, first an upgrade on the same host (the
 * HSTS preload rule), then at most that one hop; never a downgrade to http.
 */
export function judgeCanonicalRedirect(start: string, hops: readonly HttpHop[], canonicalHost: string): LiveCheck {
  const from = new URL(start);
  const expected = new URL(`https://${canonicalHost}${from.pathname}${from.search}`).href;
  const target = `${from.protocol}//${from.host}${from.pathname}${from.search}`;
  const redirects = hops.filter((hop) => REDIRECTS.has(hop.status));
  for (const hop of redirects) {
    if (hop.location && new URL(hop.location, hop.url).protocol === "http:")
      return check("DNS-CANONICAL", target, "fail", `${hop.url} downgrades to ${hop.location}`);
  }
  const final = hops[hops.length - 1];
  let allowed = 1;
  if (from.protocol === "http:") {
    const first = redirects[0];
    const upgrade = first?.location ? new URL(first.location, first.url) : undefined;
    if (!upgrade || upgrade.hostname !== from.hostname) {
      return check(
        "DNS-CANONICAL",
        target,
        "fail",
        `the first hop goes to ${upgrade?.href ?? "nowhere"}; http:// must first upgrade to https:// on ${from.hostname} (HSTS preload)`,
      );
    }
    allowed = 2;
  }
  if (redirects.length > allowed)
    return check(
      "DNS-CANONICAL",
      target,
      "fail",
      `${redirects.length} hops (${redirects.map((h) => `${h.status} ${h.location}`).join(" → ")}); the canonical redirect must take one`,
    );
  const last = redirects[redirects.length - 1];
  if (!last) return check("DNS-CANONICAL", target, "fail", `answers ${final?.status ?? "nothing"} instead of redirecting to ${expected}`);
  if (!PERMANENT.has(last.status))
    return check("DNS-CANONICAL", target, "fail", `redirects with ${last.status}; a canonical redirect is permanent (301 or 308)`);
  const arrived = new URL(last.location!, last.url).href;
  if (arrived !== expected) return check("DNS-CANONICAL", target, "fail", `redirects to ${arrived}, expected ${expected} (path and query kept)`);
  return check("DNS-CANONICAL", target, "pass", `→ ${last.status} ${arrived}`);
}

/**
 * TLS-HSTS and EDGE-HEADERS on the canonical host's HTML answer. `relaxHstsMaxAge` lets staging
 * keep a shorter max-age (the bar allows it there): a short one is then a warning.
 */
export function judgeSecurityHeaders(url: string, headers: Readonly<Record<string, string | string[] | undefined>>, relaxHstsMaxAge: boolean): LiveCheck[] {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  };
  const checks: LiveCheck[] = [];
  const hsts = header("strict-transport-security");
  if (!hsts) {
    checks.push(check("TLS-HSTS", url, "fail", "no Strict-Transport-Security header"));
  } else {
    const maxAge = Number(/max-age\s*=\s*"?(\d+)/i.exec(hsts)?.[1] ?? NaN);
    const subdomains = /includesubdomains/i.test(hsts);
    if (!Number.isFinite(maxAge) || maxAge < HSTS_MIN_MAX_AGE) {
      checks.push(
        check(
          "TLS-HSTS",
          url,
          relaxHstsMaxAge ? "warn" : "fail",
          `max-age=${Number.isFinite(maxAge) ? maxAge : "missing"}, under ${HSTS_MIN_MAX_AGE} (one year)`,
        ),
      );
    } else if (!subdomains) {
      checks.push(check("TLS-HSTS", url, "fail", "no includeSubDomains: subdomains can still be reached over http"));
    } else {
      checks.push(check("TLS-HSTS", url, "pass", hsts));
    }
  }
  const missing: string[] = [];
  if (header("x-content-type-options")?.toLowerCase() !== "nosniff") missing.push("X-Content-Type-Options: nosniff");
  const frameOptions = header("x-frame-options")?.toUpperCase();
  const frameAncestors = /frame-ancestors/i.test(header("content-security-policy") ?? "");
  if (!(frameOptions && isFrameOption(frameOptions)) && !frameAncestors) missing.push("X-Frame-Options (or CSP frame-ancestors)");
  const referrer = header("referrer-policy")?.toLowerCase().split(",").pop()?.trim();
  if (!referrer || !isStrictReferrerPolicy(referrer)) missing.push("Referrer-Policy strict-origin-when-cross-origin or stricter");
  checks.push(
    missing.length === 0
      ? check("EDGE-HEADERS", url, "pass", "nosniff, frame protection and a strict Referrer-Policy")
      : check("EDGE-HEADERS", url, "fail", `missing: ${missing.join("; ")}`),
  );
  return checks;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;
const headerValue = (headers: Headers, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
};

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
  if (answer.status >= 300 && answer.status < 400 && answer.location && /\.cloudflareaccess\.com$/i.test(new URL(answer.location, url).hostname)) {
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

/** MON-UPTIME, live: each monitored URL answers 2xx/3xx now, with its search text where one is set (Route 53 reads 5,120 bytes). */
export function judgeMonitorUrl(url: string, answer: { status: number; body?: string } | { error: string }, search?: string): LiveCheck {
  if ("error" in answer) return check("MON-UPTIME", url, "fail", `does not answer: ${answer.error}`);
  if (answer.status < 200 || answer.status >= 400) return check("MON-UPTIME", url, "fail", `answers ${answer.status}: its monitor would alert now`);
  if (search && !(answer.body ?? "").includes(search))
    return check("MON-UPTIME", url, "fail", `answers ${answer.status} without "${search}" in its first 5,120 bytes: its monitor would alert now`);
  return check("MON-UPTIME", url, "pass", `answers ${answer.status}${search ? ` with "${search}"` : ""}`);
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
