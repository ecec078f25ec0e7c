/**
 * How long an outage takes to reach a person, and the fixed parts of the alarm that carries it.
 * Plain functions, shared by the monitor components, MON-DETECT-5MIN and the handover.
 */

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
