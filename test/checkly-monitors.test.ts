/** Issue 17 part 4: uptime monitors on Checkly, for a founder with no AWS account and a free Cloudflare zone. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { ChecklyUptimeMonitors } from "../components/monitoring/checkly-uptime-monitors";
import { detectionSeconds } from "../components/monitoring/uptime-monitors";
import { declaredChecks } from "../policies/declared/monitors";
import type { DeclaredResource, Verdict } from "../policies/bar";
import { monDetect5min } from "../policies/rules/mon-detect-5min";
import { monHuman } from "../policies/rules/mon-human";
import { monUptime } from "../policies/rules/mon-uptime";
import { planStack } from "../scripts/plan/plan-stack";
import type { PlanReport } from "../scripts/plan/plan-report";
import { neededAccess, providerCredentials } from "../stacks/access";
import { parseStackConfig } from "../stacks/stack-config";
import { exampleConfig, exampleStack, parsedExample } from "./helpers";

const CHECK = "checkly:index/check:Check";
const CHANNEL = "checkly:index/alertChannel:AlertChannel";

function withCheckly(stack: string, monitoring: Record<string, unknown> = {}): Record<string, any> {
  const config = exampleConfig(stack);
  config["launch-ready:monitoring"] = { ...config["launch-ready:monitoring"], provider: "checkly", intervalSeconds: 60, ...monitoring };
  return config;
}

function problemsOf(config: Record<string, unknown>): Array<[string, string]> {
  const result = parseStackConfig(config);
  return result.ok ? [] : result.problems.map((p) => [p.path, p.message]);
}

const declared = (report: PlanReport): DeclaredResource[] =>
  report.resources.filter((r) => r.custom).map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs, protect: r.protect }));
const failures = (verdicts: Verdict[]) => verdicts.filter((v): v is Extract<Verdict, { status: "fail" }> => v.status === "fail");

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
