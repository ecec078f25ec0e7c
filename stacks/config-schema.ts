/**
 * The shape of a launch-ready stack file's `launch-ready:*` config, as the user writes it: the
 * sections (./schema/) composed into one schema. Field-level rules live in the sections; rules that
 * need several fields at once (names inside the zone, the canonical pair, plan limits) live in
 * ./stack-config.ts.
 */
import "./zod-locales";
import { z } from "zod";
import { ENVIRONMENTS } from "../domain/bar/weighing";
import { edgeSchema } from "./schema/edge";
import { emailSchema } from "./schema/email";
import { handoverSchema, monitoringSchema, performanceSchema } from "./schema/operations";
import { envVarSchema, secretSchema, secretStoreSchema } from "./schema/secrets";
import { canonicalSchema, extraRecordSchema, hostSchema, redirectSchema, tlsSchema, waiverSchema, zoneSchema } from "./schema/site";

export const CONFIG_NAMESPACE = "launch-ready";

/** Every `launch-ready:*` key, without the namespace. */
export const stackConfigSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS).meta({ description: "Which environment this stack is; production gets the strictest defaults and protection." }),
  zone: zoneSchema,
  canonical: canonicalSchema.optional().meta({
    description:
      'Which of the apex and www is the one true host (DNS-CANONICAL). Required when the stack owns its zone; a stack in another stack\'s zone (zone.owner) may leave it out, and its domain ("@") is then its one host.',
  }),
  hosts: z
    .array(hostSchema)
    .min(1, "must declare at least the canonical host")
    .meta({ description: "Every host the product answers on. Nothing else gets a record." }),
  redirects: z
    .array(redirectSchema)
    .default([])
    .meta({ description: "Extra redirects (old paths, retired hosts), in the same ruleset as the canonical redirect." }),
  tls: tlsSchema.prefault({}),
  protect: z.boolean().optional().meta({ description: "Protect DNS and zone resources from deletion (OPS-PROTECT). @default true in production" }),
  email: emailSchema.prefault({}).meta({ description: "SPF, DKIM, DMARC and MX from provider presets." }),
  edge: edgeSchema.prefault({}).meta({ description: "Cache, WAF, rate limits, admin protection, security headers and CORS at the Cloudflare edge." }),
  secretStore: secretStoreSchema.prefault({}).meta({ description: "Where the stack's secrets are stored (SEC-STORE)." }),
  secrets: z
    .array(secretSchema)
    .default([])
    .meta({ description: "Secrets the app needs, each generated or provided, stored encrypted under the stack's own path." }),
  secretValues: z.record(z.string(), z.unknown()).optional().meta({
    description: "Values of provided secrets, each set with pulumi config set --secret --path 'launch-ready:secretValues.NAME'. Never written in plain text.",
  }),
  monitoring: monitoringSchema
    .prefault({})
    .meta({ description: "Uptime checks on what customers touch, alerting a person (MON-UPTIME, MON-DETECT-5MIN, MON-HUMAN)." }),
  performance: performanceSchema.prefault({}).meta({ description: "p95 budgets of core endpoints and the error budget (PERF-P95, PERF-ERRORS, AI-TIMEOUT)." }),
  env: z
    .array(envVarSchema)
    .default([])
    .meta({ description: "The environment variables the app needs (the env manifest): npm run check:env checks them, .env.example lists them." }),
  records: z
    .array(extraRecordSchema)
    .default([])
    .meta({ description: "Other records the zone needs (verification TXT, CAA, SRV, delegations, a subdomain's MX), each declared on purpose." }),
  handover: handoverSchema.prefault({}).meta({ description: "Contacts, registrar and access inventory for the generated handover (npm run handover)." }),
  waivers: z
    .array(waiverSchema)
    .default([])
    .meta({ description: "Written exceptions to the minimum bar, each with a reason, an owner and an expiry date. Listed in the plan and the handover." }),
});

export type StackConfigFields = z.output<typeof stackConfigSchema>;
