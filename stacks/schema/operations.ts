/** The stack file's operations: uptime monitors, performance budgets and the handover's people and accounts. */
import "../zod-locales";
import { z } from "zod";
import { HEADER_NAME } from "../../domain/request-ids";
import { pathPrefix, variableName } from "./common";
import { ROUTE53_SEARCH_BYTES } from "../../domain/aws";

export const MONITOR_KINDS = ["homepage", "login", "api-health", "webhook", "status", "other"] as const;
export type MonitorKind = (typeof MONITOR_KINDS)[number];
export const MONITOR_PROVIDERS = ["aws", "cloudflare", "checkly"] as const;

export const monitorCheckSchema = z.strictObject({
  kind: z.enum(MONITOR_KINDS).meta({ description: "What the check watches; checks of a kind replace the kit's default checks of that kind." }),
  url: z.url({ protocol: /^https$/, error: "must be an absolute https:// URL" }).meta({ examples: ["https://app.example.com/login"] }),
  search: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: `Text the answer must contain (Route 53 reads the first ${ROUTE53_SEARCH_BYTES.toLocaleString("en-US")} bytes).` }),
});

/** The bar's error-rate alarm (MON-LATENCY): more than 2 % failing over 5 minutes alerts. */
export const BAR_ERROR_RATE_PERCENT = 2;
export const BAR_ERROR_WINDOW_MINUTES = 5;

export const latencyAlarmsSchema = z
  .strictObject({
    errorRatePercent: z
      .number()
      .gt(0)
      .max(100)
      .default(BAR_ERROR_RATE_PERCENT)
      .meta({
        description: `Share of failing probe requests that raises the error-rate alarm (MON-LATENCY wants at most ${BAR_ERROR_RATE_PERCENT}). @default ${BAR_ERROR_RATE_PERCENT}`,
      }),
    errorWindowMinutes: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(BAR_ERROR_WINDOW_MINUTES)
      .meta({
        description: `Minutes the error rate is measured over (MON-LATENCY wants at most ${BAR_ERROR_WINDOW_MINUTES}). @default ${BAR_ERROR_WINDOW_MINUTES}`,
      }),
    probes: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be the name of an endpoint in launch-ready:performance.endpoints"),
        z.url({ protocol: /^https$/, error: "must be an absolute https:// URL" }),
      )
      .default({})
      .meta({
        description:
          "Per core endpoint name, a GET URL the alarms request in its place: Route 53 sends only GET, so a write or AI endpoint needs one that runs the same path (a dry run). @default the endpoint's own URL",
        examples: [{ "create-project": "https://api.example.com/v1/projects/dry-run" }],
      }),
  })
  .meta({ description: "Latency and error-rate alarms on each core endpoint of launch-ready:performance, and the stack's dashboard (MON-LATENCY)." });

export const monitoringSchema = z.strictObject({
  enabled: z.boolean().default(true).meta({ description: "Create monitors; false leaves MON-* failing (advisory in development, or waived). @default true" }),
  provider: z.enum(MONITOR_PROVIDERS).default("aws").meta({
    description:
      "aws: Route 53 health checks, CloudWatch alarms and SNS; cloudflare: Cloudflare Health Checks and Notifications (Pro plan and above); checkly: Checkly API checks and alert channels (no AWS account, any Cloudflare plan). @default aws",
  }),
  alerts: z
    .strictObject({
      emails: z
        .array(z.email())
        .default([])
        .meta({ description: "People alerted on ALARM and on recovery; each confirms the subscription email once (MON-HUMAN)." }),
      chatWebhookSecret: variableName
        .optional()
        .meta({ description: "A provided secret in launch-ready:secrets holding a chat webhook URL (Slack, Teams), also alerted." }),
    })
    .prefault({}),
  intervalSeconds: z.number().int().min(10).default(30).meta({
    description:
      "Seconds between checks: 10 or 30 on AWS; Cloudflare's plan sets the floor; a Checkly frequency on Checkly (10, 20, 30, 60, 300, ...). @default 30",
  }),
  failureThreshold: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(3)
    .meta({ description: "Failed checks in a row before the monitor is down (at most 5 on Checkly). @default 3" }),
  regions: z.array(z.string()).optional().meta({
    description: "Where checks run from: Route 53 regions (at least 3), Cloudflare region codes or Checkly locations. @default the provider's default set",
  }),
  measureLatency: z.boolean().default(true).meta({ description: "Record latency graphs (AWS). @default true" }),
  apiHealthPath: pathPrefix.default("/health").meta({ description: "Path of every API host's health endpoint. @default /health" }),
  checks: z.array(monitorCheckSchema).default([]).meta({ description: "Checks that replace the defaults of their kind, or add others (kind other)." }),
  skip: z.array(z.enum(MONITOR_KINDS)).default([]).meta({ description: "Default kinds not to monitor; MON-UPTIME fails for them unless waived." }),
  latency: latencyAlarmsSchema.prefault({}),
});

