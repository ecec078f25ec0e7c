import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DeclaredMonitor, LatencyAlarmsConfig, LatencyTarget } from "../../stacks/monitoring-config";
import { awsSdk } from "../provider-sdks";
import { applyTransform, type Transform } from "../transform";
import {
  ALARM_EVALUATION_PERIODS,
  ALARM_PERIOD_SECONDS,
  LATENCY_PERIOD_SECONDS,
  LATENCY_PROBE_FAILURE_THRESHOLD,
  LATENCY_STATISTIC,
  LATENCY_TAG,
  MONITOR_TAG,
  MONITORING_REGION,
  type UptimeMonitorsArgsBase,
} from "./uptime-monitors";

export interface AwsUptimeMonitorsArgs extends UptimeMonitorsArgsBase {
  /**
   * Have Route 53 measure latency from its checker regions and graph it in CloudWatch. The stack
   * config's default is true.
   * @example true
   */
  measureLatency: boolean;
  /**
   * MON-LATENCY: per core endpoint a GET probe measuring latency, an alarm when its p95 time to
   * first byte over 5 minutes passes the endpoint's budget, and one when more than the error rate
   * of its requests fail over the window; both notify the uptime topic. An endpoint whose method
   * is not GET and has no stand-in URL gets neither, since Route 53 sends only GET (MON-LATENCY
   * reports it). The stack config's `monitoring.latency` resolves them.
   * @default no latency or error-rate alarms
   * @example { errorRatePercent: 2, errorWindowMinutes: 5, targets: [{ endpoint: "home", index: 0, method: "GET", url: "https://www.example.com/", host: "www.example.com", path: "/", standIn: false, p95Ms: 300 }] }
   */
  latency?: LatencyAlarmsConfig;
  /**
   * Name of the stack's CloudWatch dashboard (uptime, latency and error rate of every check); none
   * without it. Letters, digits, hyphens and underscores.
   * @default no dashboard
   * @example "example-com-production"
   */
  dashboardName?: string;
  /**
   * Adjust each health check, alarm, latency probe and its alarms, the dashboard or the topic the
   * component creates, as fields to merge into its args or a function that edits them and its options.
   * @example { topic: { displayName: "Quill uptime alerts" }, latencyAlarm: { evaluationPeriods: 2 } }
   */
  transform?: {
    healthCheck?: Transform<aws.route53.HealthCheckArgs>;
    alarm?: Transform<aws.cloudwatch.MetricAlarmArgs>;
    topic?: Transform<aws.sns.TopicArgs>;
    latencyProbe?: Transform<aws.route53.HealthCheckArgs>;
    latencyAlarm?: Transform<aws.cloudwatch.MetricAlarmArgs>;
    errorRateAlarm?: Transform<aws.cloudwatch.MetricAlarmArgs>;
    dashboard?: Transform<aws.cloudwatch.DashboardArgs>;
  };
}

