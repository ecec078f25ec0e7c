import type * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { PHASES } from "../domain/cloudflare/identifiers";
import type { RedirectRuleSpec } from "./site-records";
import type { RulesetRuleSpec, RulesetSpec } from "./edge-rulesets";
import type { Transform } from "./transform";
import { createZoneRuleset } from "./zone-ruleset";

export interface CanonicalRedirectArgs {
  /**
   * ID of the Cloudflare zone the ruleset belongs to (dashboard: the zone's Overview page, API
   * section). An Output works too, such as a `cloudflare.Zone`'s `id`.
   * @example "023e105f4ecef8ad9ca31a8372d0c353"
   */
  zoneId: pulumi.Input<string>;
  /**
   * The zone's domain. It names the ruleset (`example.com-http_request_dynamic_redirect`) and its
   * claim on the phase, so a second redirect ruleset for the zone in the same program is refused.
   * @example "example.com"
   */
  zoneName: string;
  /**
   * Every redirect of the zone, in order: the first rule that matches answers. Put specific
   * redirects before the canonical-host rule. The zone's plan caps the count (Single Redirects).
   * @example
   * [{
   *   ref: "canonical-host", description: "Canonical host: example.com to www.example.com",
   *   expression: '(http.host eq "example.com") and (ssl)', statusCode: 301,
   *   target: { expression: 'concat("https://www.example.com", http.request.uri.path)' }, preserveQueryString: true,
   * }]
   */
  rules: RedirectRuleSpec[];
  /**
   * Protect the ruleset from deletion (OPS-PROTECT): `pulumi up` refuses to delete it until the
   * protection is lifted on purpose.
   * @default false
   * @example true
   */
  protect?: boolean;
  /**
   * Adjust the `cloudflare.Ruleset` the component creates, as fields to merge into its args or a
   * function that edits them and its options.
   * @example { ruleset: { description: "Redirects, managed by the platform team" } }
   */
  transform?: { ruleset?: Transform<cloudflare.RulesetArgs> };
}

/**
 * The zone's one `http_request_dynamic_redirect` entrypoint ruleset: the non-canonical host goes to
 * the canonical one in one hop (DNS-CANONICAL), together with any extra redirects. Cloudflare
 * allows one entrypoint ruleset per phase and zone, so every redirect lives here.
 * @example
 * ```ts
 * import { CanonicalRedirect } from "launch-ready";
 *
 * new CanonicalRedirect("redirects", {
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   zoneName: "example.com",
 *   rules: [
 *     {
 *       ref: "canonical-host",
 *       description: "Canonical host: example.com to www.example.com",
 *       expression: '(http.host eq "example.com") and (ssl)',
 *       statusCode: 301,
 *       target: { expression: 'concat("https://www.example.com", http.request.uri.path)' },
 *       preserveQueryString: true,
 *     },
 *   ],
 * });
 * ```
 */
export class CanonicalRedirect extends pulumi.ComponentResource {
  public readonly ruleset: cloudflare.Ruleset;

  constructor(name: string, args: CanonicalRedirectArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:CanonicalRedirect", name, {}, opts);
    this.ruleset = createZoneRuleset(this, `CanonicalRedirect "${name}"`, redirectRulesetSpec(args.rules), {
      zoneId: args.zoneId,
      zoneName: args.zoneName,
      protect: args.protect ?? false,
      transform: args.transform?.ruleset,
    });
    this.registerOutputs({ ruleset: this.ruleset });
  }
}

/** The zone's redirect entrypoint ruleset holding `rules`. */
export function redirectRulesetSpec(rules: readonly RedirectRuleSpec[]): RulesetSpec {
  return {
    phase: PHASES.redirect,
    purpose: "redirects",
    description: "Canonical host and extra redirects, managed by launch-ready",
    rules: rules.map(toRulesetRule),
  };
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
