/**
 * How long an outage takes to reach a person, and the fixed parts of the alarm that carries it.
 * Plain functions, shared by the monitor components, MON-DETECT-5MIN and the handover.
 */
import type { Input } from "@pulumi/pulumi";
import type { Environment } from "../../domain/bar/weighing";
import type { DeclaredMonitor } from "../../stacks/monitoring-config";

/** What every monitor component takes: what to watch, who to tell, how often to look. */
export interface UptimeMonitorsArgsBase {
  /**
   * What to watch: one check each, named after the monitor's `id`, so reordering replaces nothing.
   * The stack config's `monitoring.monitors` are the bar's defaults (homepage, login, API health,
   * webhooks, status page) plus the stack's own checks.
   * @example [{ id: "homepage-www.example.com", kind: "homepage", url: "https://www.example.com/", host: "www.example.com", path: "/", source: "config" }]
   */
  monitors: DeclaredMonitor[];
  /**
   * People alerted by email (MON-HUMAN). On AWS each receives a subscription confirmation first,
   * and gets no alert until they confirm it; Cloudflare and Checkly send to the address as given.
   * @example ["oncall@example.com"]
   */
  emails: string[];
  /**
   * A chat webhook URL (Slack, Teams) alerted too. It is a credential, so it is sent as a Pulumi
   * secret whatever is given; give a secret (`AppSecrets.values`, `config.requireSecret`) so it
   * is never plain in the program either.
   * @example secrets.values.SLACK_WEBHOOK_URL
   */
  chatWebhookUrl?: Input<string>;
  /**
   * Seconds between checks: 10 or 30 on AWS; on Cloudflare the zone's plan sets the shortest; on
   * Checkly one of its frequencies (10, 20 or 30 as high-frequency checks, or 60, 300, 600, 900,
   * 1800, 3600, 43200, 86400). The stack config's default is 30.
   * @example 30
   */
  intervalSeconds: number;
  /**
   * Failed checks in a row before a monitor is down; with the interval, it sets how soon an
   * outage is known (MON-DETECT-5MIN). The stack config's default is 3.
   * @example 3
   */
  failureThreshold: number;
  /**
   * Where the checks run from: Route 53 regions (at least 3), Cloudflare region codes or Checkly
   * locations.
   * @default every Route 53 health-check region on AWS; a region Cloudflare picks on Cloudflare; us-east-1 on Checkly
   * @example ["us-east-1", "eu-west-1", "ap-southeast-1"]
   */
  regions?: string[];
  /**
   * The stack's environment: it names the alarms, topic, notification policy and Checkly checks, and tags what AWS and Checkly create.
   * @example "production"
   */
  environment: Environment;
}

/**
 * Route 53 publishes health-check metrics only in us-east-1, and a CloudWatch alarm can only
 * notify an SNS topic in its own region: the alarms and their topic live there, whatever the
 * stack's region.
 */
export const MONITORING_REGION = "us-east-1";

/** The alarm reads HealthCheckStatus (1 healthy, 0 not) once a minute and fires on the first bad minute. */
export const ALARM_PERIOD_SECONDS = 60;
export const ALARM_EVALUATION_PERIODS = 1;

/** The bar: an outage is known within five minutes (MON-DETECT-5MIN). */
export const DETECTION_BUDGET_SECONDS = 300;
/** The bar: production checks at least once a minute. */
export const PRODUCTION_MAX_INTERVAL_SECONDS = 60;

/** Tag that ties a health check to its alarm, known before either exists. */
export const MONITOR_TAG = "launch-ready:monitor";
/** Tag that ties a latency probe to its two alarms (MON-LATENCY), by the core endpoint's name; never an uptime check. */
export const LATENCY_TAG = "launch-ready:latency";

/**
 * MON-LATENCY on AWS, from what AWS documents (read 2026-12-03):
 * - A health check created with MeasureLatency publishes TimeToFirstByte, ConnectionTime and
 *   SSLHandshakeTime in CloudWatch, measured from its checker regions; it cannot be turned on later
 *   (docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-check-latency.html).
 * - HealthCheckPercentageHealthy is the share of Route 53's checkers that consider the endpoint
 *   healthy; an HTTPS check wants a status of 200 to 399, the connection within 4 s and the answer
 *   within 2 s (docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html).
 *   HealthCheckConfig has no method or body: a check requests ResourcePath, which the kit reads as GET.
 * - A metric alarm takes a percentile as ExtendedStatistic (p0.0 to p100), never with Statistic
 *   (CloudWatch PutMetricAlarm). CloudWatch computes percentiles from raw data points only
 *   (GetMetricStatistics); whether Route 53 publishes TimeToFirstByte that way is not documented,
 *   so the latency alarm treats a missing p95 as breaching rather than as fast.
 * A probe marks itself unhealthy on the first failed request, so the share of
 * Route 53's checkers that see it healthy is the share of recent requests that succeeded: its
 * HealthCheckPercentageHealthy, averaged over the window, is 100 minus the error rate.
 */
export const LATENCY_PROBE_FAILURE_THRESHOLD = 1;
/** The latency alarm reads the p95 of Route 53's TimeToFirstByte (CloudWatch's ExtendedStatistic). */
export const LATENCY_STATISTIC = "p95";
/** The latency alarm's window: five minutes of probes, one period. */
export const LATENCY_PERIOD_SECONDS = 300;

/**
 * The stack's CloudWatch dashboard: its zone and environment (`example-com-production`), in the
 * letters, digits, hyphens and underscores a dashboard name may hold. Dashboards are global to the
 * account, so the zone keeps two products' apart (CloudWatch PutDashboard, AWS::CloudWatch::Dashboard;
 * docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html, read 2026-12-03).
 */
export function dashboardName(domain: string, environment: Environment): string {
  return `${domain}-${environment}`.replace(/[^A-Za-z0-9_-]/g, "-");
}

/** Where the AWS console shows a dashboard of that name. */
export function dashboardUrl(name: string): string {
  return `https://console.aws.amazon.com/cloudwatch/home?region=${MONITORING_REGION}#dashboards/dashboard/${name}`;
}

export interface DetectionInputs {
  intervalSeconds: number;
  failureThreshold: number;
  /** The alarm in front of a person, if any: its period and how many periods must be bad. */
  alarmPeriodSeconds?: number;
  alarmEvaluationPeriods?: number;
  /**
   * What a retry adds before a failed run counts (Checkly's doubleCheck: the failing run is repeated
   * from another location, which may take up to the check's maxResponseTime).
   */
  retrySeconds?: number;
}

/**
 * Worst case from the first failed request to the alert: every check in the threshold, the retry
 * of the last failing one, then the alarm's periods. A check's own request time is within its
 * interval for every provider, so only a retry, which is a second request, adds to it.
 */
export function detectionSeconds(inputs: DetectionInputs): number {
  return (
    inputs.intervalSeconds * inputs.failureThreshold + (inputs.retrySeconds ?? 0) + (inputs.alarmPeriodSeconds ?? 0) * (inputs.alarmEvaluationPeriods ?? 0)
  );
}
