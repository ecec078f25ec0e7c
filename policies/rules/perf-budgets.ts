import { MAX_ERROR_BUDGET_PERCENT } from "../../stacks/performance-config";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";

const unknownConfig = () => [notApplicable("the stack's config is unknown (no stack file found for it)")];

/** PERF-P95: core endpoints are declared, each with a p95 budget within the bar's for its kind and stage. */
export const perfP95: BarRule = {
  id: "PERF-P95",
  checkStack(_resources, context) {
    const performance = context.config?.performance;
    if (!performance) return unknownConfig();
    if (performance.endpoints.length === 0) {
      return [
        fail("no core endpoint has a p95 budget; list the homepage, login and main API calls in launch-ready:performance.endpoints", {
          configPath: "launch-ready:performance.endpoints",
        }),
      ];
    }
    return performance.endpoints.map(
      (endpoint): Verdict =>
        endpoint.p95Ms > endpoint.barP95Ms
          ? fail(
              `${endpoint.name} allows a p95 of ${endpoint.p95Ms} ms; the bar holds ${endpoint.kind} endpoints to ${endpoint.barP95Ms} ms at the ${performance.stage} stage`,
              { configPath: `launch-ready:performance.endpoints[${endpoint.index}].p95Ms` },
            )
          : pass(),
    );
  },
};

/** PERF-ERRORS: an error budget is declared, under the bar's 1 %. */
export const perfErrors: BarRule = {
  id: "PERF-ERRORS",
  checkStack(_resources, context) {
    const performance = context.config?.performance;
    if (!performance) return unknownConfig();
    return [
      performance.errorBudgetPercent > MAX_ERROR_BUDGET_PERCENT
        ? fail(`the error budget is ${performance.errorBudgetPercent} %; the bar allows under ${MAX_ERROR_BUDGET_PERCENT} %`, {
            configPath: "launch-ready:performance.errorBudgetPercent",
          })
        : pass(),
    ];
  },
};

/** AI-TIMEOUT: every AI endpoint declares how long it waits for the model and what it answers instead, in time for its budget. */
export const aiTimeout: BarRule = {
  id: "AI-TIMEOUT",
  checkStack(_resources, context) {
    const performance = context.config?.performance;
    if (!performance) return unknownConfig();
    const ai = performance.endpoints.filter((endpoint) => endpoint.kind === "ai");
    if (ai.length === 0) return [notApplicable("the stack declares no AI endpoint")];
    return ai.map((endpoint): Verdict => {
      const at = `launch-ready:performance.endpoints[${endpoint.index}]`;
      if (endpoint.timeoutMs === undefined || endpoint.fallback === undefined) {
        return fail(`${endpoint.name} declares no ${endpoint.timeoutMs === undefined ? "timeoutMs" : "fallback"}: a slow model would hang the request`, {
          configPath: at,
        });
      }
      if (endpoint.timeoutMs >= endpoint.p95Ms) {
        return fail(`${endpoint.name} waits ${endpoint.timeoutMs} ms for the model, so its fallback cannot arrive within its ${endpoint.p95Ms} ms budget`, {
          configPath: `${at}.timeoutMs`,
        });
      }
      return pass();
    });
  },
};
