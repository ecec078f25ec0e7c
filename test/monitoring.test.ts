/** Issue 7: uptime monitors that reach a person within five minutes. */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, test } from "vitest";
import { AwsUptimeMonitors } from "../components/monitoring/aws-uptime-monitors";
import { ChecklyUptimeMonitors } from "../components/monitoring/checkly-uptime-monitors";
import { detectionSeconds, LATENCY_TAG, MONITOR_TAG } from "../components/monitoring/uptime-monitors";
import { evaluateBar, type DeclaredResource, type Verdict } from "../policies/bar";
import { declaredChecks } from "../policies/declared/monitors";
import { BAR_RULES } from "../policies/rules";
import { monDetect5min } from "../policies/rules/mon-detect-5min";
import { monHuman } from "../policies/rules/mon-human";
import { monLatency } from "../policies/rules/mon-latency";
import { monUptime } from "../policies/rules/mon-uptime";
import { planStack } from "../scripts/plan/plan-stack";
import { parseStackConfig, type LaunchReadyConfig } from "../stacks/stack-config";
import type { PlanReport } from "../scripts/plan/plan-report";
import { neededAccess, providerCredentials } from "../stacks/access";
import { exampleConfig, exampleStack, parsedExample } from "./helpers";

const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const CHECK = "checkly:index/check:Check";
const CHANNEL = "checkly:index/alertChannel:AlertChannel";

function withCheckly(stack: string, monitoring: Record<string, unknown> = {}): Record<string, any> {
  const config = exampleConfig(stack);
  config["launch-ready:monitoring"] = { ...config["launch-ready:monitoring"], provider: "checkly", intervalSeconds: 60, ...monitoring };
  return config;
}

function parsed(config: Record<string, unknown>): LaunchReadyConfig {
  const result = parseStackConfig(config);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

function problemsOf(config: Record<string, unknown>): Array<[string, string]> {
  const result = parseStackConfig(config);
  return result.ok ? [] : result.problems.map((p) => [p.path, p.message]);
}

async function planWith(config: Record<string, unknown>, stack = "prod"): Promise<PlanReport> {
  return planStack({ ...exampleStack(stack), config });
}

const declared = (report: PlanReport): DeclaredResource[] =>
  report.resources.filter((r) => r.custom).map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs, protect: r.protect }));
/** MON-LATENCY's probes and alarms carry LATENCY_TAG; the uptime monitors never do. */
const isLatency = (r: { inputs?: Record<string, unknown>; props?: Record<string, unknown> }) =>
  ((r.inputs ?? r.props)?.tags as Record<string, string> | undefined)?.[LATENCY_TAG] !== undefined;
const failures = (verdicts: Verdict[]) => verdicts.filter((v): v is Extract<Verdict, { status: "fail" }> => v.status === "fail");

describe("the monitors a stack gets", () => {
  test("the prod example watches its homepage, login, API health, webhooks and status page", () => {
    expect(parsedExample("prod").monitoring.monitors.map((m) => [m.id, m.url, m.source])).toEqual([
      ["homepage-www.example.com", "https://www.example.com/", "default"],
      ["api-health-api.example.com-health", "https://api.example.com/health", "default"],
      ["status-status.example.com", "https://status.example.com/", "default"],
      ["login-app.example.com-login", "https://app.example.com/login", "config"],
      ["webhook-api.example.com-webhooks-health", "https://api.example.com/webhooks/health", "config"],
    ]);
  });

  test("without checks of their own, login and webhooks are watched where the stack declares them", () => {
    const config = exampleConfig("prod");
    config["launch-ready:monitoring"].checks = [];
    expect(
      parsed(config)
        .monitoring.monitors.filter((m) => m.kind === "login" || m.kind === "webhook")
        .map((m) => m.url),
    ).toEqual(["https://api.example.com/auth/login", "https://api.example.com/webhooks/stripe"]);
  });

  test("what Route 53 or the zone's plan cannot run is refused when the file is read", () => {
    const config = exampleConfig("prod");
    config["launch-ready:monitoring"] = {
      ...config["launch-ready:monitoring"],
      intervalSeconds: 15,
      regions: ["us-east-1", "mars-1"],
      alerts: { chatWebhookSecret: "SLACK_WEBHOOK_URL" },
    };
    expect(problemsOf(config)).toEqual([
      [
        "launch-ready:monitoring.alerts.chatWebhookSecret",
        "names SLACK_WEBHOOK_URL, which is not a provided secret in launch-ready:secrets; declare it with provided: true and set its value (a webhook URL is a credential)",
      ],
      ["launch-ready:monitoring.intervalSeconds", "is 15; Route 53 checks every 10 or 30 seconds"],
      [
        "launch-ready:monitoring.regions[1]",
        '"mars-1" is not a Route 53 health-check region; use us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1',
      ],
      ["launch-ready:monitoring.regions", "lists 2; Route 53 checks from at least 3 regions"],
    ]);
    const free = exampleConfig("dev");
    free["launch-ready:monitoring"] = { ...free["launch-ready:monitoring"], provider: "cloudflare" };
    expect(problemsOf(free)).toEqual([
      [
        "launch-ready:monitoring.provider",
        "is cloudflare, but the free plan has no Health Checks; use provider: checkly (or aws), or move the zone to Pro or above",
      ],
    ]);
    const pro = exampleConfig("prod");
    pro["launch-ready:monitoring"] = { ...pro["launch-ready:monitoring"], provider: "cloudflare", intervalSeconds: 30 };
    expect(problemsOf(pro)).toEqual([["launch-ready:monitoring.intervalSeconds", "is 30; on the pro plan Cloudflare checks at most every 60 seconds"]]);
  });
});

