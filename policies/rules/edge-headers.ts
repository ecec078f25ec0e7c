import { isFrameOption, isStrictReferrerPolicy } from "../../domain/http-security";
import { PHASES } from "../../domain/cloudflare/identifiers";
import { fail, notApplicable, pass, type BarRule } from "../bar";
import { ruleMatches, rulesetsOfPhase } from "../declared/rulesets";

const ACCEPTED: Record<string, (value: string) => boolean> = {
  "x-content-type-options": (v) => v.toLowerCase() === "nosniff",
  "x-frame-options": isFrameOption,
  "referrer-policy": isStrictReferrerPolicy,
};

/**
 * EDGE-HEADERS: an HTML answer the app sent from the canonical host without security headers
 * leaves the edge with X-Content-Type-Options, X-Frame-Options and a strict Referrer-Policy.
 */
export const edgeHeaders: BarRule = {
  id: "EDGE-HEADERS",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's canonical host is unknown (no stack file found for it)")];
    const sample = { host: config.canonical.fqdn, path: "/", response: { contentType: "text/html", headers: {} } };
    const set = new Map<string, string>();
    for (const { rules } of rulesetsOfPhase(resources, PHASES.responseHeaders)) {
      for (const rule of rules.filter((r) => r.action === "rewrite")) {
        const match = ruleMatches(rule, sample);
        if (!("matched" in match) || !match.matched) continue;
        for (const [name, header] of Object.entries((rule.actionParameters?.headers ?? {}) as Record<string, { operation?: string; value?: string }>)) {
          if (header.operation === "set" && header.value) set.set(name.toLowerCase(), header.value);
        }
      }
    }
    const missing = Object.entries(ACCEPTED)
      .filter(([name, accept]) => !set.has(name) || !accept(set.get(name)!))
      .map(([name]) => name);
    return missing.length === 0
      ? [pass()]
      : [
          fail(
            `an HTML answer without its own ${missing.join(", ")} from ${config.canonical.fqdn} leaves the edge without ${missing.length === 1 ? "it" : "them"}; the kit's SecurityHeaders component sets them from launch-ready:edge.headers`,
            { configPath: "launch-ready:edge.headers" },
          ),
        ];
  },
};