export const ENDPOINT_BUDGET_KINDS = ["read", "write", "ai"] as const;
export type EndpointBudgetKind = (typeof ENDPOINT_BUDGET_KINDS)[number];

export const performanceSchema = z.strictObject({
  stage: z
    .enum(["prototype", "launch"])
    .default("launch")
    .meta({ description: "prototype may hold non-AI endpoints to 500 ms; launch holds reads to 300 ms and writes to 800 ms. @default launch" }),
  errorBudgetPercent: z
    .number()
    .min(0)
    .max(100)
    .default(1)
    .meta({ description: "Share of non-2xx/3xx answers a burst may see (PERF-ERRORS wants under 1). @default 1" }),
  endpoints: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/, "must be a short lower-case name such as list-projects")
          .meta({ description: "Names the endpoint in reports." }),
        url: z.url({ protocol: /^https$/, error: "must be an absolute https:// URL" }),
        method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
        body: z.string().max(10_000).optional().meta({ description: "Request body for a write (JSON text); no secrets: it is committed." }),
        kind: z.enum(ENDPOINT_BUDGET_KINDS).meta({ description: "read, write (or bulk) or ai: decides the bar's p95 budget." }),
        p95Ms: z.number().int().min(1).optional().meta({ description: "The p95 budget in ms. @default the bar's for its kind and stage" }),
        timeoutMs: z
          .number()
          .int()
          .min(1)
          .optional()
          .meta({ description: "AI endpoints: how long the app waits for the model before falling back (AI-TIMEOUT)." }),
        fallback: z.string().trim().min(3).optional().meta({ description: "AI endpoints: what the app answers when the model is slow or down (AI-TIMEOUT)." }),
      }),
    )
    .default([])
    .meta({ description: "Core endpoints with p95 budgets (PERF-P95), measured by npm run loadtest." }),
});

export const ACCESS_SYSTEMS = ["cloudflare", "aws", "email", "pulumi", "hosting", "monitoring", "other"] as const;
export type AccessSystem = (typeof ACCESS_SYSTEMS)[number];

