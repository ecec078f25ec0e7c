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
    ...applyTransform(
      options.transform,
      `${options.zoneName}-${planned.phase}`,
      {
        zoneId: options.zoneId,
        kind: "zone",
        phase: planned.phase,
        name: `launch-ready ${planned.purpose} for ${options.zoneName}`,
        description: planned.description,
        rules: planned.rules,
      },
      { parent, protect: options.protect },
    ),
  );
}
