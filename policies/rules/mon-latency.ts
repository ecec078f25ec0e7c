import { LATENCY_PERIOD_SECONDS, LATENCY_STATISTIC, MONITORING_REGION } from "../../components/monitoring/uptime-monitors";
import { BAR_ERROR_RATE_PERCENT, BAR_ERROR_WINDOW_MINUTES } from "../../stacks/schema/operations";
import type { LatencyTarget } from "../../stacks/monitoring-config";
import { CLOUDWATCH_DASHBOARD, METRIC_ALARM, ROUTE53_HEALTH_CHECK } from "../../domain/resource-types";
import { fail, notApplicable, pass, type BarRule, type DeclaredResource, type Verdict } from "../bar";
import { latencyEndpointOf } from "../declared/monitors";

const PROVIDER = "launch-ready:monitoring.provider";

/**
 * Why a provider other than AWS cannot carry MON-LATENCY, and what to write instead.
 * - Checkly alerts per run: a run slower than degradedResponseTime is degraded, one slower than
 *   maxResponseTime fails, and alerts follow N such runs in a row or minutes of them; its dashboards
 *   show p95/p99 response times but nothing alerts on a percentile or on a share of failed runs
 *   over a window (checklyhq.com/docs/communicate/alerts/overview,
 *   checklyhq.com/docs/detect/synthetic-monitoring/api-checks/response-limits, checklyhq.com/docs/dashboards-v2;
 *   read 2026-12-03).
 * - Cloudflare's Health Checks notify when a check's status changes, and their analytics show the
 *   average round-trip time, not a p95; the Free plan has no Health Checks at all
 *   (developers.cloudflare.com/health-checks/how-to/health-checks-notifications/,
 *   developers.cloudflare.com/health-checks/health-checks-analytics/; read 2026-12-03).
 */
const CANNOT_ALARM: Record<"checkly" | "cloudflare", string> = {
  checkly:
    "Checkly alerts on single runs (degraded or failed after N in a row), not on a p95 or on an error rate over minutes, so no latency or error-rate alarm can be declared there",
  cloudflare: "Cloudflare Health Checks notify on a status change only and report average latency, not a p95 (and the Free plan has no Health Checks)",
};

const number = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
const actionsOf = (alarm: DeclaredResource): string[] | undefined =>
  Array.isArray(alarm.props.alarmActions) ? alarm.props.alarmActions.map((action) => JSON.stringify(action)) : undefined;

/**
 * MON-LATENCY: slowness and errors alert before customers complain. On AWS, every core endpoint of
 * `launch-ready:performance` has a latency alarm on its probe's p95 at (not above) its p95 budget
 * over at most 5 minutes, and an error-rate alarm at or under 2 % over at most 5 minutes; both
 * notify what the uptime alarms notify (MON-HUMAN's recipients); the stack has a dashboard. Other
 * providers cannot alarm on either, and fail with the fix: provider aws.
 */
export const monLatency: BarRule = {
  id: "MON-LATENCY",
  checkStack(resources, context) {
    const config = context.config;
    if (!config) return [notApplicable("the stack's config is unknown (no stack file found for it)")];
    const { monitoring, performance } = config;
    if (!monitoring.enabled)
      return [
        fail("launch-ready:monitoring.enabled is false: nothing alerts when the core endpoints slow down or fail", {
          configPath: "launch-ready:monitoring.enabled",
        }),
      ];
    if (performance.endpoints.length === 0) return [notApplicable("the stack declares no core endpoint (PERF-P95 reports it)")];
    if (monitoring.provider !== "aws") {
      return [
        fail(
          `${CANNOT_ALARM[monitoring.provider]}; set ${PROVIDER}: aws (Route 53 probes with CloudWatch alarms on their p95 and error rate, in an AWS account)`,
          { configPath: PROVIDER },
        ),
      ];
    }
    const verdicts: Verdict[] = [];
    const { errorRatePercent, errorWindowMinutes } = monitoring.latency;
    if (errorRatePercent > BAR_ERROR_RATE_PERCENT)
      verdicts.push(
        fail(`the error-rate alarm waits for ${errorRatePercent} % failing; the bar alerts at ${BAR_ERROR_RATE_PERCENT} %`, {
          configPath: "launch-ready:monitoring.latency.errorRatePercent",
        }),
      );
    if (errorWindowMinutes > BAR_ERROR_WINDOW_MINUTES)
      verdicts.push(
        fail(`the error rate is measured over ${errorWindowMinutes} minutes; the bar alerts within ${BAR_ERROR_WINDOW_MINUTES}`, {
          configPath: "launch-ready:monitoring.latency.errorWindowMinutes",
        }),
      );
    const uptimeActions = new Set(
      resources.filter((r) => r.type === METRIC_ALARM && r.props.metricName === "HealthCheckStatus").flatMap((alarm) => actionsOf(alarm) ?? []),
    );
    // A config past the bar is said once above; an alarm is judged against the bar only where the config is within it, so what a transform changed is named.
    const within = { rate: errorRatePercent <= BAR_ERROR_RATE_PERCENT, window: errorWindowMinutes <= BAR_ERROR_WINDOW_MINUTES };
    for (const target of monitoring.latency.targets) verdicts.push(...judgeTarget(target, resources, uptimeActions, within));
    const dashboards = resources.filter((r) => r.type === CLOUDWATCH_DASHBOARD);
    verdicts.push(
      dashboards.length > 0
        ? pass(dashboards[0]?.urn)
        : fail("the stack has no CloudWatch dashboard of its uptime, latency and error rate; declare monitors through the kit (index.ts), which adds one", {
            configPath: "launch-ready:monitoring",
          }),
    );
    return verdicts;
  },
};

