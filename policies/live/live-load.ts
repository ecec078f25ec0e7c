/**
 * The live column of PERF-P95 and PERF-ERRORS: one burst's measurements against the endpoint's
 * budget and the stack's error budget.
 */
import type { BudgetedEndpoint } from "../../stacks/performance-config";
import type { LiveCheck } from "./live-checks";

export interface BurstStats {
  connections: number;
  requests: number;
  /** Requests without a whole 2xx/3xx answer: the sum of `failures`. */
  errors: number;
  /** How many failed for each reason: "HTTP 500", a cut-off or malformed answer, a deadline, a reset. */
  failures: Record<string, number>;
  /** Body bytes received, whole answers and cut-off ones alike, each counted and dropped on arrival. */
  bodyBytes: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
}

export function judgeBurst(endpoint: BudgetedEndpoint, stats: BurstStats, errorBudgetPercent: number): LiveCheck[] {
  const target = `${endpoint.name} @ ${stats.connections} connections`;
  const errorRate = stats.requests === 0 ? 100 : (100 * stats.errors) / stats.requests;
  const reasons = Object.entries(stats.failures)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, count]) => `${count} ${reason}`)
    .join(", ");
  const measured = `p50 ${stats.p50Ms.toFixed(1)} ms, p95 ${stats.p95Ms.toFixed(1)} ms, p99 ${stats.p99Ms.toFixed(1)} ms over ${stats.requests} requests (${stats.requestsPerSecond.toFixed(0)}/s)`;
  return [
    stats.requests === 0
      ? { id: "PERF-P95", target, status: "fail", detail: "no request completed" }
      : { id: "PERF-P95", target, status: stats.p95Ms <= endpoint.p95Ms ? "pass" : "fail", detail: `${measured}; budget ${endpoint.p95Ms} ms` },
    {
      id: "PERF-ERRORS",
      target,
      status: errorRate < errorBudgetPercent || (errorBudgetPercent === 0 && stats.errors === 0) ? "pass" : "fail",
      detail: `${stats.errors} of ${stats.requests} failed (${errorRate.toFixed(2)} %)${reasons ? `: ${reasons}` : ""}; budget under ${errorBudgetPercent} %`,
    },
  ];
}
