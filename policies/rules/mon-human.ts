import { HEALTH_CHECK_ALERT_TYPE } from "../../domain/cloudflare/identifiers";
import { fail, pass, type BarRule, type Verdict } from "../bar";
import { CHECKLY_ALERT_CHANNEL, METRIC_ALARM, NOTIFICATION_POLICY, SNS_SUBSCRIPTION } from "../../domain/resource-types";
import { declaredChecks } from "../declared/monitors";

/** Subscriptions that reach a person: an inbox, a phone, or a chat webhook. */
const HUMAN_PROTOCOLS = new Set(["email", "email-json", "sms", "https"]);
/** The same on Checkly: an alert channel of one of these kinds that sends failures. */
const HUMAN_CHANNEL_KINDS = ["email", "sms", "slack", "webhook"] as const;

const subscribed = (subscriptions: unknown): boolean =>
  !Array.isArray(subscriptions) || subscriptions.some((s) => (s as { activated?: unknown } | undefined)?.activated !== false);

/**
 * MON-HUMAN: alerts reach a real person: an email (confirmed once by its owner) or chat
 * subscription on the alarms' topic (AWS), a health-check notification policy with an email or
 * webhook (Cloudflare), or a Checkly alert channel with an email, SMS, Slack or webhook that sends
 * failures; and every AWS alarm notifies someone, every Checkly check is subscribed to a channel
 * and not muted.
 */
export const monHuman: BarRule = {
  id: "MON-HUMAN",
  checkStack(resources) {
    const checks = declaredChecks(resources);
    const verdicts: Verdict[] = [];
    const people = resources.filter((r) => r.type === SNS_SUBSCRIPTION && HUMAN_PROTOCOLS.has(String(r.props.protocol)));
    const policies = resources.filter((r) => {
      if (r.type !== NOTIFICATION_POLICY || r.props.alertType !== HEALTH_CHECK_ALERT_TYPE) return false;
      const mechanisms = (r.props.mechanisms ?? {}) as { emails?: unknown[]; webhooks?: unknown[] };
      return (mechanisms.emails?.length ?? 0) + (mechanisms.webhooks?.length ?? 0) > 0;
    });
    const channels = resources.filter(
      (r) => r.type === CHECKLY_ALERT_CHANNEL && r.props.sendFailure !== false && HUMAN_CHANNEL_KINDS.some((kind) => r.props[kind] !== undefined),
    );
    if (checks.some((c) => c.provider === "aws")) {
      if (people.length === 0)
        verdicts.push(
          fail("no email or chat subscription receives the uptime alarms; add launch-ready:monitoring.alerts.emails", {
            configPath: "launch-ready:monitoring.alerts",
          }),
        );
      for (const alarm of resources.filter((r) => r.type === METRIC_ALARM && r.props.metricName === "HealthCheckStatus")) {
        const actions = alarm.props.alarmActions;
        if (Array.isArray(actions) && actions.length === 0) verdicts.push(fail(`${alarm.name} notifies nobody (no alarm actions)`, { urn: alarm.urn }));
      }
    }
    if (checks.some((c) => c.provider === "cloudflare") && policies.length === 0) {
      verdicts.push(
        fail("no Cloudflare notification policy sends health-check alerts to an email or webhook; add launch-ready:monitoring.alerts.emails", {
          configPath: "launch-ready:monitoring.alerts",
        }),
      );
    }
    const checklyChecks = checks.filter((c) => c.provider === "checkly");
    if (checklyChecks.length > 0 && channels.length === 0) {
      verdicts.push(
        fail("no Checkly alert channel sends failures to an email, SMS, Slack or webhook; add launch-ready:monitoring.alerts.emails", {
          configPath: "launch-ready:monitoring.alerts",
        }),
      );
    }
    for (const { resource } of checklyChecks) {
      // Subscriptions the preview does not know yet arrive undefined: only a list with no active one is nobody.
      if (resource.props.muted === true) verdicts.push(fail(`${resource.name} is muted: Checkly sends none of its alerts`, { urn: resource.urn }));
      else if (!subscribed(resource.props.alertChannelSubscriptions))
        verdicts.push(fail(`${resource.name} is subscribed to no active alert channel, so its failures alert nobody`, { urn: resource.urn }));
    }
    if (checks.length === 0 && people.length === 0 && policies.length === 0 && channels.length === 0) {
      return [
        fail("nobody is alerted: the stack has no monitor and no recipient; set launch-ready:monitoring.alerts.emails", {
          configPath: "launch-ready:monitoring.alerts",
        }),
      ];
    }
    if (verdicts.length > 0) return verdicts;
    return [...people, ...policies, ...channels].map((r) => pass(r.urn));
  },
};
