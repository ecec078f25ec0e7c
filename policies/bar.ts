/**
 * The minimum bar as plain functions: a rule judges declared resources and answers pass, fail
 * (with what to change in the stack file) or not applicable. No Pulumi here: the policy pack
 * (policies/index.ts) and the offline plan call the same rules, and add only how they report.
 */
import { MINIMUM_BAR, type BarId } from "../domain/bar/catalog";
import { describeWaiver, expiredWaiverMessage, expiredWaivers, levelFor, weighFailure, type Level, type Waiver } from "../domain/bar/weighing";
import { DNS_RECORD } from "../domain/resource-types";
import type { LaunchReadyConfig } from "../stacks/stack-config";
import type { ProjectWorkflows } from "../stacks/project";
import type { StackFile } from "../stacks/stack-file";
import type { SecureValueDigests } from "../stacks/stack-secrets";
import type { ConfigProblem } from "../stacks/config-problems";
import type { UncheckedSibling, ZoneGroup } from "../stacks/zone-group";

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
  | {
      status: "pass";
      urn?: string;
      /** Said beside the pass: how it passes when that is not the kit's own doing (an endpoint limited by its provider). */
      note?: string;
    }
  | {
      status: "fail";
      /** What is wrong and what to write in the stack file instead. */
      message: string;
      urn?: string;
      /** The stack-file key to change, e.g. `launch-ready:tls.ssl`, for SARIF locations. */
      configPath?: string;
      /** The bar lets staging relax this part (e.g. HSTS max-age); production never. */
      relaxedOutsideProduction?: boolean;
      /**
       * What the failure is about besides its config path and resource, as a waiver's target names
       * it: host and record names, endpoints (`api.example.com/auth/login`), endpoint kinds, other
       * config paths. A waiver with a target covers the failure only when the target names one.
       */
      subjects?: string[];
    }
  | { status: "not-applicable"; message: string; urn?: string };

/** A failing verdict. */
export type FailVerdict = Extract<Verdict, { status: "fail" }>;

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
  /** The stacks sharing this stack's Cloudflare zone; absent when the config is unknown. */
  zone?: ZoneContext;
  /** The project's CI workflows, read on first call; undefined when the stack file's project has none (OPS-DRIFT). */
  workflows?: () => ProjectWorkflows | undefined;
}

