import type * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { PHASES } from "../domain/cloudflare/identifiers";
import type { RedirectRuleSpec } from "./site-records";
import type { RulesetRuleSpec } from "./edge-rulesets";
import type { Transform } from "./transform";
import { createZoneRuleset } from "./zone-ruleset";

export interface CanonicalRedirectArgs {
  /** Cloudflare zone ID. */
  zoneId: pulumi.Input<string>;
  /**
   * Zone name, used in the ruleset's name and description.
   * @example "example.com"
   */
  zoneName: string;
  /**
   * The rules, usually `redirectRuleSpecs(config)`: extra redirects first, the canonical-host rule last.
   */
  rules: RedirectRuleSpec[];
  /**
   * Protect the ruleset from deletion (OPS-PROTECT).
   * @default false
   */
  protect?: boolean;
  /** Adjust the ruleset the component creates. */
  transform?: { ruleset?: Transform<cloudflare.RulesetArgs> };
}

/**
 * The zone's one `http_request_dynamic_redirect` entrypoint ruleset: the non-canonical host goes to
 * the canonical one in one hop (DNS-CANONICAL), together with any extra redirects. Cloudflare
 * allows one entrypoint ruleset per phase and zone, so every redirect lives here.
 */
export class CanonicalRedirect extends pulumi.ComponentResource {
  public readonly ruleset: cloudflare.Ruleset;

  constructor(name: string, args: CanonicalRedirectArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:CanonicalRedirect", name, {}, opts);
    this.ruleset = createZoneRuleset(
      this,
      `CanonicalRedirect "${name}"`,
      {
        phase: PHASES.redirect,
        purpose: "redirects",
        description: "Canonical host and extra redirects, managed by launch-ready",
        rules: args.rules.map(toRulesetRule),
      },
      { zoneId: args.zoneId, zoneName: args.zoneName, protect: args.protect ?? false, transform: args.transform?.ruleset },
    );
    this.registerOutputs({ ruleset: this.ruleset });
  }
}

/** A planned redirect as a ruleset rule. */
export function toRulesetRule(rule: RedirectRuleSpec): RulesetRuleSpec {
  return {
    ref: rule.ref,
    description: rule.description,
    expression: rule.expression,
    action: "redirect",
    enabled: true,
    actionParameters: {
      fromValue: {
        statusCode: rule.statusCode,
        targetUrl: rule.target,
        preserveQueryString: rule.preserveQueryString,
      },
    },
  };
}
