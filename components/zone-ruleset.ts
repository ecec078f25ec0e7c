import * as cloudflare from "@pulumi/cloudflare";
import type * as pulumi from "@pulumi/pulumi";
import type { RulesetSpec } from "./edge-rulesets";
import { applyTransform, type Transform } from "./transform";
import { claimZoneEntrypoint } from "./zone-entrypoints";

export interface ZoneRulesetOptions {
  zoneId: pulumi.Input<string>;
  zoneName: string;
  protect: boolean;
  transform?: Transform<cloudflare.RulesetArgs>;
}

/**
 * A zone entrypoint ruleset for one phase, claimed first so no other component can create a
 * second one for that phase. Named `<zone>-<phase>`: one per phase, stable across config edits.
 */
export function createZoneRuleset(parent: pulumi.Resource, owner: string, planned: RulesetSpec, options: ZoneRulesetOptions): cloudflare.Ruleset {
  claimZoneEntrypoint(options.zoneName, planned.phase, owner);
  return new cloudflare.Ruleset(
    ...applyTransform(options.transform, zoneRulesetName(options.zoneName, planned), zoneRulesetArgs(options.zoneId, options.zoneName, planned), {
      parent,
      protect: options.protect,
    }),
  );
}

export function zoneRulesetName(zoneName: string, planned: RulesetSpec): string {
  return `${zoneName}-${planned.phase}`;
}

/** The ruleset's inputs as the provider takes them: what the bar also judges for a stack in this zone. */
export function zoneRulesetArgs<Id>(zoneId: Id, zoneName: string, planned: RulesetSpec) {
  return {
    zoneId,
    kind: "zone",
    phase: planned.phase,
    name: `launch-ready ${planned.purpose} for ${zoneName}`,
    description: planned.description,
    rules: planned.rules,
  };
}