describe("the AWS monitors under mocks", () => {
  test("each monitor gets a health check and an alarm in us-east-1, even when the stack's region is another", async () => {
    const config = { ...exampleConfig("prod"), "aws:region": "eu-west-1" };
    const report = await planWith(config);
    const checks = report.resources.filter((r) => r.type === HEALTH_CHECK && !isLatency(r));
    const alarms = report.resources.filter((r) => r.type === ALARM && !isLatency(r));
    expect(checks.map((r) => [r.inputs.fqdn, r.inputs.resourcePath, r.inputs.type]).sort()).toEqual([
      ["api.example.com", "/health", "HTTPS"],
      ["api.example.com", "/webhooks/health", "HTTPS"],
      ["app.example.com", "/login", "HTTPS_STR_MATCH"],
      ["status.example.com", "/", "HTTPS"],
      ["www.example.com", "/", "HTTPS"],
    ]);
    expect(alarms).toHaveLength(checks.length);
    for (const alarm of alarms) {
      expect(alarm.inputs).toMatchObject({
        region: "us-east-1",
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
      });
      const check = checks.find((c) => (c.inputs.tags as Record<string, string>)[MONITOR_TAG] === (alarm.inputs.tags as Record<string, string>)[MONITOR_TAG]);
      expect(check, alarm.name).toBeDefined();
    }
    expect(
      report.resources.filter((r) => r.type.startsWith("aws:sns/")).map((r) => [r.type, r.inputs.region, r.inputs.protocol ?? null, r.inputs.endpoint ?? null]),
    ).toEqual([
      ["aws:sns/topic:Topic", "us-east-1", null, null],
      ["aws:sns/topicSubscription:TopicSubscription", "us-east-1", "email", "oncall@example.com"],
    ]);
  });

  test("every alarm reads its own health check and notifies the topic on ALARM and on OK", async () => {
    const created: Record<string, Record<string, unknown>> = {};
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          const id = `${args.name}-id`;
          const state = { ...args.inputs, arn: `arn:aws:mock:${args.name}` };
          created[args.name] = state;
          return { id, state };
        },
        call: () => ({}),
      },
      "launch-ready",
      "wiring",
      false,
    );
    const config = parsedExample("prod");
    const monitors = new AwsUptimeMonitors("uptime", {
      monitors: config.monitoring.monitors,
      emails: ["oncall@example.com"],
      chatWebhookUrl: pulumi.secret("https://hooks.example.com/not-a-real-hook"),
      intervalSeconds: 30,
      failureThreshold: 3,
      measureLatency: true,
      environment: "production",
    });
    const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
    const topicArn = await value(monitors.topic.arn);
    for (const monitor of config.monitoring.monitors) {
      const alarm = monitors.alarms[monitor.id];
      expect(await value(alarm.alarmActions)).toEqual([topicArn]);
      expect(await value(alarm.okActions)).toEqual([topicArn]);
      expect(await value(alarm.dimensions)).toEqual({ HealthCheckId: await value(monitors.healthCheckIds[monitor.id]) });
    }
    expect(created["uptime-alerts-chat"]).toMatchObject({ protocol: "https", region: "us-east-1" });
  });

  test("a chat webhook comes from a provided secret and stays [secret] in the plan", async () => {
    const config = exampleConfig("prod");
    config["launch-ready:secrets"].push({ name: "SLACK_WEBHOOK_URL", provided: true });
    config["launch-ready:secretValues"].SLACK_WEBHOOK_URL = "[secret]";
    config["launch-ready:monitoring"].alerts.chatWebhookSecret = "SLACK_WEBHOOK_URL";
    const report = await planWith(config);
    expect(report.resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription").map((r) => [r.inputs.protocol, r.inputs.endpoint])).toEqual(
      [
        ["email", "oncall@example.com"],
        ["https", "[secret]"],
      ],
    );
  });

  test("detection time is computed per monitor: 30 s x 3 failures + the alarm's minute = 150 s", () => {
    expect(detectionSeconds({ intervalSeconds: 30, failureThreshold: 3, alarmPeriodSeconds: 60, alarmEvaluationPeriods: 1 })).toBe(150);
    expect(detectionSeconds({ intervalSeconds: 10, failureThreshold: 1 })).toBe(10);
  });
});

