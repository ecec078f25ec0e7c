/**
 * The stack file's site: the zone, its hosts and redirects, TLS, the other records and the
 * waivers. Field-level rules only; what needs several fields is resolved in ../stack-config.ts.
 */
import "../zod-locales";
import { z } from "zod";
import { ZONE_PLANS } from "../../domain/cloudflare/zone-plans";
import { HSTS_MIN_MAX_AGE } from "../../domain/http-security";
import { CAA_DOMAINS } from "../../domain/cloudflare/certificate-authorities";
import { iodefProblem } from "../../domain/caa";
import { HOSTING_PLATFORMS } from "../../domain/hosting/platforms";
import { HEX32, STACK_NAME, hostName, recordTarget, zoneDomain } from "./common";

export const HOST_PURPOSES = ["web", "api", "admin", "docs", "status", "mail", "other"] as const;
export type HostPurpose = (typeof HOST_PURPOSES)[number];

/**
 * Purposes whose traffic must pass Cloudflare's proxy (DNS-PROXIED). Docs and status pages are
 * usually third-party hosted (a status page provider, a docs platform) that refuses proxied
 * traffic, and mail must never be proxied, so those default to DNS-only.
 */
export const PROXIED_BY_DEFAULT: ReadonlySet<HostPurpose> = new Set(["web", "api", "admin"]);

/** Hosts the product's own app serves, whose requests its own logs hold (OPS-REQUEST-ID); docs and status pages are another provider's. */
export const APP_PURPOSES: ReadonlySet<HostPurpose> = new Set(["web", "api", "admin"]);

/** Hosts whose every answer is private or personal: never cached at the edge (EDGE-CACHE-PRIVATE). */
export const PRIVATE_PURPOSES: ReadonlySet<HostPurpose> = new Set(["api", "admin"]);

export const SSL_MODES = ["off", "flexible", "full", "strict"] as const;
export const TLS_VERSIONS = ["1.0", "1.1", "1.2", "1.3"] as const;
export const REDIRECT_STATUSES = [301, 302, 307, 308] as const;
export const CANONICAL_REDIRECT_STATUSES = [301, 308] as const;

/** YAML reads `1.2` as a number; a TLS version is a string to Cloudflare, so both spellings are accepted. */
const tlsVersion = z.preprocess((value) => (typeof value === "number" ? value.toFixed(1) : value), z.enum(TLS_VERSIONS));

