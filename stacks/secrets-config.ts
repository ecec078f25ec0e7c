/**
 * The stack's secrets (`launch-ready:secrets`, `secretStore`, `secretValues`) and its env manifest
 * (`launch-ready:env`) resolved and cross-checked. Values of provided secrets are looked at only
 * to see that they are there: they are never copied into the resolved config or into a message.
 */
import { problem, type ConfigProblem, type PathSegment } from "./config-problems";
import type { Environment } from "../domain/bar/weighing";
import { AWS_STORE_FIELDS, VERCEL_STORE_FIELDS, type EnvFormat, type EnvVarFields, type SecretFields, type SecretStoreFields } from "./schema/secrets";
import { ENVIRONMENTS } from "../domain/bar/weighing";

export interface DeclaredSecret {
  /** Position in `launch-ready:secrets`, for messages only. */
  index: number;
  name: string;
  description?: string;
  source: "generated" | "provided";
  /** Character rules of a generated secret. */
  generate?: NonNullable<SecretFields["generate"]>;
}

export interface SecretsConfig {
  store: SecretStoreFields;
  items: DeclaredSecret[];
}

export interface DeclaredEnvVar {
  index: number;
  name: string;
  format: EnvFormat;
  required: boolean;
  /** Allowed values of an enum. */
  values?: string[];
  /** Where the app needs it; every environment unless the manifest narrows it. */
  environments: Environment[];
  description?: string;
  /** The declared secret that holds its value. */
  secret?: string;
  example?: string;
}

/** The config key that holds provided secret values, and the command that sets one. */
export const SECRET_VALUES_KEY = "launch-ready:secretValues";
export function setSecretCommand(name: string, stack = "<stack>"): string {
  return `pulumi config set --secret --path '${SECRET_VALUES_KEY}.${name}' --stack ${stack}   # then paste the value when asked`;
}

/**
 * The Vercel target (deployment environment) each stack environment's secrets are given to. A
 * Vercel project hands a deployment only its own target's variables, and the same name may hold a
 * different value in each target, so production, staging (preview) and development of one project
 * are separate stores (SEC-ENV-SEPARATION); a stack that wants a separate project gives its own
 * `secretStore.projectId`. Preview is every non-production deployment of the project, branches
 * included: staging's secrets reach those, never production's.
 */
export const VERCEL_TARGETS = { production: "production", staging: "preview", development: "development" } as const satisfies Record<Environment, string>;
export type VercelTarget = (typeof VERCEL_TARGETS)[Environment];

/**
 * Whether a variable of this target is stored sensitive (readable by no one, in the dashboard or
 * the API, once set). Vercel refuses sensitive variables that target only development: those are
 * what `vercel env pull` writes onto a developer's machine, so they stay readable by the project's
 * members, encrypted at rest like every Vercel variable.
 */
export const vercelSensitive = (target: VercelTarget): boolean => target !== "development";

/** The service a stack's secrets live in, as its console names it. */
export function secretStoreName(store: SecretsConfig["store"]): string {
  if (store.kind === "vercel") return "Vercel environment variables";
  return store.kind === "ssm" ? "SSM Parameter Store (SecureString)" : "AWS Secrets Manager";
}

/**
 * `/launch-ready/production`: where a stack's secrets live unless `secretStore.pathPrefix` says
 * otherwise. On Vercel, the project and the environment's target: `vercel:prj_…/production`.
 */
export function secretPathPrefix(store: SecretsConfig["store"], project: string, environment: Environment): string {
  if (store.kind === "vercel") return `vercel:${store.projectId}/${VERCEL_TARGETS[environment]}`;
  return store.pathPrefix ?? `/${project}/${environment}`;
}

/** `/launch-ready/production/STRIPE_SECRET_KEY`: the secret's name in Secrets Manager or Parameter Store (on Vercel, the variable's key in its project and target). */
export function secretPath(store: SecretsConfig["store"], project: string, environment: Environment, name: string): string {
  return `${secretPathPrefix(store, project, environment)}/${name}`;
}