describe("the MON-* bar", () => {
  test("the prod example passes all four, one verdict per check", async () => {
    const report = await planStack(exampleStack("prod"));
    expect(report.bar.filter((r) => r.id.startsWith("MON-")).map((r) => [r.id, r.status, r.message.match(/\((\d+) checks? passed\)/)?.[1]])).toEqual([
      ["MON-UPTIME", "pass", "4"],
      ["MON-DETECT-5MIN", "pass", "5"],
      ["MON-HUMAN", "pass", "1"],
      // Two alarms for each of the 4 core endpoints, and the dashboard.
      ["MON-LATENCY", "pass", "9"],
    ]);
  });

  test("a monitor checking every 30 s with 11 failures fails MON-DETECT-5MIN, with the time it would take", async () => {
    const resources = declared(await planStack(exampleStack("prod")));
    const check = resources.find((r) => r.type === HEALTH_CHECK && r.props.fqdn === "www.example.com")!;
    check.props = { ...check.props, requestInterval: 30, failureThreshold: 11 };
    expect(failures(monDetect5min.checkStack!(resources, {}))).toEqual([
      expect.objectContaining({
        urn: check.urn,
        message: expect.stringContaining("www.example.com/ takes up to 390 s to alert (every 30 s x 11 failures + the alarm's minute), over the 300 s budget"),
      }),
    ]);
  });

  test("a check without an alarm, or with its alarm outside us-east-1, alerts nobody", async () => {
    const resources = declared(await planStack(exampleStack("prod")));
    const alarms = resources.filter((r) => r.type === ALARM);
    const movedAlarm = { ...alarms[0], props: { ...alarms[0].props, region: "eu-west-1" } };
    const verdicts = failures(monDetect5min.checkStack!([...resources.filter((r) => r !== alarms[0] && r !== alarms[1]), movedAlarm], {}));
    expect(verdicts.map((v) => v.message.replace(/^\S+ /, ""))).toEqual([
      expect.stringContaining("is in eu-west-1, but Route 53 publishes health-check metrics only in us-east-1"),
      "has no CloudWatch alarm on its HealthCheckStatus, so a failure alerts nobody; declare monitors through the kit",
    ]);
  });

  test("production checks every minute; staging may check less often", async () => {
    const report = await planStack(exampleStack("prod"));
    const resources = declared(report);
    const slow = resources.map((r) =>
      r.type === HEALTH_CHECK && !isLatency(r)
        ? {
            ...r,
            type: "cloudflare:index/healthcheck:Healthcheck",
            props: { address: r.props.fqdn, httpConfig: { path: r.props.resourcePath }, interval: 120, consecutiveFails: 2 },
          }
        : r,
    );
    const production = await evaluateBar([monDetect5min], slow, { config: parsedExample("prod") }, "2026-11-25");
    expect(production.map((r) => [r.status, r.level])).toEqual(Array(5).fill(["fail", "mandatory"]));
    const staging = await evaluateBar([monDetect5min], slow, { config: { ...parsedExample("prod"), environment: "staging" } }, "2026-11-25");
    expect(staging.map((r) => [r.status, r.level])).toEqual(Array(5).fill(["fail", "advisory"]));
  });

  test("leaving out a kind fails MON-UPTIME, naming it; a waiver makes it advisory", async () => {
    const config = exampleConfig("prod");
    config["launch-ready:monitoring"].checks = config["launch-ready:monitoring"].checks.filter((c: { kind: string }) => c.kind !== "login");
    config["launch-ready:monitoring"].skip = ["login"];
    const report = await planWith(config);
    expect(report.bar.filter((r) => r.id === "MON-UPTIME")).toEqual([
      expect.objectContaining({
        status: "fail",
        level: "mandatory",
        message: "login is not monitored: monitoring.skip leaves login out; add a check of kind login",
      }),
    ]);
    config["launch-ready:waivers"] = [
      { id: "MON-UPTIME", reason: "The login page moves to app.example.com next sprint", owner: "cto@example.com", expires: "2099-01-01" },
    ];
    const waived = await planWith(config);
    expect(waived.bar.filter((r) => r.id === "MON-UPTIME").map((r) => [r.status, r.level])).toEqual([["waived", "advisory"]]);
  });

  test("no recipient fails MON-HUMAN; monitoring switched off fails MON-UPTIME and MON-HUMAN", async () => {
    const config = exampleConfig("prod");
    config["launch-ready:monitoring"].alerts = {};
    const report = await planWith(config);
    expect(report.bar.filter((r) => r.id === "MON-HUMAN")).toEqual([
      expect.objectContaining({
        status: "fail",
        message: "no email or chat subscription receives the uptime alarms; add launch-ready:monitoring.alerts.emails",
      }),
    ]);

    config["launch-ready:monitoring"] = { enabled: false };
    const off = await planWith(config);
    expect(off.resources.filter((r) => r.type === HEALTH_CHECK)).toEqual([]);
    expect(off.bar.filter((r) => r.id.startsWith("MON-")).map((r) => [r.id, r.status])).toEqual([
      ["MON-UPTIME", "fail"],
      ["MON-DETECT-5MIN", "not-applicable"],
      ["MON-HUMAN", "fail"],
      ["MON-LATENCY", "fail"],
    ]);
  });
});