function judgeTarget(
  target: LatencyTarget,
  resources: readonly DeclaredResource[],
  uptimeActions: ReadonlySet<string>,
  configWithin: { rate: boolean; window: boolean },
): Verdict[] {
  const name = target.endpoint;
  const at = `launch-ready:performance.endpoints[${target.index}]`;
  if (target.method !== "GET" && !target.standIn) {
    return [
      fail(
        `${name} is a ${target.method}, and Route 53 probes send GET only, so nothing can time it; set launch-ready:monitoring.latency.probes.${name} to a GET URL that runs the same path (a dry run), or waive MON-LATENCY for ${name}`,
        { configPath: "launch-ready:monitoring.latency.probes", subjects: [at, name] },
      ),
    ];
  }
  const mine = resources.filter((r) => latencyEndpointOf(r) === name);
  const probe = mine.find((r) => r.type === ROUTE53_HEALTH_CHECK);
  const latency = mine.find((r) => r.type === METRIC_ALARM && r.props.metricName === "TimeToFirstByte");
  const errors = mine.find((r) => r.type === METRIC_ALARM && r.props.metricName === "HealthCheckPercentageHealthy");
  const subjects = [at, name];
  if (!probe || !latency || !errors) {
    const missing = [!probe && "probe", !latency && "latency alarm", !errors && "error-rate alarm"].filter(Boolean).join(", ");
    return [
      fail(`${name} (${target.url}) has no ${missing} among the stack's resources; declare monitors through the kit (index.ts)`, {
        configPath: "launch-ready:monitoring",
        subjects,
      }),
    ];
  }
  const verdicts: Verdict[] = [];
  const problem = (message: string, alarm: DeclaredResource, configPath = "launch-ready:monitoring.latency") =>
    verdicts.push(fail(`${name}: ${message}`, { urn: alarm.urn, configPath, subjects }));
  if (probe.props.measureLatency === false)
    problem("its probe does not measure latency (measureLatency: false), so it has no TimeToFirstByte to alarm on", probe);
  const threshold = number(latency.props.threshold);
  const statistic = latency.props.extendedStatistic ?? latency.props.statistic;
  if (statistic !== undefined && statistic !== LATENCY_STATISTIC)
    problem(`the latency alarm reads the ${String(statistic)}, not the ${LATENCY_STATISTIC}`, latency);
  if (threshold !== undefined && threshold > target.p95Ms)
    problem(`the latency alarm fires above ${threshold} ms, over the endpoint's ${target.p95Ms} ms p95 budget`, latency, `${at}.p95Ms`);
  const latencyWindow = (number(latency.props.period) ?? LATENCY_PERIOD_SECONDS) * (number(latency.props.evaluationPeriods) ?? 1);
  if (latencyWindow > BAR_ERROR_WINDOW_MINUTES * 60)
    problem(`the latency alarm waits ${latencyWindow} s; the bar alerts within ${BAR_ERROR_WINDOW_MINUTES * 60} s`, latency);
  const healthyFloor = number(errors.props.threshold);
  if (configWithin.rate && healthyFloor !== undefined && 100 - healthyFloor > BAR_ERROR_RATE_PERCENT)
    problem(
      `the error-rate alarm waits for ${100 - healthyFloor} % failing; the bar alerts at ${BAR_ERROR_RATE_PERCENT} %`,
      errors,
      "launch-ready:monitoring.latency.errorRatePercent",
    );
  const errorWindow = (number(errors.props.period) ?? 0) * (number(errors.props.evaluationPeriods) ?? 1);
  if (configWithin.window && errorWindow > BAR_ERROR_WINDOW_MINUTES * 60)
    problem(
      `the error-rate alarm waits ${errorWindow} s; the bar alerts within ${BAR_ERROR_WINDOW_MINUTES * 60} s`,
      errors,
      "launch-ready:monitoring.latency.errorWindowMinutes",
    );
  for (const alarm of [latency, errors]) {
    const region = alarm.props.region;
    if (region !== undefined && region !== MONITORING_REGION)
      problem(`an alarm is in ${String(region)}, but Route 53 publishes its metrics only in ${MONITORING_REGION}: it would never fire`, alarm);
    const actions = actionsOf(alarm);
    if (actions && (actions.length === 0 || actions.some((action) => !uptimeActions.has(action))))
      problem(
        `${alarm.name} notifies ${actions.length === 0 ? "nobody" : "something other than the uptime alarms' topic"}; it must reach MON-HUMAN's recipients (launch-ready:monitoring.alerts)`,
        alarm,
        "launch-ready:monitoring.alerts",
      );
  }
  return verdicts.length > 0 ? verdicts : [pass(latency.urn), pass(errors.urn)];
}
