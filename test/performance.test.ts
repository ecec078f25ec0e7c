/**
 * PERF-P95, PERF-ERRORS and AI-TIMEOUT as declared: the budgets the load test will hold endpoints
 * to. The plan benchmark's measuring child and its whole-process floor, which no other test
 * starts. And what the plan's speed rests on that can be checked without a clock: a stack loads
 * the AWS and random SDKs only when it declares resources of theirs.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { aiTimeout, perfErrors, perfP95 } from "../policies/rules/perf-budgets";
import { floorProgram } from "../scripts/bench/whole-process";
import { measurePlanCase } from "../scripts/bench/plan-cases";
import { planStack, runStackProgram } from "../scripts/plan/plan-stack";
import { parseStackConfig, type LaunchReadyConfig } from "../stacks/stack-config";
import { exampleConfig, exampleStack, parsedExample, ROOT, runInProcess, scratchDir } from "./helpers";

function parsed(mutate: (performance: Record<string, any>) => void): LaunchReadyConfig {
  const config = exampleConfig("prod");
  mutate(config["launch-ready:performance"]);
  // A latency probe must name a core endpoint (MON-LATENCY): keep those of the endpoints left.
  const names = new Set(config["launch-ready:performance"].endpoints.map((e: { name: string }) => e.name));
  const latency = config["launch-ready:monitoring"].latency;
  latency.probes = Object.fromEntries(Object.entries(latency.probes).filter(([name]) => names.has(name)));
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
    // A generated stack sits beside the example's files, and must plan there: on a zone of its own.
    const generated = await runInProcess(measurePlanCase, ["--measure", "kit", "--size", "20"]);
    expect(generated.stderr).toBe("");
    expect(JSON.parse(generated.stdout).resources).toBeGreaterThan(planned);
    const wrong = await runInProcess(measurePlanCase, ["--measure", "kits", "--size", "prod"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe("");
    expect(wrong.stderr).toContain('--measure "kits" must be one of kit, bare, sdk-default, warm');
  });
});

/** Runs `node` (or tsx) on `script` in a child process, whose module registry starts empty. */
function child(command: string, script: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, [script, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run bench:plan's whole-process floor", () => {
  test("registers the prod example's provider resources through the SDK's classes, with their names and protect flags, and runs", async () => {
    const run = await runStackProgram(exampleStack("prod"), "launch-ready");
    const { source, providers } = floorProgram(run, "launch-ready", "prod");
    expect(providers).toEqual(["aws", "cloudflare", "random"]);
    const declared = [...source.matchAll(/^ {4}new ([\w.]+)\((".*?"), .*, \{ protect: (true|false) \}\);$/gm)].map(([, sdkClass, name, protect]) => [
      sdkClass,
      JSON.parse(name),
      protect === "true",
    ]);
    const custom = run.resources.filter((resource) => resource.custom);
    expect(declared).toHaveLength(custom.length);
    expect(declared.map(([, name, protect]) => [name, protect])).toEqual(custom.map((resource) => [resource.name, resource.protect]));
    expect(declared).toContainEqual(["aws.route53.HealthCheck", "homepage-www.example.com-check", false]);
    expect(declared).toContainEqual(["cloudflare.DnsRecord", "www.example.com-CNAME", true]);
    const file = join(scratchDir(), "floor.js");
    writeFileSync(file, source);
    expect(await child(process.execPath, file)).toEqual({ code: 0, stdout: "", stderr: "" });
  });
});

describe("modules loaded only when a stack uses them", () => {
  test("a stack without secrets and with Cloudflare's monitors plans without loading @pulumi/aws or @pulumi/random", async () => {
    const config = exampleConfig("prod");
    for (const key of ["secretStore", "secrets", "secretValues"]) delete config[`launch-ready:${key}`];
    config["launch-ready:env"] = config["launch-ready:env"].filter((variable: { secret?: string }) => !variable.secret);
    Object.assign(config["launch-ready:monitoring"], { provider: "cloudflare", intervalSeconds: 60 });
    const dir = scratchDir();
    writeFileSync(join(dir, "Pulumi.cloudflare-only.yaml"), stringify({ config }));
    writeFileSync(
      join(dir, "plan.ts"),
      [
        `import { planStack } from ${JSON.stringify(join(ROOT, "scripts", "plan", "plan-stack"))};`,
        `import { readStackFile } from ${JSON.stringify(join(ROOT, "stacks", "stack-file"))};`,
        `planStack(readStackFile(${JSON.stringify(join(dir, "Pulumi.cloudflare-only.yaml"))})).then((report) => {`,
        "  const packages = Object.keys(require.cache).map((path) => /node_modules\\/(@pulumi\\/[^/]+)\\//.exec(path)?.[1]);",
        "  process.stdout.write(JSON.stringify({ byType: report.summary.byType, packages: [...new Set(packages.filter(Boolean))].sort() }));",
        "});",
      ].join("\n"),
    );
    const planned = await child(join(ROOT, "node_modules", ".bin", "tsx"), join(dir, "plan.ts"));
    expect(planned.stderr).toBe("");
    const { byType, packages } = JSON.parse(planned.stdout);
    // The prod example's 16 records, eight more of its zone's CAA set (TLS-CAA) and MTA-STS's two (MAIL-TRANSPORT).
    expect(byType).toMatchObject({ "cloudflare:index/healthcheck:Healthcheck": 5, "cloudflare:index/dnsRecord:DnsRecord": 26 });
    expect(packages).toEqual(["@pulumi/cloudflare", "@pulumi/pulumi"]);
  });
});
