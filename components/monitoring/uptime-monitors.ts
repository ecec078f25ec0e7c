/**
 * How long an outage takes to reach a person, and the fixed parts of the alarm that carries it.
 * Plain functions, shared by the monitor components, MON-DETECT-5MIN and the handover.
 */
import type { Input } from "@pulumi/pulumi";
import type { Environment } from "../../domain/bar/weighing";
import type { DeclaredMonitor } from "../../stacks/monitoring-config";

/** What both monitor components take: what to watch, who to tell, how often to look. */
export interface UptimeMonitorsArgsBase {
  /** What to watch, usually `config.monitoring.monitors`. Resources are named after each monitor's id. */
  monitors: DeclaredMonitor[];
  /** People alerted by email. */
  emails: string[];
  /** A chat webhook URL (Slack, Teams), as a Pulumi secret; alerted too. */
  chatWebhookUrl?: Input<string>;
  /** Seconds between checks (AWS: 10 or 30; Cloudflare: the zone's plan sets the floor). @default 30 */
  intervalSeconds: number;
  /** Failed checks in a row before a monitor is down. @default 3 */
  failureThreshold: number;
  /** Where the checks run from: Route 53 regions (at least 3) or Cloudflare region codes. @default the provider's choice */
  regions?: string[];
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

export interface DetectionInputs {
  intervalSeconds: number;
  failureThreshold: number;
  /** The alarm in front of a person, if any: its period and how many periods must be bad. */
  alarmPeriodSeconds?: number;
  alarmEvaluationPeriods?: number;
}

/** Worst case from the first failed request to the alert: every check in the threshold, then the alarm's periods. */
export function detectionSeconds(inputs: DetectionInputs): number {
  return inputs.intervalSeconds * inputs.failureThreshold + (inputs.alarmPeriodSeconds ?? 0) * (inputs.alarmEvaluationPeriods ?? 0);
}
