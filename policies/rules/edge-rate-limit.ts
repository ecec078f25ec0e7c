import { PHASES } from "../../domain/cloudflare/identifiers";
import { LIMITING_ACTIONS, rateLimitProblems, type ZonePlan } from "../../domain/cloudflare/zone-plans";
import { subjectKey } from "../../domain/bar/weighing";
import { REQUIRED_ENDPOINT_KINDS } from "../../stacks/schema/edge";
import type { DeclaredEndpoint, LaunchReadyConfig } from "../../stacks/stack-config";
import { declaredHost, fail, notApplicable, pass, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { describeRequest, ruleMatches, rulesetsOfPhase, type DeclaredRule } from "../declared/rulesets";

interface LimitRule {
  rule: DeclaredRule;
  urn: string;
}

const endpointPath = (endpoint: DeclaredEndpoint) => `launch-ready:edge.endpoints[${endpoint.index}]`;

/** Whether a rule stops a client over its rate at this request (log only records it). */
function limits(rule: DeclaredRule, sample: { host: string; path: string }): boolean {
  if (!(LIMITING_ACTIONS as readonly string[]).includes(String(rule.action))) return false;
  const match = ruleMatches(rule, sample);
  return "matched" in match && match.matched;
}

/** The declared rate-limit rules the plan cannot take: action, period and timeout, each judged by the zone plan's data. */
function planProblems(rules: readonly LimitRule[], endpoints: readonly DeclaredEndpoint[], plan: ZonePlan): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const { rule, urn } of rules) {
    // The endpoints a rule limits are what its failures are about.
    const limited = endpoints.filter((e) => {
      const match = ruleMatches(rule, { host: e.host, path: e.path });
      return "matched" in match && match.matched;
    });
    const subjects = limited.flatMap((e) => [endpointPath(e), `${e.host}${e.path}`]);
    const at = (key: string) => (limited.length > 0 ? `${endpointPath(limited[0])}.${key}` : "launch-ready:edge.endpoints");
    const action = rule.action === undefined ? undefined : String(rule.action);
    const actionRefused = action === undefined ? undefined : rateLimitProblems.action(action, plan);
    if (actionRefused)
      verdicts.push(
        fail(`rule ${rule.ref} answers ${action}; ${actionRefused.clause}: write action: ${actionRefused.instead}`, {
          urn,
          configPath: at("action"),
          subjects,
        }),
      );
    const period = rule.ratelimit?.period;
    const periodRefused = period === undefined ? undefined : rateLimitProblems.period(period, plan);
    if (periodRefused)
      verdicts.push(
        fail(`rule ${rule.ref} counts over ${period} s; ${periodRefused.clause}: write period: ${periodRefused.instead}`, {
          urn,
          configPath: at("period"),
          subjects,
        }),
      );
    const timeout = rule.ratelimit?.mitigationTimeout;
    const timeoutRefused = timeout === undefined || action === undefined ? undefined : rateLimitProblems.timeout(timeout, action, plan);
    if (timeoutRefused)
      verdicts.push(
        fail(`rule ${rule.ref} mitigates for ${timeout} s; ${timeoutRefused.clause}: write timeout: ${timeoutRefused.instead}`, {
          urn,
          configPath: at("timeout"),
          subjects,
        }),
      );
  }
  return verdicts;
}

/**
 * Each performance endpoint of kind ai meets a rule that limits it, or is served by a provider that
 * does: every call costs money, so an unlimited one is a bill anyone can run up.
 */
