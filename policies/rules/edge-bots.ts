import { fightModeFix, SBFM_PROVIDER_ACTION, SUPER_BOT_FIGHT_MODE_PHASE } from "../../domain/cloudflare/bot-protection";
import { PHASES } from "../../domain/cloudflare/identifiers";
import type { SampleRequest } from "../../domain/cloudflare/rules-language";
import { BOT_MANAGEMENT } from "../../domain/resource-types";
import { webhookEndpoints, type DeclaredEndpoint } from "../../stacks/stack-config";
import { fail, notApplicable, pass, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { ruleMatches, rulesetsOfPhase } from "../declared/rulesets";

/** A webhook delivery as Cloudflare sees it: a POST from a server, with its sender's User-Agent and no cookies. */
function delivery(webhook: DeclaredEndpoint): SampleRequest {
  return {
    host: webhook.host,
    path: webhook.path,
    method: webhook.sender?.method ?? "POST",
    headers: { "user-agent": [webhook.sender?.userAgent ?? "launch-ready-verify"], "content-type": ["application/json"] },
    ssl: true,
  };
}

/** Whether Super Bot Fight Mode acts on some traffic: any class set to block or challenge. */
function superBotFightModeActs(props: DeclaredResource["props"]): boolean {
  return [props.sbfmDefinitelyAutomated, props.sbfmLikelyAutomated, props.sbfmVerifiedBots].some(
    (action) => typeof action === "string" && action !== SBFM_PROVIDER_ACTION.allow,
  );
}

/**
 * EDGE-BOTS: the zone's bot protection never challenges the stack's own webhooks. Bot Fight Mode
 * (Free) cannot be skipped by any rule, so it is refused while webhooks are declared; Super Bot
 * Fight Mode (Pro and up) passes when a custom rule skips its phase for every webhook delivery.
 * With no posture declared and webhooks declared, it fails: a dashboard click could turn Bot Fight
 * Mode on under them unseen.
 */
export const edgeBots: BarRule = {
  id: "EDGE-BOTS",
  checkStack(resources, { config }) {
    if (!config) return [notApplicable("no stack config to read webhooks from")];
    const webhooks = webhookEndpoints(config.edge);
    const bots = resources.filter((resource) => resource.type === BOT_MANAGEMENT);
    const plan = config.zone.plan;
    if (bots.length === 0) {
      if (webhooks.length === 0) return [notApplicable("no bot posture declared (launch-ready:edge.bots) and no webhooks to keep it from")];
      return [
        fail(
          `declares ${webhooks.length} webhook${webhooks.length === 1 ? "" : "s"} but no bot posture, so Bot Fight Mode could be turned on in the dashboard and challenge their senders unseen; declare launch-ready:edge.bots (on the ${plan} plan: ${plan === "free" ? "{ fightMode: false }" : "{ superBotFightMode: { definitelyAutomated: managed_challenge } }"})`,
          { configPath: "launch-ready:edge.bots" },
        ),
      ];
    }
    const verdicts: Verdict[] = [];
    for (const bot of bots) {
      if (bot.props.fightMode === true && webhooks.length > 0) {
        verdicts.push(
          fail(
            `Bot Fight Mode is on, and no rule can skip it (Cloudflare runs it outside the Ruleset Engine), so it challenges the senders of ${webhooks.map((w) => `${w.host}${w.path}`).join(", ")}; ${fightModeFix(plan)}`,
            { urn: bot.urn, configPath: "launch-ready:edge.bots.fightMode", subjects: webhooks.map((w) => `${w.host}${w.path}`) },
          ),
        );
        continue;
      }
      if (!superBotFightModeActs(bot.props)) {
        verdicts.push(pass(bot.urn));
        continue;
      }
      const skips = rulesetsOfPhase(resources, PHASES.customWaf).flatMap(({ rules }) =>
        rules.filter((rule) => rule.action === "skip" && ((rule.actionParameters?.phases as string[] | undefined) ?? []).includes(SUPER_BOT_FIGHT_MODE_PHASE)),
      );
      for (const webhook of webhooks) {
        const request = delivery(webhook);
        const skipped = skips.some((rule) => {
          const match = ruleMatches(rule, request);
          return "matched" in match && match.matched;
        });
        verdicts.push(
          skipped
            ? pass(bot.urn)
            : fail(
                `Super Bot Fight Mode acts on the zone and no custom rule skips it (phase ${SUPER_BOT_FIGHT_MODE_PHASE}) for ${webhook.host}${webhook.path}, so it may challenge that webhook's sender; the kit's skip rule comes from launch-ready:edge.bots.superBotFightMode with the webhook in launch-ready:edge.endpoints: restore it if a transform removed it, or set definitelyAutomated: allow`,
                { urn: bot.urn, configPath: `launch-ready:edge.endpoints[${webhook.index}]`, subjects: [`${webhook.host}${webhook.path}`] },
              ),
        );
      }
    }
    return verdicts;
  },
};