export const handoverSchema = z.strictObject({
  contacts: z
    .array(
      z.strictObject({
        role: z
          .string()
          .trim()
          .min(2)
          .max(80)
          .meta({ examples: ["Founder, account owner", "On-call engineer"] }),
        name: z.string().trim().min(2).max(80),
        email: z.email(),
        phone: z
          .string()
          .regex(/^\+?[0-9][0-9 ()-]{5,19}$/, "must be a phone number such as +44 20 7946 0000")
          .optional(),
      }),
    )
    .default([])
    .meta({ description: "Who to call when something breaks, first contact first (OPS-HANDOVER)." }),
  registrar: z
    .strictObject({
      name: z
        .string()
        .trim()
        .min(2)
        .max(80)
        .meta({ examples: ["Cloudflare Registrar", "Namecheap"] }),
      account: z.string().trim().min(2).max(120).optional().meta({ description: "The login or account ID at the registrar." }),
      owner: z
        .string()
        .trim()
        .min(2)
        .max(120)
        .meta({ description: "Who holds the registrar account.", examples: ["founder@example.com"] }),
      renews: z.iso
        .date({ error: "must be a date written YYYY-MM-DD" })
        .meta({ description: "When the domain registration must be renewed.", examples: ["2027-06-01"] }),
      autoRenew: z.boolean().default(false).meta({ description: "Auto-renew is on, with a card that will still be valid. @default false" }),
    })
    .optional()
    .meta({ description: "Where the domain is registered and when it must be renewed (OPS-HANDOVER)." }),
  access: z
    .array(
      z.strictObject({
        system: z
          .enum(ACCESS_SYSTEMS)
          .meta({ description: "cloudflare | aws | email (the mail provider) | pulumi (the state backend) | hosting | monitoring | other" }),
        name: z
          .string()
          .trim()
          .min(2)
          .max(80)
          .meta({ examples: ["AWS production account", "Google Workspace", "Vercel team"] }),
        account: z
          .string()
          .trim()
          .min(2)
          .max(120)
          .optional()
          .meta({ description: "Account ID, URL or login: never a password or token.", examples: ["123456789012", "s3://example-com-pulumi-state"] }),
        owner: z.string().trim().min(2).max(120).meta({ description: "Who holds the account and can grant access." }),
        notes: z.string().trim().max(300).optional(),
      }),
    )
    .default([])
    .meta({ description: "The access inventory: every account the stack depends on and who owns it (OPS-HANDOVER)." }),
  logs: z
    .strictObject({
      where: z
        .string()
        .trim()
        .min(10, "must say where a person reads the app's request logs, in at least 10 characters")
        .max(300)
        .meta({
          description: "Where the app's request logs are read: the hosting provider's log view or the log service.",
          examples: ["Vercel dashboard > Project > Logs", "fly logs -a example-api, or Grafana > Explore > Loki"],
        }),
      url: z
        .url({ protocol: /^https$/, error: "must be the log view's https:// URL" })
        .optional()
        .meta({ description: "A link to that log view." }),
      requestIdHeader: z
        .string()
        .regex(HEADER_NAME, "must be an HTTP header name such as X-Request-ID")
        .optional()
        .meta({
          description:
            "The header the app itself sets on every answer and writes in each log line. Needed for the app's DNS-only hosts, where Cloudflare adds no CF-Ray; on proxied hosts the CF-Ray Cloudflare adds is enough.",
          examples: ["X-Request-ID"],
        }),
    })
    .optional()
    .meta({ description: "Where one failed request is found in the logs, by its CF-Ray or the app's own request ID (OPS-REQUEST-ID)." }),
  securityTxt: z
    .strictObject({
      expires: z.iso.date({ error: "must be a date written YYYY-MM-DD" }).meta({
        description: "The day the file stops being valid (its Expires, RFC 9116 2.5.5): less than a year ahead; renew it before then.",
        examples: ["2027-06-30"],
      }),
      policy: z
        .url({ protocol: /^https$/ })
        .optional()
        .meta({ description: "A page saying how reports are handled (Policy).", examples: ["https://www.example.com/security"] }),
      preferredLanguages: z
        .array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a language tag such as en or de-CH"))
        .default([])
        .meta({ description: "Languages reports may be written in (Preferred-Languages). @default []" }),
    })
    .optional()
    .meta({
      description:
        "security.txt on the canonical host (OPS-SECURITY-TXT, RFC 9116), served by the kit's edge Worker: Contact is each handover contact's email, Expires this date.",
    }),
});

export type MonitoringFields = z.output<typeof monitoringSchema>;
export type PerformanceFields = z.output<typeof performanceSchema>;
export type HandoverFields = z.output<typeof handoverSchema>;
