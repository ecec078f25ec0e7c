/**
 * The shape of a launch-ready stack file's `launch-ready:*` config, as the user writes it.
 * Field-level rules live here; rules that need several fields at once (names inside the zone,
 * the canonical pair, plan limits) live in ./stack-config.ts.
 */
import { z } from "zod";
import { CLOUDFLARE_PLANS } from "../domain/cloudflare/zone-plans";
import { MAIL_PROVIDERS } from "../domain/mail/providers";
import { classifyTarget, toAsciiHostname } from "../domain/hostnames";
import { FRAME_OPTIONS, HSTS_MIN_MAX_AGE, STRICT_REFERRER_POLICIES } from "../domain/http-security";

export const CONFIG_NAMESPACE = "launch-ready";

import { ENVIRONMENTS, type Environment } from "../domain/bar/weighing";

export { ENVIRONMENTS, type Environment };

export const HOST_PURPOSES = ["web", "api", "admin", "docs", "status", "mail", "other"] as const;
export type HostPurpose = (typeof HOST_PURPOSES)[number];

/**
 * Purposes whose traffic must pass Cloudflare's proxy (DNS-PROXIED). Docs and status pages are
 * usually third-party hosted (a status page provider, a docs platform) that refuses proxied
 * traffic, and mail must never be proxied, so those default to DNS-only.
 */
export const PROXIED_BY_DEFAULT: ReadonlySet<HostPurpose> = new Set(["web", "api", "admin"]);

/** Hosts whose every answer is private or personal: never cached at the edge (EDGE-CACHE-PRIVATE). */
export const PRIVATE_PURPOSES: ReadonlySet<HostPurpose> = new Set(["api", "admin"]);

export const SSL_MODES = ["off", "flexible", "full", "strict"] as const;
export const TLS_VERSIONS = ["1.0", "1.1", "1.2", "1.3"] as const;
export const REDIRECT_STATUSES = [301, 302, 307, 308] as const;
export const CANONICAL_REDIRECT_STATUSES = [301, 308] as const;

/** Cloudflare zone and account IDs. */
export const HEX32 = /^[0-9a-f]{32}$/;

/** YAML reads `1.2` as a number; a TLS version is a string to Cloudflare, so both spellings are accepted. */
const tlsVersion = z.preprocess(
  (value) => (typeof value === "number" ? value.toFixed(1) : value),
  z.enum(TLS_VERSIONS),
);

/**
 * Syntax checks that need no other field run here, so they are reported together with every
 * other field problem; whether a name lies inside the zone is checked once the zone is known.
 */
const hostName = z.string().superRefine((name, ctx) => {
  const label = name.trim();
  if (label === "@") return;
  // A wildcard's legitimacy depends on a waiver, judged once the whole config is read.
  const ascii = toAsciiHostname(label.split(".")[0] === "*" ? label.split(".").slice(1).join(".") || "wildcard" : label);
  if (!ascii.ok) ctx.addIssue({ code: "custom", message: `"${name}" ${ascii.problem}` });
});

const recordTarget = z.string().superRefine((target, ctx) => {
  const classified = classifyTarget(target);
  if (!classified.ok) ctx.addIssue({ code: "custom", message: `"${target}" ${classified.problem}` });
});

export const zoneSchema = z
  .strictObject({
    domain: z.string().meta({ description: "The registered domain the Cloudflare zone serves (IDN allowed).", examples: ["example.com"] }),
    zoneId: z.string().regex(HEX32, "must be the 32-character hex zone ID from the zone's Overview page in the Cloudflare dashboard").meta({
      description: "Cloudflare zone ID (dashboard: the zone's Overview page, API section).",
      examples: ["023e105f4ecef8ad9ca31a8372d0c353"],
    }),
    accountId: z.string().regex(HEX32, "must be the 32-character hex account ID from the zone's Overview page in the Cloudflare dashboard").meta({
      description: "Cloudflare account ID that owns the zone.",
      examples: ["372e67954025e0ba6aaa6d586b9e0b59"],
    }),
    plan: z.enum(CLOUDFLARE_PLANS).meta({ description: "The zone's Cloudflare plan; rule counts are checked against it." }),
  })
  .meta({ description: "The Cloudflare zone this stack manages." });

