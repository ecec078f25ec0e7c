import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { plan as planVerb } from "../scripts/commands/plan";
import type { PlanReport } from "../scripts/plan/plan-report";
import { stackFilePath } from "../stacks/project";
import { EXAMPLE_STACKS, exampleConfig, FIXTURE_PROJECT, runEntryFile, runInProcess, scratchDir } from "./helpers";

/** The plan verb in this process, as `npm run plan -- ...` runs it through its entry file. */
function plan(...args: string[]) {
  return runInProcess(planVerb, args, { failedAs: "The program failed while planning" });
}

function writeStackFile(name: string, config: Record<string, unknown>): string {
  const path = join(scratchDir("launch-ready-plan-"), `Pulumi.${name}.yaml`);
  writeFileSync(path, stringify({ config }));
  return path;
}

describe.each(EXAMPLE_STACKS)("plan --stack %s --json", (stack) => {
  test("prints only the JSON report and exits 0", async () => {
    const { code, stdout, stderr } = await plan("--stack", stack, "--json");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as PlanReport;
    expect(report.stack).toBe(stack);
    // Dev's Checkly cannot alarm on a p95 or an error rate: MON-LATENCY fails there, advisory in development.
    expect(report.bar.filter((r) => r.status === "fail").map((r) => [r.id, r.level])).toEqual(stack === "dev" ? [["MON-LATENCY", "advisory"]] : []);
    expect(report.summary.barFailures).toBe(0);
    // Dev runs as a founder without AWS does: its secret in Vercel, its checks in Checkly; staging and prod use AWS.
    const secretStore =
      stack === "dev"
        ? { "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable": 1 }
        : { "aws:secretsmanager/secret:Secret": 2, "aws:secretsmanager/secretVersion:SecretVersion": 2 };
    // Staging lives in prod's zone: only its three hosts and parked mail, no rulesets, zone
    // settings or DNSSEC of its own, and no status page to watch.
    const inProdsZone = stack === "staging";
    const zoneWide = inProdsZone
      ? {}
      : {
          "cloudflare:index/ruleset:Ruleset": 6,
          "cloudflare:index/zoneSetting:ZoneSetting": 6,
          "cloudflare:index/zoneDnssec:ZoneDnssec": 1,
          "cloudflare:index/botManagement:BotManagement": 1,
        };
    // Prod orders staging's advanced certificate: api.staging.example.com is past Universal SSL.
    const certificates = stack === "prod" ? { "cloudflare:index/certificatePack:CertificatePack": 1 } : {};
    // Homepage, login, API health, webhook and status page: a check and an alarm each, one topic, one email (AWS), or a check each and one email channel (Checkly).
    // On AWS, each of the 4 core endpoints also gets a latency probe and two alarms, and the stack a dashboard (MON-LATENCY).
    const monitors =
      stack === "dev"
        ? { "checkly:index/check:Check": 5, "checkly:index/alertChannel:AlertChannel": 1 }
        : {
            "aws:route53/healthCheck:HealthCheck": (inProdsZone ? 4 : 5) + 4,
            "aws:cloudwatch/metricAlarm:MetricAlarm": (inProdsZone ? 4 : 5) + 8,
            "aws:cloudwatch/dashboard:Dashboard": 1,
            "aws:sns/topic:Topic": 1,
            "aws:sns/topicSubscription:TopicSubscription": 1,
          };
    expect(report.summary.byType).toEqual({
      // prod also declares a site-verification TXT under launch-ready:records, and Resend's key, bounce
      // MX and SPF; dev Resend's three and Email Routing's three MX and SPF; both their zone's nine CAA
      // records (TLS-CAA: four CAs for issue and issuewild, and the iodef), and, receiving mail,
      // MTA-STS's _mta-sts and _smtp._tls.
      "cloudflare:index/dnsRecord:DnsRecord": { prod: 26, staging: 6, dev: 26 }[stack],
      // Every stack serves security.txt on its canonical host through a route to its Worker.
      "cloudflare:index/workersScript:WorkersScript": 1,
      "cloudflare:index/workersRoute:WorkersRoute": 1,
      ...(inProdsZone ? {} : { "cloudflare:index/workersCustomDomain:WorkersCustomDomain": 1 }),
      ...zoneWide,
      ...certificates,
      "random:index/randomPassword:RandomPassword": 1,
      ...secretStore,
      ...monitors,
    });
    for (const resource of report.resources) {
      expect(Object.keys(resource).sort()).toEqual(expect.arrayContaining(["inputs", "name", "protect", "type", "urn"]));
      expect(resource.urn).toMatch(new RegExp(`^urn:pulumi:${stack}::launch-ready::`));
    }
  });
});

