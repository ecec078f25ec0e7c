/** The stack file's edge: rate-limited endpoints, cache, admin protection, CORS, headers, WAF and DDoS. */
import "../zod-locales";
import { z } from "zod";
import { FRAME_OPTIONS, STRICT_REFERRER_POLICIES } from "../../domain/http-security";
import {
  LIMITING_ACTIONS,
  RATE_LIMIT_PERIODS,
  RATE_LIMIT_TIMEOUTS,
  ZONE_PLAN_LIMITS,
  ZONE_PLANS,
  type RateLimitLimits,
} from "../../domain/cloudflare/zone-plans";
import { SBFM_ACTIONS } from "../../domain/cloudflare/bot-protection";
import { WEBHOOK_SENDER_IDS } from "../../domain/webhook-senders";
import { hostName, ipOrCidr, pathPrefix } from "./common";

export const ENDPOINT_KINDS = ["login", "signup", "password-reset", "webhook", "ai", "other"] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];
/** The kinds every product has, so EDGE-RATE-LIMIT wants each declared; ai and other are limited where declared. */
export const REQUIRED_ENDPOINT_KINDS = ["login", "signup", "password-reset", "webhook"] as const satisfies readonly EndpointKind[];

/** "free: 10; pro: 10, 60; ...", for descriptions: what each plan takes. */
function perPlan(values: (limits: RateLimitLimits) => readonly number[]): string {
  return ZONE_PLANS.map((plan) => `${plan} ${values(ZONE_PLAN_LIMITS[plan].rateLimit).join(", ")}`).join("; ");
}

const endpointKind = z.enum(ENDPOINT_KINDS).meta({
  description:
    "What the endpoint does: login, signup, password-reset and webhook are each wanted (EDGE-RATE-LIMIT); ai for an endpoint whose every call costs money (a model call); other for any other abuse-prone endpoint.",
});

/** An endpoint the zone's own rate-limit rules limit. */
export const limitedEndpointSchema = z.strictObject({
  kind: endpointKind,
  host: hostName.meta({ description: "Declared host serving it.", examples: ["api"] }),
  path: pathPrefix.meta({ description: "Exact request path.", examples: ["/auth/login"] }),
  requests: z.number().int().min(1).meta({ description: "Requests per period from one IP before the action applies." }),
  period: z
    .literal(RATE_LIMIT_PERIODS)
    .meta({ description: `Counting period in seconds, as the zone's plan takes it: ${perPlan((limits) => limits.periods)}.` }),
  timeout: z
    .literal(RATE_LIMIT_TIMEOUTS)
    .optional()
    .meta({
      description: `How long the action lasts once the rate is reached, in seconds, as the zone's plan takes it for block: ${perPlan((limits) => limits.timeouts)}. A challenge action below Enterprise only throttles, so its timeout is 0. @default the period, or 0 for a challenge below Enterprise`,
    }),
  action: z.enum(LIMITING_ACTIONS).default("block").meta({
    description:
      "block answers 429; managed_challenge, js_challenge and challenge ask a browser to prove itself (and below Enterprise throttle only what is over the rate). @default block",
  }),
  sender: z
    .union([
      z.enum(WEBHOOK_SENDER_IDS),
      z.strictObject({
        name: z
          .string()
          .trim()
          .min(2)
          .max(60)
          .meta({ examples: ["Paddle"] }),
        userAgent: z.string().trim().min(3).max(200).meta({ description: "The User-Agent its deliveries carry." }),
      }),
    ])
    .optional()
    .meta({
      description: `Webhooks only: who sends them, so npm run verify sends a request shaped like theirs (EDGE-BOTS): ${WEBHOOK_SENDER_IDS.join(", ")}, or another sender's name and User-Agent.`,
      examples: ["stripe"],
    }),
});

/** An endpoint another provider serves and limits (an auth provider's signup, a payment provider's webhook relay). */
export const externalEndpointSchema = z.strictObject({
  kind: endpointKind,
  external: z
    .strictObject({
      provider: z
        .string()
        .trim()
        .min(2)
        .max(60)
        .meta({ description: "Who serves the endpoint and limits it.", examples: ["Supabase", "Clerk", "Auth0", "Firebase"] }),
      url: z.url({ protocol: /^https$/, error: "must be the endpoint's absolute https:// URL" }).meta({
        description: "Where the provider serves it.",
        examples: ["https://xyz.supabase.co/auth/v1/signup"],
      }),
      limits: z
        .string()
        .trim()
        .min(10, "must say what limits it and where that is set, in at least 10 characters")
        .meta({
          description: "What limits it and where a person checks or changes that.",
          examples: ["Supabase Auth rate limits, dashboard > Auth > Rate Limits"],
        }),
    })
    .meta({ description: "Served by another provider, whose limits cover it: EDGE-RATE-LIMIT counts it as covered, no Cloudflare rule needed." }),
});