function aiEndpointVerdicts(config: LaunchReadyConfig, rules: readonly LimitRule[]): Verdict[] {
  return config.performance.endpoints
    .filter((e) => e.kind === "ai")
    .map((endpoint): Verdict => {
      const url = new URL(endpoint.url);
      const sample = { host: url.hostname, path: url.pathname };
      const external = config.edge.externalEndpoints.find((e) => subjectKey(e.url) === subjectKey(`${url.origin}${url.pathname}`));
      if (external) return pass(undefined, `${endpoint.name} (ai) is limited by ${external.provider}: ${external.limits}`);
      if (rules.some(({ rule }) => limits(rule, sample))) return pass();
      const at = { configPath: `launch-ready:performance.endpoints[${endpoint.index}]`, subjects: [`${sample.host}${sample.path}`, "ai"] };
      const host = declaredHost(config, sample.host);
      if (!host?.proxied)
        return fail(
          `${endpoint.method} ${endpoint.url} (ai) is not served through a proxied host of this zone, so no rate-limit rule can reach it and every call costs money; declare it in launch-ready:edge.endpoints as { kind: ai, external: { provider, url: ${endpoint.url}, limits } } with who limits it`,
          at,
        );
      // A limit like the other endpoints' shares their rule, which the Free plan's one rule needs.
      const like = config.edge.endpoints[0];
      const limit = like
        ? `requests: ${like.requests}, period: ${like.period}, timeout: ${like.timeout}${like.action === "block" ? "" : `, action: ${like.action}`}`
        : "requests: 10, period: 10";
      return fail(
        `${endpoint.method} ${endpoint.url} (ai) meets no rate-limit rule, so anyone can run up the model bill; add { kind: ai, host: ${host.name}, path: ${sample.path}, ${limit} } to launch-ready:edge.endpoints`,
        at,
      );
    });
}

/**
 * EDGE-RATE-LIMIT: login, signup, password reset and webhooks each have a declared endpoint; each
 * endpoint, and each AI endpoint of launch-ready:performance, meets a rate-limit rule or is served
 * by a provider that limits it; every rule is one Cloudflare takes on the zone's plan.
 */
export const edgeRateLimit: BarRule = {
  id: "EDGE-RATE-LIMIT",
  checkStack(resources: readonly DeclaredResource[], context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's endpoints are unknown (no stack file found for it)")];
    const verdicts: Verdict[] = [];
    const { endpoints, externalEndpoints } = config.edge;
    for (const kind of REQUIRED_ENDPOINT_KINDS) {
      if (![...endpoints, ...externalEndpoints].some((e) => e.kind === kind)) {
        verdicts.push(
          fail(
            `no ${kind} endpoint is declared, so nothing limits how fast it can be hammered; add it to launch-ready:edge.endpoints (external, with who limits it, when another provider serves it; or waive EDGE-RATE-LIMIT with target: ${kind} if the product has none)`,
            { configPath: "launch-ready:edge.endpoints", subjects: [kind] },
          ),
        );
      }
    }
    const rules: LimitRule[] = rulesetsOfPhase(resources, PHASES.rateLimit).flatMap(({ ruleset, rules }) =>
      rules.filter((rule) => rule.ratelimit).map((rule) => ({ rule, urn: ruleset.urn })),
    );
    const plan = config.zone.plan;
    const tooMany = rateLimitProblems.rules(rules.length, plan);
    if (tooMany) verdicts.push(fail(`${rules.length} rate-limit rules; ${tooMany}`, { urn: rules[0].urn, configPath: "launch-ready:edge.endpoints" }));
    verdicts.push(...planProblems(rules, endpoints, plan));
    for (const endpoint of endpoints) {
      const sample = { host: endpoint.host, path: endpoint.path };
      if (!rules.some(({ rule }) => limits(rule, sample)))
        verdicts.push(
          fail(`${describeRequest(sample)} (${endpoint.kind}) meets no rate-limit rule`, {
            configPath: endpointPath(endpoint),
            subjects: [`${endpoint.host}${endpoint.path}`, endpoint.kind],
          }),
        );
    }
    const passes = externalEndpoints.map((e) => pass(undefined, `${e.kind} at ${e.url} is limited by ${e.provider}: ${e.limits}`));
    const ai = aiEndpointVerdicts(config, rules);
    const failed = [...verdicts, ...ai].filter((v) => v.status === "fail");
    return failed.length > 0 ? failed : [pass(), ...passes, ...ai];
  },
};