export const hostSchema = z.strictObject({
  name: hostName.meta({
    description: 'Host name: "@" for the apex, a single label ("www"), or a full name inside the zone. IDN names are converted to punycode.',
    examples: ["@", "www", "api", "status.example.com"],
  }),
  target: z.union([recordTarget, z.array(recordTarget).min(1)], { error: "must be a host name, an IP address, or a list of IP addresses" }).meta({
    description: "Where the host points: a host name (CNAME), or one or more IPv4/IPv6 addresses (A/AAAA).",
    examples: ["app-origin.fly.dev", ["203.0.113.10", "2001:db8::10"]],
  }),
  purpose: z.enum(HOST_PURPOSES).meta({ description: "What the host is for; decides the proxy default and which checks apply." }),
  proxied: z.boolean().optional().meta({ description: "Route through Cloudflare's proxy. @default true for web, api and admin; false otherwise." }),
  ttl: z.number().int().optional().meta({
    description: "TTL in seconds for DNS-only records (60 to 86400; 30 on Enterprise). Proxied records always use automatic TTL. @default 300",
  }),
  comment: z.string().max(60).optional().meta({ description: "A note stored with the record, after the kit's own 'managed by' note." }),
});

export const redirectSchema = z.strictObject({
  host: hostName.meta({ description: "Declared host the redirect answers on.", examples: ["docs", "example.com"] }),
  path: z
    .string()
    .regex(/^\/\S*$/, 'must start with "/" and contain no spaces')
    .optional()
    .meta({ description: "Exact request path to match; omit to redirect every path on the host.", examples: ["/pricing-old"] }),
  to: z.url({ protocol: /^https$/, error: "must be an absolute https:// URL" }).meta({ examples: ["https://www.example.com/pricing"] }),
  status: z.literal(REDIRECT_STATUSES).default(301).meta({ description: "HTTP status of the redirect. @default 301" }),
  preserveQueryString: z.boolean().default(true).meta({ description: "Keep the request's query string. @default true" }),
});

export const hstsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  maxAge: z.number().int().min(0).default(HSTS_MIN_MAX_AGE).meta({ description: "Seconds browsers remember HTTPS-only. @default 31536000 (1 year, TLS-HSTS)" }),
  includeSubdomains: z.boolean().default(true),
  preload: z.boolean().default(false),
  nosniff: z.boolean().default(true).meta({ description: "Also send X-Content-Type-Options: nosniff. @default true" }),
});

export const tlsSchema = z.strictObject({
  ssl: z.enum(SSL_MODES).default("strict").meta({ description: "Cloudflare SSL/TLS encryption mode. @default strict (TLS-STRICT)" }),
  minTlsVersion: tlsVersion.default("1.2").meta({ description: 'Lowest TLS version accepted at the edge. @default "1.2" (TLS-VERSION)' }),
  tls13: z.enum(["on", "off", "zrt"]).default("on").meta({ description: "TLS 1.3 at the edge (zrt adds 0-RTT). @default on" }),
  alwaysUseHttps: z.boolean().default(true).meta({ description: "Redirect http:// to https:// on every host. @default true (TLS-HTTPS-ONLY)" }),
  automaticHttpsRewrites: z.boolean().default(true).meta({ description: "Rewrite http:// links in HTML to https://. @default true" }),
  hsts: hstsSchema.prefault({}),
});

export const canonicalSchema = z.strictObject({
  host: z.enum(["apex", "www"]).meta({ description: "Which of the apex and www is the one true host; the other redirects to it (DNS-CANONICAL)." }),
  status: z.literal(CANONICAL_REDIRECT_STATUSES).default(301).meta({ description: "Status of the canonical redirect. @default 301" }),
});

export const waiverSchema = z.strictObject({
  id: z.string().meta({ description: "The bar ID waived, as in minimum-bar.md.", examples: ["DNS-SUBDOMAINS"] }),
  reason: z.string().trim().min(10, "must say why, in at least 10 characters").meta({ description: "Why the bar does not apply or cannot be met yet." }),
  owner: z.string().trim().min(2).meta({ description: "Who answers for it.", examples: ["cto@example.com"] }),
  expires: z.iso.date({ error: "must be a date written YYYY-MM-DD" }).meta({ description: "The day the waiver ends; after it, the item fails again.", examples: ["2027-03-31"] }),
});

/** Cloudflare's rate-limit counting and mitigation periods, in seconds; each plan allows some. */
export const RATE_LIMIT_PERIODS = [10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535, 86400] as const;
export const ENDPOINT_KINDS = ["login", "signup", "password-reset", "webhook"] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

