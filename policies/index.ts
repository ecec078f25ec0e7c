/**
 * The launch-ready minimum bar as a Pulumi CrossGuard policy pack, run by
 * `pulumi preview --policy-pack policies`. One policy per bar ID (name = the ID in lower case);
 * the judging is done by the plain rules in ./rules, the same ones the offline plan runs.
 *
 * Every policy is mandatory by default; each violation carries the level the stack's environment
 * gives it (development advisory, staging advisory only where the bar lets it relax), and a
 * waived item is reported as advisory with its reason, owner and expiry.
 */
import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as vercel from "@pulumiverse/vercel";
import {
  PolicyPack,
  validateResourceOfType,
  type PolicyResource,
  type ReportViolation,
  type ResourceValidation,
  type ResourceValidationPolicy,
  type StackValidationArgs,
} from "@pulumi/policy";
import { MINIMUM_BAR } from "../domain/bar/catalog";
import { expiredWaiverMessage, expiredWaivers, levelFor, today, weighFailure } from "../domain/bar/weighing";
import { guardAnalyzerRequests } from "./analyzer-guard";
import { failureSubjects, placedInOwnersFile, type BarContext, type BarRule, type DeclaredResource, type Verdict } from "./bar";
import {
  ACCESS_APPLICATION,
  ACCESS_POLICY,
  DNS_RECORD,
  RULESET,
  SECRETS_MANAGER_SECRET,
  SSM_PARAMETER,
  VERCEL_ENV_VARIABLE,
  ZONE_DNSSEC,
  ZONE_SETTING,
} from "../domain/resource-types";
import { BAR_RULES } from "./rules";
import { stackContext } from "./stack-context";

const PACK_NAME = "launch-ready-minimum-bar";

/** validateResourceOfType per type token the rules name, so each check runs only on its class. */
const OF_TYPE: Record<string, (validate: ResourceValidation) => ResourceValidation> = {
  [DNS_RECORD]: (validate) => validateResourceOfType(cloudflare.DnsRecord, (_props, args, reportViolation) => validate(args, reportViolation)),
  [RULESET]: (validate) => validateResourceOfType(cloudflare.Ruleset, (_props, args, reportViolation) => validate(args, reportViolation)),
  [ZONE_SETTING]: (validate) => validateResourceOfType(cloudflare.ZoneSetting, (_props, args, reportViolation) => validate(args, reportViolation)),
  [ZONE_DNSSEC]: (validate) => validateResourceOfType(cloudflare.ZoneDnssec, (_props, args, reportViolation) => validate(args, reportViolation)),
  [ACCESS_APPLICATION]: (validate) =>
    validateResourceOfType(cloudflare.ZeroTrustAccessApplication, (_props, args, reportViolation) => validate(args, reportViolation)),
  [ACCESS_POLICY]: (validate) => validateResourceOfType(cloudflare.ZeroTrustAccessPolicy, (_props, args, reportViolation) => validate(args, reportViolation)),
  [SSM_PARAMETER]: (validate) => validateResourceOfType(aws.ssm.Parameter, (_props, args, reportViolation) => validate(args, reportViolation)),
  [SECRETS_MANAGER_SECRET]: (validate) => validateResourceOfType(aws.secretsmanager.Secret, (_props, args, reportViolation) => validate(args, reportViolation)),
  [VERCEL_ENV_VARIABLE]: (validate) =>
    validateResourceOfType(vercel.ProjectEnvironmentVariable, (_props, args, reportViolation) => validate(args, reportViolation)),
};

function declared(resource: { urn: string; type: string; name: string; props: Record<string, unknown>; opts?: { protect?: boolean } }): DeclaredResource {
  return { urn: resource.urn, type: resource.type, name: resource.name, props: resource.props, protect: resource.opts?.protect };
}

/**
 * @pulumi/policy (pinned at 1.21.0) also accepts a violation as an object with its own
 * enforcement level, which is how one policy reports mandatory in production and advisory in
 * development. Its published type lists only (message, urn); the analyzer-protocol test proves
 * the levels arrive, so an upgrade that drops this fails the suite, not a deployment.
 */
type LeveledViolation = { message: string; urn?: string; enforcementLevel: "mandatory" | "advisory" };

function leveled(reportViolation: ReportViolation): (violation: LeveledViolation) => void {
  return reportViolation as unknown as (violation: LeveledViolation) => void;
}

/** `resources` are what the verdicts judged: a failure about a DNS record is about its name too, for a waiver's target. */
function report(rule: BarRule, verdicts: Verdict[], context: BarContext, reportViolation: ReportViolation, resources: readonly DeclaredResource[] = []): void {
  const stack = { environment: context.config?.environment, waivers: context.config?.waivers ?? [] };
  for (const verdict of verdicts.map((v) => placedInOwnersFile(v, context))) {
    if (verdict.status !== "fail") continue;
    const failure = {
      id: rule.id,
      message: verdict.message,
      subjects: failureSubjects(verdict, resources),
      relaxedOutsideProduction: verdict.relaxedOutsideProduction,
    };
    const weighed = weighFailure(stack, failure, today());
    leveled(reportViolation)({ message: weighed.message, urn: verdict.urn, enforcementLevel: weighed.level });
  }
}

function validateStack(rule: BarRule) {
  return async (args: StackValidationArgs, reportViolation: ReportViolation) => {
    const context = stackContext(args.resources[0]?.urn);
    // A stack in another stack's zone is judged with what the owner declares for the zone; the
    // engine never sends those resources here, so their per-resource checks run here too.
    const owners = context.zone?.ownersResources ?? [];
    const resources = [...args.resources.map((r: PolicyResource) => declared(r)), ...owners];
    if (rule.checkResource) {
      const ofType = owners.filter((resource) => rule.resourceTypes?.includes(resource.type));
      report(
        rule,
        ofType.map((resource) => rule.checkResource!(resource, context)),
        context,
        reportViolation,
        ofType,
      );
    }
    if (rule.checkStack) report(rule, rule.checkStack(resources, context), context, reportViolation, resources);
    if (rule.checkStackAsync) report(rule, await rule.checkStackAsync(resources, context), context, reportViolation, resources);
    for (const waiver of expiredWaivers(context.config?.waivers ?? [], today())) {
      if (waiver.id === rule.id) leveled(reportViolation)({ message: expiredWaiverMessage(waiver), enforcementLevel: levelFor(context.config?.environment) });
    }
  };
}

function toPolicy(rule: BarRule): ResourceValidationPolicy {
  const checkResource = rule.checkResource;
  const validateResource = (rule.resourceTypes ?? []).map((type) =>
    OF_TYPE[type]((args, reportViolation) => {
      const context = stackContext(args.urn);
      const resource = declared(args);
      report(rule, [checkResource!(resource, context)], context, reportViolation, [resource]);
    }),
  );
  // One policy per bar ID judges both single resources (before each update) and the whole stack
  // (presence, cross-resource rules, expired waivers); the pack runs each part in its phase.
  return Object.assign(
    {
      name: rule.id.toLowerCase(),
      description: `${MINIMUM_BAR[rule.id].bar}. Declared: ${MINIMUM_BAR[rule.id].declared}.`,
      enforcementLevel: "mandatory" as const,
      validateResource: checkResource ? validateResource : [],
    },
    { validateStack: validateStack(rule) },
  );
}

// Before the pack starts its server: a malformed request must be refused, not decoded for a minute.
guardAnalyzerRequests();
new PolicyPack(PACK_NAME, { enforcementLevel: "mandatory", policies: BAR_RULES.map(toPolicy) });
