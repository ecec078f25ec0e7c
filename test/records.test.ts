/** launch-ready:records (verification TXT, CAA, SRV, delegations) and launch-ready:handover with OPS-HANDOVER. */
import { describe, expect, test } from "vitest";
import { DnsRecords, duplicateLogicalNames } from "../components/dns-records";
import { extraRecordSpecs } from "../components/site-records";
import { caaRecordSpecs } from "../components/zone-caa";
import { OfflineRunFailure, runOffline } from "../scripts/plan/offline-run";
import type { BarContext } from "../policies/bar";
import { dnsSubdomains } from "../policies/rules/dns-subdomains";
import { opsHandover } from "../policies/rules/ops-handover";
import { planStack } from "../scripts/plan/plan-stack";
import { neededAccess } from "../stacks/access";
import { parseStackConfig, type ConfigProblem, type LaunchReadyConfig } from "../stacks/stack-config";
import { exampleConfig, exampleStack } from "./helpers";

function parsed(config: Record<string, unknown>): LaunchReadyConfig {
  const result = parseStackConfig(config);
  if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
  return result.config;
}

function problemsOf(config: Record<string, unknown>): ConfigProblem[] {
  const result = parseStackConfig(config);
  if (result.ok) throw new Error("expected the config to be refused");
  return result.problems;
}

/** The prod example with these records, and without launch-ready:tls.caa, which would make the apex's CAA set the kit's own. */
function withRecords(...records: Array<Record<string, unknown>>): Record<string, any> {
  const config = exampleConfig("prod");
  config["launch-ready:records"] = records;
  delete config["launch-ready:tls"].caa;
  return config;
}

const SRV = { name: "_sip._tls", type: "SRV", priority: 100, weight: 1, port: 443, target: "SIPDIR.online.lync.com." };