/**
 * Uptime monitoring on AWS: a Route 53 health check per monitor, a CloudWatch alarm on its
 * HealthCheckStatus notifying an SNS topic on ALARM and on OK, and the people (email) and chat
 * (HTTPS) subscribed to that topic. Alarms and topic are in us-east-1, where Route 53 publishes
 * its metrics, whatever the stack's region (MON-UPTIME, MON-DETECT-5MIN, MON-HUMAN). With
 * `latency`, each core endpoint also gets a probe with a latency and an error-rate alarm on the same
 * topic, and with `dashboardName` the stack one CloudWatch dashboard of it all (MON-LATENCY).
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
  /** Per core endpoint name, its latency probe's health check ID and its two alarms. */
  public readonly latencyProbeIds: Record<string, pulumi.Output<string>>;
  public readonly latencyAlarms: Record<string, { latency: aws.cloudwatch.MetricAlarm; errorRate: aws.cloudwatch.MetricAlarm }>;
  public readonly dashboard?: aws.cloudwatch.Dashboard;

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
    this.latencyProbeIds = {};
    this.latencyAlarms = {};
    if (args.latency) this.createLatencyAlarms(args.latency, args, tags);
    if (args.dashboardName) this.dashboard = this.createDashboard(args.dashboardName, args);
    this.registerOutputs({ topic: this.topic.arn, ...(this.dashboard ? { dashboard: this.dashboard.dashboardName } : {}) });
  }

  private createLatencyAlarms(latency: LatencyAlarmsConfig, args: AwsUptimeMonitorsArgs, tags: Record<string, string>): void {
    // Route 53 sends GET only: an endpoint of another method without a stand-in has nothing to time.
    for (const target of latency.targets.filter((t) => t.method === "GET" || t.standIn)) {
      const probe = this.createLatencyProbe(target, args, tags);
      this.latencyProbeIds[target.endpoint] = probe.id;
      this.latencyAlarms[target.endpoint] = {
        latency: this.createLatencyAlarm(target, probe, args, tags),
        errorRate: this.createErrorRateAlarm(target, probe, latency, args, tags),
      };
    }
  }

  private createLatencyProbe(target: LatencyTarget, args: AwsUptimeMonitorsArgs, tags: Record<string, string>): aws.route53.HealthCheck {
    const { route53 } = awsSdk();
    return new route53.HealthCheck(
      ...applyTransform(
        args.transform?.latencyProbe,
        `latency-${target.endpoint}-probe`,
        {
          type: "HTTPS",
          fqdn: target.host,
          port: 443,
          resourcePath: target.path,
          enableSni: true,
          requestInterval: args.intervalSeconds,
          failureThreshold: LATENCY_PROBE_FAILURE_THRESHOLD,
          // TimeToFirstByte exists only for a check created measuring latency (it cannot be turned on later).
          measureLatency: true,
          ...(args.regions ? { regions: args.regions } : {}),
          tags: { ...tags, Name: `latency-${target.endpoint}`, [LATENCY_TAG]: target.endpoint },
        },
        { parent: this },
      ),
    );
  }

  /**
   * What every alarm of the stack shares: a Route 53 health check's metric, in the region Route 53
   * publishes it, told to the uptime topic both ways. No data is breaching: a check or probe that
   * stops reporting (no status, no p95) is said aloud rather than read as fine or fast.
   */
  private alarmOn(check: aws.route53.HealthCheck) {
    return {
      region: MONITORING_REGION,
      namespace: "AWS/Route53",
      dimensions: { HealthCheckId: check.id },
      treatMissingData: "breaching",
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    };
  }

  private createLatencyAlarm(
    target: LatencyTarget,
    probe: aws.route53.HealthCheck,
    args: AwsUptimeMonitorsArgs,
    tags: Record<string, string>,
  ): aws.cloudwatch.MetricAlarm {
    const { cloudwatch } = awsSdk();
    return new cloudwatch.MetricAlarm(
      ...applyTransform(
        args.transform?.latencyAlarm,
        `latency-${target.endpoint}-latency-alarm`,
        {
          name: `${target.endpoint} slow (${args.environment})`,
          alarmDescription: `The p95 time to first byte of ${target.url}${target.standIn ? ` (standing in for ${target.method} ${target.endpoint})` : ""} over 5 minutes is above its ${target.p95Ms} ms budget. Managed by launch-ready.`,
          ...this.alarmOn(probe),
          metricName: "TimeToFirstByte",
          extendedStatistic: LATENCY_STATISTIC,
          period: LATENCY_PERIOD_SECONDS,
          evaluationPeriods: 1,
          threshold: target.p95Ms,
          comparisonOperator: "GreaterThanThreshold",
          evaluateLowSampleCountPercentiles: "evaluate",
          tags: { ...tags, [LATENCY_TAG]: target.endpoint },
        },
        { parent: this },
      ),
    );
  }

  private createErrorRateAlarm(
    target: LatencyTarget,
    probe: aws.route53.HealthCheck,
    latency: LatencyAlarmsConfig,
    args: AwsUptimeMonitorsArgs,
    tags: Record<string, string>,
  ): aws.cloudwatch.MetricAlarm {
    const { cloudwatch } = awsSdk();
    return new cloudwatch.MetricAlarm(
      ...applyTransform(
        args.transform?.errorRateAlarm,
        `latency-${target.endpoint}-error-rate-alarm`,
        {
          name: `${target.endpoint} failing over ${latency.errorRatePercent} % (${args.environment})`,
          alarmDescription: `More than ${latency.errorRatePercent} % of Route 53's requests to ${target.url} failed (not 2xx/3xx, or too slow) over ${latency.errorWindowMinutes} minutes. Managed by launch-ready.`,
          ...this.alarmOn(probe),
          metricName: "HealthCheckPercentageHealthy",
          statistic: "Average",
          period: latency.errorWindowMinutes * 60,
          evaluationPeriods: 1,
          threshold: 100 - latency.errorRatePercent,
          comparisonOperator: "LessThanThreshold",
          tags: { ...tags, [LATENCY_TAG]: target.endpoint },
        },
        { parent: this },
      ),
    );
  }

  /** One page: uptime of every monitor, then p95 latency and error rate of every core endpoint against its line. */
  private createDashboard(name: string, args: AwsUptimeMonitorsArgs): aws.cloudwatch.Dashboard {
    const { cloudwatch } = awsSdk();
    const targets = args.latency?.targets.filter((t) => this.latencyProbeIds[t.endpoint] !== undefined) ?? [];
    const body = pulumi
      .all([
        pulumi.all(args.monitors.map((m) => this.healthCheckIds[m.id] as pulumi.Output<string>)),
        pulumi.all(targets.map((t) => this.latencyProbeIds[t.endpoint] as pulumi.Output<string>)),
      ])
      .apply(([uptimeIds, probeIds]) => JSON.stringify(dashboardBody(args, targets, uptimeIds, probeIds)));
    return new cloudwatch.Dashboard(
      ...applyTransform(args.transform?.dashboard, "dashboard", { dashboardName: name, dashboardBody: body, region: MONITORING_REGION }, { parent: this }),
    );
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
          ...this.alarmOn(check),
          metricName: "HealthCheckStatus",
          statistic: "Minimum",
          period: ALARM_PERIOD_SECONDS,
          evaluationPeriods: ALARM_EVALUATION_PERIODS,
          threshold: 1,
          comparisonOperator: "LessThanThreshold",
          tags: { ...tags, [MONITOR_TAG]: monitor.id },
        },
        { parent: this },
      ),
    );
  }
}

