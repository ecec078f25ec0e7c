import type { BarId } from "../domain/bar/catalog";
import { fail, notApplicable, NOT_KNOWN_YET, pass, type BarContext, type BarRule, type DeclaredResource, type Verdict } from "./bar";
import { ZONE_SETTING } from "../domain/resource-types";

export interface SettingCheck {
  settingId: string;
  /** Where the stack file sets it, for the message and SARIF. */
  configPath: string;
  /** A failure message for a value below the bar, or undefined when it meets it. */
  judge(value: unknown, context: BarContext): { message: string; relaxedOutsideProduction?: boolean; configPath?: string } | undefined;
}

/**
 * A bar item met by zone settings: each setting's value is judged per resource (before an
 * update), and the stack must declare every one of them at all.
 */
export function zoneSettingRule(id: BarId, checks: readonly SettingCheck[]): BarRule {
  const bySetting = new Map(checks.map((check) => [check.settingId, check]));
  return {
    id,
    resourceTypes: [ZONE_SETTING],
    checkResource(resource: DeclaredResource, context: BarContext): Verdict {
      const check = bySetting.get(String(resource.props.settingId));
      if (!check) return notApplicable(`${id} does not judge ${String(resource.props.settingId)}`, resource.urn);
      const value = resource.props.value;
      if (value === undefined) return notApplicable(`${check.settingId}: ${NOT_KNOWN_YET}`, resource.urn);
      const problem = check.judge(value, context);
      return problem
        ? fail(`${check.settingId}: ${problem.message}`, {
            urn: resource.urn,
            configPath: problem.configPath ?? check.configPath,
            relaxedOutsideProduction: problem.relaxedOutsideProduction,
          })
        : pass(resource.urn);
    },
    checkStack(resources: readonly DeclaredResource[]): Verdict[] {
      const declared = new Set(resources.filter((r) => r.type === ZONE_SETTING).map((r) => r.props.settingId));
      return checks
        .filter((check) => !declared.has(check.settingId))
        .map((check) =>
          fail(
            `no ${check.settingId} zone setting is declared, so Cloudflare's default applies; declare the zone's TLS settings (launch-ready:tls) in this stack`,
            { configPath: check.configPath },
          ),
        );
    },
  };
}
