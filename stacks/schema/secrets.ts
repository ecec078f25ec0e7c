/** The stack file's secrets, where they are stored, and the env manifest the app reads. */
import "../zod-locales";
import { z } from "zod";
import { ENVIRONMENTS } from "../../domain/bar/weighing";
import { variableName } from "./common";
import { AWS_REGION } from "../../domain/aws";

export const SECRET_STORES = ["secrets-manager", "ssm", "vercel"] as const;
/** The store fields only AWS has: refused with kind vercel, which has a project instead. */
export const AWS_STORE_FIELDS = ["region", "kmsKeyId", "pathPrefix"] as const;
/** The store fields only Vercel has. */
export const VERCEL_STORE_FIELDS = ["projectId", "teamId"] as const;

export const secretStoreSchema = z.strictObject({
  kind: z.enum(SECRET_STORES).default("secrets-manager").meta({
    description:
      "secrets-manager: AWS Secrets Manager; ssm: SSM Parameter Store SecureString; vercel: sensitive environment variables of a Vercel project, one target per environment (no AWS account). @default secrets-manager (SEC-STORE)",
  }),
  region: z
    .string()
    .regex(AWS_REGION, "must be an AWS region such as eu-west-1")
    .optional()
    .meta({ description: "AWS region of the store. @default the aws:region of the stack" }),
  kmsKeyId: z
    .string()
    .regex(
      /^(arn:aws[a-z-]*:kms:\S+|alias\/[A-Za-z0-9/_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
      "must be a KMS key ID, key ARN, alias ARN or alias/name",
    )
    .optional()
    .meta({ description: "Customer-managed KMS key that encrypts the secrets. @default the AWS-managed key of the service", examples: ["alias/launch-ready"] }),
  pathPrefix: z
    .string()
    .regex(/^(\/[A-Za-z0-9_.-]+)+$/, "must be a path such as /launch-ready/production, without a trailing slash")
    .optional()
    .meta({ description: "Where this stack's secrets live. @default /<project>/<environment> (SEC-ENV-SEPARATION wants one per environment)" }),
  projectId: z
    .string()
    .regex(/^prj_[A-Za-z0-9]+$/, "must be a Vercel project ID such as prj_a1b2c3d4e5f6g7h8i9j0k1l2m3n4 (Project Settings > General)")
    .optional()
    .meta({ description: "kind vercel: the project whose environment variables hold the secrets. Required for vercel." }),
  teamId: z
    .string()
    .regex(/^team_[A-Za-z0-9]+$/, "must be a Vercel team ID such as team_a1b2c3d4e5f6g7h8i9j0k1l2 (Team Settings > General)")
    .optional()
    .meta({ description: "kind vercel: the team that owns the project. @default the provider's team (vercel:team), else the token's personal account" }),
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
/** A line of .env.example: a line break in it would write a line of its own there, an assignment the manifest never declared. */
const ONE_LINE = /^[^\r\n]*$/;
export const envVarSchema = z.strictObject({
  name: variableName.meta({ examples: ["DATABASE_URL"] }),
  format: z.enum(ENV_FORMATS).default("string").meta({ description: "What a well-formed value looks like. @default string" }),
  required: z.boolean().default(true).meta({ description: "Missing is a failure (SEC-ENV-SEPARATION, live). @default true" }),
  values: z.array(z.string().min(1)).min(1).optional().meta({ description: "The allowed values (format enum only)." }),
  environments: z.array(z.enum(ENVIRONMENTS)).min(1).optional().meta({ description: "Where the app needs it. @default every environment" }),
  description: z
    .string()
    .trim()
    .min(3)
    .max(300)
    .regex(ONE_LINE, "must be one line: it is written into .env.example as a comment")
    .optional()
    .meta({ description: "What it is for; written into .env.example and the handover." }),
  secret: variableName.optional().meta({ description: "The entry of launch-ready:secrets that holds its value; the app reads it from the store." }),
  example: z
    .string()
    .max(200)
    .regex(ONE_LINE, "must be one line: it is written into .env.example as the variable's value")
    .optional()
    .meta({ description: "A harmless example value for .env.example (never for format secret)." }),
});

export type SecretStoreFields = z.output<typeof secretStoreSchema>;
export type SecretFields = z.output<typeof secretSchema>;
export type EnvVarFields = z.output<typeof envVarSchema>;
export type EnvFormat = (typeof ENV_FORMATS)[number];