const pathPrefix = z.string().regex(/^\/\S*$/, 'must start with "/" and contain no spaces');

const ipOrCidr = z.string().refine((value) => {
  const [address, bits, extra] = value.split("/");
  if (extra !== undefined) return false;
  const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(address) && address.split(".").every((octet) => Number(octet) <= 255);
  const v6 = address.includes(":") && /^[0-9a-f:]+$/i.test(address);
  if (!v4 && !v6) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (v4 ? 32 : 128));
}, "must be an IP address or CIDR range, such as 203.0.113.7 or 198.51.100.0/24");

export const endpointSchema = z.strictObject({
  kind: z.enum(ENDPOINT_KINDS).meta({ description: "What the endpoint does; EDGE-RATE-LIMIT wants each kind covered." }),
  host: hostName.meta({ description: "Declared host serving it.", examples: ["api"] }),
  path: pathPrefix.meta({ description: "Exact request path.", examples: ["/auth/login"] }),
  requests: z.number().int().min(1).meta({ description: "Requests per period from one IP before the action applies." }),
  period: z.literal(RATE_LIMIT_PERIODS).meta({ description: "Counting period in seconds (the zone's plan limits the choice; Free: 10)." }),
  timeout: z.literal(RATE_LIMIT_PERIODS).optional().meta({ description: "How long the action lasts, in seconds. @default the period (Free: 10)" }),
  action: z.enum(["block", "managed_challenge"]).default("block").meta({ description: "block answers 429; managed_challenge asks a browser to prove itself. @default block" }),
});

export const adminProtectionSchema = z.strictObject({
  host: hostName.meta({ description: "Declared host to protect.", examples: ["admin"] }),
  path: pathPrefix.optional().meta({ description: "Only this path prefix (e.g. /admin/ on the web host); omit for the whole host." }),
  protection: z.enum(["challenge", "allowlist", "access"]).default("challenge").meta({
    description: "challenge: a managed challenge for everyone; allowlist: block all but allowIps; access: Cloudflare Access sign-in for allowEmails / allowEmailDomains. @default challenge",
  }),
  allowIps: z.array(ipOrCidr).default([]).meta({ description: "Addresses or ranges let through (allowlist only)." }),
  allowEmails: z.array(z.email()).default([]).meta({ description: "People who may sign in (access only)." }),
  allowEmailDomains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be a domain such as example.com")).default([]).meta({ description: "Email domains whose people may sign in (access only)." }),
});

