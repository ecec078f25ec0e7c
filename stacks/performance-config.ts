/**
 * The stack's `launch-ready:performance` resolved: each core endpoint with the p95 budget the bar
 * gives its kind and stage (PERF-P95), the error budget (PERF-ERRORS), and for AI endpoints their
 * timeout and fallback (AI-TIMEOUT). The plan judges what is declared; the load test measures it.
 */
import { problem, type ConfigProblem } from "./config-problems";
import type { EndpointBudgetKind, PerformanceFields } from "./schema/operations";

/** The bar's p95 budgets in ms (minimum-bar.md, PERF-P95). */
export const P95_BUDGET_MS: Record<PerformanceFields["stage"], Record<EndpointBudgetKind, number>> = {
  launch: { read: 300, write: 800, ai: 2000 },
  prototype: { read: 500, write: 500, ai: 2000 },
};
/** The bar's error budget, percent (PERF-ERRORS): under 1 %. */
export const MAX_ERROR_BUDGET_PERCENT = 1;

export interface BudgetedEndpoint {
  index: number;
  name: string;
  url: string;
  method: string;
  body?: string;
  kind: EndpointBudgetKind;
  /** The budget this endpoint is held to: its own, or the bar's for its kind. */
  p95Ms: number;
  /** The bar's ceiling for its kind and stage. */
  barP95Ms: number;
  timeoutMs?: number;
  fallback?: string;
}

export interface PerformanceConfig {
  stage: PerformanceFields["stage"];
  errorBudgetPercent: number;
  endpoints: BudgetedEndpoint[];
}

export function resolvePerformance(fields: PerformanceFields, problems: ConfigProblem[]): PerformanceConfig {
  const names = new Map<string, number>();
  const endpoints = fields.endpoints.map((endpoint, index): BudgetedEndpoint => {
    const earlier = names.get(endpoint.name);
    if (earlier !== undefined)
      problems.push(
        problem(["performance", "endpoints", index, "name"], `${endpoint.name} is already the name of launch-ready:performance.endpoints[${earlier}]`),
      );
    names.set(endpoint.name, index);
    if (endpoint.kind !== "ai" && (endpoint.timeoutMs !== undefined || endpoint.fallback !== undefined)) {
      problems.push(problem(["performance", "endpoints", index, "kind"], `is ${endpoint.kind}; timeoutMs and fallback describe AI endpoints only`));
    }
    const barP95Ms = P95_BUDGET_MS[fields.stage][endpoint.kind];
    return {
      index,
      name: endpoint.name,
      url: endpoint.url,
      method: endpoint.method,
      ...(endpoint.body !== undefined ? { body: endpoint.body } : {}),
      kind: endpoint.kind,
      p95Ms: endpoint.p95Ms ?? barP95Ms,
      barP95Ms,
      ...(endpoint.timeoutMs !== undefined ? { timeoutMs: endpoint.timeoutMs } : {}),
      ...(endpoint.fallback !== undefined ? { fallback: endpoint.fallback } : {}),
    };
  });
  return { stage: fields.stage, errorBudgetPercent: fields.errorBudgetPercent, endpoints };
}
