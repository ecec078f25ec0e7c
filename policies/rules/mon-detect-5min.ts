import { DETECTION_BUDGET_SECONDS, detectionSeconds, MONITORING_REGION, PRODUCTION_MAX_INTERVAL_SECONDS } from "../../components/monitoring/uptime-monitors";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";
import { declaredChecks } from "../declared/monitors";

const number = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

/**
 * MON-DETECT-5MIN: for every check, the worst case from the first failed request to the alert
 * (interval x failures in a row, plus the alarm's periods on AWS, plus the retry of the last
 * failing run on Checkly) is at most 300 s; production checks at least once a minute. An AWS
 * check with no alarm, or an alarm outside us-east-1 where Route 53's metrics are, never alerts at
 * all; nor does a deactivated Checkly check, and one on the account's alert settings alerts when
 * the dashboard says, which the stack does not declare.
 */
export const monDetect5min: BarRule = {
  id: "MON-DETECT-5MIN",
  checkStack(resources) {
    const checks = declaredChecks(resources);
    if (checks.length === 0) return [notApplicable("the stack declares no health check (MON-UPTIME reports what is missing)")];
    return checks.map((check): Verdict => {
      const urn = check.resource.urn;
      const at = { urn, configPath: "launch-ready:monitoring" };
      const where = check.host ? `${check.host}${check.path ?? ""}` : check.resource.name;
      if (check.provider === "checkly") {
        if (check.resource.props.activated === false)
          return fail(`the Checkly check of ${where} is deactivated (activated: false): it never runs, so an outage is never detected`, at);
        if (check.resource.props.useGlobalAlertSettings === true) {
          return fail(
            `the Checkly check of ${where} uses the account's alert settings (useGlobalAlertSettings), which the stack does not declare, so how soon it alerts is unknown; set useGlobalAlertSettings: false and its own alertSettings, as the kit does`,
            at,
          );
        }
      }
      if (check.intervalSeconds === undefined || check.failureThreshold === undefined || (check.provider === "checkly" && check.retrySeconds === undefined))
        return notApplicable(`${where}: interval or threshold not known until the resource is created`, urn);
      let alarm = {};
      if (check.provider === "aws") {
        if (!check.alarm)
          return fail(`${where} has no CloudWatch alarm on its HealthCheckStatus, so a failure alerts nobody; declare monitors through the kit`, at);
        const region = check.alarm.props.region;
        if (region !== undefined && region !== MONITORING_REGION) {
          return fail(
            `the alarm of ${where} is in ${String(region)}, but Route 53 publishes health-check metrics only in ${MONITORING_REGION}: it would never see a failure`,
            { ...at, urn: check.alarm.urn },
          );
        }
        alarm = { alarmPeriodSeconds: number(check.alarm.props.period) ?? 60, alarmEvaluationPeriods: number(check.alarm.props.evaluationPeriods) ?? 1 };
      }
      const retrySeconds = check.retrySeconds ?? 0;
      const seconds = detectionSeconds({ intervalSeconds: check.intervalSeconds, failureThreshold: check.failureThreshold, retrySeconds, ...alarm });
      if (seconds > DETECTION_BUDGET_SECONDS) {
        const extra =
          check.provider === "aws" ? " + the alarm's minute" : retrySeconds > 0 ? ` + ${retrySeconds} s retrying the last run from another location` : "";
        return fail(
          `${where} takes up to ${seconds} s to alert (every ${check.intervalSeconds} s x ${check.failureThreshold} failures${extra}), over the ${DETECTION_BUDGET_SECONDS} s budget; lower launch-ready:monitoring.failureThreshold or intervalSeconds`,
          at,
        );
      }
      if (check.intervalSeconds > PRODUCTION_MAX_INTERVAL_SECONDS) {
        return fail(`${where} is checked every ${check.intervalSeconds} s; production checks at least every ${PRODUCTION_MAX_INTERVAL_SECONDS} s`, {
          ...at,
          relaxedOutsideProduction: true,
        });
      }
      return pass(urn);
    });
  },
};
