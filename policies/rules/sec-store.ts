import { secretSpecs } from "../../components/secrets/stored-secrets";
import { secretPathPrefix } from "../../stacks/secrets-config";
import { fail, notApplicable, pass, type BarContext, type BarRule, type Verdict } from "../bar";
import { SECRET_VERSION, SECRETS_MANAGER_SECRET, SSM_PARAMETER } from "../../domain/resource-types";

const STORE_TITLE = { "secrets-manager": "AWS Secrets Manager secret", ssm: "SSM SecureString parameter" } as const;

function stackSecrets(context: BarContext) {
  return context.config && context.project ? secretSpecs(context.config, context.project) : [];
}

/**
 * SEC-STORE: every declared secret is stored encrypted (a Secrets Manager secret with a version,
 * or an SSM SecureString parameter), at its path under the stack's own prefix; nothing in the
 * stack's secret path is a plain-text parameter.
 */
export const secStore: BarRule = {
  id: "SEC-STORE",
  resourceTypes: [SSM_PARAMETER, SECRETS_MANAGER_SECRET],
  checkResource(resource, context) {
    const config = context.config;
    if (!config || !context.project) return notApplicable("the stack's config is unknown (no stack file found for it)", resource.urn);
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
    const kind = context.config!.secrets.store.kind;
    const storeType = kind === "ssm" ? SSM_PARAMETER : SECRETS_MANAGER_SECRET;
    return secrets.map((secret): Verdict => {
      const at = `launch-ready:secrets[${context.config!.secrets.items.find((item) => item.name === secret.name)!.index}]`;
      const stored = resources.find((r) => r.type === storeType && r.props.name === secret.path);
      if (!stored)
        return fail(
          `${secret.name} has no ${STORE_TITLE[kind]} named ${secret.path}; declare it through the kit's AppSecrets (index.ts) so it is stored encrypted`,
          { configPath: at },
        );
      if (kind === "secrets-manager" && !resources.some((r) => r.type === SECRET_VERSION && r.name === `${secret.name}-version`)) {
        return fail(`${secret.path} is an empty Secrets Manager secret: no SecretVersion holds ${secret.name}'s value`, { urn: stored.urn, configPath: at });
      }
      return pass(stored.urn);
    });
  },
};
