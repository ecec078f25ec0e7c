import { secretSpecs, type SecretSpec } from "../../components/secrets/stored-secrets";
import { secretPathPrefix, VERCEL_TARGETS, vercelSensitive, type VercelTarget } from "../../stacks/secrets-config";
import type { LaunchReadyConfig } from "../../stacks/stack-config";
import { fail, notApplicable, pass, type BarContext, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { inStackProject, vercelTargets } from "../declared/vercel-variables";
import { SECRET_VERSION, SECRETS_MANAGER_SECRET, SSM_PARAMETER, VERCEL_ENV_VARIABLE } from "../../domain/resource-types";

const STORE_TITLE = { "secrets-manager": "AWS Secrets Manager secret", ssm: "SSM SecureString parameter", vercel: "Vercel environment variable" } as const;
const STORE_TYPE = { "secrets-manager": SECRETS_MANAGER_SECRET, ssm: SSM_PARAMETER, vercel: VERCEL_ENV_VARIABLE } as const;

function stackSecrets(context: BarContext) {
  return context.config && context.project ? secretSpecs(context.config, context.project) : [];
}

/**
 * A Vercel variable holding one of the stack's secrets is sensitive, so nobody reads it back in the
 * dashboard or API, unless it targets only development, where Vercel refuses sensitive.
 */
function checkVercelVariable(resource: DeclaredResource, config: LaunchReadyConfig): Verdict {
  const key = resource.props.key;
  if (!inStackProject(resource, config)) return notApplicable(`outside this stack's Vercel project (launch-ready:secretStore.projectId)`, resource.urn);
  if (typeof key !== "string" || !config.secrets.items.some((item) => item.name === key))
    return notApplicable(`${String(key)} is not one of launch-ready:secrets`, resource.urn);
  const targets = vercelTargets(resource);
  if (resource.props.sensitive === undefined)
    return fail(
      `${key} is a Vercel variable that sets no sensitive flag; the provider requires one (since 4.8.0), and a secret needs sensitive: true (false only where it targets development alone)`,
      { urn: resource.urn, configPath: "launch-ready:secretStore" },
    );
  if (resource.props.sensitive === true || !targets) return pass(resource.urn);
  if (targets.every((target) => !vercelSensitive(target as VercelTarget)))
    return pass(
      resource.urn,
      "Vercel refuses sensitive variables that target only development (vercel env pull writes them onto developers' machines): encrypted at rest, readable by the project's members",
    );
  return fail(
    `${key} is a Vercel variable with sensitive: false for ${targets.join(", ")}: anyone with access to the project reads its value in the dashboard or API; a secret there needs sensitive: true, as the kit's AppSecrets sets it`,
    { urn: resource.urn, configPath: "launch-ready:secretStore" },
  );
}

function isStored(resource: DeclaredResource, secret: SecretSpec, config: LaunchReadyConfig): boolean {
  if (resource.type !== VERCEL_ENV_VARIABLE) return resource.props.name === secret.path;
  const targets = vercelTargets(resource);
  return resource.props.key === secret.name && inStackProject(resource, config) && (!targets || targets.includes(VERCEL_TARGETS[config.environment]));
}

/**
 * SEC-STORE: every declared secret is stored encrypted (a Secrets Manager secret with a version,
 * an SSM SecureString parameter, or a sensitive Vercel variable in the environment's target), at
 * its path under the stack's own prefix; nothing in the stack's secret path is a plain-text
 * parameter, and no Vercel variable holding a secret can be read back.
 */
export const secStore: BarRule = {
  id: "SEC-STORE",
  resourceTypes: [SSM_PARAMETER, SECRETS_MANAGER_SECRET, VERCEL_ENV_VARIABLE],
  checkResource(resource, context) {
    const config = context.config;
    if (!config || !context.project) return notApplicable("the stack's config is unknown (no stack file found for it)", resource.urn);
    if (resource.type === VERCEL_ENV_VARIABLE) return checkVercelVariable(resource, config);
    const name = resource.props.name;
    if (typeof name !== "string") return notApplicable("the name is not known until the resource is created", resource.urn);
    const prefix = secretPathPrefix(config.secrets.store, context.project, config.environment);
    if (!name.startsWith(`${prefix}/`)) return notApplicable(`${name} is outside this stack's secret path ${prefix}`, resource.urn);
    if (resource.type === SSM_PARAMETER) {
      if (resource.props.type !== undefined && resource.props.type !== "SecureString") {
        return fail(
          `${name} is an SSM parameter of type ${String(resource.props.type)}, readable in plain text by anyone who can read parameters; a secret needs type SecureString`,
          { urn: resource.urn },
        );
      }
      if (resource.props.insecureValue !== undefined)
        return fail(`${name} sets insecureValue, which Pulumi stores and shows in plain text; use value, kept secret`, { urn: resource.urn });
    }
    return pass(resource.urn);
  },
  checkStack(resources, context) {
    const secrets = stackSecrets(context);
    if (secrets.length === 0)
      return [notApplicable(context.config ? "launch-ready:secrets declares none" : "the stack's config is unknown (no stack file found for it)")];
    const config = context.config!;
    const kind = config.secrets.store.kind;
    return secrets.map((secret): Verdict => {
      const at = `launch-ready:secrets[${config.secrets.items.find((item) => item.name === secret.name)!.index}]`;
      const stored = resources.find((r) => r.type === STORE_TYPE[kind] && isStored(r, secret, config));
      if (!stored)
        return fail(
          `${secret.name} has no ${STORE_TITLE[kind]} ${kind === "vercel" ? "at" : "named"} ${secret.path}; declare it through the kit's AppSecrets (index.ts) so it is stored encrypted`,
          { configPath: at },
        );
      if (kind === "secrets-manager" && !resources.some((r) => r.type === SECRET_VERSION && r.name === `${secret.name}-version`)) {
        return fail(`${secret.path} is an empty Secrets Manager secret: no SecretVersion holds ${secret.name}'s value`, { urn: stored.urn, configPath: at });
      }
      return pass(stored.urn);
    });
  },
};