export interface ZoneContext {
  /** Who owns the zone and who lives in it; absent when the stacks cannot share it as written. */
  group?: ZoneGroup;
  /** What two stacks of the zone would both manage, or why the group cannot be formed (OPS-PROTECT). */
  problems: ConfigProblem[];
  /** Stack files beside this one that could not be read or are refused, so whether they share the zone is not known. */
  unchecked: UncheckedSibling[];
  /**
   * For a stack in another stack's zone: what the owner declares for the whole zone (settings and
   * rulesets carrying this stack's rules), judged with this stack's own resources.
   */
  ownersResources: DeclaredResource[];
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

export const pass = (urn?: string, note?: string): Verdict => (note === undefined ? { status: "pass", urn } : { status: "pass", urn, note });
export const notApplicable = (message: string, urn?: string): Verdict => ({ status: "not-applicable", message, urn });
export const fail = (message: string, extra: { urn?: string; configPath?: string; relaxedOutsideProduction?: boolean; subjects?: string[] } = {}): Verdict => ({
  status: "fail",
  message,
  ...extra,
});

/** A preview may not know a value yet; such a value is never a violation. */
export const NOT_KNOWN_YET = "not known until the resource is created";

/**
 * What a failure is about, as a waiver's target names it: the verdict's own subjects, its config
 * path, and the name of the DNS record it is about.
 */
export function failureSubjects(failure: FailVerdict, resources: readonly DeclaredResource[]): string[] {
  const record = failure.urn === undefined ? undefined : resources.find((r) => r.urn === failure.urn && r.type === DNS_RECORD);
  return [
    ...(failure.subjects ?? []),
    ...(failure.configPath ? [failure.configPath] : []),
    ...(record && typeof record.props.name === "string" ? [record.props.name] : []),
  ];
}

/** One entry of the plan's `bar` list. */
export interface BarResult {
  id: BarId;
  status: "pass" | "fail" | "waived" | "not-applicable";
  level: Level;
  resource?: string;
  message: string;
  configPath?: string;
  /** A failure's subjects (config paths, names, endpoints, kinds), what a waiver's target is compared with. */
  subjects?: string[];
  /** A waived failure: the waiver that covers it, and the finding as the rule reported it. */
  waiver?: WaiverRef;
  finding?: string;
}

/** A waiver as the plan names it: where it is written (`launch-ready:waivers[1]`) and what it says. */
export interface WaiverRef {
  at: string;
  id: string;
  /** Absent: the waiver covers every failure of its ID. */
  target?: string;
  owner: string;
  expires: string;
}

export function waiverRef(waivers: readonly Waiver[], waiver: Waiver): WaiverRef {
  return {
    at: `launch-ready:waivers[${waivers.indexOf(waiver)}]`,
    id: waiver.id,
    ...(waiver.target !== undefined ? { target: waiver.target } : {}),
    owner: waiver.owner,
    expires: waiver.expires,
  };
}

/** What one waiver hides: the failures it turned advisory. The plan reports it, so a broad waiver is seen for what it covers. */
export interface WaiverUse extends WaiverRef {
  /** How many failures it hides, and each finding as its rule reported it. */
  hides: number;
  findings: string[];
  /** One line for people: "the waiver for EDGE-RATE-LIMIT hides 4 failures: ...". */
  summary: string;
}

/**
 * What each waiver hides, from the judged bar; `inForce` adds the waivers that hid nothing (a
 * waiver whose ID passes can go).
 */
export function waiverUses(bar: readonly BarResult[], inForce: readonly WaiverRef[] = []): WaiverUse[] {
  const refs = new Map<string, WaiverRef>(inForce.map((ref) => [ref.at, ref]));
  for (const result of bar) if (result.waiver && !refs.has(result.waiver.at)) refs.set(result.waiver.at, result.waiver);
  return [...refs.values()]
    .sort((a, b) => a.at.localeCompare(b.at, "en", { numeric: true }))
    .map((ref) => {
      const findings = bar.filter((r) => r.status === "waived" && r.waiver?.at === ref.at).map((r) => r.finding ?? r.message);
      const what = describeWaiver(ref);
      const summary =
        findings.length === 0
          ? `${what} hides nothing: ${ref.id} passes${ref.target ? ` for ${ref.target}` : ""}, so the waiver can go`
          : `${what} hides ${findings.length} failure${findings.length === 1 ? "" : "s"}: ${findings.join("; ")}`;
      return { ...ref, hides: findings.length, findings, summary };
    });
}

/**
 * A failure about what the zone's owner declares (a member is judged with the owner's zone
 * settings and rulesets) is fixed in the owner's stack file, not at a key this stack may not set.
 */
export function placedInOwnersFile(verdict: Verdict, context: BarContext): Verdict {
  const owners = context.zone?.ownersResources ?? [];
  if (verdict.status !== "fail" || verdict.urn === undefined || !owners.some((resource) => resource.urn === verdict.urn)) return verdict;
  const owner = context.zone?.group?.owner;
  const where = owner ? `stack ${owner.stack}'s file${owner.path ? ` (${owner.path})` : ""}` : "the zone owner's file";
  const at = verdict.configPath ? ` at ${verdict.configPath}` : "";
  return { ...verdict, message: `${verdict.message} (zone-wide, declared by the zone's owner: change it in ${where}${at})`, configPath: undefined };
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
  const all = [...resources, ...(context.zone?.ownersResources ?? [])];
  const results: BarResult[] = [];
  for (const rule of rules) {
    const verdicts: Verdict[] = [];
    if (rule.checkResource) {
      for (const resource of all) {
        if (rule.resourceTypes?.includes(resource.type)) verdicts.push(rule.checkResource(resource, judged));
      }
    }
    if (rule.checkStack) verdicts.push(...rule.checkStack(all, judged));
    if (rule.checkStackAsync) verdicts.push(...(await rule.checkStackAsync(all, judged)));

    const failures = verdicts.map((v) => placedInOwnersFile(v, context)).filter((v): v is FailVerdict => v.status === "fail");
    for (const failure of failures) {
      const subjects = failureSubjects(failure, resources);
      const weighed = weighFailure(config, { id: rule.id, message: failure.message, subjects, relaxedOutsideProduction: failure.relaxedOutsideProduction }, on);
      results.push({
        id: rule.id,
        status: weighed.waived ? "waived" : "fail",
        level: weighed.level,
        resource: failure.urn,
        message: weighed.message,
        configPath: failure.configPath,
        ...(subjects.length > 0 ? { subjects } : {}),
        ...(weighed.waiver ? { waiver: waiverRef(config.waivers, weighed.waiver), finding: failure.message } : {}),
      });
    }
    if (failures.length === 0) {
      const passes = verdicts.filter((v): v is Extract<Verdict, { status: "pass" }> => v.status === "pass");
      const passed = passes.length;
      // A waiver of an ID that passes hides nothing: said here, so it is removed rather than kept "just in case".
      const idle = config.waivers.filter((w) => w.id === rule.id && w.expires >= on).map((w) => `${describeWaiver(w)} hides nothing and can go`);
      const notes = [...passes.flatMap((v) => (v.note ? [v.note] : [])), ...idle];
      const reasons = verdicts.filter((v): v is Extract<Verdict, { status: "not-applicable" }> => v.status === "not-applicable");
      results.push(
        passed > 0
          ? {
              id: rule.id,
              status: "pass",
              level: levelFor(config.environment),
              message: `${MINIMUM_BAR[rule.id].declared} (${passed} check${passed === 1 ? "" : "s"} passed${notes.length > 0 ? `; ${notes.join("; ")}` : ""})`,
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
