import type * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { RulesetSpec } from "./edge-rulesets";
import type { Transform } from "./transform";
import { createZoneRuleset } from "./zone-ruleset";

/** What EdgeCache, EdgeFirewall and SecurityHeaders take: the zone and its rulesets, one per phase. */
export interface EdgeRulesetsArgs {
  /**
   * ID of the Cloudflare zone the rulesets belong to (dashboard: the zone's Overview page, API
   * section). An Output works too, such as a `cloudflare.Zone`'s `id`.
   * @example "023e105f4ecef8ad9ca31a8372d0c353"
   */
  zoneId: pulumi.Input<string>;
  /**
   * The zone's domain. It names each ruleset (`example.com-http_request_firewall_custom`) and its
   * claim on the phase.
   * @example "example.com"
   */
  zoneName: string;
  /**
   * The rulesets, each the zone's entrypoint for its phase. Cloudflare keeps one per zone and
   * phase and a second would silently replace the first, so a phase that this or another
   * component of the program already holds is refused.
   * @example
   * [{
   *   phase: "http_request_firewall_custom", purpose: "custom-waf", description: "Admin behind a challenge",
   *   rules: [{ ref: "admin-challenge", description: "Challenge every visitor to admin.example.com",
   *     expression: 'http.host eq "admin.example.com"', action: "managed_challenge", enabled: true }],
   * }]
   */
  rulesets: RulesetSpec[];
  /**
   * Protect the rulesets from deletion (OPS-PROTECT): `pulumi up` refuses to delete one until the
   * protection is lifted on purpose.
   * @default false
   * @example true
   */
  protect?: boolean;
  /**
   * Adjust each `cloudflare.Ruleset` the component creates, as fields to merge into its args or a
   * function that edits them and its options.
   * @example { ruleset: (args, opts) => { opts.retainOnDelete = true; } }
   */
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

/**
 * Edge caching, the `http_request_cache_settings` phase: static assets cached, private traffic
 * never (EDGE-CACHE-STATIC, EDGE-CACHE-PRIVATE). Cache rules all apply and a later one's settings
 * win, so a bypass belongs last.
 * @example
 * ```ts
 * import { EdgeCache } from "launch-ready";
 *
 * new EdgeCache("cache", {
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   zoneName: "example.com",
 *   rulesets: [{
 *     phase: "http_request_cache_settings",
 *     purpose: "cache",
 *     description: "Static assets cached; signed-in requests never",
 *     rules: [
 *       { ref: "cache-static", description: "Cache /assets/", expression: 'starts_with(http.request.uri.path, "/assets/")', action: "set_cache_settings", enabled: true,
 *         actionParameters: { cache: true, edgeTtl: { mode: "override_origin", default: 2592000 } } },
 *       { ref: "bypass-signed-in", description: "Never cache signed-in requests", expression: 'len(http.request.headers["authorization"]) > 0', action: "set_cache_settings", enabled: true,
 *         actionParameters: { cache: false } },
 *     ],
 *   }],
 * });
 * ```
 */
export class EdgeCache extends EdgeRulesets {
  constructor(name: string, args: EdgeRulesetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:EdgeCache", name, args, opts);
  }
}

/**
 * The zone's firewall: managed WAF, custom rules such as admin protection, rate limits and DDoS
 * overrides, in the `http_request_firewall_managed`, `http_request_firewall_custom`,
 * `http_ratelimit` and `ddos_l7` phases (EDGE-WAF, EDGE-ADMIN, EDGE-RATE-LIMIT, EDGE-DDOS).
 * @example
 * ```ts
 * import { EdgeFirewall } from "launch-ready";
 *
 * new EdgeFirewall("firewall", {
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   zoneName: "example.com",
 *   rulesets: [
 *     {
 *       phase: "http_request_firewall_managed",
 *       purpose: "managed-waf",
 *       description: "Cloudflare managed WAF",
 *       // The Cloudflare Free Managed Ruleset; Pro and up can run the Cloudflare Managed Ruleset, efb7b8c949ac4650a09736fc376e9aee.
 *       rules: [{ ref: "execute-free-managed", description: "Execute the Cloudflare Free Managed Ruleset", expression: "true", action: "execute", enabled: true,
 *         actionParameters: { id: "77454fe2d30c4220b5701f6fdfb893ba" } }],
 *     },
 *     {
 *       phase: "http_request_firewall_custom",
 *       purpose: "custom-waf",
 *       description: "Admin behind a challenge",
 *       rules: [{ ref: "admin-challenge", description: "Challenge every visitor to admin.example.com", expression: 'http.host eq "admin.example.com"',
 *         action: "managed_challenge", enabled: true }],
 *     },
 *   ],
 * });
 * ```
 */
export class EdgeFirewall extends EdgeRulesets {
  constructor(name: string, args: EdgeRulesetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:EdgeFirewall", name, args, opts);
  }
}

/**
 * Security headers on HTML answers, the `http_response_headers_transform` phase (EDGE-HEADERS).
 * @example
 * ```ts
 * import { SecurityHeaders } from "launch-ready";
 *
 * new SecurityHeaders("headers", {
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   zoneName: "example.com",
 *   rulesets: [{
 *     phase: "http_response_headers_transform",
 *     purpose: "security-headers",
 *     description: "Security headers on HTML answers",
 *     rules: [{ ref: "set-x-frame-options", description: "Set X-Frame-Options: DENY where the app does not",
 *       expression: '(http.response.content_type.media_type eq "text/html") and (not (len(http.response.headers["x-frame-options"]) > 0))',
 *       action: "rewrite", enabled: true, actionParameters: { headers: { "X-Frame-Options": { operation: "set", value: "DENY" } } } }],
 *   }],
 * });
 * ```
 */
export class SecurityHeaders extends EdgeRulesets {
  constructor(name: string, args: EdgeRulesetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:SecurityHeaders", name, args, opts);
  }
}