export function resolveSecrets(
  secrets: readonly SecretFields[],
  store: SecretStoreFields,
  values: Record<string, unknown> | undefined,
  problems: ConfigProblem[],
): SecretsConfig {
  problems.push(...storeProblems(store));
  const items: DeclaredSecret[] = [];
  const byName = new Map<string, DeclaredSecret>();
  secrets.forEach((secret, index) => {
    const at = (...rest: PathSegment[]) => ["secrets", index, ...rest];
    const earlier = byName.get(secret.name);
    if (earlier)
      return void problems.push(problem(at("name"), `${secret.name} is already declared at launch-ready:secrets[${earlier.index}]; declare each secret once`));
    if (Boolean(secret.generate) === Boolean(secret.provided)) {
      return void problems.push(
        problem(
          at(),
          `${secret.name} must be either generated (generate: { length: 40 }) or provided (provided: true), ${secret.generate ? "not both" : "and is neither"}`,
        ),
      );
    }
    const declared: DeclaredSecret = {
      index,
      name: secret.name,
      description: secret.description,
      source: secret.generate ? "generated" : "provided",
      ...(secret.generate ? { generate: secret.generate } : {}),
    };
    items.push(declared);
    byName.set(declared.name, declared);
  });

  // Messages name keys only: a value typed into the wrong place must not be echoed back.
  for (const [name, value] of Object.entries(values ?? {})) {
    const at = ["secretValues", name];
    const declared = byName.get(name);
    if (!declared) problems.push(problem(at, `is not a provided secret in launch-ready:secrets; declare it there with provided: true, or remove the value`));
    else if (declared.source === "generated")
      problems.push(problem(at, `belongs to ${name}, which is generated; remove the value, or declare the secret provided: true instead of generate`));
    else if (typeof value !== "string" || value.trim() === "")
      problems.push(problem(at, `must be a non-empty text value; set it with ${setSecretCommand(name)}`));
  }
  for (const declared of items) {
    if (declared.source === "provided" && !(values && declared.name in values)) {
      const missing = problem(
        ["secretValues", declared.name],
        `is missing: ${declared.name} is provided (launch-ready:secrets[${declared.index}]), so its value must be set`,
      );
      problems.push({ ...missing, example: setSecretCommand(declared.name) });
    }
  }

  return { store, items };
}

/** Fields of another kind of store, and a Vercel store without its project. */
function storeProblems(store: SecretStoreFields): ConfigProblem[] {
  const vercel = store.kind === "vercel";
  const foreign = vercel ? AWS_STORE_FIELDS : VERCEL_STORE_FIELDS;
  const problems = foreign
    .filter((field) => store[field] !== undefined)
    .map((field) =>
      problem(
        ["secretStore", field],
        vercel
          ? `only applies to the AWS stores (kind secrets-manager or ssm); kind vercel keeps each environment's secrets in its own target of the project, encrypted by Vercel, so remove it`
          : `only applies to kind vercel; this store is ${store.kind}, so remove it`,
      ),
    );
  if (vercel && store.projectId === undefined) {
    problems.push(
      problem(
        ["secretStore", "projectId"],
        "is missing: kind vercel stores the secrets as environment variables of one Vercel project; give its ID (Project Settings > General > Project ID)",
      ),
    );
  }
  return problems;
}

export function resolveEnv(manifest: readonly EnvVarFields[], secrets: SecretsConfig, problems: ConfigProblem[]): DeclaredEnvVar[] {
  const variables: DeclaredEnvVar[] = [];
  const seen = new Map<string, number>();
  manifest.forEach((variable, index) => {
    const at = (...rest: PathSegment[]) => ["env", index, ...rest];
    const earlier = seen.get(variable.name);
    if (earlier !== undefined)
      return void problems.push(problem(at("name"), `${variable.name} is already declared at launch-ready:env[${earlier}]; declare each variable once`));
    seen.set(variable.name, index);
    if (variable.format === "enum" && !variable.values) problems.push(problem(at("values"), "is missing; an enum lists the values it allows"));
    if (variable.format !== "enum" && variable.values)
      problems.push(problem(at("values"), `only applies to format: enum (this is ${variable.format}); remove it`));
    if (variable.format === "secret" && variable.example !== undefined) {
      problems.push(problem(at("example"), "must not be given for a secret: .env.example is committed, so it carries the name only"));
    }
    if (variable.secret && !secrets.items.some((secret) => secret.name === variable.secret)) {
      problems.push(problem(at("secret"), `names ${variable.secret}, which launch-ready:secrets does not declare`));
    }
    variables.push({
      index,
      name: variable.name,
      format: variable.format,
      required: variable.required,
      ...(variable.values ? { values: variable.values } : {}),
      environments: variable.environments ?? [...ENVIRONMENTS],
      description: variable.description,
      ...(variable.secret ? { secret: variable.secret } : {}),
      ...(variable.example !== undefined ? { example: variable.example } : {}),
    });
  });
  return variables;
}
