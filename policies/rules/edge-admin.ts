import { PHASES } from "../../components/edge-plan";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { describeRequest, ruleMatches, rulesetsOfPhase } from "./edge-rules";

const PROTECTING = new Set(["managed_challenge", "challenge", "js_challenge", "block"]);

/**
 * EDGE-ADMIN: an anonymous visitor from an address nobody listed, asking for any admin host or
 * declared admin path, meets a challenge or a block before reaching the app.
 */
export const edgeAdmin: BarRule = {
  id: "EDGE-ADMIN",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's admin surfaces are unknown (no stack file found for it)")];
    const surfaces = [
      ...config.hosts.filter((h) => h.purpose === "admin").map((h) => ({ host: h.fqdn, path: "/", configPath: `launch-ready:hosts[${h.index}]` })),
      ...config.edge.admin.filter((a) => a.path).map((a) => ({ host: a.host, path: `${a.path}settings`, configPath: `launch-ready:edge.admin[${a.index}]` })),
    ];
    if (surfaces.length === 0) return [notApplicable("the stack declares no admin host or path")];
    const rules = rulesetsOfPhase(resources, PHASES.customWaf).flatMap(({ rules }) => rules);
    const verdicts: Verdict[] = [];
    for (const surface of surfaces) {
      const sample = { host: surface.host, path: surface.path, ip: "192.0.2.44" };
      const protectedBy = rules.find((rule) => {
        const match = ruleMatches(rule, sample);
        return PROTECTING.has(String(rule.action)) && "matched" in match && match.matched;
      });
      if (!protectedBy) {
        verdicts.push(fail(`${describeRequest(sample)} reaches the app without a challenge; protect it in launch-ready:edge.admin (challenge or allowlist)`, { configPath: surface.configPath }));
      }
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