export const edgeSchema = z.strictObject({
  cache: z
    .strictObject({
      staticExtensions: z.array(z.string().regex(/^[a-z0-9]+$/, "must be a lower-case file extension without the dot")).default(
        ["css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "woff", "woff2", "ttf", "otf"],
      ),
      staticPathPrefixes: z.array(pathPrefix).default(["/assets/", "/static/", "/_next/static/"]),
      edgeTtl: z.number().int().min(60).max(31536000).default(2592000).meta({ description: "Seconds Cloudflare keeps a static asset. @default 2592000 (30 days)" }),
      browserTtl: z.number().int().min(0).max(31536000).default(86400).meta({ description: "Seconds a browser keeps it. @default 86400 (1 day)" }),
      privatePathPrefixes: z.array(pathPrefix).default(["/api/", "/auth/", "/admin/", "/account/"]).meta({ description: "Paths never cached on any host (EDGE-CACHE-PRIVATE)." }),
      sessionCookies: z.array(z.string().regex(/^[A-Za-z0-9_.\-]+$/, "must be a cookie name")).default(["session"]).meta({ description: "Cookies that mark a signed-in request; such requests bypass the cache." }),
      verifyAsset: pathPrefix.optional().meta({ description: "A real static asset on the canonical host that npm run verify fetches to see it cached (EDGE-CACHE-STATIC).", examples: ["/assets/app.css"] }),
    })
    .prefault({}),
  endpoints: z.array(endpointSchema).default([]).meta({ description: "Abuse-prone endpoints (login, signup, password reset, webhooks), each rate limited per IP." }),
  admin: z.array(adminProtectionSchema).default([]).meta({ description: "How admin surfaces are protected. Hosts of purpose admin not listed get a managed challenge." }),
  firewallRules: z
    .array(
      z.strictObject({
        description: z.string().trim().min(3).max(500),
        expression: z.string().trim().min(1).max(4096).meta({ description: "A Cloudflare Rules language expression, used as written." }),
        action: z.enum(["block", "managed_challenge", "js_challenge", "challenge", "log"]),
        reason: z.string().trim().min(10, "must say why the typed settings cannot express this, in at least 10 characters"),
      }),
    )
    .default([])
    .meta({
      description:
        "Escape hatch: WAF custom rules with hand-written expressions, after the kit's own. Nothing quotes or checks them for you; prefer edge.admin and edge.endpoints, which build expressions safely.",
    }),
  cors: z
    .array(z.strictObject({ host: hostName, origins: z.array(z.url({ protocol: /^https?$/ })).min(1) }))
    .default([])
    .meta({ description: "Origins each API host answers (EDGE-CORS); the app enforces them, live verification checks them." }),
  headers: z
    .strictObject({
      frameOptions: z.enum(FRAME_OPTIONS).default("DENY"),
      referrerPolicy: z.enum(STRICT_REFERRER_POLICIES).default("strict-origin-when-cross-origin"),
      hosts: z.array(hostName).optional().meta({ description: "Only these declared hosts get the headers. @default every proxied host" }),
    })
    .prefault({})
    .meta({ description: "Security headers set on HTML answers where the app does not (EDGE-HEADERS)." }),
  waf: z.strictObject({ managed: z.boolean().default(true).meta({ description: "Deploy Cloudflare's managed WAF rulesets the plan includes. @default true" }) }).prefault({}),
  ddos: z
    .strictObject({
      sensitivity: z.enum(["default", "medium", "low", "eoff"]).meta({ description: "HTTP DDoS sensitivity; production may not lower it below default." }),
    })
    .optional()
    .meta({ description: "Override Cloudflare's HTTP DDoS protection; omit to keep Cloudflare's defaults (recommended)." }),
});

const dmarcPolicy = z.enum(["none", "quarantine", "reject"]);

export const emailSchema = z.strictObject({
  senders: z
    .array(
      z.strictObject({
        provider: z.enum(MAIL_PROVIDERS).meta({ description: "Who sends the mail; the preset knows its SPF include and DKIM shape." }),
        domain: hostName.default("@").meta({ description: 'The sending name: "@" for the apex, or a subdomain such as send. @default "@"' }),
        dkim: z
          .array(
            z.strictObject({
              selector: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, "must be a DKIM selector such as google or s1"),
              value: z.string().trim().min(1).meta({ description: "The TXT key (v=DKIM1; k=rsa; p=...) or, for CNAME providers, the target host the provider gives." }),
            }),
          )
          .default([])
          .meta({ description: "DKIM records from the provider's console (MAIL-DKIM wants at least one per sender)." }),
        include: z.string().optional().meta({ description: "SPF include for a custom sender." }),
        addresses: z.array(z.string()).default([]).meta({ description: "ip4/ip6 addresses for a custom sender's SPF." }),
        ses: z
          .strictObject({
            region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as us-east-1"),
            mailFrom: z.string().regex(/^[a-z0-9-]+$/, "must be one label such as mail").default("mail").meta({ description: "Custom MAIL FROM subdomain label. @default mail" }),
          })
          .optional()
          .meta({ description: "Amazon SES only: the kit creates the SES domain identity (Easy DKIM) and a custom MAIL FROM domain in this region." }),
      }),
    )
    .default([]),
  inbound: z
    .strictObject({
      provider: z.enum(MAIL_PROVIDERS),
      mx: z.array(z.strictObject({ host: z.string(), priority: z.number().int().min(0).max(65535) })).optional().meta({ description: "MX hosts for a custom provider." }),
    })
    .optional()
    .meta({ description: "Who receives mail for the apex; omit if nobody does (the apex then gets a null MX)." }),
  dmarc: z
    .strictObject({
      policy: dmarcPolicy.default("reject").meta({ description: "p= for mail failing SPF and DKIM alignment. @default reject" }),
      subdomainPolicy: dmarcPolicy.optional(),
      rua: z.array(z.email()).min(1, "needs a report address, or nobody learns who sends as the domain"),
      ruf: z.array(z.email()).default([]),
      adkim: z.enum(["r", "s"]).default("r"),
      aspf: z.enum(["r", "s"]).default("r"),
      ramp: z
        .array(z.strictObject({ from: z.iso.date(), policy: dmarcPolicy }))
        .default([])
        .meta({ description: "Dated steps that tighten the policy, e.g. quarantine from one date, reject from a later one; applied at each pulumi up." }),
    })
    .optional(),
  parked: z.array(hostName).default([]).meta({ description: "Names that send no mail: each gets v=spf1 -all, DMARC p=reject and a null MX (MAIL-PARKED)." }),
  spfAll: z.enum(["~all", "-all"]).default("~all").meta({
    description: "How SPF records end: ~all (soft fail; DMARC decides) or -all (receivers reject what SPF does not authorise). @default ~all",
  }),
});