export const zoneSchema = z
  .strictObject({
    domain: zoneDomain.meta({
      description:
        "The registered domain the Cloudflare zone serves (IDN allowed); with owner, this stack's own subdomain of it, which its names are relative to.",
      examples: ["example.com", "staging.example.com"],
    }),
    zoneId: z
      .string()
      .regex(HEX32, "must be the 32-character hex zone ID from the zone's Overview page in the Cloudflare dashboard")
      .meta({
        description: "Cloudflare zone ID (dashboard: the zone's Overview page, API section).",
        examples: ["023e105f4ecef8ad9ca31a8372d0c353"],
      }),
    accountId: z
      .string()
      .regex(HEX32, "must be the 32-character hex account ID from the zone's Overview page in the Cloudflare dashboard")
      .meta({
        description: "Cloudflare account ID that owns the zone.",
        examples: ["372e67954025e0ba6aaa6d586b9e0b59"],
      }),
    plan: z.enum(ZONE_PLANS).meta({ description: "The zone's Cloudflare plan; rule counts are checked against it." }),
    recordQuota: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({
        description:
          "How many DNS records Cloudflare lets this zone hold, when it is not the plan's default (a Free zone created before 2024-09-01 holds 1,000; an Enterprise account's quota as the account team set it). The stacks of the zone together are held to it. @default the plan's: free 200, pro and business 3,500, enterprise 1,000,000",
        examples: [1000],
      }),
    owner: z
      .string()
      .regex(STACK_NAME, "must be the name of another stack of this project, as in its file name Pulumi.<name>.yaml")
      .optional()
      .meta({
        description:
          "Set when this stack lives in another stack's zone (staging.example.com beside production): the name of the stack that owns the zone. The owner manages everything zone-wide (zone settings, each phase's entrypoint ruleset, the apex's mail records, the canonical apex/www redirect) and carries this stack's edge rules, scoped to its hosts; this stack manages only its own records. Its domain is then a subdomain of the owner's. @default this stack owns its zone",
        examples: ["prod"],
      }),
    dnssec: z.boolean().optional().meta({
      description:
        "Sign the zone with DNSSEC (DNS-DNSSEC): Cloudflare signs every answer and publishes the DS record the registrar must add (the handover shows it; Cloudflare Registrar adds it itself). Turning it off later needs the DS removed at the registrar first. Zone-wide: with owner, the owning stack decides. @default true",
    }),
    edgeCertificate: z.enum(["universal", "advanced"]).optional().meta({
      description:
        "With owner: the edge certificate for this stack's names. Universal SSL covers the zone's apex and one label below it (staging.example.com), not api.staging.example.com; advanced has the owner order an advanced certificate for <domain> and *.<domain> (Advanced Certificate Manager, a paid add-on on every plan). @default universal",
    }),
  })
  .meta({ description: "The Cloudflare zone this stack manages, or lives in when another stack owns it (owner)." });

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
  platform: z
    .enum(HOSTING_PLATFORMS)
    .optional()
    .meta({
      description:
        "The platform serving the host. Its documented targets are checked, it decides the proxy default (Vercel, Netlify and Railway DNS-only, Cloudflare Pages proxied), and its ownership TXT (verification) is planned at its documented name. @default none: any target, no checks",
      examples: ["vercel", "fly"],
    }),
  verification: z
    .string()
    .trim()
    .min(1)
    .max(2048)
    .optional()
    .meta({
      description:
        "With platform: the ownership TXT value the platform's dashboard shows for this host (Vercel, Fly.io, Railway, Netlify), planned at the name the platform documents.",
      examples: ["vc-domain-verify=www.example.com,9b1f3c2a7d", "app-4k2j9x1q", "railway-verify=0f3a9c"],
    }),
  proxied: z
    .boolean()
    .optional()
    .meta({ description: "Route through Cloudflare's proxy. @default the platform's default, else true for web, api and admin; false otherwise." }),
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

/** The zone's CAA records (TLS-CAA): the kit writes Cloudflare's edge CAs, these and the iodef at the apex. */
export const caaSchema = z.strictObject({
  authorities: z
    .array(z.enum(CAA_DOMAINS))
    .refine((list) => new Set(list).size === list.length, "names a CA twice; keep one")
    .default([])
    .meta({
      description:
        "CAA domains of the CAs that issue certificates for the zone's names besides Cloudflare's edge (a DNS-only host's platform, an origin certificate for Full (strict), a mail server), e.g. letsencrypt.org for Vercel, Fly.io or Render. Cloudflare's edge CAs are always written. @default []",
      examples: [["letsencrypt.org"]],
    }),
  iodef: z
    .string()
    .superRefine((value, context) => {
      const problem = iodefProblem(value);
      if (problem) context.addIssue({ code: "custom", message: problem });
    })
    .meta({
      description: "Where CAs report a refused certificate request (RFC 8659 4.4): a mailto: or https: URL.",
      examples: ["mailto:security@example.com"],
    }),
});

export const tlsSchema = z.strictObject({
  ssl: z.enum(SSL_MODES).default("strict").meta({ description: "Cloudflare SSL/TLS encryption mode. @default strict (TLS-STRICT)" }),
  minTlsVersion: tlsVersion.default("1.2").meta({ description: 'Lowest TLS version accepted at the edge. @default "1.2" (TLS-VERSION)' }),
  tls13: z.enum(["on", "off", "zrt"]).default("on").meta({ description: "TLS 1.3 at the edge (zrt adds 0-RTT). @default on" }),
  alwaysUseHttps: z.boolean().default(true).meta({ description: "Redirect http:// to https:// on every host. @default true (TLS-HTTPS-ONLY)" }),
  automaticHttpsRewrites: z.boolean().default(true).meta({ description: "Rewrite http:// links in HTML to https://. @default true" }),
  hsts: hstsSchema.prefault({}),
  caa: caaSchema
    .optional()
    .meta({ description: "The zone's CAA records: which CAs may issue certificates for its names, and where they report refusals (TLS-CAA)." }),
});

