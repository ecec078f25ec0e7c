import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { HEALTH_CHECK_ALERT_TYPE } from "../../domain/cloudflare/identifiers";
import { applyTransform, type Transform } from "../transform";
import type { UptimeMonitorsArgsBase } from "./uptime-monitors";

export interface CloudflareUptimeMonitorsArgs extends UptimeMonitorsArgsBase {
  /**
   * ID of the Cloudflare zone the checked hosts are in; each health check belongs to it. Health
   * checks need the Pro plan or above.
   * @example "023e105f4ecef8ad9ca31a8372d0c353"
   */
  zoneId: pulumi.Input<string>;
  /**
   * ID of the Cloudflare account that owns the notification policy and the chat webhook.
   * @example "372e67954025e0ba6aaa6d586b9e0b59"
   */
  accountId: pulumi.Input<string>;
  /**
   * Adjust each health check or the notification policy the component creates, as fields to merge
   * into its args or a function that edits them and its options.
   * @example { healthCheck: { retries: 1 } }
   */
  transform?: { healthCheck?: Transform<cloudflare.HealthcheckArgs>; notificationPolicy?: Transform<cloudflare.NotificationPolicyArgs> };
}

/**
 * The status filter Cloudflare documents for it ("Unhealthy", in its Terraform example). A
 * recovery notice would need "Healthy", which its docs do not state; a filter value the API
 * refuses would fail `pulumi up`, so only the documented one is used.
 */
export const ALERT_STATUSES = ["Unhealthy"];

/** Cloudflare names health checks with letters, digits, hyphens and underscores only. */
export function cloudflareCheckName(monitorId: string): string {
  return monitorId.replace(/[^A-Za-z0-9_-]/g, "-");
}

/**
 * Uptime monitoring inside Cloudflare (Pro plan and above): a standalone Health Check per monitor
 * and one notification policy alerting the same people when a check turns unhealthy.
 * @example
 * ```ts
 * import { CloudflareUptimeMonitors } from "launch-ready";
 *
 * new CloudflareUptimeMonitors("uptime", {
 *   zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
 *   accountId: "372e67954025e0ba6aaa6d586b9e0b59",
 *   monitors: [{ id: "homepage-www.example.com", kind: "homepage", url: "https://www.example.com/", host: "www.example.com", path: "/", source: "config" }],
 *   emails: ["oncall@example.com"],
 *   intervalSeconds: 60,
 *   failureThreshold: 2,
 *   environment: "production",
 * });
 * ```
 */
export class CloudflareUptimeMonitors extends pulumi.ComponentResource {
  public readonly healthCheckIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: CloudflareUptimeMonitorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:cloudflare:UptimeMonitors", name, {}, opts);
    const children = { parent: this };
    this.healthCheckIds = {};
    for (const monitor of args.monitors) {
      const check = new cloudflare.Healthcheck(
        ...applyTransform(
          args.transform?.healthCheck,
          `${monitor.id}-check`,
          {
            zoneId: args.zoneId,
            name: cloudflareCheckName(monitor.id),
            description: `${monitor.kind} check of ${monitor.url}. Managed by launch-ready (${args.environment}).`,
            address: monitor.host,
            type: "HTTPS",
            httpConfig: {
              method: "GET",
              path: monitor.path,
              port: 443,
              expectedCodes: ["2xx", "3xx"],
              followRedirects: false,
              ...(monitor.search ? { expectedBody: monitor.search } : {}),
            },
            interval: args.intervalSeconds,
            consecutiveFails: args.failureThreshold,
            ...(args.regions ? { checkRegions: args.regions } : {}),
          },
          children,
        ),
      );
      this.healthCheckIds[monitor.id] = check.id;
    }

    const webhook = args.chatWebhookUrl
      ? new cloudflare.NotificationPolicyWebhooks(
          "uptime-alerts-chat",
          { accountId: args.accountId, name: `Uptime alerts chat (${args.environment})`, url: pulumi.secret(args.chatWebhookUrl) },
          children,
        )
      : undefined;
    new cloudflare.NotificationPolicy(
      ...applyTransform(
        args.transform?.notificationPolicy,
        "uptime-alerts",
        {
          accountId: args.accountId,
          name: `Uptime alerts (${args.environment})`,
          alertType: HEALTH_CHECK_ALERT_TYPE,
          enabled: true,
          filters: { healthCheckIds: Object.values(this.healthCheckIds), statuses: ALERT_STATUSES },
          mechanisms: { emails: args.emails.map((id) => ({ id })), ...(webhook ? { webhooks: [{ id: webhook.id }] } : {}) },
        },
        children,
      ),
    );
    this.registerOutputs({ healthCheckIds: this.healthCheckIds });
  }
}