/** Names of secrets and environment variables: what an app reads from its environment. */
export const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;
const variableName = z.string().regex(VARIABLE_NAME, "must be an environment-variable name in upper case, such as STRIPE_SECRET_KEY");

export const SECRET_STORES = ["secrets-manager", "ssm"] as const;

export const secretStoreSchema = z.strictObject({
  kind: z.enum(SECRET_STORES).default("secrets-manager").meta({ description: "secrets-manager: AWS Secrets Manager; ssm: SSM Parameter Store SecureString. @default secrets-manager (SEC-STORE)" }),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1").optional().meta({ description: "AWS region of the store. @default the aws:region of the stack" }),
  kmsKeyId: z
    .string()
    .regex(/^(arn:aws[a-z-]*:kms:\S+|alias\/[A-Za-z0-9/_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, "must be a KMS key ID, key ARN, alias ARN or alias/name")
    .optional()
    .meta({ description: "Customer-managed KMS key that encrypts the secrets. @default the AWS-managed key of the service", examples: ["alias/launch-ready"] }),
  pathPrefix: z
    .string()
    .regex(/^(\/[A-Za-z0-9_.-]+)+$/, "must be a path such as /launch-ready/production, without a trailing slash")
    .optional()
    .meta({ description: "Where this stack's secrets live. @default /<project>/<environment> (SEC-ENV-SEPARATION wants one per environment)" }),
});

export const secretSchema = z.strictObject({
  name: variableName.meta({ description: "The secret's name; also its last path segment.", examples: ["SESSION_SECRET", "STRIPE_SECRET_KEY"] }),
  description: z.string().trim().min(3).max(200).optional().meta({ description: "What it is for; shown in the store and the handover." }),
  generate: z
    .strictObject({
      length: z.number().int().min(16).max(256).default(40).meta({ description: "Characters. @default 40" }),
      special: z.boolean().default(false).meta({ description: "Include punctuation. @default false (safe in URLs and shells)" }),
      upper: z.boolean().default(true),
      lower: z.boolean().default(true),
      numeric: z.boolean().default(true),
    })
    .optional()
    .meta({ description: "Generate the value (random.RandomPassword): for secrets the app makes up itself, such as session keys." }),
  provided: z.literal(true).optional().meta({
    description: "The value comes from someone else (Stripe, OpenAI): set it with pulumi config set --secret --path 'launch-ready:secretValues.NAME'.",
  }),
});

export const ENV_FORMATS = ["url", "email", "secret", "number", "enum", "string"] as const;
export type EnvFormat = (typeof ENV_FORMATS)[number];

export const envVarSchema = z.strictObject({
  name: variableName.meta({ examples: ["DATABASE_URL"] }),
  format: z.enum(ENV_FORMATS).default("string").meta({ description: "What a well-formed value looks like. @default string" }),
  required: z.boolean().default(true).meta({ description: "Missing is a failure (SEC-ENV-SEPARATION, live). @default true" }),
  values: z.array(z.string().min(1)).min(1).optional().meta({ description: "The allowed values (format enum only)." }),
  environments: z.array(z.enum(ENVIRONMENTS)).min(1).optional().meta({ description: "Where the app needs it. @default every environment" }),
  description: z.string().trim().min(3).max(300).optional().meta({ description: "What it is for; written into .env.example and the handover." }),
  secret: variableName.optional().meta({ description: "The entry of launch-ready:secrets that holds its value; the app reads it from the store." }),
  example: z.string().max(200).optional().meta({ description: "A harmless example value for .env.example (never for format secret)." }),
});

export const MONITOR_KINDS = ["homepage", "login", "api-health", "webhook", "status", "other"] as const;
export type MonitorKind = (typeof MONITOR_KINDS)[number];
export const MONITOR_PROVIDERS = ["aws", "cloudflare"] as const;

export const monitorCheckSchema = z.strictObject({
  kind: z.enum(MONITOR_KINDS).meta({ description: "What the check watches; checks of a kind replace the kit's default checks of that kind." }),
  url: z.url({ protocol: /^https$/, error: "must be an absolute https:// URL" }).meta({ examples: ["https://app.example.com/login"] }),
  search: z.string().min(1).max(255).optional().meta({ description: "Text the answer must contain (Route 53 reads the first 5,120 bytes)." }),
});

export const monitoringSchema = z.strictObject({
  enabled: z.boolean().default(true).meta({ description: "Create monitors; false leaves MON-* failing (advisory in development, or waived). @default true" }),
  provider: z.enum(MONITOR_PROVIDERS).default("aws").meta({ description: "aws: Route 53 health checks, CloudWatch alarms and SNS; cloudflare: Cloudflare Health Checks and Notifications (Pro plan and above). @default aws" }),
  alerts: z
    .strictObject({
      emails: z.array(z.email()).default([]).meta({ description: "People alerted on ALARM and on recovery; each confirms the subscription email once (MON-HUMAN)." }),
      chatWebhookSecret: variableName.optional().meta({ description: "A provided secret in launch-ready:secrets holding a chat webhook URL (Slack, Teams), also alerted." }),
    })
    .prefault({}),
  intervalSeconds: z.number().int().min(10).default(30).meta({ description: "Seconds between checks: 10 or 30 on AWS; Cloudflare's plan sets the floor. @default 30" }),
  failureThreshold: z.number().int().min(1).max(10).default(3).meta({ description: "Failed checks in a row before the monitor is down. @default 3" }),
  regions: z.array(z.string()).optional().meta({ description: "Where checks run from: Route 53 regions (at least 3) or Cloudflare region codes. @default the provider's default set" }),
  measureLatency: z.boolean().default(true).meta({ description: "Record latency graphs (AWS). @default true" }),
  apiHealthPath: pathPrefix.default("/health").meta({ description: "Path of every API host's health endpoint. @default /health" }),
  checks: z.array(monitorCheckSchema).default([]).meta({ description: "Checks that replace the defaults of their kind, or add others (kind other)." }),
  skip: z.array(z.enum(MONITOR_KINDS)).default([]).meta({ description: "Default kinds not to monitor; MON-UPTIME fails for them unless waived." }),
});

export const ENDPOINT_BUDGET_KINDS = ["read", "write", "ai"] as const;
export type EndpointBudgetKind = (typeof ENDPOINT_BUDGET_KINDS)[number];

export const performanceSchema = z.strictObject({
  stage: z.enum(["prototype", "launch"]).default("launch").meta({ description: "prototype may hold non-AI endpoints to 500 ms; launch holds reads to 300 ms and writes to 800 ms. @default launch" }),
  errorBudgetPercent: z.number().min(0).max(100).default(1).meta({ description: "Share of non-2xx/3xx answers a burst may see (PERF-ERRORS wants under 1). @default 1" }),
  endpoints: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be a short lower-case name such as list-projects").meta({ description: "Names the endpoint in reports." }),
        url: z.url({ protocol: /^https$/, error: "must be an absolute https:// URL" }),
        method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
        body: z.string().max(10_000).optional().meta({ description: "Request body for a write (JSON text); no secrets: it is committed." }),
        kind: z.enum(ENDPOINT_BUDGET_KINDS).meta({ description: "read, write (or bulk) or ai: decides the bar's p95 budget." }),
        p95Ms: z.number().int().min(1).optional().meta({ description: "The p95 budget in ms. @default the bar's for its kind and stage" }),
        timeoutMs: z.number().int().min(1).optional().meta({ description: "AI endpoints: how long the app waits for the model before falling back (AI-TIMEOUT)." }),
        fallback: z.string().trim().min(3).optional().meta({ description: "AI endpoints: what the app answers when the model is slow or down (AI-TIMEOUT)." }),
      }),
    )
    .default([])
    .meta({ description: "Core endpoints with p95 budgets (PERF-P95), measured by npm run loadtest." }),
});

