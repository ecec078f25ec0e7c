import type * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { RulesetSpec } from "./edge-rulesets";
import type { Transform } from "./transform";
import { createZoneRuleset } from "./zone-ruleset";

export interface EdgeRulesetsArgs {
  /** Cloudflare zone ID. */
  zoneId: pulumi.Input<string>;
  /**
   * Zone name, used in the rulesets' logical names.
   * @example "example.com"
   */
  zoneName: string;
  /** The planned rulesets, one per phase (see components/edge-plan.ts). */
  rulesets: RulesetSpec[];
  /**
   * Protect the rulesets from deletion (OPS-PROTECT).
   * @default false
   */
  protect?: boolean;
  /** Adjust each ruleset the component creates. */
  transform?: { ruleset?: Transform<cloudflare.RulesetArgs> };
}

/** Creates each planned ruleset as the zone's entrypoint for its phase, under one component. */
abstract class EdgeRulesets extends pulumi.ComponentResource {
  /** The created rulesets, by phase. */
  public readonly rulesets: Record<string, cloudflare.Ruleset>;

  protected constructor(type: string, name: string, args: EdgeRulesetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    const owner = `${type.split(":").pop()} "${name}"`;
    this.rulesets = Object.fromEntries(
      args.rulesets.map((planned) => [
        planned.phase,
        createZoneRuleset(this, owner, planned, {
          zoneId: args.zoneId,
          zoneName: args.zoneName,
          protect: args.protect ?? false,
          transform: args.transform?.ruleset,
        }),
      ]),
    );
    this.registerOutputs({ rulesets: this.rulesets });
  }
}

/** Edge caching: static assets cached, private traffic never (EDGE-CACHE-STATIC, EDGE-CACHE-PRIVATE). */
export class EdgeCache extends EdgeRulesets {
  constructor(name: string, args: EdgeRulesetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:EdgeCache", name, args, opts);
  }
}

/** Managed WAF, admin protection, rate limits and DDoS overrides (EDGE-WAF, EDGE-ADMIN, EDGE-RATE-LIMIT, EDGE-DDOS). */
export class EdgeFirewall extends EdgeRulesets {
  constructor(name: string, args: EdgeRulesetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:EdgeFirewall", name, args, opts);
  }
}

/** Security headers on HTML answers (EDGE-HEADERS). */
export class SecurityHeaders extends EdgeRulesets {
  constructor(name: string, args: EdgeRulesetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:SecurityHeaders", name, args, opts);
  }
}