describe("plan, human output", () => {
  test("groups the prod resources by component and summarises them", async () => {
    const { code, stdout } = await plan("--stack", "prod");
    expect(code).toBe(0);
    expect(stdout).toContain("Offline plan of stack prod (production) for example.com");
    for (const group of [
      "site-dns (launch-ready:cloudflare:DnsRecords)",
      "site-redirects (launch-ready:cloudflare:CanonicalRedirect)",
      "site-tls (launch-ready:cloudflare:ZoneTls)",
    ]) {
      expect(stdout).toContain(group);
    }
    expect(stdout).toContain("CNAME www.example.com → d1d4fc829fe7bc7c.vercel-dns-017.com");
    expect(stdout).toContain("http_request_dynamic_redirect, 2 rules");
    expect(stdout).toContain("ssl = strict");
    expect(stdout).toContain("min_tls_version = 1.2");
    expect(stdout).toContain("GET https://www.example.com/ every 30 s, down after 3 failures");
    expect(stdout).toContain("HealthCheckStatus < 1 for 1 x 60 s in us-east-1");
    expect(stdout).toContain(
      "Summary: 74 resources to create (1 aws.cloudwatch.Dashboard, 13 aws.cloudwatch.MetricAlarm, 9 aws.route53.HealthCheck, 2 aws.secretsmanager.Secret, 2 aws.secretsmanager.SecretVersion, 1 aws.sns.Topic, 1 aws.sns.TopicSubscription, 1 cloudflare.BotManagement, 1 cloudflare.CertificatePack, 26 cloudflare.DnsRecord, 6 cloudflare.Ruleset, 1 cloudflare.WorkersCustomDomain, 1 cloudflare.WorkersRoute, 1 cloudflare.WorkersScript, 1 cloudflare.ZoneDnssec, 6 cloudflare.ZoneSetting, 1 random.RandomPassword) in 13 components; 46 protected from deletion.",
    );
  });

  test("a stack file anywhere can be planned with --config", async () => {
    const path = writeStackFile("founder-test", exampleConfig("dev"));
    const { code, stdout } = await plan("--config", path, "--json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ stack: "founder-test", environment: "development" });
  });

  test("secure values never reach the output", async () => {
    const config = exampleConfig("prod");
    config["cloudflare:apiToken"] = { secure: "v1:AAAAbm90LWEtcmVhbC1jaXBoZXJ0ZXh0" };
    const path = writeStackFile("prod", config);
    for (const format of [[], ["--json"]]) {
      const { code, stdout, stderr } = await plan("--config", path, ...format);
      expect(code).toBe(0);
      expect(stdout + stderr).not.toContain("AAAAbm90");
    }
  });
});

describe("a secret written in plain text in the stack file", () => {
  // Made at run time from pieces, so the repository's own secret scan has nothing to find.
  const key = ["sk", "live", randomBytes(16).toString("hex")].join("_");
  const preview = `sk_live_******** (${key.length} chars)`;
  const random = key.slice("sk_live_".length);
  /**
   * Plain keys whose values reach every format: a host comment and a TXT record's content, which
   * the program hands to DNS records (the text and JSON show inputs), and a waiver's reason, which
   * the waived finding quotes (every format shows the bar).
   */
  function leaky(): string {
    const config = exampleConfig("prod");
    config["launch-ready:hosts"][2].comment = `key ${key}`;
    config["launch-ready:records"][0].content = key;
    config["launch-ready:tls"].ssl = "flexible";
    config["launch-ready:waivers"] = [
      { id: "TLS-STRICT", reason: `origin certificate pending, ticket says ${key}`, owner: "cto@example.com", expires: "2999-01-01" },
    ];
    return writeStackFile("leaky", config);
  }

  test.each([["text"], ["--json"], ["--markdown"], ["--sarif"]])("is redacted in %s output, and fails SEC-NO-PLAINTEXT", async (format) => {
    const { code, stdout, stderr } = await plan("--config", leaky(), ...(format === "text" ? [] : [format]));
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(stdout).toContain(preview);
    expect(stdout).toContain("SEC-NO-PLAINTEXT");
    // No part of the random part either, however a column wrapped it.
    for (let at = 0; at + 12 <= random.length; at += 6) expect(stdout).not.toContain(random.slice(at, at + 12));
  });

  test("the JSON report holds the preview where the value was, as a whole value and inside a text", async () => {
    const report = JSON.parse((await plan("--config", leaky(), "--json")).stdout) as PlanReport;
    const inputs = report.resources.map((resource) => resource.inputs);
    expect(inputs).toContainEqual(expect.objectContaining({ type: "TXT", content: preview }));
    expect(inputs).toContainEqual(expect.objectContaining({ comment: expect.stringContaining(`| key ${preview}`) }));
    expect(report.bar.filter((r) => r.id === "SEC-NO-PLAINTEXT").map((r) => r.configPath)).toEqual(
      expect.arrayContaining(["launch-ready:hosts[2].comment", "launch-ready:records[0].content"]),
    );
  });
});

describe("plan judges the minimum bar", () => {
  function flexible(): string {
    const config = exampleConfig("prod");
    config["launch-ready:tls"].ssl = "flexible";
    return writeStackFile("flexible", config);
  }

  test("ssl: flexible exits 1 naming TLS-STRICT and what to write", async () => {
    const { code, stdout } = await plan("--config", flexible());
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL\s+│ TLS-STRICT\s+│ mandatory/);
    expect(stdout).toContain("write launch-ready:tls.ssl: strict");
    expect(stdout).toContain("fix the 1 mandatory failure above");
    const json = JSON.parse((await plan("--config", flexible(), "--json")).stdout) as PlanReport;
    expect(json.bar.filter((r) => r.status === "fail")).toEqual([
      expect.objectContaining({ id: "TLS-STRICT", level: "mandatory", configPath: "launch-ready:tls.ssl" }),
    ]);
  });

  test("--markdown gives a pull-request summary", async () => {
    const { code, stdout } = await plan("--config", flexible(), "--markdown");
    expect(code).toBe(1);
    expect(stdout).toContain("### launch-ready plan: `flexible` (production, example.com)");
    expect(stdout).toContain("**1 mandatory failure**");
    expect(stdout).toMatch(/\| FAIL \| TLS-STRICT \| mandatory \| example\.com-ssl \|/);
  });

  test("--sarif points each finding at the stack-file line to change", async () => {
    const path = flexible();
    const { code, stdout } = await plan("--config", path, "--sarif");
    expect(code).toBe(1);
    const sarif = JSON.parse(stdout);
    expect(sarif.version).toBe("2.1.0");
    const [result] = sarif.runs[0].results;
    expect(result).toMatchObject({ ruleId: "TLS-STRICT", level: "error" });
    const line = readFileSync(path, "utf8").split("\n")[result.locations[0].physicalLocation.region.startLine - 1];
    expect(line.trim()).toBe("ssl: flexible");
    expect(sarif.runs[0].tool.driver.rules.map((r: { name: string }) => r.name)).toContain("tls-strict");
  });

  test("a wildcard host is accepted only with a DNS-SUBDOMAINS waiver, and then reported as waived", async () => {
    const config = exampleConfig("prod");
    config["launch-ready:hosts"].push({ name: "*", target: "previews.vercel-dns.com", purpose: "web" });
    const refused = await plan("--config", writeStackFile("wild", config));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("is a wildcard");
    config["launch-ready:waivers"] = [
      { id: "DNS-SUBDOMAINS", reason: "Preview deployments need *.example.com until March", owner: "cto@example.com", expires: "2999-03-31" },
    ];
    const { code, stdout } = await plan("--config", writeStackFile("wild", config), "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as PlanReport;
    expect(report.bar.filter((r) => r.id === "DNS-SUBDOMAINS" && r.status === "waived")).toEqual([
      expect.objectContaining({ level: "advisory", message: expect.stringContaining("Preview deployments need *.example.com") }),
    ]);
  });

  test("a Free zone asking for more rate-limit rules than the plan allows exits 2 naming the limit", async () => {
    const config = exampleConfig("dev");
    config["launch-ready:edge"].endpoints[3].requests = 100;
    const { code, stderr } = await plan("--config", writeStackFile("free", config));
    expect(code).toBe(2);
    expect(stderr).toContain("launch-ready:edge.endpoints: needs 2 rate-limit rules");
    expect(stderr).toContain("the free plan allows 1");
  });

  test("a waiver for an unknown bar ID is a config error", async () => {
    const config = exampleConfig("prod");
    config["launch-ready:waivers"] = [{ id: "tls-strict", reason: "lower case on purpose", owner: "cto@example.com", expires: "2999-01-01" }];
    const { code, stderr } = await plan("--config", writeStackFile("waiver", config));
    expect(code).toBe(2);
    expect(stderr).toContain('launch-ready:waivers[0].id: "tls-strict" is not an ID of the minimum bar; write it as TLS-STRICT');
  });
});

describe("plan refuses bad input with exit 2", () => {
  test("a broken stack file names each bad key on stderr and plans nothing", async () => {
    const config = exampleConfig("prod");
    config["launch-ready:environment"] = "prodution";
    config["launch-ready:hosts"][2].target = "not a host";
    config["launch-ready:tls"].minTlsVersion = "1.5";
    const { code, stdout, stderr } = await plan("--config", writeStackFile("broken", config));
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("3 problems in");
    for (const path of ["launch-ready:environment:", "launch-ready:hosts[2].target:", "launch-ready:tls.minTlsVersion:"]) expect(stderr).toContain(path);
    expect(stderr).toContain("for example:");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test("with --json the problems come as JSON on stderr", async () => {
    const config = exampleConfig("prod");
    delete config["launch-ready:canonical"];
    const { code, stdout, stderr } = await plan("--config", writeStackFile("broken", config), "--json");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(JSON.parse(stderr).problems).toEqual([
      {
        path: "launch-ready:canonical",
        message: expect.stringMatching(/^is missing; a stack that owns its zone chooses/),
        example: expect.stringContaining("host: www"),
      },
    ]);
  });

  test("invalid YAML is refused with the parser's position", async () => {
    const path = join(scratchDir("launch-ready-plan-"), "Pulumi.bad.yaml");
    writeFileSync(path, "config:\n  launch-ready:environment: [production\n");
    const { code, stderr } = await plan("--config", path);
    expect(code).toBe(2);
    expect(stderr).toContain("is not valid YAML");
    expect(stderr).toMatch(/line \d+/);
  });

  test("a --config file whose name is no stack name is refused: the name would forge URNs and the handover's markers", async () => {
    const path = join(scratchDir("launch-ready-plan-"), "Pulumi.prod -->.yaml");
    writeFileSync(path, readFileSync(stackFilePath(FIXTURE_PROJECT, "prod"), "utf8"));
    const { code, stdout, stderr } = await plan("--config", path, "--json");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(JSON.parse(stderr).error).toBe(
      `--config ${path} names stack "prod -->", which is not a stack name; name the file Pulumi.<stack>.yaml with letters, digits, "-", "_" or "." (e.g. Pulumi.prod.yaml)`,
    );
  });

  test.each([
    [[], "Give exactly one of --stack or --config"],
    [["--stack", "prod", "--config", "x.yaml"], "Give exactly one of --stack or --config"],
    [["--stak", "prod"], "Unknown option '--stak'"],
    [["--stack", "nope"], "Stacks in stacks/: dev, prod, staging"],
    [["--stack", "../etc/passwd"], "is not a stack name"],
    [["--stack", "prod", "--json", "--sarif"], "Give at most one of --json, --markdown and --sarif"],
  ])("usage %j", async (args, message) => {
    const { code, stdout, stderr } = await plan(...args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });
});

describe("the plan's entry file", () => {
  test("npm run plan runs the verb and exits with its code, output unchanged", async () => {
    const [child, inProcess] = [await runEntryFile("plan", ["--stack", "prod", "--json"]), await plan("--stack", "prod", "--json")];
    expect(child.code).toBe(0);
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual(JSON.parse(inProcess.stdout));
    const usage = await runEntryFile("plan", ["--stak", "prod"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Unknown option '--stak'");
  });
});