/**
 * A record name that may hold service labels (`_sip._tls`, `_acme-challenge`, `google._domainkey`):
 * "@", one label, or a full name inside the zone. Whether it lies inside the zone is checked later.
 */
const recordName = z.string().trim().min(1).meta({
  description: 'Record name: "@" for the apex, a name relative to the zone ("_acme-challenge", "_sip._tls", "*.preview"), or a full name inside the zone ("_sip._tls.example.com").',
  examples: ["@", "_github-pages-challenge-example", "_sip._tls.example.com"],
});
const recordTtl = z.number().int().optional().meta({ description: "TTL in seconds (60 to 86400; 30 on Enterprise; 1 for automatic). @default 300" });
const recordComment = z.string().max(60).optional().meta({ description: "Why the record exists; stored with it, after the kit's own note." });
const recordHost = z.string().trim().min(1).meta({ description: "A host name (absolute; a trailing dot is optional).", examples: ["sipdir.online.lync.com"] });
const port = z.number().int().min(0).max(65535);

export const CAA_TAGS = ["issue", "issuewild", "iodef", "issuemail", "issuevmc"] as const;

/**
 * Records that are neither a host nor mail authentication: domain verification, CAA, SRV,
 * subdomain delegation, mail for a subdomain. Each is declared on purpose (DNS-SUBDOMAINS).
 */
