import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DeclaredMonitor } from "../../stacks/monitoring-config";
import { awsSdk } from "../provider-sdks";
import { applyTransform, type Transform } from "../transform";
import { ALARM_EVALUATION_PERIODS, ALARM_PERIOD_SECONDS, MONITOR_TAG, MONITORING_REGION, type UptimeMonitorsArgsBase } from "./uptime-monitors";

export interface AwsUptimeMonitorsArgs extends UptimeMonitorsArgsBase {
  /**
   * Have Route 53 measure latency from its checker regions and graph it in CloudWatch. The stack
   * config's default is true.
   * @example true
   */
  measureLatency: boolean;
  /**
   * Adjust each health check, alarm or the topic the component creates, as fields to merge into
   * its args or a function that edits them and its options.
   * @example { topic: { displayName: "Quill uptime alerts" } }
   */
  transform?: {
    healthCheck?: Transform<aws.route53.HealthCheckArgs>;
    alarm?: Transform<aws.cloudwatch.MetricAlarmArgs>;
    topic?: Transform<aws.sns.TopicArgs>;
  };
}

/**
 * Uptime monitoring on AWS: a Route 53 health check per monitor, a CloudWatch alarm on its
 * HealthCheckStatus notifying an SNS topic on ALARM and on OK, and the people (email) and chat
 * (HTTPS) subscribed to that topic. Alarms and topic are in us-east-1, where Route 53 publishes
 * its metrics, whatever the stack's region (MON-UPTIME, MON-DETECT-5MIN, MON-HUMAN).
 * @example
 * ```ts
 * import * as pulumi from "@pulumi/pulumi";
 * import { AwsUptimeMonitors } from "launch-ready";
 *
 * new AwsUptimeMonitors("uptime", {
 *   monitors: [
 *     { id: "homepage-www.example.com", kind: "homepage", url: "https://www.example.com/", host: "www.example.com", path: "/", source: "config" },
 *     { id: "api-health-api.example.com-health", kind: "api-health", url: "https://api.example.com/health", host: "api.example.com", path: "/health", source: "config" },
 *   ],
 *   emails: ["oncall@example.com"],
 *   chatWebhookUrl: new pulumi.Config().requireSecret("slackWebhookUrl"),
 *   intervalSeconds: 30,
 *   failureThreshold: 3,
 *   measureLatency: true,
 *   environment: "production",
 * });
 * ```
 */
export class AwsUptimeMonitors extends pulumi.ComponentResource {
  public readonly topic: aws.sns.Topic;
  /** Health check ID per monitor id, for dashboards and the handover. */
  public readonly healthCheckIds: Record<string, pulumi.Output<string>>;
  /** The alarm per monitor id, to add actions (a pager) or build dashboards on. */
  public readonly alarms: Record<string, aws.cloudwatch.MetricAlarm>;

  constructor(name: string, args: AwsUptimeMonitorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("launch-ready:aws:UptimeMonitors", name, {}, opts);
    const children = { parent: this };
    const tags = { "launch-ready:environment": args.environment };
    const { sns } = awsSdk();

    this.topic = new sns.Topic(
      ...applyTransform(
        args.transform?.topic,
        "uptime-alerts",
        { displayName: `Uptime alerts (${args.environment})`, region: MONITORING_REGION, tags },
        children,
      ),
    );
    for (const email of args.emails) {
      new sns.TopicSubscription(
        `uptime-alerts-email-${email}`,
        { topic: this.topic.arn, protocol: "email", endpoint: email, region: MONITORING_REGION },
        children,
      );
    }
    if (args.chatWebhookUrl) {
      new sns.TopicSubscription(
        "uptime-alerts-chat",
        { topic: this.topic.arn, protocol: "https", endpoint: pulumi.secret(args.chatWebhookUrl), region: MONITORING_REGION },
        children,
      );
    }

    this.healthCheckIds = {};
    this.alarms = {};
    for (const monitor of args.monitors) {
      const check = this.createHealthCheck(monitor, args, tags);
      this.healthCheckIds[monitor.id] = check.id;
      this.alarms[monitor.id] = this.createAlarm(monitor, check, args, tags);
    }
    this.registerOutputs({ topic: this.topic.arn });
  }

  private createHealthCheck(monitor: DeclaredMonitor, args: AwsUptimeMonitorsArgs, tags: Record<string, string>): aws.route53.HealthCheck {
    const { route53 } = awsSdk();
    return new route53.HealthCheck(
      ...applyTransform(
        args.transform?.healthCheck,
        `${monitor.id}-check`,
        {
          type: monitor.search ? "HTTPS_STR_MATCH" : "HTTPS",
          fqdn: monitor.host,
          port: 443,
          resourcePath: monitor.path,
          ...(monitor.search ? { searchString: monitor.search } : {}),
          enableSni: true,
          requestInterval: args.intervalSeconds,
          failureThreshold: args.failureThreshold,
          measureLatency: args.measureLatency,
          ...(args.regions ? { regions: args.regions } : {}),
          tags: { ...tags, Name: monitor.id, [MONITOR_TAG]: monitor.id },
        },
        { parent: this },
      ),
    );
  }

  private createAlarm(
    monitor: DeclaredMonitor,
    check: aws.route53.HealthCheck,
    args: AwsUptimeMonitorsArgs,
    tags: Record<string, string>,
  ): aws.cloudwatch.MetricAlarm {
    const { cloudwatch } = awsSdk();
    return new cloudwatch.MetricAlarm(
      ...applyTransform(
        args.transform?.alarm,
        `${monitor.id}-alarm`,
        {
          name: `${monitor.id} down (${args.environment})`,
          alarmDescription: `${monitor.url} is failing its ${monitor.kind} check: Route 53 saw ${args.failureThreshold} failures in a row. Managed by launch-ready.`,
          region: MONITORING_REGION,
          namespace: "AWS/Route53",
          metricName: "HealthCheckStatus",
          dimensions: { HealthCheckId: check.id },
          statistic: "Minimum",
          period: ALARM_PERIOD_SECONDS,
          evaluationPeriods: ALARM_EVALUATION_PERIODS,
          threshold: 1,
          comparisonOperator: "LessThanThreshold",
          // No data means the check itself stopped reporting: treat it as down, not as fine.
          treatMissingData: "breaching",
          alarmActions: [this.topic.arn],
          okActions: [this.topic.arn],
          tags: { ...tags, [MONITOR_TAG]: monitor.id },
        },
        { parent: this },
      ),
    );
  }
}
