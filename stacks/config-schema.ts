/**
 * The shape of a launch-ready stack file's `launch-ready:*` config, as the user writes it.
 * Field-level rules live here; rules that need several fields at once (names inside the zone,
 * the canonical pair, plan limits) live in ./stack-config.ts.
 */
import { z } from "zod";
import { CLOUDFLARE_PLANS } from "./cloudflare-plans";
import { classifyTarget, toAsciiHostname } from "./hostnames";

export const CONFIG_NAMESPACE = "launch-ready";

export const ENVIRONMENTS = ["development", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const HOST_PURPOSES = ["web", "api", "admin", "docs", "status", "mail", "other"] as const;
export type HostPurpose = (typeof HOST_PURPOSES)[number];

/**
 * Purposes whose traffic must pass Cloudflare's proxy (DNS-PROXIED). Docs and status pages are
 * usually third-party hosted (a status page provider, a docs platform) that refuses proxied
 * traffic, and mail must never be proxied, so those default to DNS-only.
 */
export const PROXIED_BY_DEFAULT: ReadonlySet<HostPurpose> = new Set(["web", "api", "admin"]);

export const SSL_MODES = ["off", "flexible", "full", "strict"] as const;
export const TLS_VERSIONS = ["1.0", "1.1", "1.2", "1.3"] as const;
export const REDIRECT_STATUSES = [301, 302, 307, 308] as const;
export const CANONICAL_REDIRECT_STATUSES = [301, 308] as const;

const HEX32 = /^[0-9a-f]{32}$/;

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
  maxAge: z.number().int().min(0).default(31536000).meta({ description: "Seconds browsers remember HTTPS-only. @default 31536000 (1 year, TLS-HSTS)" }),
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

/** Every `launch-ready:*` key, without the namespace. */
export const stackConfigSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS).meta({ description: "Which environment this stack is; production gets the strictest defaults and protection." }),
  zone: zoneSchema,
  canonical: canonicalSchema,
  hosts: z.array(hostSchema).min(1, "must declare at least the canonical host").meta({ description: "Every host the product answers on. Nothing else gets a record." }),
  redirects: z.array(redirectSchema).default([]).meta({ description: "Extra redirects (old paths, retired hosts), in the same ruleset as the canonical redirect." }),
  tls: tlsSchema.prefault({}),
  protect: z.boolean().optional().meta({ description: "Protect DNS and zone resources from deletion (OPS-PROTECT). @default true in production" }),
  waivers: z.array(waiverSchema).default([]).meta({ description: "Written exceptions to the minimum bar, each with a reason, an owner and an expiry date. Listed in the plan and the handover." }),
});

export type StackConfigFields = z.output<typeof stackConfigSchema>;
export type TlsSettings = z.output<typeof tlsSchema>;
export type Waiver = z.output<typeof waiverSchema>;