export const extraRecordSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("TXT"),
    name: recordName,
    content: z.string().min(1).max(2048).meta({ description: "The text, without quotes; long values are split into 255-character strings by Cloudflare.", examples: ["google-site-verification=abc123"] }),
    ttl: recordTtl,
    comment: recordComment,
  }),
  z.strictObject({ type: z.literal("MX"), name: recordName, content: recordHost, priority: port.meta({ description: "MX preference: lower is tried first." }), ttl: recordTtl, comment: recordComment }),
  z.strictObject({
    type: z.literal("CAA"),
    name: recordName,
    flags: z.union([z.literal(0), z.literal(128)]).default(0).meta({ description: "0, or 128 (critical). @default 0" }),
    tag: z.enum(CAA_TAGS).meta({ description: "issue: who may issue certificates; issuewild: wildcard certificates; iodef: where to report violations." }),
    value: z.string().min(1).max(255).meta({ examples: ["letsencrypt.org", "mailto:security@example.com"] }),
    ttl: recordTtl,
    comment: recordComment,
  }),
  z.strictObject({
    type: z.literal("SRV"),
    name: recordName.meta({ description: "_service._proto, or its full name inside the zone.", examples: ["_sip._tls.example.com"] }),
    priority: port,
    weight: port,
    port,
    target: recordHost,
    ttl: recordTtl,
    comment: recordComment,
  }),
  z.strictObject({ type: z.literal("NS"), name: recordName.meta({ description: "A subdomain delegated to other name servers (never the apex)." }), content: recordHost, ttl: recordTtl, comment: recordComment }),
  z.strictObject({
    type: z.literal("CNAME"),
    name: recordName.meta({ description: "A service or verification name with an underscore label (_acme-challenge, s1._domainkey); web hosts belong in launch-ready:hosts." }),
    content: recordHost,
    ttl: recordTtl,
    comment: recordComment,
  }),
]);

export const ACCESS_SYSTEMS = ["cloudflare", "aws", "email", "pulumi", "hosting", "monitoring", "other"] as const;
export type AccessSystem = (typeof ACCESS_SYSTEMS)[number];

export const handoverSchema = z.strictObject({
  contacts: z
    .array(
      z.strictObject({
        role: z.string().trim().min(2).max(80).meta({ examples: ["Founder, account owner", "On-call engineer"] }),
        name: z.string().trim().min(2).max(80),
        email: z.email(),
        phone: z.string().regex(/^\+?[0-9][0-9 ()-]{5,19}$/, "must be a phone number such as +44 20 7946 0000").optional(),
      }),
    )
    .default([])
    .meta({ description: "Who to call when something breaks, first contact first (OPS-HANDOVER)." }),
  registrar: z
    .strictObject({
      name: z.string().trim().min(2).max(80).meta({ examples: ["Cloudflare Registrar", "Namecheap"] }),
      account: z.string().trim().min(2).max(120).optional().meta({ description: "The login or account ID at the registrar." }),
      owner: z.string().trim().min(2).max(120).meta({ description: "Who holds the registrar account.", examples: ["founder@example.com"] }),
      renews: z.iso.date({ error: "must be a date written YYYY-MM-DD" }).meta({ description: "When the domain registration must be renewed.", examples: ["2027-06-01"] }),
      autoRenew: z.boolean().default(false).meta({ description: "Auto-renew is on, with a card that will still be valid. @default false" }),
    })
    .optional()
    .meta({ description: "Where the domain is registered and when it must be renewed (OPS-HANDOVER)." }),
  access: z
    .array(
      z.strictObject({
        system: z.enum(ACCESS_SYSTEMS).meta({ description: "cloudflare | aws | email (the mail provider) | pulumi (the state backend) | hosting | monitoring | other" }),
        name: z.string().trim().min(2).max(80).meta({ examples: ["AWS production account", "Google Workspace", "Vercel team"] }),
        account: z.string().trim().min(2).max(120).optional().meta({ description: "Account ID, URL or login: never a password or token.", examples: ["123456789012", "s3://example-com-pulumi-state"] }),
        owner: z.string().trim().min(2).max(120).meta({ description: "Who holds the account and can grant access." }),
        notes: z.string().trim().max(300).optional(),
      }),
    )
    .default([])
    .meta({ description: "The access inventory: every account the stack depends on and who owns it (OPS-HANDOVER)." }),
});