describe("launch-ready:records", () => {
  test("CAA and SRV records are planned with Cloudflare's structured data; the rest with content", async () => {
    const file = {
      ...exampleStack("prod"),
      config: withRecords(
        { name: "@", type: "CAA", tag: "issue", value: "letsencrypt.org" },
        SRV,
        { name: "_acme-challenge.example.com", type: "CNAME", content: "example.com.acme.example.net" },
        { name: "eu", type: "NS", content: "ns1.dns-host.example.net", ttl: 3600 },
        { name: "bounce", type: "MX", content: "feedback-smtp.eu-west-1.amazonses.com", priority: 10 },
      ),
    };
    const report = await planStack(file);
    const byName = new Map(report.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord").map((r) => [r.name, r.inputs]));
    expect(byName.get("example.com-CAA-0-issue-letsencrypt.org")).toMatchObject({
      name: "example.com",
      type: "CAA",
      data: { flags: 0, tag: "issue", value: "letsencrypt.org" },
      proxied: false,
      ttl: 300,
    });
    expect(byName.get("example.com-CAA-0-issue-letsencrypt.org")).not.toHaveProperty("content");
    expect(byName.get("_sip._tls.example.com-SRV-100-1-sipdir.online.lync.com-443")).toMatchObject({
      type: "SRV",
      data: { priority: 100, weight: 1, port: 443, target: "sipdir.online.lync.com" },
    });
    expect(byName.get("_acme-challenge.example.com-CNAME")).toMatchObject({ type: "CNAME", content: "example.com.acme.example.net", proxied: false });
    expect(byName.get("eu.example.com-NS-ns1.dns-host.example.net")).toMatchObject({ type: "NS", ttl: 3600 });
    expect(byName.get("bounce.example.com-MX-10-feedback-smtp.eu-west-1.amazonses.com")).toMatchObject({ type: "MX", priority: 10 });
    // Declared on purpose, so DNS-SUBDOMAINS and DNS-SANE still pass; TLS-CAA judges the apex's lone issue record (below).
    expect(report.bar.filter((r) => r.status === "fail" && r.id !== "TLS-CAA")).toEqual([]);
  });

  test("logical names depend on the record, not its place in the list", () => {
    const records = [{ name: "@", type: "TXT", content: "a=1" }, { name: "@", type: "TXT", content: "b=2" }, SRV];
    const names = (list: typeof records) => extraRecordSpecs(parsed(withRecords(...list))).map((r) => r.logicalName);
    expect(names(records)).toEqual(names([...records].reverse()));
    expect(new Set(names(records)).size).toBe(3);
  });

  test("records differing in any field of their value get distinct names, so none clash in pulumi up", () => {
    const records = extraRecordSpecs(
      parsed(
        withRecords(
          { name: "@", type: "CAA", tag: "issue", value: "letsencrypt.org" },
          { name: "@", type: "CAA", flags: 128, tag: "issue", value: "letsencrypt.org" },
          SRV,
          { ...SRV, priority: 200 },
          { ...SRV, weight: 5 },
          { name: "bounce", type: "MX", content: "mx.example.net", priority: 10 },
          { name: "bounce", type: "MX", content: "mx.example.net", priority: 20 },
        ),
      ),
    );
    expect(records).toHaveLength(7);
    expect(duplicateLogicalNames(records)).toEqual([]);
  });

  test("DnsRecords refuses two records under one name before registering any", async () => {
    const [first] = extraRecordSpecs(parsed(withRecords({ name: "@", type: "TXT", content: "a=1" })));
    const twin = { ...first, content: "b=2" };
    expect(duplicateLogicalNames([first, twin])).toEqual([`${first.logicalName}: TXT example.com a=1 and TXT example.com b=2`]);
    const failure = await runOffline({
      project: "launch-ready",
      stack: "test",
      config: {},
      secretKeys: [],
      program: () => new DnsRecords("dns", { zoneId: "023e105f4ecef8ad9ca31a8372d0c353", records: [first, twin] }),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OfflineRunFailure);
    expect(((failure as OfflineRunFailure).cause as Error).message).toContain("records share a name");
    expect((failure as OfflineRunFailure).resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  test("records another key owns are refused, naming that key", () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ name: "@", type: "TXT", content: "v=spf1 include:_spf.google.com ~all" }, "content", /launch-ready:email\.senders/],
      [{ name: "_dmarc", type: "TXT", content: "v=DMARC1; p=none" }, "content", /launch-ready:email\.dmarc/],
      [{ name: "@", type: "MX", content: "mx.example.net", priority: 10 }, "name", /launch-ready:email\.inbound/],
      [{ name: "@", type: "NS", content: "ns1.example.net" }, "name", /only a subdomain/],
      [{ name: "www", type: "CNAME", content: "elsewhere.example.net" }, "name", /launch-ready:hosts\[\d+\]/],
      [{ name: "shop", type: "CNAME", content: "shops.myshopify.com" }, "name", /declare it in launch-ready:hosts/],
      [{ name: "*", type: "TXT", content: "x" }, "name", /wildcard.*waive DNS-SUBDOMAINS/],
      [{ name: "status.other.org", type: "TXT", content: "x" }, "name", /outside the zone example\.com/],
      [{ name: "@", type: "TXT", content: "x", ttl: 30 }, "ttl", /60 to 86400/],
      [{ ...SRV, target: "bad target" }, "target", /"bad target"/],
    ];
    for (const [record, key, message] of cases) {
      const problems = problemsOf(withRecords(record));
      expect(problems, JSON.stringify(record)).toHaveLength(1);
      expect(problems[0].path).toBe(`launch-ready:records[0].${key}`);
      expect(problems[0].message).toMatch(message);
      expect(problems[0].example).not.toBe(problemsOf({}).find((p) => p.path === "launch-ready:environment")?.example);
    }
  });

  test("names are relative to the zone as in a zone file, dots and all; one ending like another domain is refused", () => {
    const parsed = parseStackConfig(withRecords({ name: "send.mail", type: "TXT", content: "verification=abc" }));
    expect(parsed.ok && parsed.config.records.map((r) => r.name)).toEqual(["send.mail.example.com"]);
    const problems = problemsOf(withRecords({ name: "status.other.org", type: "TXT", content: "x" }));
    expect(problems[0].message).toContain("(status.other.org.example.com if you mean that name)");
    const absolute = parseStackConfig(withRecords({ name: "send.mail.example.com.", type: "TXT", content: "x" }));
    expect(absolute.ok && absolute.config.records.map((r) => r.name)).toEqual(["send.mail.example.com"]);
  });

  test("the same record twice is refused at the second, pointing at the first", () => {
    const problems = problemsOf(
      withRecords(
        { name: "@", type: "CAA", tag: "issue", value: "letsencrypt.org" },
        { name: "example.com.", type: "CAA", tag: "issue", value: "letsencrypt.org" },
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({ path: "launch-ready:records[1]", message: expect.stringContaining("launch-ready:records[0] already does") }),
    ]);
  });

  test("a wildcard record needs a DNS-SUBDOMAINS waiver, and even waived the rule still reports it", () => {
    const config = withRecords({ name: "*.preview", type: "TXT", content: "owner=frontend" });
    config["launch-ready:waivers"] = [
      { id: "DNS-SUBDOMAINS", reason: "Preview deployments until the March release", owner: "cto@example.com", expires: "2099-03-31" },
    ];
    const declared = parsed(config);
    const resources = extraRecordSpecs(declared).map((record) => ({
      urn: `urn:${record.logicalName}`,
      type: "cloudflare:index/dnsRecord:DnsRecord",
      name: record.logicalName,
      props: { name: record.name, type: record.type, content: record.content },
      protect: true,
    }));
    const verdicts = dnsSubdomains.checkStack!(resources, { config: declared });
    expect(verdicts).toEqual([expect.objectContaining({ status: "fail", configPath: "launch-ready:records[0].name" })]);
  });
});

describe("OPS-HANDOVER", () => {
  const judge = (config: Record<string, any>, today = "2027-01-10") => opsHandover.checkStack!([], { config: parsed(config), today } satisfies BarContext);
  const failures = (config: Record<string, any>, today?: string) => judge(config, today).filter((v) => v.status === "fail");

  test("the prod example passes: contacts, registrar renewing in time, an owner for every account", () => {
    expect(judge(exampleConfig("prod"))).toEqual([{ status: "pass" }]);
  });

  test("no contacts and no registrar each fail at their key", () => {
    const config = exampleConfig("prod");
    config["launch-ready:handover"] = { access: config["launch-ready:handover"].access };
    expect(failures(config).map((v) => v.status === "fail" && v.configPath)).toEqual(["launch-ready:handover.contacts", "launch-ready:handover.registrar"]);
  });

  test("a renewal date passed fails; one close without auto-renew fails; auto-renew on is fine", () => {
    const config = exampleConfig("prod");
    const registrar = config["launch-ready:handover"].registrar;
    expect(failures(config, "2030-09-15")).toEqual([expect.objectContaining({ message: expect.stringContaining("was due for renewal on 2030-09-14") })]);
    expect(failures(config, "2030-09-01")).toEqual([]);
    registrar.autoRenew = false;
    expect(failures(config, "2030-09-01")).toEqual([
      expect.objectContaining({ message: expect.stringContaining("must be renewed by 2030-09-14 (13 days) and auto-renew is off") }),
    ]);
    expect(failures(config, "2030-06-01")).toEqual([]);
  });

  test("every account the stack depends on needs a named owner", () => {
    const config = exampleConfig("prod");
    const systems = neededAccess(parsed(config)).map((need) => need.system);
    expect(systems).toEqual(["cloudflare", "pulumi", "aws", "email"]);
    config["launch-ready:handover"].access = config["launch-ready:handover"].access.filter((entry: { system: string }) => entry.system !== "aws");
    const [failure] = failures(config);
    expect(failure).toMatchObject({ configPath: "launch-ready:handover.access" });
    expect(failure.status === "fail" && failure.message).toMatch(/owner of the aws account \(Secrets Manager secrets, Route 53 health checks and alarms\)/);
  });

  test("a stack without monitors or an env manifest has nothing to hand over for them", () => {
    const config = exampleConfig("prod");
    config["launch-ready:env"] = [];
    config["launch-ready:monitoring"] = { ...config["launch-ready:monitoring"], enabled: false };
    const paths = failures(config).map((v) => v.status === "fail" && v.configPath);
    expect(paths).toContain("launch-ready:env");
    expect(paths).toContain("launch-ready:monitoring");
  });
});

describe("launch-ready:tls.caa (TLS-CAA)", () => {
  const withCaa = (caa: unknown, ...records: Array<Record<string, unknown>>) => {
    const config = withRecords(...records);
    config["launch-ready:tls"].caa = caa;
    return config;
  };
  const CAA = { authorities: ["letsencrypt.org"], iodef: "mailto:security@example.com" };

  test("writes Cloudflare's edge CAs for issue and issuewild, each declared CA for issue and the iodef, at the apex; the iodef keeps the name it had under records", () => {
    const specs = caaRecordSpecs(parsed(withCaa({ authorities: ["letsencrypt.org", "digicert.com"], iodef: CAA.iodef })));
    expect(specs.map((r) => `${r.name} ${r.content}`)).toEqual([
      ...["letsencrypt.org", "pki.goog", "ssl.com", "sectigo.com", "digicert.com"].map((ca) => `example.com 0 issue "${ca}"`),
      ...["letsencrypt.org", "pki.goog", "ssl.com", "sectigo.com"].map((ca) => `example.com 0 issuewild "${ca}"`),
      'example.com 0 iodef "mailto:security@example.com"',
    ]);
    const [moved] = extraRecordSpecs(parsed(withRecords({ name: "@", type: "CAA", tag: "iodef", value: CAA.iodef })));
    expect(specs.at(-1)?.logicalName).toBe(moved.logicalName);
    expect(specs.every((r) => r.data && !r.proxied)).toBe(true);
  });

  test("an apex issue, issuewild or iodef under records contradicts it and is refused with where to write it; a subdomain's set and issuemail stay the stack's own", () => {
    const problems = problemsOf(
      withCaa(CAA, { name: "@", type: "CAA", tag: "issue", value: "digicert.com" }, { name: "@", type: "CAA", tag: "iodef", value: "mailto:ca@example.com" }),
    );
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ["launch-ready:records[0].tag", expect.stringContaining("declare it in launch-ready:tls.caa.authorities instead")],
      ["launch-ready:records[1].tag", expect.stringContaining("declare it in launch-ready:tls.caa.iodef instead")],
    ]);
    const kept = parsed(
      withCaa(CAA, { name: "@", type: "CAA", tag: "issuemail", value: "sectigo.com" }, { name: "api", type: "CAA", tag: "issue", value: "letsencrypt.org" }),
    );
    expect(kept.records.map((r) => `${r.name} ${r.content}`)).toEqual(['example.com 0 issuemail "sectigo.com"', 'api.example.com 0 issue "letsencrypt.org"']);
  });

  test("an iodef that is not a mailto: or https: URL, a CA the kit does not know, and a CA listed twice are refused at their path", () => {
    const problems = problemsOf(withCaa({ authorities: ["letsencrypt.com"], iodef: "security@example.com" }));
    expect(problems.map((p) => p.path)).toEqual(["launch-ready:tls.caa.authorities[0]", "launch-ready:tls.caa.iodef"]);
    expect(problems[1].message).toContain("is not a URL; write mailto:security@<your domain>");
    expect(problemsOf(withCaa({ ...CAA, authorities: ["pki.goog", "pki.goog"] }))[0]).toMatchObject({
      path: "launch-ready:tls.caa.authorities",
      message: expect.stringContaining("names a CA twice"),
    });
    expect(problemsOf(withCaa({ iodef: "ftp://example.com/caa" }))[0].message).toContain("RFC 8659 4.4 takes mailto:, http: or https:");
  });

  test("a stack in another stack's zone is refused its own: the apex's set is the zone's", () => {
    const staging = exampleConfig("staging");
    staging["launch-ready:tls"] = { caa: CAA };
    expect(problemsOf(staging)[0]).toMatchObject({
      path: "launch-ready:tls",
      message: expect.stringContaining("the apex's governs every name below it (RFC 8659 3)"),
    });
  });
});
