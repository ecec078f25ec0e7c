import { describe, expect, test } from "vitest";
import launchReady from "../index";
import * as pulumi from "@pulumi/pulumi";
import { BAR_RULES } from "../policies/rules";
import { opsProtect } from "../policies/rules/ops-protect";
import { OfflineRunFailure, runOffline } from "../scripts/plan/offline-run";
import { cliConfig, ConfigRefused, planStack } from "../scripts/plan/plan-stack";
import { EXAMPLE_STACKS, exampleConfig, exampleStack, parsedExample, shuffleEveryList } from "./helpers";

const DNS = "cloudflare:index/dnsRecord:DnsRecord";
const RULESET = "cloudflare:index/ruleset:Ruleset";
const SETTING = "cloudflare:index/zoneSetting:ZoneSetting";
const ZONE_DNSSEC = "cloudflare:index/zoneDnssec:ZoneDnssec";

async function runProgram(config: Record<string, unknown>, stack = "prod") {
  return runOffline({ project: "launch-ready", stack, config: cliConfig(config), secretKeys: [], program: launchReady });
}

describe.each(EXAMPLE_STACKS)("the %s example stack", (stack) => {
  test("plans every declared host, exactly one redirect ruleset and the TLS settings, or none in another stack's zone", async () => {
    const config = parsedExample(stack);
    // Staging lives in prod's zone: prod's rulesets and settings serve it (test/zone-sharing.test.ts).
    const ownsZone = config.zone.owner === undefined;
    const report = await planStack(exampleStack(stack));
    const records = report.resources.filter((r) => r.type === DNS);
    const web = records.filter((r) => ["A", "AAAA", "CNAME"].includes(String(r.inputs.type)) && !String(r.inputs.name).includes("._domainkey."));
    expect(web.map((r) => r.inputs.name).sort()).toEqual(config.hosts.flatMap((h) => h.records.map(() => h.fqdn)).sort());
    expect(records.filter((r) => r.inputs.name === `_dmarc.${config.zone.domain}`)).toHaveLength(1);
    expect(records.every((r) => String(r.inputs.name).endsWith(config.zone.domain))).toBe(true);

    // One entrypoint ruleset per phase, never two.
    const phases = report.resources.filter((r) => r.type === RULESET).map((r) => r.inputs.phase);
    if (!ownsZone) expect(phases).toEqual([]);
    else
      expect(phases.sort()).toEqual([
        "http_ratelimit",
        "http_request_cache_settings",
        "http_request_dynamic_redirect",
        "http_request_firewall_custom",
        "http_request_firewall_managed",
        "http_response_headers_transform",
      ]);

    expect(
      report.resources
        .filter((r) => r.type === SETTING)
        .map((r) => r.inputs.settingId)
        .sort(),
    ).toEqual(ownsZone ? ["always_use_https", "automatic_https_rewrites", "min_tls_version", "security_header", "ssl", "tls_1_3"] : []);
    // The zone is signed once, by the stack that owns it (DNS-DNSSEC).
    expect(report.resources.filter((r) => r.type === ZONE_DNSSEC).map((r) => r.inputs)).toEqual(
      ownsZone ? [{ zoneId: config.zone.zoneId, status: "active" }] : [],
    );
    expect(report.summary).toMatchObject({
      zone: config.zone.domain,
      canonicalUrl: `https://${config.canonical.fqdn}`,
      components: { prod: 13, staging: 5, dev: 12 }[stack],
    });
    expect(report.bar.map((r) => [r.id, r.status])).toEqual(
      BAR_RULES.map((rule) => {
        // Production protects; production and dev send and receive mail at every name, staging only parks its apex.
        const production = config.environment === "production";
        const sends = config.email.sending.length > 0;
        const notApplicable =
          (!production && rule.id === "OPS-PROTECT") ||
          (sends ? rule.id === "MAIL-PARKED" : rule.id === "MAIL-DKIM") ||
          (rule.id === "MAIL-TRANSPORT" && config.email.inboundMx.length === 0) ||
          (!ownsZone && (rule.id === "DNS-CANONICAL" || rule.id === "TLS-CAA"));
        // Dev monitors on Checkly, which cannot alarm on a p95 or an error rate: advisory there (MON-LATENCY's tests).
        if (rule.id === "MON-LATENCY" && config.monitoring.provider === "checkly") return [rule.id, "fail"];
        return [rule.id, notApplicable ? "not-applicable" : "pass"];
      }),
    );
  });

  test("a refused config comes back from the plan as data, with nothing planned", async () => {
    const file = exampleStack(stack);
    const broken = { ...file, config: { ...file.config, "launch-ready:canonical": { host: "both" } } };
    const refusal = await planStack(broken).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ConfigRefused);
    expect((refusal as ConfigRefused).problems).toEqual([
      { path: "launch-ready:canonical.host", message: 'must be one of "apex", "www", not string "both"', example: "host: www   # apex | www" },
    ]);
  });

  test("every provider resource sits inside a kit component", async () => {
    const report = await planStack(exampleStack(stack));
    const componentUrns = new Set(report.resources.filter((r) => r.type.startsWith("launch-ready:")).map((r) => r.urn));
    for (const resource of report.resources.filter((r) => r.custom)) expect(componentUrns.has(resource.parent!)).toBe(true);
  });

  test("reordering every list in the stack file changes no URN and no input", async () => {
    const baseline = await runProgram(exampleConfig(stack), stack);
    const byUrn = (resources: typeof baseline.resources) => Object.fromEntries(resources.map((r) => [r.urn, r.inputs]));
    for (const seed of [1, 2, 3]) {
      const reordered = shuffleEveryList(exampleConfig(stack), seed) as Record<string, unknown>;
      const run = await runProgram(reordered, stack);
      expect(byUrn(run.resources)).toEqual(byUrn(baseline.resources));
    }
  });
});

