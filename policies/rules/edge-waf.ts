import { PHASES } from "../../domain/cloudflare/identifiers";
import { ZONE_PLAN_LIMITS } from "../../domain/cloudflare/zone-plans";
import { fail, notApplicable, pass, type BarRule } from "../bar";
import { rulesetsOfPhase } from "../declared/rulesets";

/** EDGE-WAF: Cloudflare's managed WAF rulesets run where the zone's plan includes them. */
export const edgeWaf: BarRule = {
  id: "EDGE-WAF",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the zone's plan is unknown (no stack file found for it)")];
    const { managedRulesets: expected, availableManagedRulesets: available } = ZONE_PLAN_LIMITS[config.zone.plan];
    const executed = rulesetsOfPhase(resources, PHASES.managedWaf).flatMap(({ ruleset, rules }) =>
      rules.filter((rule) => rule.action === "execute").map((rule) => ({ id: String(rule.actionParameters?.id), urn: ruleset.urn })),
    );
    const foreign = executed.filter((e) => !available.some((m) => m.id === e.id));
    if (foreign.length > 0) {
      return foreign.map((e) =>
        fail(
          `managed ruleset ${e.id} is not available on the ${config.zone.plan} plan, so pulumi up would fail; available: ${available.map((m) => m.name).join(", ")}`,
          { urn: e.urn, configPath: "launch-ready:edge.waf" },
        ),
      );
    }
    const missing = expected.filter((m) => !executed.some((e) => e.id === m.id));
    if (missing.length > 0) {
      return [
        fail(
          `${missing.map((m) => m.name).join(" and ")} ${missing.length === 1 ? "is" : "are"} included in the ${config.zone.plan} plan but not deployed; write launch-ready:edge.waf.managed: true`,
          { configPath: "launch-ready:edge.waf.managed" },
        ),
      ];
    }
    return [pass()];
  },
};