// MON-LATENCY (issue 20, item 7): slowness and errors alert before customers complain.
describe("MON-LATENCY: latency and error-rate alarms per core endpoint, and one dashboard", () => {
  // One plan of the prod example for the whole block: planning is what costs.
  let report: PlanReport;
  beforeAll(async () => {
    report = await planStack(exampleStack("prod"));
  });

  test("each core endpoint gets a GET probe, a p95 alarm at its budget and a 2 %-over-5-minutes error-rate alarm in us-east-1; the stack one dashboard", () => {
    const probes = report.resources.filter((r) => r.type === HEALTH_CHECK && isLatency(r));
    expect(probes.map((r) => [r.name, r.inputs.fqdn, r.inputs.resourcePath, r.inputs.measureLatency, r.inputs.failureThreshold])).toEqual([
      ["latency-home-probe", "www.example.com", "/", true, 1],
      ["latency-list-projects-probe", "api.example.com", "/v1/projects", true, 1],
      // The write and the assistant are POSTs: timed through the stand-ins monitoring.latency.probes gives them.
      ["latency-create-project-probe", "api.example.com", "/health/create-project", true, 1],
      ["latency-assistant-probe", "api.example.com", "/health/assistant", true, 1],
    ]);
    const alarms = report.resources.filter((r) => r.type === ALARM && isLatency(r));
    expect(
      alarms
        .filter((r) => r.inputs.metricName === "TimeToFirstByte")
        .map((r) => [r.name, r.inputs.extendedStatistic, r.inputs.threshold, r.inputs.period, r.inputs.comparisonOperator, r.inputs.region]),
    ).toEqual([
      ["latency-home-latency-alarm", "p95", 300, 300, "GreaterThanThreshold", "us-east-1"],
      ["latency-list-projects-latency-alarm", "p95", 250, 300, "GreaterThanThreshold", "us-east-1"],
      ["latency-create-project-latency-alarm", "p95", 800, 300, "GreaterThanThreshold", "us-east-1"],
      ["latency-assistant-latency-alarm", "p95", 2000, 300, "GreaterThanThreshold", "us-east-1"],
    ]);
    const errorRate = alarms.filter((r) => r.inputs.metricName === "HealthCheckPercentageHealthy");
    expect(errorRate.map((r) => [r.inputs.statistic, r.inputs.threshold, r.inputs.period, r.inputs.comparisonOperator])).toEqual(
      Array(4).fill(["Average", 98, 300, "LessThanThreshold"]),
    );
    expect(report.resources.filter((r) => r.type === "aws:cloudwatch/dashboard:Dashboard").map((r) => [r.inputs.dashboardName, r.inputs.region])).toEqual([
      ["example-com-production", "us-east-1"],
    ]);
  });

  test("both alarms notify the uptime topic, and the dashboard graphs every monitor and every probe", async () => {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock:${args.name}` } }), call: () => ({}) },
      "launch-ready",
      "latency-wiring",
      false,
    );
    const config = parsedExample("prod");
    const monitors = new AwsUptimeMonitors("uptime", {
      monitors: config.monitoring.monitors,
      emails: ["oncall@example.com"],
      intervalSeconds: 30,
      failureThreshold: 3,
      measureLatency: true,
      latency: config.monitoring.latency,
      dashboardName: "example-com-production",
      environment: "production",
    });
    const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
    const topicArn = await value(monitors.topic.arn);
    expect(Object.keys(monitors.latencyAlarms)).toEqual(["home", "list-projects", "create-project", "assistant"]);
    for (const [endpoint, { latency, errorRate }] of Object.entries(monitors.latencyAlarms)) {
      for (const alarm of [latency, errorRate]) {
        expect(await value(alarm.alarmActions), endpoint).toEqual([topicArn]);
        expect(await value(alarm.dimensions)).toEqual({ HealthCheckId: await value(monitors.latencyProbeIds[endpoint]) });
      }
    }
    const body = JSON.parse(await value(monitors.dashboard!.dashboardBody)) as { widgets: Array<{ properties: { metrics: unknown[][] } }> };
    expect(body.widgets).toHaveLength(1 + 4);
    expect(body.widgets[0].properties.metrics.map((m) => m[3])).toEqual(
      await Promise.all(config.monitoring.monitors.map((m) => value(monitors.healthCheckIds[m.id]))),
    );
    expect(JSON.stringify(body.widgets[4])).toContain('"expression":"100 - healthy3"');
  });

  test("fails, naming the path and the fix: a POST with no stand-in, an alarm over budget, a slow error alarm, another topic, no dashboard", async () => {
    const noProbes = exampleConfig("prod");
    delete noProbes["launch-ready:monitoring"].latency;
    const unprobed = (await planWith(noProbes)).bar.filter((r) => r.id === "MON-LATENCY" && r.status === "fail");
    expect(unprobed.map((r) => [r.configPath, r.message])).toEqual([
      [
        "launch-ready:monitoring.latency.probes",
        "create-project is a POST, and Route 53 probes send GET only, so nothing can time it; set launch-ready:monitoring.latency.probes.create-project to a GET URL that runs the same path (a dry run), or waive MON-LATENCY for create-project",
      ],
      ["launch-ready:monitoring.latency.probes", expect.stringContaining("assistant is a POST")],
    ]);

    const config = parsedExample("prod");
    const resources = declared(report);
    expect(failures(monLatency.checkStack!(resources, { config }))).toEqual([]);
    const edited = resources
      .filter((r) => r.type !== "aws:cloudwatch/dashboard:Dashboard")
      .map((r) => {
        if (r.name === "latency-home-latency-alarm") return { ...r, props: { ...r.props, threshold: 400 } };
        if (r.name === "latency-home-error-rate-alarm") return { ...r, props: { ...r.props, threshold: 95, period: 600 } };
        if (r.name === "latency-assistant-latency-alarm") return { ...r, props: { ...r.props, alarmActions: ["arn:aws:sns:us-east-1:1:somewhere-else"] } };
        return r;
      });
    expect(failures(monLatency.checkStack!(edited, { config })).map((v) => [v.configPath, v.message])).toEqual([
      ["launch-ready:performance.endpoints[0].p95Ms", "home: the latency alarm fires above 400 ms, over the endpoint's 300 ms p95 budget"],
      ["launch-ready:monitoring.latency.errorRatePercent", "home: the error-rate alarm waits for 5 % failing; the bar alerts at 2 %"],
      ["launch-ready:monitoring.latency.errorWindowMinutes", "home: the error-rate alarm waits 600 s; the bar alerts within 300 s"],
      [
        "launch-ready:monitoring.alerts",
        "assistant: latency-assistant-latency-alarm notifies something other than the uptime alarms' topic; it must reach MON-HUMAN's recipients (launch-ready:monitoring.alerts)",
      ],
      [
        "launch-ready:monitoring",
        "the stack has no CloudWatch dashboard of its uptime, latency and error rate; declare monitors through the kit (index.ts), which adds one",
      ],
    ]);
  });

  test("the stack file may tighten the error-rate alarm, not loosen it past the bar; a probe must name a core endpoint", async () => {
    const loose = exampleConfig("prod");
    loose["launch-ready:monitoring"].latency = { ...loose["launch-ready:monitoring"].latency, errorRatePercent: 5, errorWindowMinutes: 15 };
    const report = await planWith(loose);
    expect(report.bar.filter((r) => r.id === "MON-LATENCY" && r.status === "fail").map((r) => [r.configPath, r.level, r.message])).toEqual([
      ["launch-ready:monitoring.latency.errorRatePercent", "mandatory", "the error-rate alarm waits for 5 % failing; the bar alerts at 2 %"],
      ["launch-ready:monitoring.latency.errorWindowMinutes", "mandatory", "the error rate is measured over 15 minutes; the bar alerts within 5"],
    ]);
    const tight = exampleConfig("prod");
    tight["launch-ready:monitoring"].latency.errorRatePercent = 1;
    expect(parsed(tight).monitoring.latency).toMatchObject({ errorRatePercent: 1, errorWindowMinutes: 5 });

    const wrong = exampleConfig("prod");
    wrong["launch-ready:monitoring"].latency = {
      errorRatePercent: 0,
      errorWindowMinutes: 2.5,
      probes: { "create-projects": "https://api.example.com/x", assistant: "http://api.example.com/y" },
    };
    expect(problemsOf(wrong)).toEqual([
      ["launch-ready:monitoring.latency.errorRatePercent", expect.stringMatching(/0/)],
      ["launch-ready:monitoring.latency.errorWindowMinutes", expect.any(String)],
      ["launch-ready:monitoring.latency.probes.assistant", "must be an absolute https:// URL"],
    ]);
    const unknown = exampleConfig("prod");
    unknown["launch-ready:monitoring"].latency.probes["create-projects"] = "https://api.example.com/x";
    expect(problemsOf(unknown)).toEqual([
      [
        "launch-ready:monitoring.latency.probes.create-projects",
        "names no endpoint of launch-ready:performance.endpoints; use one of home, list-projects, create-project, assistant, or remove it",
      ],
    ]);
  });

  test("Checkly and Cloudflare cannot alarm on a p95 or an error rate: the rule says so and names provider aws", () => {
    expect(failures(monLatency.checkStack!([], { config: parsed(withCheckly("prod")) }))).toEqual([
      expect.objectContaining({
        configPath: "launch-ready:monitoring.provider",
        message: expect.stringMatching(/^Checkly alerts on single runs .*; set launch-ready:monitoring.provider: aws/),
      }),
    ]);
    const config = parsedExample("prod");
    const cloudflare = { ...config, monitoring: { ...config.monitoring, provider: "cloudflare" as const } };
    expect(failures(monLatency.checkStack!([], { config: cloudflare })).map((v) => v.message)).toEqual([
      expect.stringMatching(/^Cloudflare Health Checks notify on a status change only .*Free plan has no Health Checks.*provider: aws/),
    ]);
  });
});

describe("the Cloudflare alternative", () => {
  test("a Pro zone gets a Health Check per monitor and one notification policy to the same people", async () => {
    const config = exampleConfig("prod");
    config["launch-ready:monitoring"] = { ...config["launch-ready:monitoring"], provider: "cloudflare", intervalSeconds: 60 };
    const report = await planWith(config);
    const checks = report.resources.filter((r) => r.type === "cloudflare:index/healthcheck:Healthcheck");
    expect(
      checks.map((r) => [r.inputs.address, (r.inputs.httpConfig as Record<string, unknown>).path, r.inputs.interval, r.inputs.consecutiveFails]).sort(),
    ).toEqual([
      ["api.example.com", "/health", 60, 3],
      ["api.example.com", "/webhooks/health", 60, 3],
      ["app.example.com", "/login", 60, 3],
      ["status.example.com", "/", 60, 3],
      ["www.example.com", "/", 60, 3],
    ]);
    expect(checks.every((r) => /^[A-Za-z0-9_-]+$/.test(String(r.inputs.name)))).toBe(true);
    const policies = report.resources.filter((r) => r.type === "cloudflare:index/notificationPolicy:NotificationPolicy");
    expect(policies.map((r) => [r.inputs.alertType, r.inputs.mechanisms, (r.inputs.filters as Record<string, unknown>).statuses])).toEqual([
      ["health_check_status_notification", { emails: [{ id: "oncall@example.com" }] }, ["Unhealthy"]],
    ]);
    expect(report.resources.filter((r) => r.type.startsWith("aws:route53") || r.type.startsWith("aws:cloudwatch"))).toEqual([]);
    expect(report.bar.filter((r) => r.id.startsWith("MON-")).map((r) => [r.id, r.status])).toEqual([
      ["MON-UPTIME", "pass"],
      ["MON-DETECT-5MIN", "pass"],
      ["MON-HUMAN", "pass"],
      // Neither Cloudflare nor Checkly can alarm on a p95 or an error rate (MON-LATENCY's own tests).
      ["MON-LATENCY", "fail"],
    ]);
  });
});

describe("the bar's order", () => {
  test("MON-* rules sit with the other IDs in minimum-bar.md's order", () => {
    const ids = BAR_RULES.map((rule) => rule.id);
    expect(ids.slice(ids.indexOf("SEC-ENV-SEPARATION"), ids.indexOf("OPS-PROTECT") + 1)).toEqual([
      "SEC-ENV-SEPARATION",
      "MON-UPTIME",
      "MON-DETECT-5MIN",
      "MON-HUMAN",
      "OPS-PROTECT",
    ]);
  });
});

// Checkly: uptime monitors for a founder with no AWS account and a free Cloudflare zone (issue 17).
describe("launch-ready:monitoring.provider: checkly", () => {
  test("a free zone may use Checkly, where Cloudflare's Health Checks are refused", () => {
    expect(problemsOf(withCheckly("dev"))).toEqual([]);
    expect(problemsOf(withCheckly("dev", { provider: "cloudflare" }))[0]).toEqual([
      "launch-ready:monitoring.provider",
      "is cloudflare, but the free plan has no Health Checks; use provider: checkly (or aws), or move the zone to Pro or above",
    ]);
  });

  test("an interval that is no Checkly frequency, too many failed runs or an unknown location is refused, naming the valid values", () => {
    expect(problemsOf(withCheckly("prod", { intervalSeconds: 45, failureThreshold: 6, regions: ["eu-west-1", "mars-1"] }))).toEqual([
      [
        "launch-ready:monitoring.intervalSeconds",
        "is 45; Checkly checks every 10, 20, 30, 60, 300, 600, 900, 1800, 3600, 43200, 86400 seconds (10, 20 and 30 are its high-frequency checks; 60 is what production needs)",
      ],
      ["launch-ready:monitoring.failureThreshold", "is 6; Checkly alerts after 1 to 5 failed runs in a row"],
      ["launch-ready:monitoring.regions[1]", expect.stringMatching(/^"mars-1" is not a Checkly location; use us-east-1, us-east-2, .*ap-southeast-3$/)],
    ]);
    // Checkly needs no three regions, unlike Route 53.
    expect(problemsOf(withCheckly("prod", { regions: ["eu-central-1"] }))).toEqual([]);
  });

  test("Checkly is an account someone must own, and its key a credential with an honest least-privilege note; AWS is not needed for monitors", () => {
    const config = parsedExample("prod");
    const checkly = { ...config, monitoring: { ...config.monitoring, provider: "checkly" as const } };
    expect(neededAccess(checkly).find((need) => need.system === "monitoring")?.why).toContain("Checkly");
    expect(neededAccess(checkly).find((need) => need.system === "aws")?.why).not.toContain("Route 53");
    expect(providerCredentials(checkly)).toEqual([
      expect.objectContaining({ variables: ["CHECKLY_API_KEY", "CHECKLY_ACCOUNT_ID"], leastPrivilege: expect.stringContaining("user API keys") }),
    ]);
    expect(providerCredentials(config)).toEqual([]);
  });
});

describe("the Checkly monitors under mocks", () => {
  test("the program declares an API check per monitor, every minute, alerting after the threshold, subscribed to every person", async () => {
    const report = await planStack({ ...exampleStack("prod"), config: withCheckly("prod", { failureThreshold: 2 }) });
    const checks = report.resources.filter((r) => r.type === CHECK);
    expect(checks.map((r) => (r.inputs.request as { url: string }).url).sort()).toEqual([
      "https://api.example.com/health",
      "https://api.example.com/webhooks/health",
      "https://app.example.com/login",
      "https://status.example.com/",
      "https://www.example.com/",
    ]);
    for (const check of checks) {
      expect(check.inputs).toMatchObject({
        type: "API",
        activated: true,
        frequency: 1,
        doubleCheck: true,
        useGlobalAlertSettings: false,
        maxResponseTime: 10_000,
        alertSettings: { escalationType: "RUN_BASED", runBasedEscalations: [{ failedRunThreshold: 2 }] },
        alertChannelSubscriptions: [{ activated: true, channelId: "[unknown]" }],
      });
    }
    const login = checks.find((r) => (r.inputs.request as { url: string }).url === "https://app.example.com/login")!;
    expect((login.inputs.request as { assertions: unknown[] }).assertions).toContainEqual({ source: "TEXT_BODY", comparison: "CONTAINS", target: "Sign in" });
    expect(report.resources.filter((r) => r.type === CHANNEL).map((r) => r.inputs.email)).toEqual([{ address: "oncall@example.com" }]);
    expect(report.resources.filter((r) => r.type.startsWith("aws:route53") || r.type.startsWith("aws:cloudwatch") || r.type.startsWith("aws:sns"))).toEqual([]);
    expect(report.bar.filter((r) => r.id.startsWith("MON-")).map((r) => [r.id, r.status])).toEqual([
      ["MON-UPTIME", "pass"],
      ["MON-DETECT-5MIN", "pass"],
      ["MON-HUMAN", "pass"],
      // Neither Cloudflare nor Checkly can alarm on a p95 or an error rate (MON-LATENCY's own tests).
      ["MON-LATENCY", "fail"],
    ]);
  });

  test("each check subscribes to the channels' own IDs, as numbers, and the chat webhook stays a secret", async () => {
    const created: Record<string, { type: string; id: string; inputs: Record<string, unknown> }> = {};
    let next = 1000;
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          const id = String(next++);
          created[args.name] = { type: args.type, id, inputs: args.inputs };
          return { id, state: args.inputs };
        },
        call: () => ({}),
      },
      "launch-ready",
      "checkly-wiring",
      false,
    );
    const monitors = new ChecklyUptimeMonitors("uptime", {
      monitors: parsedExample("prod").monitoring.monitors,
      emails: ["oncall@example.com", "cto@example.com"],
      chatWebhookUrl: pulumi.secret("https://hooks.example.com/not-a-real-hook"),
      intervalSeconds: 30,
      failureThreshold: 3,
      regions: ["eu-west-1", "us-east-1"],
      environment: "production",
    });
    await new Promise<void>((resolve) => pulumi.all(Object.values(monitors.checkIds)).apply(() => resolve()));
    const channels = ["uptime-alerts-email-oncall@example.com", "uptime-alerts-email-cto@example.com", "uptime-alerts-chat"].map((name) => created[name]);
    expect(channels.map((channel) => channel?.type)).toEqual([CHANNEL, CHANNEL, CHANNEL]);
    // The whole webhook block travels as a secret (Pulumi's wire signature), because its URL is one.
    expect(created["uptime-alerts-chat"].inputs.webhook).toEqual({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: expect.objectContaining({ method: "POST", url: "https://hooks.example.com/not-a-real-hook" }),
    });
    const check = created["homepage-www.example.com-check"];
    // 30 s is a high-frequency check: frequency 0, offset 30.
    expect(check.inputs).toMatchObject({ frequency: 0, frequencyOffset: 30, locations: ["eu-west-1", "us-east-1"] });
    expect((check.inputs.alertChannelSubscriptions as Array<{ channelId: unknown }>).map((s) => s.channelId)).toEqual(
      channels.map((channel) => Number(channel.id)),
    );
  });

  test("an interval Checkly cannot run is refused by the component too", () => {
    expect(() => new ChecklyUptimeMonitors("bad", { monitors: [], emails: [], intervalSeconds: 45, failureThreshold: 1, environment: "production" })).toThrow(
      "Checkly checks every 10, 20, 30, 60",
    );
  });
});

describe("the MON-* bar on Checkly", () => {
  const planned = async () => declared(await planStack({ ...exampleStack("prod"), config: withCheckly("prod") }));
  const homepage = (resources: DeclaredResource[]) =>
    resources.find((r) => r.type === CHECK && (r.props.request as { url: string }).url === "https://www.example.com/")!;

  test("detection is frequency x failed runs + the retry of the last run: 60 s x 3 + 10 s = 190 s", async () => {
    const [check] = declaredChecks([homepage(await planned())]);
    expect(check).toMatchObject({ provider: "checkly", host: "www.example.com", path: "/", intervalSeconds: 60, failureThreshold: 3, retrySeconds: 10 });
    expect(detectionSeconds({ intervalSeconds: 60, failureThreshold: 3, retrySeconds: 10 })).toBe(190);
    // Checkly's defaults where a check leaves them out: 1 failed run, no retry; a time-based threshold fills its minutes with runs.
    const bare = { urn: "urn:x", type: CHECK, name: "bare", props: { frequency: 5, request: { url: "https://www.example.com/" } } };
    expect(declaredChecks([bare])[0]).toMatchObject({ intervalSeconds: 300, failureThreshold: 1, retrySeconds: 0 });
    const timed = {
      ...bare,
      props: { ...bare.props, alertSettings: { escalationType: "TIME_BASED", timeBasedEscalations: [{ minutesFailingThreshold: 10 }] } },
    };
    expect(declaredChecks([timed])[0]).toMatchObject({ failureThreshold: 2 });
  });

  test("a check every 5 minutes takes over 300 s with its retry; every 10 minutes is slower still; production wants every minute", async () => {
    const resources = await planned();
    const check = homepage(resources);
    check.props = { ...check.props, frequency: 5, alertSettings: { escalationType: "RUN_BASED", runBasedEscalations: [{ failedRunThreshold: 1 }] } };
    expect(failures(monDetect5min.checkStack!(resources, {}))).toEqual([
      expect.objectContaining({
        urn: check.urn,
        message: expect.stringContaining(
          "www.example.com/ takes up to 310 s to alert (every 300 s x 1 failures + 10 s retrying the last run from another location)",
        ),
      }),
    ]);
    check.props = { ...check.props, frequency: 5, doubleCheck: false };
    expect(failures(monDetect5min.checkStack!(resources, {}))).toEqual([
      expect.objectContaining({ message: "www.example.com/ is checked every 300 s; production checks at least every 60 s", relaxedOutsideProduction: true }),
    ]);
  });

  test("a deactivated check, or one on the account's alert settings, fails MON-DETECT-5MIN", async () => {
    const resources = await planned();
    const check = homepage(resources);
    check.props = { ...check.props, activated: false };
    expect(failures(monDetect5min.checkStack!(resources, {})).map((v) => v.message)).toEqual([expect.stringContaining("is deactivated")]);
    check.props = { ...check.props, activated: true, useGlobalAlertSettings: true };
    expect(failures(monDetect5min.checkStack!(resources, {})).map((v) => v.message)).toEqual([expect.stringContaining("uses the account's alert settings")]);
  });

  test("no alert channel, a check subscribed to none, or a muted check fails MON-HUMAN", async () => {
    const resources = await planned();
    expect(failures(monHuman.checkStack!(resources, {}))).toEqual([]);
    expect(
      failures(
        monHuman.checkStack!(
          resources.filter((r) => r.type !== CHANNEL),
          {},
        ),
      ).map((v) => v.message),
    ).toEqual(["no Checkly alert channel sends failures to an email, SMS, Slack or webhook; add launch-ready:monitoring.alerts.emails"]);
    const silent = resources.map((r) => (r.type === CHANNEL ? { ...r, props: { ...r.props, sendFailure: false } } : r));
    expect(failures(monHuman.checkStack!(silent, {}))).toHaveLength(1);
    const check = homepage(resources);
    check.props = { ...check.props, alertChannelSubscriptions: [] };
    expect(failures(monHuman.checkStack!(resources, {})).map((v) => [v.urn, v.message])).toEqual([
      [check.urn, `${check.name} is subscribed to no active alert channel, so its failures alert nobody`],
    ]);
    check.props = { ...check.props, alertChannelSubscriptions: [{ activated: true, channelId: 1 }], muted: true };
    expect(failures(monHuman.checkStack!(resources, {})).map((v) => v.message)).toEqual([`${check.name} is muted: Checkly sends none of its alerts`]);
  });

  test("MON-UPTIME finds each monitor's Checkly check by its URL, and misses a removed one", async () => {
    const resources = await planned();
    const context = { config: { ...parsedExample("prod"), monitoring: { ...parsedExample("prod").monitoring, provider: "checkly" as const } } };
    expect(failures(monUptime.checkStack!(resources, context))).toEqual([]);
    const without = resources.filter((r) => r !== homepage(resources));
    expect(failures(monUptime.checkStack!(without, context)).map((v) => v.message)).toEqual([
      "https://www.example.com/ (homepage) has no health check among the stack's resources; declare monitors through the kit (index.ts)",
    ]);
  });
});
