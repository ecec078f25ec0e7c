/**
 * The kit as a team uses it from an existing Pulumi program: everything imported from the
 * package's entry (library.ts), components given their own args, and a site config written in
 * code with its secrets as Pulumi secrets, never read from a stack file.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import {
  AppSecrets,
  AwsUptimeMonitors,
  DnsRecords,
  LaunchReadySite,
  secretSpecs,
  siteConfig,
  ZoneTls,
  type ConfigProblem,
  type LaunchReadyConfigInput,
} from "../library";
import { runOffline, type RegisteredResource } from "../scripts/plan/offline-run";

const PROJECT = "quill";
const ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
const ACCOUNT_ID = "372e67954025e0ba6aaa6d586b9e0b59";
const STRIPE_KEY = "sk_live_not-a-real-key-0123456789";
const WEBHOOK_URL = "https://chat.example.net/hooks/not-a-real-hook";

async function register(program: () => unknown): Promise<RegisteredResource[]> {
  const run = await runOffline({ project: PROJECT, stack: "prod", config: {}, secretKeys: [], program });
  return run.resources;
}

const ofType = (resources: RegisteredResource[], type: string) => resources.filter((r) => r.type === type);
const stackUrn = `urn:pulumi:prod::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-prod`;

/** A production site on a Free zone, written as a team would in its own program. */
function productConfig(secretValues: LaunchReadyConfigInput["secretValues"]): LaunchReadyConfigInput {
  return {
    environment: "production",
    zone: { domain: "quill-example.com", zoneId: ZONE_ID, accountId: ACCOUNT_ID, plan: "free" },
    canonical: { host: "www" },
    hosts: [
      { name: "@", target: "76.76.21.21", purpose: "web" },
      { name: "www", target: "cname.vercel-dns.com", purpose: "web" },
    ],
    secrets: [
      { name: "STRIPE_SECRET_KEY", provided: true },
      { name: "SLACK_WEBHOOK_URL", provided: true },
    ],
    secretValues,
    monitoring: { alerts: { emails: ["oncall@quill-example.com"], chatWebhookSecret: "SLACK_WEBHOOK_URL" } },
  };
}

describe("components alone in an existing program", () => {
  test("ZoneTls and DnsRecords take their own args and create exactly what those say", async () => {
    const resources = await register(() => {
      new ZoneTls("tls", {
        zoneId: ZONE_ID,
        zoneName: "quill-example.com",
        tls: {
          ssl: "strict",
          minTlsVersion: "1.3",
          tls13: "on",
          alwaysUseHttps: true,
          automaticHttpsRewrites: false,
          hsts: { enabled: true, maxAge: 63072000, includeSubdomains: true, preload: true, nosniff: true },
        },
        protect: true,
      });
      new DnsRecords("dns", {
        zoneId: ZONE_ID,
        records: [
          {
            logicalName: "quill-example.com-A-76.76.21.21",
            name: "quill-example.com",
            type: "A",
            content: "76.76.21.21",
            proxied: true,
            ttl: 1,
            comment: "Vercel",
          },
          {
            logicalName: "quill-example.com-MX-10-mx.example.net",
            name: "quill-example.com",
            type: "MX",
            content: "mx.example.net",
            priority: 10,
            proxied: false,
            ttl: 300,
            comment: "Inbound mail",
          },
        ],
      });
    });

    const components = resources.filter((r) => r.type.startsWith("launch-ready:"));
    expect(components.map((r) => [r.type, r.name, r.parent])).toEqual([
      ["launch-ready:cloudflare:ZoneTls", "tls", stackUrn],
      ["launch-ready:cloudflare:DnsRecords", "dns", stackUrn],
    ]);

    const settings = ofType(resources, "cloudflare:index/zoneSetting:ZoneSetting");
    expect(Object.fromEntries(settings.map((r) => [r.name, r.inputs.value]))).toEqual({
      "quill-example.com-ssl": "strict",
      "quill-example.com-always_use_https": "on",
      "quill-example.com-automatic_https_rewrites": "off",
      "quill-example.com-min_tls_version": "1.3",
      "quill-example.com-tls_1_3": "on",
      "quill-example.com-security_header": {
        strict_transport_security: { enabled: true, max_age: 63072000, include_subdomains: true, preload: true, nosniff: true },
      },
    });
    expect(settings.every((r) => r.protect && r.inputs.zoneId === ZONE_ID)).toBe(true);

    const records = ofType(resources, "cloudflare:index/dnsRecord:DnsRecord");
    expect(records.map((r) => [r.name, r.protect, r.inputs])).toEqual([
      [
        "quill-example.com-A-76.76.21.21",
        false,
        { zoneId: ZONE_ID, name: "quill-example.com", type: "A", content: "76.76.21.21", proxied: true, ttl: 1, comment: "Vercel" },
      ],
      [
        "quill-example.com-MX-10-mx.example.net",
        false,
        { zoneId: ZONE_ID, name: "quill-example.com", type: "MX", content: "mx.example.net", priority: 10, proxied: false, ttl: 300, comment: "Inbound mail" },
      ],
    ]);
  });

  test("ZoneTls without tls takes the bar's settings, and a wrong setting is refused by its path before anything registers", async () => {
    const resources = await register(() => new ZoneTls("tls", { zoneId: ZONE_ID, zoneName: "quill-example.com", tls: { hsts: { preload: true } } }));
    const values = Object.fromEntries(ofType(resources, "cloudflare:index/zoneSetting:ZoneSetting").map((r) => [r.name, r.inputs.value]));
    expect(values).toMatchObject({
      "quill-example.com-ssl": "strict",
      "quill-example.com-min_tls_version": "1.2",
      "quill-example.com-always_use_https": "on",
      "quill-example.com-security_header": { strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, preload: true } },
    });

    const refused = runOffline({
      project: PROJECT,
      stack: "prod",
      config: {},
      secretKeys: [],
      program: () => new ZoneTls("tls", { zoneId: ZONE_ID, zoneName: "quill-example.com", tls: { ssl: "flexibel" as never } }),
    });
    await expect(refused).rejects.toThrow(/ZoneTls tls: the TLS settings are not valid:\n {2}tls\.ssl: /);
    await refused.catch((error: { resources: RegisteredResource[] }) => expect(error.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]));
  });
});

