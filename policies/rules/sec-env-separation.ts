import { secretSpecs } from "../../components/secrets/stored-secrets";
import { VERCEL_TARGETS } from "../../stacks/secrets-config";
import { parseStackConfig, type LaunchReadyConfig } from "../../stacks/stack-config";
import { unreadableSiblings } from "../../stacks/stack-file";
import { fail, notApplicable, pass, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { secretVariables, vercelTargets } from "../declared/vercel-variables";

/** Which stack environment a Vercel target serves, for messages. */
const ENVIRONMENT_OF_TARGET = Object.fromEntries(Object.entries(VERCEL_TARGETS).map(([environment, target]) => [target, environment]));

/**
 * A Vercel variable holding one of the stack's secrets is given to the environment's own target
 * only: another target's deployments (production's, preview's for staging, developers' machines
 * for development) would read it. Custom environments map to no stack environment at all.
 */
function crossedTargets(resources: readonly DeclaredResource[], config: LaunchReadyConfig): Verdict[] {
  const own = VERCEL_TARGETS[config.environment];
  return secretVariables(resources, config).flatMap((variable): Verdict[] => {
    const key = String(variable.props.key);
    const others = (vercelTargets(variable) ?? []).filter((target) => target !== own);
    const custom = variable.props.customEnvironmentIds;
    const at = { urn: variable.urn, configPath: "launch-ready:secretStore", subjects: [key] };
    if (others.length > 0) {
      const whose = others.map((target) => `${target} (${ENVIRONMENT_OF_TARGET[target] ?? "no stack environment"})`).join(", ");
      return [fail(`${key} is given to Vercel's ${whose} deployments too: a ${config.environment} secret targets ${own} only`, at)];
    }
    if (Array.isArray(custom) && custom.length > 0)
      return [fail(`${key} is given to Vercel custom environments, which are no stack's environment: a ${config.environment} secret targets ${own} only`, at)];
    return [];
  });
}

/**
 * SEC-ENV-SEPARATION: no two stacks store a secret at the same path (on Vercel: the same key in
 * the same project and target), no Vercel variable of the stack reaches another environment's
 * target, and no secret value (any `secure:` config value, provided secrets and provider
 * credentials alike) is shared between stacks of different environments. Values are compared by
 * keyed digest, only when a passphrase opens the stack files; nothing decrypted is ever reported.
 * A sibling stack file that cannot be read, or whose config is refused, could share any of these:
 * while one is there the rule says what it did not check rather than pass.
 */
export const secEnvSeparation: BarRule = {
  id: "SEC-ENV-SEPARATION",
  checkStack(resources, context) {
    const { config, project, stackFile } = context;
    if (!config || !project || !stackFile) return [notApplicable("the stack's config is unknown (no stack file found for it)")];
    const verdicts: Verdict[] = crossedTargets(resources, config);
    const own = new Map(secretSpecs(config, project).map((secret) => [secret.path, secret]));
    const environments = new Map<string, string>();
    const siblings = context.siblings?.() ?? [];
    const unchecked = unreadableSiblings(siblings).map(({ path, why }) => `${path} ${why}`);
    for (const sibling of siblings) {
      const parsed = parseStackConfig(sibling.config);
      if (!parsed.ok) {
        unchecked.push(`${sibling.path} is refused (${parsed.problems[0].path}: ${parsed.problems[0].message})`);
        continue;
      }
      environments.set(sibling.stack, parsed.config.environment);
      for (const theirs of secretSpecs(parsed.config, project)) {
        const mine = own.get(theirs.path);
        if (!mine) continue;
        const vercel = config.secrets.store.kind === "vercel";
        verdicts.push(
          fail(
            `${mine.name} is stored at ${theirs.path}, which stack ${sibling.stack} (${parsed.config.environment}) uses too: one would overwrite the other's value. ${
              vercel
                ? "A Vercel project has one target per environment, so give one of the two stacks its own project (launch-ready:secretStore.projectId)"
                : "Give each stack its own launch-ready:secretStore.pathPrefix (the default /<project>/<environment> does this)"
            }`,
            { configPath: vercel ? "launch-ready:secretStore.projectId" : "launch-ready:secretStore.pathPrefix" },
          ),
        );
      }
    }

    let valuesCompared = false;
    if (stackFile.secureValues.length > 0) {
      const digests = context.secureDigests?.();
      const mine = digests?.byStack.get(stackFile.stack);
      if (!digests || !mine) {
        const why = digests?.unreadable.find((entry) => entry.stack === stackFile.stack)?.why ?? "no PULUMI_CONFIG_PASSPHRASE (or _FILE) is set";
        verdicts.push(notApplicable(`secret values were not compared across stacks: ${why}`));
      } else {
        valuesCompared = true;
        for (const [stack, theirs] of digests.byStack) {
          if (stack === stackFile.stack || environments.get(stack) === undefined || environments.get(stack) === config.environment) continue;
          for (const [path, digest] of mine) {
            const shared = [...theirs].find(([, other]) => other === digest)?.[0];
            if (shared) {
              verdicts.push(
                fail(
                  `${path} has the same value as ${shared} of stack ${stack} (${environments.get(stack)}); environments must never share a secret: issue a separate key for each and rotate this one`,
                  { configPath: path },
                ),
              );
            }
          }
        }
      }
    }
    if (verdicts.some((verdict) => verdict.status === "fail")) return verdicts;
    const judged = own.size > 0 || valuesCompared;
    if (!judged) return [notApplicable("the stack declares no secrets and has no secret config"), ...verdicts];
    if (unchecked.length > 0) {
      const one = unchecked.length === 1;
      return [
        notApplicable(
          `not checked against every stack: ${unchecked.join("; ")}. Whether ${one ? "that stack stores" : "those stacks store"} a secret at this stack's paths or share${one ? "s" : ""} a secret value with it is unknown until ${one ? "the file is" : "the files are"} fixed`,
        ),
        ...verdicts,
      ];
    }
    return [pass(), ...verdicts];
  },
};
