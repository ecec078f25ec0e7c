import { secretSpecs } from "../../components/secrets/stored-secrets";
import { parseStackConfig } from "../../stacks/stack-config";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";

/**
 * SEC-ENV-SEPARATION: no two stacks store a secret at the same path, and no secret value (any
 * `secure:` config value, provided secrets and provider credentials alike) is shared between
 * stacks of different environments. Values are compared by keyed digest, only when a passphrase
 * opens the stack files; nothing decrypted is ever reported.
 */
export const secEnvSeparation: BarRule = {
  id: "SEC-ENV-SEPARATION",
  checkStack(_resources, context) {
    const { config, project, stackFile } = context;
    if (!config || !project || !stackFile) return [notApplicable("the stack's config is unknown (no stack file found for it)")];
    const verdicts: Verdict[] = [];
    const own = new Map(secretSpecs(config, project).map((secret) => [secret.path, secret]));
    const environments = new Map<string, string>();
    for (const sibling of context.siblings?.() ?? []) {
      const parsed = parseStackConfig(sibling.config);
      if (!parsed.ok) continue;
      environments.set(sibling.stack, parsed.config.environment);
      for (const theirs of secretSpecs(parsed.config, project)) {
        const mine = own.get(theirs.path);
        if (!mine) continue;
        verdicts.push(
          fail(
            `${mine.name} is stored at ${theirs.path}, which stack ${sibling.stack} (${parsed.config.environment}) uses too: one would overwrite the other's value. Give each stack its own launch-ready:secretStore.pathPrefix (the default /<project>/<environment> does this)`,
            {
              configPath: "launch-ready:secretStore.pathPrefix",
            },
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
    return [judged ? pass() : notApplicable("the stack declares no secrets and has no secret config"), ...verdicts];
  },
};
