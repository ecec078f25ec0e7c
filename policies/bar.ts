/**
 * The minimum bar as plain functions: a rule judges declared resources and answers pass, fail
 * (with what to change in the stack file) or not applicable. No Pulumi here: the policy pack
 * (policies/index.ts) and the offline plan call the same rules, and add only how they report.
 */
import { MINIMUM_BAR, type BarId } from "../domain/bar/catalog";
import { expiredWaiverMessage, expiredWaivers, levelFor, weighFailure, type Level } from "../domain/bar/weighing";
import type { LaunchReadyConfig } from "../stacks/stack-config";
import type { StackFile } from "../stacks/stack-file";
import type { SecureValueDigests } from "../stacks/stack-secrets";

/** A resource as declared: what the engine sends a policy, or what the offline plan recorded. */
export interface DeclaredResource {
  urn: string;
  type: string;
  name: string;
  /** Inputs; a value the engine does not know yet (preview) is `undefined`. */
  props: Record<string, unknown>;
  protect?: boolean;
}

export type Verdict =
  | { status: "pass"; urn?: string }
  | {
      status: "fail";
      /** What is wrong and what to write in the stack file instead. */
      message: string;
      urn?: string;
      /** The stack-file key to change, e.g. `launch-ready:tls.ssl`, for SARIF locations. */
      configPath?: string;
      /** The bar lets staging relax this part (e.g. HSTS max-age); production never. */
      relaxedOutsideProduction?: boolean;
    }
  | { status: "not-applicable"; message: string; urn?: string };

const hostIndexes = new WeakMap<LaunchReadyConfig, Map<string, LaunchReadyConfig["hosts"][number]>>();

/** The declared hosts by fully qualified name, built once per config: rules look hosts up per record. */
export function declaredHost(config: LaunchReadyConfig | undefined, fqdn: unknown): LaunchReadyConfig["hosts"][number] | undefined {
  if (!config) return undefined;
  let index = hostIndexes.get(config);
  if (!index) {
    index = new Map(config.hosts.map((host) => [host.fqdn, host]));
    hostIndexes.set(config, index);
  }
  return index.get(String(fqdn));
}

export interface BarContext {
  /** The stack's validated config; absent when the pack cannot find the stack file. */
  config?: LaunchReadyConfig;
  /** The Pulumi project, from the URNs: the first segment of secret paths. */
  project?: string;
  /** The stack file as written, `secure:` values hidden: SEC-NO-PLAINTEXT reads its plain values. */
  stackFile?: StackFile;
  /** The project's other stack files (beside this one), for rules across environments; read on first call. */
  siblings?: () => StackFile[];
  /**
   * Keyed digests of every stack's `secure:` values, computed on first call when a passphrase
   * opens them (PULUMI_CONFIG_PASSPHRASE); undefined when none is at hand.
   */
  secureDigests?: () => SecureValueDigests | undefined;
  /** The day judged (YYYY-MM-DD), for dated facts such as a domain's renewal; today when absent. */
  today?: string;
}

export interface BarRule {
  id: BarId;
  /** Resource types the per-resource check applies to (Pulumi type tokens). */
  resourceTypes?: readonly string[];
  /** Judges one resource of `resourceTypes`, as the engine sends it before an update. */
  checkResource?(resource: DeclaredResource, context: BarContext): Verdict;
  /** Judges the whole stack: presence and cross-resource rules. */
  checkStack?(resources: readonly DeclaredResource[], context: BarContext): Verdict[];
  /** Judges the whole stack where judging needs to wait (the secret scanner's engine is async). */
  checkStackAsync?(resources: readonly DeclaredResource[], context: BarContext): Promise<Verdict[]>;
}

export const pass = (urn?: string): Verdict => ({ status: "pass", urn });
export const notApplicable = (message: string, urn?: string): Verdict => ({ status: "not-applicable", message, urn });
export const fail = (message: string, extra: { urn?: string; configPath?: string; relaxedOutsideProduction?: boolean } = {}): Verdict => ({
  status: "fail",
  message,
  ...extra,
});

/** A preview may not know a value yet; such a value is never a violation. */
export const NOT_KNOWN_YET = "not known until the resource is created";

/** One entry of the plan's `bar` list. */
export interface BarResult {
  id: BarId;
  status: "pass" | "fail" | "waived" | "not-applicable";
  level: Level;
  resource?: string;
  message: string;
  configPath?: string;
}

/** Runs every rule over the declared resources, the way the pack would, and applies waivers. */
export async function evaluateBar(
  rules: readonly BarRule[],
  resources: readonly DeclaredResource[],
  context: BarContext & { config: LaunchReadyConfig },
  on: string,
): Promise<BarResult[]> {
  const { config } = context;
  const judged = { ...context, today: on };
  const results: BarResult[] = [];
  for (const rule of rules) {
    const verdicts: Verdict[] = [];
    if (rule.checkResource) {
      for (const resource of resources) {
        if (rule.resourceTypes?.includes(resource.type)) verdicts.push(rule.checkResource(resource, judged));
      }
    }
    if (rule.checkStack) verdicts.push(...rule.checkStack(resources, judged));
    if (rule.checkStackAsync) verdicts.push(...(await rule.checkStackAsync(resources, judged)));

    const failures = verdicts.filter((v): v is Extract<Verdict, { status: "fail" }> => v.status === "fail");
    for (const failure of failures) {
      const weighed = weighFailure(config, rule.id, failure.message, on, failure.relaxedOutsideProduction);
      results.push({
        id: rule.id,
        status: weighed.waived ? "waived" : "fail",
        level: weighed.level,
        resource: failure.urn,
        message: weighed.message,
        configPath: failure.configPath,
      });
    }
    if (failures.length === 0) {
      const passed = verdicts.filter((v) => v.status === "pass").length;
      const reasons = verdicts.filter((v): v is Extract<Verdict, { status: "not-applicable" }> => v.status === "not-applicable");
      results.push(
        passed > 0
          ? {
              id: rule.id,
              status: "pass",
              level: levelFor(config.environment),
              message: `${MINIMUM_BAR[rule.id].declared} (${passed} check${passed === 1 ? "" : "s"} passed)`,
            }
          : { id: rule.id, status: "not-applicable", level: levelFor(config.environment), message: reasons[0]?.message ?? "nothing in this stack to judge" },
      );
    }
  }
  for (const waiver of expiredWaivers(config.waivers, on)) {
    const at = `launch-ready:waivers[${config.waivers.indexOf(waiver)}]`;
    results.push({ id: waiver.id as BarId, status: "fail", level: levelFor(config.environment), message: expiredWaiverMessage(waiver), configPath: at });
  }
  return results;
}
