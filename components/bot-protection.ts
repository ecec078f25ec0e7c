import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { BOT_PRODUCTS, SBFM_PROVIDER_ACTION } from "../domain/cloudflare/bot-protection";
import type { ZonePlan } from "../domain/cloudflare/zone-plans";
import type { EdgeConfig } from "../stacks/stack-config";
import { applyTransform, type Transform } from "./transform";

/** The zone's bot settings as `cloudflare.BotManagement` takes them, without the zone: what the bar also judges. */
export interface BotManagementSpec {
  fightMode: boolean;
  sbfmDefinitelyAutomated?: string;
  sbfmLikelyAutomated?: string;
}

/**
 * The posture as the zone's plan holds it: on Free, Bot Fight Mode on or off; from Pro, Bot Fight
 * Mode off and Super Bot Fight Mode's classes as declared, allowed when not (Cloudflare's clean-up
 * for a Pro zone sets `fight_mode: false`).
 */
export function botManagementSpec(bots: NonNullable<EdgeConfig["bots"]>, plan: ZonePlan): BotManagementSpec {
  const products = BOT_PRODUCTS[plan];
  if (!products.superBotFightMode) return { fightMode: bots.fightMode };
  const sbfm = bots.superBotFightMode;
  return {
    fightMode: false,
    sbfmDefinitelyAutomated: SBFM_PROVIDER_ACTION[sbfm?.definitelyAutomated ?? "allow"],
    ...(products.likelyAutomated ? { sbfmLikelyAutomated: SBFM_PROVIDER_ACTION[sbfm?.likelyAutomated ?? "allow"] } : {}),
  };
}

export interface BotProtectionArgs {
  /**
   * ID of the Cloudflare zone (dashboard: the zone's Overview page, API section).
   * @example "023e105f4ecef8ad9ca31a8372d0c353"
   */
  zoneId: pulumi.Input<string>;
  /**
   * The zone's domain; it names the resource (`example.com-bot-management`).
   * @example "example.com"
   */
  zoneName: string;
  /**
   * The zone's Cloudflare plan, which decides the bot product: Bot Fight Mode on Free, Super Bot
   * Fight Mode from Pro.
   * @example "pro"
   */
  plan: ZonePlan;
  /**
   * The posture, as `launch-ready:edge.bots` writes it. Super Bot Fight Mode needs a skip rule for
   * webhooks in the zone's custom WAF ruleset (EdgeFirewall), which the site declares beside it.
   * @example { fightMode: false, superBotFightMode: { definitelyAutomated: "managed_challenge" } }
   */
  bots: NonNullable<EdgeConfig["bots"]>;
  /**
   * Protect the setting from deletion (OPS-PROTECT).
   * @default false
   * @example true
   */
  protect?: boolean;
  /**
   * Adjust the `cloudflare.BotManagement` the component creates.
   * @example { botManagement: { aiBotsProtection: "block" } }
   */
  transform?: { botManagement?: Transform<cloudflare.BotManagementArgs> };
}

/**
 * The zone's bot posture, one `cloudflare.BotManagement` (EDGE-BOTS): declared, so a dashboard
 * click cannot turn on a product that challenges the product's own webhook senders.
 * @example
 * ```ts
 * import { BotProtection } from "launch-ready";
 *
 * new BotProtection("bots", { zoneId: "023e105f4ecef8ad9ca31a8372d0c353", zoneName: "example.com", plan: "free", bots: { fightMode: false } });
 * ```
 */
export class BotProtection extends pulumi.ComponentResource {
  public readonly botManagement: cloudflare.BotManagement;

  constructor(name: string, args: BotProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:BotProtection", name, {}, opts);
    this.botManagement = new cloudflare.BotManagement(
      ...applyTransform(
        args.transform?.botManagement,
        `${args.zoneName}-bot-management`,
        { zoneId: args.zoneId, ...botManagementSpec(args.bots, args.plan) },
        { parent: this, protect: args.protect ?? false },
      ),
    );
    this.registerOutputs({ botManagement: this.botManagement });
  }
}
