import { HEALTH_CHECK_ALERT_TYPE } from "../../domain/cloudflare/identifiers";
import { fail, pass, type BarRule, type Verdict } from "../bar";
import { METRIC_ALARM, NOTIFICATION_POLICY, SNS_SUBSCRIPTION } from "../../domain/resource-types";
import { declaredChecks } from "../declared/monitors";

/** Subscriptions that reach a person: an inbox, a phone, or a chat webhook. */
const HUMAN_PROTOCOLS = new Set(["email", "email-json", "sms", "https"]);

/**
 * MON-HUMAN: alerts reach a real person: an email (confirmed once by its owner) or chat
 * subscription on the alarms' topic (AWS), or a health-check notification policy with an email
 * or webhook (Cloudflare); and every AWS alarm notifies someone.
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
    if (checks.length === 0 && people.length === 0 && policies.length === 0) {
      return [
        fail("nobody is alerted: the stack has no monitor and no recipient; set launch-ready:monitoring.alerts.emails", {
          configPath: "launch-ready:monitoring.alerts",
        }),
      ];
    }
    if (verdicts.length > 0) return verdicts;
    return [...people, ...policies].map((r) => pass(r.urn));
  },
};
