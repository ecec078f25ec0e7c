/**
 * PERF-P95, PERF-ERRORS and AI-TIMEOUT as declared: the budgets the load test will hold endpoints
 * to. And the plan benchmark's measuring child, which no other test starts.
 */
import { describe, expect, test } from "vitest";
import { aiTimeout, perfErrors, perfP95 } from "../policies/rules/perf-budgets";
import { measurePlanCase } from "../scripts/bench/plan-cases";
import { planStack } from "../scripts/plan/plan-stack";
import { parseStackConfig, type LaunchReadyConfig } from "../stacks/stack-config";
import { exampleConfig, exampleStack, parsedExample, runInProcess } from "./helpers";

function parsed(mutate: (performance: Record<string, any>) => void): LaunchReadyConfig {
  const config = exampleConfig("prod");
  mutate(config["launch-ready:performance"]);
  const result = parseStackConfig(config);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const failures = (rule: typeof perfP95, config: LaunchReadyConfig) => rule.checkStack!([], { config }).filter((v) => v.status === "fail");

describe("performance budgets", () => {
  test("each endpoint of the prod example gets its own budget or the bar's for its kind", () => {
    expect(parsedExample("prod").performance.endpoints.map((e) => [e.name, e.kind, e.p95Ms, e.barP95Ms])).toEqual([
      ["home", "read", 300, 300],
      ["list-projects", "read", 250, 300],
      ["create-project", "write", 800, 800],
      ["assistant", "ai", 2000, 2000],
    ]);
    for (const rule of [perfP95, perfErrors, aiTimeout]) expect(failures(rule, parsedExample("prod")), rule.id).toEqual([]);
  });

  test("a budget looser than the bar fails PERF-P95 at launch; the prototype stage allows 500 ms for reads", () => {
    const loose = parsed((p) => (p.endpoints[0].p95Ms = 450));
    expect(failures(perfP95, loose)).toEqual([
      expect.objectContaining({
        configPath: "launch-ready:performance.endpoints[0].p95Ms",
        message: "home allows a p95 of 450 ms; the bar holds read endpoints to 300 ms at the launch stage",
      }),
    ]);
    expect(
      failures(
        perfP95,
        parsed((p) => {
          p.endpoints[0].p95Ms = 450;
          p.stage = "prototype";
        }),
      ),
    ).toEqual([]);
    expect(
      failures(
        perfP95,
        parsed((p) => (p.endpoints = [])),
      ).map((v) => v.status === "fail" && v.message),
    ).toEqual(["no core endpoint has a p95 budget; list the homepage, login and main API calls in launch-ready:performance.endpoints"]);
  });

  test("an error budget over 1 % fails PERF-ERRORS", () => {
    expect(
      failures(
        perfErrors,
        parsed((p) => (p.errorBudgetPercent = 5)),
      ),
    ).toEqual([expect.objectContaining({ configPath: "launch-ready:performance.errorBudgetPercent" })]);
  });

  test("an AI endpoint needs a timeout and a fallback, and a timeout short enough for its budget", () => {
    expect(
      failures(
        aiTimeout,
        parsed((p) => delete p.endpoints[3].fallback),
      ),
    ).toEqual([expect.objectContaining({ message: "assistant declares no fallback: a slow model would hang the request" })]);
    expect(
      failures(
        aiTimeout,
        parsed((p) => (p.endpoints[3].timeoutMs = 2500)),
      ),
    ).toEqual([expect.objectContaining({ message: "assistant waits 2500 ms for the model, so its fallback cannot arrive within its 2000 ms budget" })]);
    const config = exampleConfig("prod");
    config["launch-ready:performance"].endpoints[0].timeoutMs = 100;
    const result = parseStackConfig(config);
    expect(result.ok ? [] : result.problems.map((p) => [p.path, p.message])).toEqual([
      ["launch-ready:performance.endpoints[0].kind", "is read; timeoutMs and fallback describe AI endpoints only"],
    ]);
  });
});

describe("npm run bench:plan's measuring child", () => {
  test("--measure kit times the prod example's plan and reports its resources as one JSON object; a wrong case exits 1", async () => {
    const { code, stdout, stderr } = await runInProcess(measurePlanCase, ["--measure", "kit", "--size", "prod"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const planned = (await planStack(exampleStack("prod"))).summary.resources;
    expect(JSON.parse(stdout)).toEqual({ ms: expect.any(Number), resources: planned });
    const wrong = await runInProcess(measurePlanCase, ["--measure", "kits", "--size", "prod"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe("");
    expect(wrong.stderr).toContain('--measure "kits" must be one of kit, bare, sdk-default, warm');
  });
});