describe("a site config written in code", () => {
  test("composes LaunchReadySite, and provided secrets given as Pulumi secrets stay secret wherever they go", async () => {
    const secretValues = { STRIPE_SECRET_KEY: pulumi.secret(STRIPE_KEY), SLACK_WEBHOOK_URL: pulumi.secret(WEBHOOK_URL) };
    let site: LaunchReadySite | undefined;
    const run = await runOffline({
      project: PROJECT,
      stack: "prod",
      config: {},
      secretKeys: [],
      program: () => {
        const config = siteConfig(productConfig(secretValues));
        site = new LaunchReadySite("site", { config });
        const secrets = new AppSecrets("secrets", {
          secrets: secretSpecs(config, pulumi.getProject()),
          store: config.secrets.store,
          environment: config.environment,
          providedValues: secretValues,
          protect: config.protect,
        });
        const { monitoring } = config;
        new AwsUptimeMonitors("uptime", {
          monitors: monitoring.monitors,
          emails: monitoring.emails,
          chatWebhookUrl: secrets.values[monitoring.chatWebhookSecret!],
          intervalSeconds: monitoring.intervalSeconds,
          failureThreshold: monitoring.failureThreshold,
          measureLatency: monitoring.measureLatency,
          environment: config.environment,
        });
        return { stripeKey: secrets.values.STRIPE_SECRET_KEY };
      },
    });
    const { resources } = run;

    expect(site!.canonicalUrl).toBe("https://www.quill-example.com");
    const hostRecords = ofType(resources, "cloudflare:index/dnsRecord:DnsRecord").filter((r) => ["A", "CNAME"].includes(String(r.inputs.type)));
    expect(hostRecords.map((r) => [r.inputs.name, r.inputs.content, r.protect])).toEqual([
      ["quill-example.com", "76.76.21.21", true],
      ["www.quill-example.com", "cname.vercel-dns.com", true],
    ]);

    // Stored under the project's own path, the value itself only ever as a secret.
    const stored = ofType(resources, "aws:secretsmanager/secret:Secret");
    expect(stored.map((r) => r.inputs.name)).toEqual(["/quill/production/STRIPE_SECRET_KEY", "/quill/production/SLACK_WEBHOOK_URL"]);
    const versions = ofType(resources, "aws:secretsmanager/secretVersion:SecretVersion");
    expect(versions.map((r) => r.inputs.secretString)).toEqual(["[secret]", "[secret]"]);
    const chat = ofType(resources, "aws:sns/topicSubscription:TopicSubscription").find((r) => r.inputs.protocol === "https");
    expect(chat?.inputs.endpoint).toBe("[secret]");
    expect(run.outputs.stripeKey).toBe("[secret]");
    const everything = JSON.stringify(run);
    expect(everything).not.toContain(STRIPE_KEY);
    expect(everything).not.toContain(WEBHOOK_URL);
  });

  test("a wrong config is refused whole, each problem at its path in the object as written", () => {
    const input = productConfig({ SLACK_WEBHOOK_URL: pulumi.secret(WEBHOOK_URL) });
    input.hosts[1].target = "www.quill-example.com";
    const refusal = (() => {
      try {
        siteConfig(input);
      } catch (error) {
        return error as pulumi.RunError & { problems: ConfigProblem[] };
      }
    })();
    expect(pulumi.RunError.isInstance(refusal)).toBe(true);
    expect(refusal!.problems.map((p) => p.path)).toEqual(["hosts[1].target", "secretValues.STRIPE_SECRET_KEY"]);
    expect(refusal!.message).toContain("  hosts[1].target: points www.quill-example.com at itself");
    expect(refusal!.message).toContain("  secretValues.STRIPE_SECRET_KEY: is missing");
  });

  test("AppSecrets refuses a provided secret that a written-out providedValues map leaves out", async () => {
    const failure = await register(
      () =>
        new AppSecrets("secrets", {
          secrets: [{ name: "STRIPE_SECRET_KEY", path: "/quill/production/STRIPE_SECRET_KEY", source: "provided", description: "Stripe live-mode secret key" }],
          store: { kind: "ssm" },
          environment: "production",
          providedValues: { STRIPE_KEY: pulumi.secret(STRIPE_KEY) },
        }),
    ).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toBe("STRIPE_SECRET_KEY is provided, but the providedValues given to AppSecrets have no value for it");
  });
});
