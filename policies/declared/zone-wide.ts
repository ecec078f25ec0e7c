/**
 * A stack in another stack's zone declares no zone settings, rulesets or DNSSEC of its own: the owner's
 * carry its rules. To judge its edge and TLS, the bar reads what the owner declares for the zone,
 * built by the same functions the owner's components call, so the two cannot disagree.
 */
import { redirectRulesetSpec } from "../../components/canonical-redirect";
import { botManagementSpec } from "../../components/bot-protection";
import { zoneRulesetArgs, zoneRulesetName } from "../../components/zone-ruleset";
import { zoneWideSpecs } from "../../components/zone-share";
import { BOT_MANAGEMENT, RULESET, ZONE_DNSSEC, ZONE_SETTING } from "../../domain/resource-types";
import type { ZoneGroup } from "../../stacks/zone-group";
import type { DeclaredResource } from "../bar";

/** What the owner of `group`'s zone declares for the whole zone, as its plan would record it. */
export function zoneWideResources(group: ZoneGroup, project: string): DeclaredResource[] {
  const specs = zoneWideSpecs(group);
  const urn = (type: string, name: string) => `urn:pulumi:${group.owner.stack}::${project}::${type}::${name}`;
  const rulesets = [...specs.rulesets, redirectRulesetSpec(specs.redirects)].map((planned): DeclaredResource => {
    const name = zoneRulesetName(specs.zoneName, planned);
    return { urn: urn(RULESET, name), type: RULESET, name, props: zoneRulesetArgs(specs.zoneId, specs.zoneName, planned), protect: group.owner.config.protect };
  });
  const settings = specs.settings.map(
    (setting): DeclaredResource => ({
      urn: urn(ZONE_SETTING, setting.logicalName),
      type: ZONE_SETTING,
      name: setting.logicalName,
      props: { zoneId: specs.zoneId, settingId: setting.settingId, value: setting.value },
      protect: group.owner.config.protect,
    }),
  );
  const dnssec: DeclaredResource[] = specs.dnssec
    ? [
        {
          urn: urn(ZONE_DNSSEC, specs.dnssec.logicalName),
          type: ZONE_DNSSEC,
          name: specs.dnssec.logicalName,
          props: { zoneId: specs.zoneId, status: specs.dnssec.status },
          protect: group.owner.config.protect,
        },
      ]
    : [];
  const owner = group.owner.config;
  const bots: DeclaredResource[] = owner.edge.bots
    ? [
        {
          urn: urn(BOT_MANAGEMENT, `${specs.zoneName}-bot-management`),
          type: BOT_MANAGEMENT,
          name: `${specs.zoneName}-bot-management`,
          props: { zoneId: specs.zoneId, ...botManagementSpec(owner.edge.bots, owner.zone.plan) },
          protect: owner.protect,
        },
      ]
    : [];
  return [...rulesets, ...settings, ...dnssec, ...bots];
}
