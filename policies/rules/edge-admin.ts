import { PHASES } from "../../domain/cloudflare/identifiers";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { ACCESS_APPLICATION } from "../../domain/resource-types";
import { describeRequest, ruleMatches, rulesetsOfPhase } from "../declared/rulesets";

const PROTECTING = new Set(["managed_challenge", "challenge", "js_challenge", "block"]);

/**
 * EDGE-ADMIN: an anonymous visitor from an address nobody listed, asking for any admin host or
 * declared admin path, meets a Cloudflare Access sign-in, a challenge or a block before reaching
 * the app.
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
    // An Access application covers its domain (host, or host + path prefix) and everything below it.
    const accessDomains = resources.filter((r) => r.type === ACCESS_APPLICATION && typeof r.props.domain === "string").map((r) => String(r.props.domain));
    const behindAccess = (host: string, path: string) =>
      accessDomains.some((domain) => `${host}${path}`.startsWith(domain.includes("/") ? domain : `${domain}/`));
    const verdicts: Verdict[] = [];
    for (const surface of surfaces) {
      const sample = { host: surface.host, path: surface.path, ip: "192.0.2.44" };
      if (behindAccess(surface.host, surface.path)) continue;
      const protectedBy = rules.find((rule) => {
        const match = ruleMatches(rule, sample);
        return PROTECTING.has(String(rule.action)) && "matched" in match && match.matched;
      });
      if (!protectedBy) {
        verdicts.push(
          fail(`${describeRequest(sample)} reaches the app without a challenge; protect it in launch-ready:edge.admin (challenge, allowlist or access)`, {
            configPath: surface.configPath,
            subjects: [`${surface.host}${surface.path}`],
          }),
        );
      }
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