export const endpointSchema = z.union([limitedEndpointSchema, externalEndpointSchema]);
export type LimitedEndpointFields = z.output<typeof limitedEndpointSchema>;

export const adminProtectionSchema = z.strictObject({
  host: hostName.meta({ description: "Declared host to protect.", examples: ["admin"] }),
  path: pathPrefix.optional().meta({ description: "Only this path prefix (e.g. /admin/ on the web host); omit for the whole host." }),
  protection: z.enum(["challenge", "allowlist", "access"]).default("challenge").meta({
    description:
      "challenge: a managed challenge for everyone; allowlist: block all but allowIps; access: Cloudflare Access sign-in for allowEmails / allowEmailDomains. @default challenge",
  }),
  allowIps: z.array(ipOrCidr).default([]).meta({ description: "Addresses or ranges let through (allowlist only)." }),
  allowEmails: z.array(z.email()).default([]).meta({ description: "People who may sign in (access only)." }),
  allowEmailDomains: z
    .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be a domain such as example.com"))
    .default([])
    .meta({ description: "Email domains whose people may sign in (access only)." }),
});

export const edgeSchema = z.strictObject({
  cache: z
    .strictObject({
      staticExtensions: z
        .array(z.string().regex(/^[a-z0-9]+$/, "must be a lower-case file extension without the dot"))
        .default(["css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "woff", "woff2", "ttf", "otf"]),
      staticPathPrefixes: z.array(pathPrefix).default(["/assets/", "/static/", "/_next/static/"]),
      edgeTtl: z
        .number()
        .int()
        .min(60)
        .max(31536000)
        .default(2592000)
        .meta({ description: "Seconds Cloudflare keeps a static asset. @default 2592000 (30 days)" }),
      browserTtl: z.number().int().min(0).max(31536000).default(86400).meta({ description: "Seconds a browser keeps it. @default 86400 (1 day)" }),
      privatePathPrefixes: z
        .array(pathPrefix)
        .default(["/api/", "/auth/", "/admin/", "/account/"])
        .meta({ description: "Paths never cached on any host (EDGE-CACHE-PRIVATE)." }),
      sessionCookies: z
        .array(z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be a cookie name"))
        .default(["session"])
        .meta({ description: "Cookies that mark a signed-in request; such requests bypass the cache." }),
      verifyAsset: pathPrefix.optional().meta({
        description: "A real static asset on the canonical host that npm run verify fetches to see it cached (EDGE-CACHE-STATIC).",
        examples: ["/assets/app.css"],
      }),
    })
    .prefault({}),
  endpoints: z.array(endpointSchema).default([]).meta({
    description:
      "Abuse-prone endpoints (login, signup, password reset, webhooks, AI calls), each rate limited per IP by the zone, or external: limited by the provider that serves it.",
  }),
  admin: z
    .array(adminProtectionSchema)
    .default([])
    .meta({ description: "How admin surfaces are protected. Hosts of purpose admin not listed get a managed challenge." }),
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
  waf: z
    .strictObject({ managed: z.boolean().default(true).meta({ description: "Deploy Cloudflare's managed WAF rulesets the plan includes. @default true" }) })
    .prefault({}),
  bots: z
    .strictObject({
      fightMode: z.boolean().default(false).meta({
        description:
          "Bot Fight Mode, the Free plan's bot product. No rule can skip it, so it challenges webhook senders too: EDGE-BOTS refuses it while the stack declares webhooks. @default false",
      }),
      superBotFightMode: z
        .strictObject({
          definitelyAutomated: z.enum(SBFM_ACTIONS).meta({ description: "What Super Bot Fight Mode does with definitely automated traffic (bot score 1)." }),
          likelyAutomated: z
            .enum(SBFM_ACTIONS)
            .optional()
            .meta({ description: "What it does with likely automated traffic (bot score 2-29); Business and Enterprise only. @default allow" }),
        })
        .optional()
        .meta({ description: "Super Bot Fight Mode (Pro and up); the kit skips it on every declared webhook endpoint with a WAF custom rule." }),
    })
    .optional()
    .meta({
      description:
        "The zone's bot posture (EDGE-BOTS), declared so webhook senders are never challenged: Bot Fight Mode on or off, or Super Bot Fight Mode with a skip rule for webhooks. Omit to leave Cloudflare's dashboard setting as it is.",
    }),
  ddos: z
    .strictObject({
      sensitivity: z.enum(["default", "medium", "low", "eoff"]).meta({ description: "HTTP DDoS sensitivity; production may not lower it below default." }),
    })
    .optional()
    .meta({ description: "Override Cloudflare's HTTP DDoS protection; omit to keep Cloudflare's defaults (recommended)." }),
});

export type EdgeFields = z.output<typeof edgeSchema>;
