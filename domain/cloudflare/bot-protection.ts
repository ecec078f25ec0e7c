/**
 * Cloudflare's bot products per zone plan, and what a WAF custom rule can skip of them: the facts
 * EDGE-BOTS holds a stack to, so webhook senders (servers, which look like bots) are never
 * challenged.
 *
 * Read 2026-12-03:
 * - https://developers.cloudflare.com/bots/get-started/bot-fight-mode/ and
 *   https://github.com/cloudflare/cloudflare-docs/blob/production/content/bots/get-started/free.md:
 *   Bot Fight Mode is the Free plan's; "You cannot bypass or skip Bot Fight Mode using the Skip
 *   action in WAF custom rules or using Page Rules ... While Super Bot Fight Mode rules are
 *   implemented in the Ruleset Engine, Bot Fight Mode checks are not. This is why you can skip
 *   Super Bot Fight Mode, but not Bot Fight Mode." It protects the entire domain, without endpoint
 *   restrictions, and "may challenge API or mobile app traffic".
 * - https://developers.cloudflare.com/bots/plans/pro/ and
 *   https://developers.cloudflare.com/bots/additional-configurations/custom-rules: Super Bot Fight
 *   Mode on Pro, Business and Enterprise; "Definitely automated" (bot score 1) from Pro, "Likely
 *   automated" (2-29) from Business. Bot Management is Enterprise's.
 * - https://developers.cloudflare.com/waf/custom-rules/skip/options/: a custom rule's Skip action
 *   with the `phases` parameter skips `http_request_sbfm` (All Super Bot Fight Mode rules).
 * - @pulumi/cloudflare 6.22.1 `cloudflare.BotManagement` (botManagement.d.ts): `fightMode`,
 *   `sbfmDefinitelyAutomated` and `sbfmLikelyAutomated` take "allow", "block" or "managedChallenge";
 *   Cloudflare's API reference (PUT /zones/{zone_id}/bot_management) says a Pro zone cleans up with
 *   `fight_mode: false` and `sbfm_likely_automated: allow`.
 */
import type { ZonePlan } from "./zone-plans";

/** The phase Super Bot Fight Mode's rules run in: what a skip rule names to let a request past them. */
export const SUPER_BOT_FIGHT_MODE_PHASE = "http_request_sbfm";

/** What Super Bot Fight Mode does with a class of bot traffic, as the stack file writes it (the WAF's spelling). */
export const SBFM_ACTIONS = ["allow", "block", "managed_challenge"] as const;
export type SbfmAction = (typeof SBFM_ACTIONS)[number];

/** The same action as `cloudflare.BotManagement` takes it. */
export const SBFM_PROVIDER_ACTION: Record<SbfmAction, string> = { allow: "allow", block: "block", managed_challenge: "managedChallenge" };

export interface BotProducts {
  /** Bot Fight Mode: the plan's bot product, which no rule can skip. */
  fightMode: boolean;
  /** Super Bot Fight Mode, which a custom rule's Skip action can skip per request. */
  superBotFightMode: boolean;
  /** Super Bot Fight Mode's "Likely automated" class (Business and up). */
  likelyAutomated: boolean;
}

export const BOT_PRODUCTS: Record<ZonePlan, BotProducts> = {
  free: { fightMode: true, superBotFightMode: false, likelyAutomated: false },
  pro: { fightMode: false, superBotFightMode: true, likelyAutomated: false },
  business: { fightMode: false, superBotFightMode: true, likelyAutomated: true },
  enterprise: { fightMode: false, superBotFightMode: true, likelyAutomated: true },
};

/** What to do instead of Bot Fight Mode while the zone receives webhooks, on this plan. */
export function fightModeFix(plan: ZonePlan): string {
  return BOT_PRODUCTS[plan].superBotFightMode
    ? "write superBotFightMode instead of fightMode: the kit adds a skip rule for every declared webhook"
    : "set fightMode: false and rely on the rate limits and the managed WAF (EDGE-RATE-LIMIT, EDGE-WAF), or move the zone to Pro for Super Bot Fight Mode, which the kit skips on webhook paths";
}

/** Cloudflare's mark on a challenge page, whatever its type (https://developers.cloudflare.com/cloudflare-challenges/challenge-types/challenge-pages/detect-response, read 2026-12-03). */
export const CHALLENGE_HEADER = { name: "cf-mitigated", value: "challenge" } as const;