describe("production protection (OPS-PROTECT)", () => {
  test("every DNS record, ruleset, zone setting and stored secret of production is protected; generated values, secret versions and monitors are not", async () => {
    const run = await runProgram(exampleConfig("prod"));
    const custom = run.resources.filter((r) => r.custom);
    // 53 (three of them Resend's records, nine the zone's CAA set, two MTA-STS records), the Worker with its custom domain and
    // security.txt route, the advanced certificate prod orders for staging, which lives in its zone, the zone's DNSSEC and its bot
    // posture, and MON-LATENCY's probe and two alarms for each of 4 core endpoints and the dashboard.
    expect(custom.length).toBe(74);
    // Rotating a secret replaces its value and version, and monitors hold no state worth keeping: protecting them would only get in the way.
    expect(custom.filter((r) => opsProtect.resourceTypes!.includes(r.type)).every((r) => r.protect)).toBe(true);
    expect([...new Set(custom.filter((r) => !r.protect).map((r) => r.type))].sort()).toEqual([
      "aws:cloudwatch/dashboard:Dashboard",
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "aws:route53/healthCheck:HealthCheck",
      "aws:secretsmanager/secretVersion:SecretVersion",
      "aws:sns/topic:Topic",
      "aws:sns/topicSubscription:TopicSubscription",
      "random:index/randomPassword:RandomPassword",
    ]);
  });

  test("staging is not protected unless it asks", async () => {
    const staging = await runProgram(exampleConfig("staging"), "staging");
    expect(staging.resources.filter((r) => r.custom && r.protect)).toEqual([]);
    const config = exampleConfig("staging");
    config["launch-ready:protect"] = true;
    const asked = await runProgram(config, "staging");
    expect(asked.resources.filter((r) => r.custom && opsProtect.resourceTypes!.includes(r.type)).every((r) => r.protect)).toBe(true);
  });

  test("production protection can be lifted on purpose", async () => {
    const config = exampleConfig("prod");
    config["launch-ready:protect"] = false;
    const run = await runProgram(config);
    expect(run.resources.filter((r) => r.custom && r.protect)).toEqual([]);
  });
});