export const canonicalSchema = z.strictObject({
  host: z.enum(["apex", "www"]).meta({ description: "Which of the apex and www is the one true host; the other redirects to it (DNS-CANONICAL)." }),
  status: z.literal(CANONICAL_REDIRECT_STATUSES).default(301).meta({ description: "Status of the canonical redirect. @default 301" }),
});

export const waiverSchema = z.strictObject({
  id: z.string().meta({ description: "The bar ID waived, as in minimum-bar.md.", examples: ["DNS-SUBDOMAINS"] }),
  reason: z.string().trim().min(10, "must say why, in at least 10 characters").meta({ description: "Why the bar does not apply or cannot be met yet." }),
  owner: z
    .string()
    .trim()
    .min(2)
    .meta({ description: "Who answers for it.", examples: ["cto@example.com"] }),
  expires: z.iso
    .date({ error: "must be a date written YYYY-MM-DD" })
    .meta({ description: "The day the waiver ends; after it, the item fails again.", examples: ["2027-03-31"] }),
  target: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({
      description:
        "What the waiver covers, when not every failure of the ID: a config path (edge.endpoints[2], hosts[4]), a host or record name (admin.example.com), an endpoint (api.example.com/auth/login) or an endpoint kind (signup). It must name something the stack declares. @default every failure of the ID",
      examples: ["edge.endpoints[2]", "admin.example.com", "api.example.com/webhooks/stripe", "signup"],
    }),
});

/**
 * A record name that may hold service labels (`_sip._tls`, `_acme-challenge`, `google._domainkey`):
 * "@", one label, or a full name inside the zone. Whether it lies inside the zone is checked later.
 */
const recordName = z
  .string()
  .trim()
  .min(1)
  .meta({
    description:
      'Record name: "@" for the apex, a name relative to the zone as in a zone file ("_acme-challenge", "_sip._tls", "send.mail", "*.preview"), or a full name inside the zone ("_sip._tls.example.com").',
    examples: ["@", "_github-pages-challenge-example", "_sip._tls.example.com"],
  });
const recordTtl = z.number().int().optional().meta({ description: "TTL in seconds (60 to 86400; 30 on Enterprise; 1 for automatic). @default 300" });
const recordComment = z.string().max(60).optional().meta({ description: "Why the record exists; stored with it, after the kit's own note." });
const recordHost = z
  .string()
  .trim()
  .min(1)
  .meta({ description: "A host name (absolute; a trailing dot is optional).", examples: ["sipdir.online.lync.com"] });
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
    content: z
      .string()
      .min(1)
      .max(2048)
      .meta({
        description: "The text, without quotes; long values are split into 255-character strings by Cloudflare.",
        examples: ["google-site-verification=abc123"],
      }),
    ttl: recordTtl,
    comment: recordComment,
  }),
  z.strictObject({
    type: z.literal("MX"),
    name: recordName,
    content: recordHost,
    priority: port.meta({ description: "MX preference: lower is tried first." }),
    ttl: recordTtl,
    comment: recordComment,
  }),
  z.strictObject({
    type: z.literal("CAA"),
    name: recordName,
    flags: z
      .union([z.literal(0), z.literal(128)])
      .default(0)
      .meta({ description: "0, or 128 (critical). @default 0" }),
    tag: z.enum(CAA_TAGS).meta({ description: "issue: who may issue certificates; issuewild: wildcard certificates; iodef: where to report violations." }),
    value: z
      .string()
      .min(1)
      .max(255)
      .meta({ examples: ["letsencrypt.org", "mailto:security@example.com"] }),
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
  z.strictObject({
    type: z.literal("NS"),
    name: recordName.meta({ description: "A subdomain delegated to other name servers (never the apex)." }),
    content: recordHost,
    ttl: recordTtl,
    comment: recordComment,
  }),
  z.strictObject({
    type: z.literal("CNAME"),
    name: recordName.meta({
      description: "A service or verification name with an underscore label (_acme-challenge, s1._domainkey); web hosts belong in launch-ready:hosts.",
    }),
    content: recordHost,
    ttl: recordTtl,
    comment: recordComment,
  }),
]);

export type TlsSettings = z.output<typeof tlsSchema>;
/** TLS settings as written: every field optional, defaulting to the bar's value. */
export type TlsSettingsInput = z.input<typeof tlsSchema>;
export type Waiver = z.output<typeof waiverSchema>;
export type ExtraRecordFields = z.output<typeof extraRecordSchema>;
