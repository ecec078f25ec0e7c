import type * as checkly from "@checkly/pulumi";
import * as pulumi from "@pulumi/pulumi";
import { checklySchedule, CHECKLY_INTERVALS, type DeclaredMonitor } from "../../stacks/monitoring-config";
import { checklySdk } from "../provider-sdks";
import { applyTransform, type Transform } from "../transform";
import type { UptimeMonitorsArgsBase } from "./uptime-monitors";

export interface ChecklyUptimeMonitorsArgs extends UptimeMonitorsArgsBase {
  /**
   * Adjust each check or alert channel the component creates, as fields to merge into its args or
   * a function that edits them and its options.
   * @example { check: { tags: ["team:web"] } }
   */
  transform?: { check?: Transform<checkly.CheckArgs>; alertChannel?: Transform<checkly.AlertChannelArgs> };
}

/**
 * A request slower than this is a failed run: a page that takes 10 s is down for whoever waits on
 * it. Checkly's own default is 30 s, which would also make each retry (doubleCheck) 30 s long.
 */
export const CHECK_MAX_RESPONSE_MS = 10_000;
/** Half the failing time marks a run degraded, which Checkly shows but (sendDegraded false) alerts nobody about. */
export const CHECK_DEGRADED_RESPONSE_MS = 5_000;

/**
 * Slack and Teams incoming webhooks both take a JSON body with a `text`; Checkly's own payload
 * is not one either accepts. The two variables are Checkly's webhook template variables.
 */
export const CHAT_WEBHOOK_TEMPLATE = JSON.stringify({ text: "{{ALERT_TITLE}} {{RESULT_LINK}}" });

/**
 * Uptime monitoring on Checkly, for a stack with no AWS account and a zone on any Cloudflare plan:
 * an API check per monitor and an alert channel per person (email) and for the chat webhook, each
 * check subscribed to every channel. A failing run is retried once from another location
 * (doubleCheck) before it counts, and the check alerts after `failureThreshold` failed runs in a
 * row (MON-UPTIME, MON-DETECT-5MIN, MON-HUMAN). The Checkly provider reads CHECKLY_API_KEY and
 * CHECKLY_ACCOUNT_ID (or `checkly:apiKey`, `checkly:accountId` in the stack's config).
 * @example
 * ```ts
 * import { ChecklyUptimeMonitors } from "launch-ready";
 *
 * new ChecklyUptimeMonitors("uptime", {
 *   monitors: [{ id: "homepage-www.example.com", kind: "homepage", url: "https://www.example.com/", host: "www.example.com", path: "/", source: "config" }],
 *   emails: ["oncall@example.com"],
 *   intervalSeconds: 60,
 *   failureThreshold: 2,
 *   regions: ["us-east-1", "eu-west-1"],
 *   environment: "production",
 * });
 * ```
 */
export class ChecklyUptimeMonitors extends pulumi.ComponentResource {
  /** Checkly's ID of each check, by monitor id, for dashboards and the handover. */
  public readonly checkIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: ChecklyUptimeMonitorsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refused before anything is registered, so no half-made component is left for the engine.
    const schedule = checklySchedule(args.intervalSeconds);
    if (!schedule)
      throw new pulumi.RunError(
        `ChecklyUptimeMonitors: intervalSeconds is ${args.intervalSeconds}; Checkly checks every ${CHECKLY_INTERVALS.join(", ")} seconds`,
      );
    super("launch-ready:checkly:UptimeMonitors", name, {}, opts);
    const channels = this.createAlertChannels(args);
    // Checkly numbers its alert channels; the provider hands the number back as the resource ID.
    const subscriptions = channels.map((channel) => ({ channelId: channel.id.apply(Number), activated: true }));
    this.checkIds = {};
    for (const monitor of args.monitors) this.checkIds[monitor.id] = this.createCheck(monitor, schedule, subscriptions, args).id;
    this.registerOutputs({ checkIds: this.checkIds });
  }

  private createAlertChannels(args: ChecklyUptimeMonitorsArgs): checkly.AlertChannel[] {
    const { AlertChannel } = checklySdk();
    const channel = (name: string, fields: checkly.AlertChannelArgs) =>
      new AlertChannel(
        ...applyTransform(args.transform?.alertChannel, name, { sendFailure: true, sendRecovery: true, sendDegraded: false, ...fields }, { parent: this }),
      );
    const channels = args.emails.map((address) => channel(`uptime-alerts-email-${address}`, { email: { address } }));
    if (args.chatWebhookUrl) {
      channels.push(
        channel("uptime-alerts-chat", {
          webhook: {
            name: `Uptime alerts chat (${args.environment})`,
            method: "POST",
            url: pulumi.secret(args.chatWebhookUrl),
            template: CHAT_WEBHOOK_TEMPLATE,
          },
        }),
      );
    }
    return channels;
  }

  private createCheck(
    monitor: DeclaredMonitor,
    schedule: { frequency: number; frequencyOffset?: number },
    subscriptions: checkly.types.input.CheckAlertChannelSubscription[],
    args: ChecklyUptimeMonitorsArgs,
  ): checkly.Check {
    const { Check } = checklySdk();
    return new Check(
      ...applyTransform(
        args.transform?.check,
        `${monitor.id}-check`,
        {
          name: `${monitor.id} (${args.environment})`,
          type: "API",
          activated: true,
          ...schedule,
          ...(args.regions ? { locations: args.regions } : {}),
          request: {
            url: monitor.url,
            method: "GET",
            // As on the other providers, a redirect is an answer: the canonical redirect is checked where it is served.
            followRedirects: false,
            assertions: [
              { source: "STATUS_CODE", comparison: "LESS_THAN", target: "400" },
              ...(monitor.search ? [{ source: "TEXT_BODY", comparison: "CONTAINS", target: monitor.search }] : []),
            ],
          },
          maxResponseTime: CHECK_MAX_RESPONSE_MS,
          degradedResponseTime: CHECK_DEGRADED_RESPONSE_MS,
          // One location's network blip is not an outage: a failing run is repeated from another before it counts.
          doubleCheck: true,
          useGlobalAlertSettings: false,
          alertSettings: { escalationType: "RUN_BASED", runBasedEscalations: [{ failedRunThreshold: args.failureThreshold }] },
          alertChannelSubscriptions: subscriptions,
          tags: ["launch-ready", `launch-ready:${args.environment}`, monitor.kind],
        },
        { parent: this },
      ),
    );
  }
}