describe("invalid config in the real program", () => {
  test("stops before any resource is registered, naming each bad key without a stack trace", async () => {
    const config = exampleConfig("prod");
    config["launch-ready:hosts"][3].target = "not a host";
    config["launch-ready:tls"].ssl = "sometimes";
    delete config["launch-ready:zone"];
    const failure = await runProgram(config).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OfflineRunFailure);
    const { cause, resources } = failure as OfflineRunFailure;
    expect(pulumi.RunError.isInstance(cause)).toBe(true);
    const message = (cause as Error).message;
    for (const path of ["launch-ready:zone", "launch-ready:hosts[3].target", "launch-ready:tls.ssl"]) expect(message).toContain(`${path}:`);
    expect(message).not.toMatch(/\n\s+at /);
    expect(resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});

describe("mutated example stacks fail the bar with the right ID", () => {
  type Mutation = [string, (config: Record<string, any>) => void, string];
  const mutations: Mutation[] = [
    ["ssl flexible", (c) => (c["launch-ready:tls"].ssl = "flexible"), "TLS-STRICT"],
    ["ssl full", (c) => (c["launch-ready:tls"].ssl = "full"), "TLS-STRICT"],
    ["TLS 1.0 allowed", (c) => (c["launch-ready:tls"].minTlsVersion = "1.0"), "TLS-VERSION"],
    ["TLS 1.3 off", (c) => (c["launch-ready:tls"].tls13 = "off"), "TLS-VERSION"],
    ["http allowed", (c) => (c["launch-ready:tls"].alwaysUseHttps = false), "TLS-HTTPS-ONLY"],
    ["no HTTPS rewrites", (c) => (c["launch-ready:tls"].automaticHttpsRewrites = false), "TLS-HTTPS-ONLY"],
    ["HSTS for a day", (c) => (c["launch-ready:tls"].hsts.maxAge = 86400), "TLS-HSTS"],
    ["HSTS without subdomains", (c) => (c["launch-ready:tls"].hsts.includeSubdomains = false), "TLS-HSTS"],
    ["production unprotected", (c) => (c["launch-ready:protect"] = false), "OPS-PROTECT"],
    // The app names its own request ID, which a DNS-only host needs (OPS-REQUEST-ID), so only DNS-PROXIED is left.
    [
      "web app not proxied",
      (c) => {
        c["launch-ready:hosts"][2].proxied = false;
        c["launch-ready:handover"].logs.requestIdHeader = "X-Request-ID";
      },
      "DNS-PROXIED",
    ],
    ["private origin address", (c) => (c["launch-ready:hosts"][0].target = "10.0.0.8"), "DNS-SANE"],
  ];

  test.each(mutations)("%s fails %s and nothing else", async (_label, mutate, id) => {
    const file = exampleStack("prod");
    const config = structuredClone(file.config) as Record<string, any>;
    mutate(config);
    const report = await planStack({ ...file, config });
    const failing = report.bar.filter((r) => r.status === "fail");
    expect([...new Set(failing.map((r) => r.id))]).toEqual([id]);
    expect(failing.every((r) => r.level === "mandatory")).toBe(true);
    expect(report.summary.barFailures).toBeGreaterThan(0);
  });

  test("a staging stack owning its zone may run a shorter HSTS max-age, reported as advisory", async () => {
    // In prod's zone it could not (HSTS is zone-wide); dev's own zone shows the staging bar.
    const file = exampleStack("dev");
    const config = structuredClone(file.config) as Record<string, any>;
    config["launch-ready:environment"] = "staging";
    // Its secrets go to the Vercel project's preview target, which neither dev (development) nor the example staging (AWS) uses.
    config["launch-ready:tls"] = { ...config["launch-ready:tls"], hsts: { maxAge: 86400 } };
    const report = await planStack({ ...file, config });
    // Dev's Checkly cannot carry MON-LATENCY (its own tests); only the HSTS finding is this test's.
    const failed = report.bar.filter((r) => r.status === "fail" && r.id !== "MON-LATENCY");
    expect(failed, JSON.stringify(failed)).toEqual([expect.objectContaining({ id: "TLS-HSTS", level: "advisory" })]);
    // The one mandatory failure is MON-LATENCY's, which staging does not relax.
    expect(report.summary.barFailures).toBe(1);
  });

  test("development never blocks: the same failure is advisory", async () => {
    const file = exampleStack("dev");
    const config = structuredClone(file.config) as Record<string, any>;
    config["launch-ready:tls"] = { ...config["launch-ready:tls"], ssl: "off" };
    const report = await planStack({ ...file, config });
    expect(report.bar.filter((r) => r.status === "fail" && r.id !== "MON-LATENCY")).toEqual([expect.objectContaining({ id: "TLS-STRICT", level: "advisory" })]);
    expect(report.summary.barFailures).toBe(0);
  });
});
