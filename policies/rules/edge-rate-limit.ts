import { PHASES } from "../../domain/cloudflare/identifiers";
import { rateLimitProblems } from "../../domain/cloudflare/zone-plans";
import { ENDPOINT_KINDS } from "../../stacks/schema/edge";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { describeRequest, ruleMatches, rulesetsOfPhase } from "../declared/rulesets";

/**
 * EDGE-RATE-LIMIT: login, signup, password reset and webhooks each have a declared endpoint, each
 * endpoint meets a rate-limit rule, and the rules fit the zone's plan.
 */
export const edgeRateLimit: BarRule = {
  id: "EDGE-RATE-LIMIT",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's endpoints are unknown (no stack file found for it)")];
    const verdicts: Verdict[] = [];
    for (const kind of ENDPOINT_KINDS) {
      if (!config.edge.endpoints.some((e) => e.kind === kind)) {
        verdicts.push(
          fail(
            `no ${kind} endpoint is declared, so nothing limits how fast it can be hammered; add it to launch-ready:edge.endpoints (or waive EDGE-RATE-LIMIT if the product has none)`,
            { configPath: "launch-ready:edge.endpoints" },
          ),
        );
      }
    }
    const declared = rulesetsOfPhase(resources, PHASES.rateLimit);
    const rules = declared.flatMap(({ ruleset, rules }) => rules.filter((rule) => rule.ratelimit).map((rule) => ({ rule, urn: ruleset.urn })));
    const plan = config.zone.plan;
    const tooMany = rateLimitProblems.rules(rules.length, plan);
    if (tooMany) verdicts.push(fail(`${rules.length} rate-limit rules; ${tooMany}`, { urn: rules[0].urn, configPath: "launch-ready:edge.endpoints" }));
    for (const { rule, urn } of rules) {
      const period = rule.ratelimit?.period;
      const periodProblem = period === undefined ? undefined : rateLimitProblems.period(period, plan);
      if (periodProblem) verdicts.push(fail(`rule ${rule.ref} counts over ${period} s; ${periodProblem}`, { urn, configPath: "launch-ready:edge.endpoints" }));
      const timeout = rule.ratelimit?.mitigationTimeout;
      const timeoutProblem = timeout === undefined ? undefined : rateLimitProblems.timeout(timeout, plan);
      if (timeoutProblem)
        verdicts.push(fail(`rule ${rule.ref} mitigates for ${timeout} s; ${timeoutProblem}`, { urn, configPath: "launch-ready:edge.endpoints" }));
    }
    for (const endpoint of config.edge.endpoints) {
      const sample = { host: endpoint.host, path: endpoint.path };
      const covering = rules.find(({ rule }) => {
        const match = ruleMatches(rule, sample);
        return "matched" in match && match.matched;
      });
      if (!covering)
        verdicts.push(
          fail(`${describeRequest(sample)} (${endpoint.kind}) meets no rate-limit rule`, { configPath: `launch-ready:edge.endpoints[${endpoint.index}]` }),
        );
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