/** Every `launch-ready:*` key, without the namespace. */
export const stackConfigSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS).meta({ description: "Which environment this stack is; production gets the strictest defaults and protection." }),
  zone: zoneSchema,
  canonical: canonicalSchema,
  hosts: z.array(hostSchema).min(1, "must declare at least the canonical host").meta({ description: "Every host the product answers on. Nothing else gets a record." }),
  redirects: z.array(redirectSchema).default([]).meta({ description: "Extra redirects (old paths, retired hosts), in the same ruleset as the canonical redirect." }),
  tls: tlsSchema.prefault({}),
  protect: z.boolean().optional().meta({ description: "Protect DNS and zone resources from deletion (OPS-PROTECT). @default true in production" }),
  email: emailSchema.prefault({}).meta({ description: "SPF, DKIM, DMARC and MX from provider presets." }),
  edge: edgeSchema.prefault({}).meta({ description: "Cache, WAF, rate limits, admin protection, security headers and CORS at the Cloudflare edge." }),
  secretStore: secretStoreSchema.prefault({}).meta({ description: "Where the stack's secrets are stored (SEC-STORE)." }),
  secrets: z.array(secretSchema).default([]).meta({ description: "Secrets the app needs, each generated or provided, stored encrypted under the stack's own path." }),
  secretValues: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({ description: "Values of provided secrets, each set with pulumi config set --secret --path 'launch-ready:secretValues.NAME'. Never written in plain text." }),
  monitoring: monitoringSchema.prefault({}).meta({ description: "Uptime checks on what customers touch, alerting a person (MON-UPTIME, MON-DETECT-5MIN, MON-HUMAN)." }),
  performance: performanceSchema.prefault({}).meta({ description: "p95 budgets of core endpoints and the error budget (PERF-P95, PERF-ERRORS, AI-TIMEOUT)." }),
  env: z.array(envVarSchema).default([]).meta({ description: "The environment variables the app needs (the env manifest): npm run check:env checks them, .env.example lists them." }),
  records: z
    .array(extraRecordSchema)
    .default([])
    .meta({ description: "Other records the zone needs (verification TXT, CAA, SRV, delegations, a subdomain's MX), each declared on purpose." }),
  handover: handoverSchema.prefault({}).meta({ description: "Contacts, registrar and access inventory for the generated handover (npm run handover)." }),
  waivers: z.array(waiverSchema).default([]).meta({ description: "Written exceptions to the minimum bar, each with a reason, an owner and an expiry date. Listed in the plan and the handover." }),
});

export type StackConfigFields = z.output<typeof stackConfigSchema>;
export type TlsSettings = z.output<typeof tlsSchema>;
export type Waiver = z.output<typeof waiverSchema>;
export type EdgeFields = z.output<typeof edgeSchema>;
export type EmailFields = z.output<typeof emailSchema>;
export type SecretStoreFields = z.output<typeof secretStoreSchema>;
export type SecretFields = z.output<typeof secretSchema>;
export type EnvVarFields = z.output<typeof envVarSchema>;
export type MonitoringFields = z.output<typeof monitoringSchema>;
export type PerformanceFields = z.output<typeof performanceSchema>;
export type ExtraRecordFields = z.output<typeof extraRecordSchema>;
export type HandoverFields = z.output<typeof handoverSchema>;