/**
 * The dashboard's widgets in CloudWatch's dashboard body structure: a metric widget lists metrics
 * as [namespace, name, dimension, value, options], and an expression (`100 - m1`) computes from the
 * hidden metric it names by id.
 */
function dashboardBody(args: AwsUptimeMonitorsArgs, targets: LatencyTarget[], uptimeIds: string[], probeIds: string[]): object {
  const graph = (title: string, y: number, metrics: unknown[][], lines: object[] = []) => ({
    type: "metric",
    x: 0,
    y,
    width: 24,
    height: 6,
    properties: {
      title,
      region: MONITORING_REGION,
      view: "timeSeries",
      stat: "Average",
      period: 60,
      metrics,
      ...(lines.length > 0 ? { annotations: { horizontal: lines } } : {}),
    },
  });
  const errorRate = args.latency?.errorRatePercent ?? 0;
  return {
    widgets: [
      graph(
        `Uptime (${args.environment}): share of Route 53 checkers seeing each monitor healthy`,
        0,
        args.monitors.map((m, i) => ["AWS/Route53", "HealthCheckPercentageHealthy", "HealthCheckId", uptimeIds[i], { label: m.id }]),
      ),
      ...targets.map((t, i) =>
        graph(
          `${t.endpoint}: p95 latency (ms) and error rate (%)`,
          6 * (i + 1),
          [
            [
              "AWS/Route53",
              "TimeToFirstByte",
              "HealthCheckId",
              probeIds[i],
              { label: "p95 time to first byte", stat: LATENCY_STATISTIC, period: LATENCY_PERIOD_SECONDS },
            ],
            ["AWS/Route53", "HealthCheckPercentageHealthy", "HealthCheckId", probeIds[i], { id: `healthy${i}`, visible: false }],
            [{ expression: `100 - healthy${i}`, label: "error rate %", id: `errors${i}`, yAxis: "right" }],
          ],
          [
            { label: `${t.p95Ms} ms budget`, value: t.p95Ms },
            { label: `${errorRate} % error rate`, value: errorRate, yAxis: "right" },
          ],
        ),
      ),
    ],
  };
}
