/**
 * The minimum bar's stable IDs, as docs/minimum-bar.md states them (test/minimum-bar-doc.test.ts keeps the two equal). The IDs appear verbatim
 * in config (waivers), policy names (lower case), plan output and docs.
 */
export const MINIMUM_BAR = {
  "DNS-CANONICAL": {
    bar: "One canonical host (apex or www) is chosen; the other redirects to it",
    declared: "canonical host set; redirect rule exists for every non-canonical web host",
  },
  "DNS-SUBDOMAINS": {
    bar: "Every subdomain is intentional (app., api., admin., status., docs., mail-related)",
    declared: "every record comes from a declared host; wildcard records refused unless waived",
  },
  "DNS-PROXIED": {
    bar: "Web traffic goes through Cloudflare (caching, WAF, DDoS)",
    declared: "web/api/admin hosts proxied; mail hosts (MX targets) never proxied",
  },
  "DNS-SANE": {
    bar: "No accidental records",
    declared: "no private/reserved IPs in public records, no CNAME beside other data at a name, no duplicate records, TTLs in range",
  },
  "TLS-STRICT": { bar: "SSL valid everywhere, origin verified", declared: "zone SSL mode strict (never off/flexible)" },
  "TLS-HTTPS-ONLY": { bar: "HTTPS everywhere, no mixed content", declared: "always_use_https on, automatic_https_rewrites on" },
  "TLS-VERSION": { bar: "Modern TLS only", declared: "minimum TLS 1.2, TLS 1.3 on" },
  "TLS-HSTS": {
    bar: "Strict-Transport-Security",
    declared: "HSTS on, max-age >= 31536000 (1 year: internet.nl's bar; Mozilla Observatory wants >= 6 months) in production, includeSubDomains",
  },
  "EDGE-HEADERS": {
    bar: "Security headers on every HTML answer",
    declared:
      "a response-header transform rule sets what the app may not: X-Content-Type-Options: nosniff, X-Frame-Options (or CSP frame-ancestors), Referrer-Policy (strict-origin-when-cross-origin or stricter)",
  },
  "EDGE-CACHE-STATIC": { bar: "Static assets cached at the edge", declared: "a cache rule covers static assets with an edge TTL" },
  "EDGE-CACHE-PRIVATE": {
    bar: "Caching never serves personalised or API data",
    declared: "no cache rule makes API/auth/admin paths, or requests with Authorization/session cookies, eligible for cache",
  },
  "EDGE-WAF": {
    bar: "WAF protects exposed endpoints",
    declared: "Cloudflare managed ruleset deployed where the plan allows it; custom rules valid for the plan",
  },
  "EDGE-RATE-LIMIT": {
    bar: "Rate limits on abuse-prone endpoints",
    declared:
      "rate-limit rules cover login, signup, password reset, webhooks and AI endpoints, or the provider serving one limits it; periods, timeouts and actions valid for the zone's plan",
  },
  "EDGE-DDOS": { bar: "DDoS protection on", declared: "HTTP DDoS managed protection not disabled or lowered" },
  "EDGE-ADMIN": {
    bar: "Admin surfaces are not open to the world",
    declared: "every declared admin host/path sits behind Cloudflare Access, an IP allowlist or a challenge rule",
  },
  "EDGE-CORS": { bar: "APIs answer only intended origins", declared: "each API host lists its allowed origins" },
  "MAIL-SPF": {
    bar: "SPF authorises only the approved senders",
    declared:
      "exactly one SPF record per name; at most 10 DNS-querying terms after expanding includes; ends in -all or ~all (never +all/?all); no ptr; record under 512 bytes, strings of at most 255 characters",
  },
  "MAIL-DKIM": { bar: "Outbound mail is DKIM-signed", declared: "a DKIM record (TXT key or provider CNAME) for every declared sender" },
  "MAIL-DMARC": {
    bar: "DMARC with reporting",
    declared:
      "one _dmarc record, valid syntax (RFC 7489, and RFC 9989 which drops pct/rf/ri), rua reporting address (an address at another domain needs that domain's _report._dmarc authorisation); p=quarantine or reject in production (p=none allowed outside production, or as a dated ramp)",
  },
  "MAIL-PARKED": {
    bar: "Names that send no mail cannot be spoofed",
    declared: "domains/subdomains that send no mail publish v=spf1 -all, a DMARC p=reject, and (for domains) a null MX",
  },
  "SEC-NO-PLAINTEXT": {
    bar: "Zero hardcoded secrets",
    declared: "no secret-looking plaintext value in config or resource inputs; secrets come from secret config or are generated",
  },
  "SEC-STORE": {
    bar: "Secrets live in a secret manager",
    declared:
      "each secret stored encrypted (AWS Secrets Manager, SSM SecureString, or a sensitive Vercel environment variable), one path (Vercel: project target) per environment",
  },
  "SEC-ENV-SEPARATION": { bar: "Environments are separated", declared: "production and staging never share a secret value or path" },
  "MON-UPTIME": { bar: "Uptime checks on what customers touch", declared: "monitors for homepage, login/auth, API health, and every declared webhook" },
  "MON-DETECT-5MIN": { bar: "Know within 5 minutes", declared: "check interval x failure threshold <= 300 s (1-minute checks in production)" },
  "MON-HUMAN": { bar: "Alerts reach a real human", declared: "at least one confirmed-style email or chat subscription per stack" },
  "OPS-PROTECT": {
    bar: "A refactor or typo cannot delete production",
    declared:
      "production DNS/zone resources protected; resource names stable under reordering of config; no zone-wide object or record name managed by two stacks",
  },
  "OPS-HANDOVER": { bar: "The founder can operate it", declared: "owner contacts, rollback steps, env var names, monitors, waivers present" },
  "PERF-P95": {
    bar: "Core endpoints fast under load",
    declared:
      "every core endpoint has a p95 budget: reads <= 300 ms, writes/bulk <= 800 ms, AI-assisted <= 2000 ms (prototype stage may use 500 ms for non-AI)",
  },
  "PERF-ERRORS": { bar: "Error rate under 1 %", declared: "error budget declared" },
  "AI-TIMEOUT": { bar: "AI calls have timeouts and fallbacks", declared: "AI endpoints declare timeout and fallback" },
  "DNS-DNSSEC": { bar: "Answers for the zone can be authenticated", declared: "zone signed; the DS record and the registrar's steps in the handover" },
  "TLS-CAA": { bar: "Only the intended CAs may issue", declared: "CAA names exactly the CAs in use (Cloudflare's edge CAs included) and an iodef" },
  "MAIL-TRANSPORT": {
    bar: "Inbound mail cannot be downgraded silently",
    declared:
      "MTA-STS (_mta-sts TXT + policy at https://mta-sts.<domain>/.well-known/mta-sts.txt, testing then enforce on a dated ramp) and TLS-RPT (_smtp._tls with a report address) for every domain that receives mail",
  },
  "OPS-SECURITY-TXT": {
    bar: "Researchers know whom to tell",
    declared: "/.well-known/security.txt (RFC 9116) on the canonical host, Contact from the handover, Expires tracked",
  },
  "EDGE-BOTS": {
    bar: "Bot protection never blocks the product's own webhooks",
    declared: "bot posture declared; webhook endpoints skip it, or it stays off where the plan cannot skip it",
  },
  "OPS-REQUEST-ID": {
    bar: "One failed request can be traced",
    declared: "a request ID travels edge → origin → client; the handover says where logs are read",
  },
  "MON-LATENCY": {
    bar: "Slowness and errors alert before customers complain",
    declared:
      "per core endpoint a latency alarm at its p95 budget and an error-rate alarm (2 % over 5 minutes), to the MON-HUMAN recipients; one dashboard per stack (uptime, latency, error rate)",
  },
  "OPS-DRIFT": {
    bar: "What runs is what is declared",
    declared: "scheduled verify in CI; a drift report of records nobody declares and declared records missing",
  },
} as const;

export type BarId = keyof typeof MINIMUM_BAR;
export const BAR_IDS = Object.keys(MINIMUM_BAR) as BarId[];

export function isBarId(id: string): id is BarId {
  return Object.hasOwn(MINIMUM_BAR, id);
}
