import { PHASES } from "../../domain/cloudflare/identifiers";
import { fail, pass, type BarRule, type Verdict } from "../bar";
import { rulesetsOfPhase } from "../declared/rulesets";

const LOWERED = new Set(["medium", "low", "eoff"]);

/**
 * EDGE-DDOS: HTTP DDoS protection is never switched off or made less sensitive in production
 * (staging may, as advisory). No override at all keeps Cloudflare's defaults and passes.
 */
export const edgeDdos: BarRule = {
  id: "EDGE-DDOS",
  checkStack(resources) {
    const verdicts: Verdict[] = [];
    for (const { ruleset, rules } of rulesetsOfPhase(resources, PHASES.ddos)) {
      for (const rule of rules) {
        const overrides = rule.actionParameters?.overrides as { sensitivityLevel?: string; enabled?: boolean; action?: string } | undefined;
        if (overrides?.enabled === false || overrides?.action === "log") {
          verdicts.push(
            fail(`rule ${rule.ref} switches HTTP DDoS mitigation off; remove launch-ready:edge.ddos`, {
              urn: ruleset.urn,
              configPath: "launch-ready:edge.ddos",
            }),
          );
        } else if (overrides?.sensitivityLevel && LOWERED.has(overrides.sensitivityLevel)) {
          verdicts.push(
            fail(`HTTP DDoS sensitivity is lowered to ${overrides.sensitivityLevel}; production keeps the default (remove launch-ready:edge.ddos)`, {
              urn: ruleset.urn,
              configPath: "launch-ready:edge.ddos.sensitivity",
              relaxedOutsideProduction: true,
            }),
          );
        }
      }
    }
    return verdicts.length > 0 ? verdicts : [pass()];
  },
};
