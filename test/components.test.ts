import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { CanonicalRedirect } from "../components/canonical-redirect";
import { DnsRecords } from "../components/dns-records";
import { PHASES } from "../domain/cloudflare/identifiers";
import { edgeRulesetSpecs } from "../components/edge-rulesets";
import { EdgeCache, EdgeFirewall, SecurityHeaders } from "../components/edge-protection";
import { allOf, hostIn, pathIs, quote } from "../domain/cloudflare/rule-expressions";
import { LaunchReadySite } from "../components/site";
import { dnsRecordSpecs, redirectRuleSpecs } from "../components/site-records";
import { ZoneTls } from "../components/zone-tls";
import { ZoneDnssec } from "../components/zone-dnssec";
import { runOffline, type RegisteredResource } from "../scripts/plan/offline-run";
import { parsedExample } from "./helpers";

const ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";

async function register(program: () => unknown): Promise<RegisteredResource[]> {
  const run = await runOffline({ project: "launch-ready", stack: "test", config: {}, secretKeys: [], program });
  return run.resources;
}

const ofType = (resources: RegisteredResource[], type: string) => resources.filter((r) => r.type === type);

describe("DnsRecords", () => {
  test("one record per declared target, fully qualified, named after what it is", async () => {
    const config = parsedExample("prod");
    const resources = await register(() => new DnsRecords("dns", { zoneId: ZONE_ID, records: dnsRecordSpecs(config), protect: true }));
    const records = ofType(resources, "cloudflare:index/dnsRecord:DnsRecord");
    expect(records.map((r) => r.name).sort()).toEqual([
      "admin.example.com-CNAME",
      "api.example.com-CNAME",
      "app.example.com-CNAME",
      "docs.example.com-CNAME",
      "example.com-A-216.198.79.1",
      "status.example.com-CNAME",
      "www.example.com-CNAME",
    ]);
    const www = records.find((r) => r.name === "www.example.com-CNAME")!;
    expect(www.inputs).toEqual({
      zoneId: ZONE_ID,
      name: "www.example.com",
      type: "CNAME",
      content: "d1d4fc829fe7bc7c.vercel-dns-017.com",
      proxied: true,
      ttl: 1,
      comment: "Managed by launch-ready (production)",
    });
    expect(records.every((r) => r.protect)).toBe(true);
    const component = resources.find((r) => r.type === "launch-ready:cloudflare:DnsRecords")!;
    expect(records.every((r) => r.parent === component.urn)).toBe(true);
  });

  test("IPv6 addresses make URN-safe names", async () => {
    const records = dnsRecordSpecs({
      ...parsedExample("prod"),
      hosts: [{ ...parsedExample("prod").hosts[0], records: [{ type: "AAAA", content: "2001:db8::10" }] }],
    });
    expect(records[0].logicalName).toBe("example.com-AAAA-2001_db8__10");
  });

  test("a transform edits what is created, as fields or as a function", async () => {
    const config = parsedExample("prod");
    const resources = await register(() => {
      new DnsRecords("fields", { zoneId: ZONE_ID, records: dnsRecordSpecs(config).slice(0, 1), transform: { record: { tags: ["team:web"] } } });
      new DnsRecords("function", {
        zoneId: ZONE_ID,
        records: dnsRecordSpecs(config).slice(1, 2),
        transform: {
          record: (args, opts, name) => {
            args.comment = `${name} owned by the app team`;
            opts.protect = true;
          },
        },
      });
    });
    const byName = Object.fromEntries(ofType(resources, "cloudflare:index/dnsRecord:DnsRecord").map((r) => [r.name, r]));
    const first = byName["admin.example.com-CNAME"];
    const second = byName["api.example.com-CNAME"];
    expect(first.inputs.tags).toEqual(["team:web"]);
    expect(second.inputs.comment).toBe("api.example.com-CNAME owned by the app team");
    expect(second.protect).toBe(true);
  });

  test("secret inputs reach the plan as [secret], never in plain text", async () => {
    const resources = await register(
      () =>
        new DnsRecords("secret", {
          zoneId: ZONE_ID,
          records: dnsRecordSpecs(parsedExample("prod")).slice(0, 1),
          transform: { record: { comment: pulumi.secret("hunter2-do-not-print") } },
        }),
    );
    const record = ofType(resources, "cloudflare:index/dnsRecord:DnsRecord")[0];
    expect(record.inputs.comment).toBe("[secret]");
    expect(JSON.stringify(resources)).not.toContain("hunter2");
  });
});

describe("CanonicalRedirect", () => {
  test("one ruleset in the dynamic redirect phase: extra redirects first, then the canonical host in one hop", async () => {
    const config = parsedExample("prod");
    const resources = await register(() => new CanonicalRedirect("redirects", { zoneId: ZONE_ID, zoneName: "example.com", rules: redirectRuleSpecs(config) }));
    const rulesets = ofType(resources, "cloudflare:index/ruleset:Ruleset");
    expect(rulesets).toHaveLength(1);
    const { inputs } = rulesets[0];
    expect(inputs).toMatchObject({ zoneId: ZONE_ID, kind: "zone", phase: PHASES.redirect });
    const rules = inputs.rules as any[];
    expect(rules.map((r) => r.ref)).toEqual(["redirect-www-example-com-pricing-2025", "canonical-host"]);
    expect(rules[1]).toMatchObject({
      action: "redirect",
      expression: '(http.host eq "example.com") and (ssl)',
      actionParameters: {
        fromValue: { statusCode: 301, preserveQueryString: true, targetUrl: { expression: 'concat("https://www.example.com", http.request.uri.path)' } },
      },
    });
    expect(rules[0].actionParameters.fromValue).toEqual({
      statusCode: 301,
      preserveQueryString: true,
      targetUrl: { value: "https://www.example.com/pricing" },
    });
  });

  test("a second redirect ruleset for the same zone is refused; another zone, or the next run, is fine", async () => {
    const rules = redirectRuleSpecs(parsedExample("prod"));
    const second = await register(() => {
      new CanonicalRedirect("first", { zoneId: ZONE_ID, zoneName: "example.com", rules });
      new CanonicalRedirect("second", { zoneId: ZONE_ID, zoneName: "example.com", rules });
    }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(second?.message).toContain(
      'CanonicalRedirect "second" would create a second http_request_dynamic_redirect ruleset for example.com, which CanonicalRedirect "first" already owns',
    );
    const resources = await register(() => {
      new CanonicalRedirect("com", { zoneId: ZONE_ID, zoneName: "example.com", rules });
      new CanonicalRedirect("org", { zoneId: ZONE_ID, zoneName: "example.org", rules });
    });
    expect(ofType(resources, "cloudflare:index/ruleset:Ruleset")).toHaveLength(2);
  });

  test("an apex-canonical stack redirects www to the apex with 308 when asked", () => {
    const config = parsedExample("dev");
    const rules = redirectRuleSpecs({ ...config, canonical: { ...config.canonical, status: 308 } });
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      expression: '(http.host eq "www.example.net") and (ssl)',
      statusCode: 308,
      target: { expression: 'concat("https://example.net", http.request.uri.path)' },
    });
  });

  test("without Always Use HTTPS the redirect answers plain http too", () => {
    const config = parsedExample("prod");
    const rules = redirectRuleSpecs({ ...config, tls: { ...config.tls, alwaysUseHttps: false } });
    expect(rules.at(-1)!.expression).toBe('http.host eq "example.com"');
  });
});

describe("rule expressions", () => {
  test("quotes, backslashes and injected operators stay inside the string literal", () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    const expression = allOf(hostIn(["example.com"]), pathIs('/x" or true or "'));
    expect(expression).toBe('(http.host eq "example.com") and (http.request.uri.path eq "/x\\" or true or \\"")');
    // Outside string literals, only the one "and" the builder wrote remains.
    const outsideStrings = expression.replace(/"(?:\\.|[^"\\])*"/g, '""');
    expect(outsideStrings).toBe('(http.host eq "") and (http.request.uri.path eq "")');
  });

  test("several hosts use one set", () => {
    expect(hostIn(["a.example.com", "b.example.com"])).toBe('http.host in {"a.example.com" "b.example.com"}');
  });
});

describe("edge components", () => {
  test("each creates its phases' entrypoint rulesets, protected, and takes a transform", async () => {
    const config = parsedExample("prod");
    const rulesets = edgeRulesetSpecs(config);
    const resources = await register(() => {
      new EdgeCache("cache", { zoneId: ZONE_ID, zoneName: "example.com", rulesets: rulesets.filter((r) => r.phase === PHASES.cache), protect: true });
      new EdgeFirewall("firewall", {
        zoneId: ZONE_ID,
        zoneName: "example.com",
        rulesets: rulesets.filter((r) => r.phase === PHASES.rateLimit),
        transform: { ruleset: (args) => void (args.description = "tuned by the team") },
      });
    });
    const byPhase = Object.fromEntries(ofType(resources, "cloudflare:index/ruleset:Ruleset").map((r) => [r.inputs.phase, r]));
    expect(byPhase[PHASES.cache]).toMatchObject({ name: "example.com-http_request_cache_settings", protect: true, inputs: { kind: "zone", zoneId: ZONE_ID } });
    expect(byPhase[PHASES.rateLimit].inputs.description).toBe("tuned by the team");
    expect((byPhase[PHASES.rateLimit].inputs.rules as any[])[0].ratelimit).toEqual({
      characteristics: ["cf.colo.id", "ip.src"],
      period: 60,
      requestsPerPeriod: 10,
      mitigationTimeout: 600,
    });
  });

  test("two components claiming one phase of one zone fail by name", async () => {
    const cache = edgeRulesetSpecs(parsedExample("prod")).filter((r) => r.phase === PHASES.cache);
    const failure = await register(() => {
      new EdgeCache("cache", { zoneId: ZONE_ID, zoneName: "example.com", rulesets: cache });
      new SecurityHeaders("headers", { zoneId: ZONE_ID, zoneName: "example.com", rulesets: cache });
    }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toContain(
      'SecurityHeaders "headers" would create a second http_request_cache_settings ruleset for example.com, which EdgeCache "cache" already owns',
    );
  });
});

describe("ZoneTls", () => {
  test("one zone setting per TLS concern, with the API's setting IDs and value shapes", async () => {
    const config = parsedExample("prod");
    const resources = await register(() => new ZoneTls("tls", { zoneId: ZONE_ID, zoneName: "example.com", tls: config.tls, protect: true }));
    const settings: Record<string, RegisteredResource> = Object.fromEntries(
      ofType(resources, "cloudflare:index/zoneSetting:ZoneSetting").map((r) => [String(r.inputs.settingId), r]),
    );
    expect(Object.fromEntries(Object.entries(settings).map(([id, r]) => [id, r.inputs.value]))).toEqual({
      ssl: "strict",
      always_use_https: "on",
      automatic_https_rewrites: "on",
      min_tls_version: "1.2",
      tls_1_3: "on",
      security_header: { strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, preload: false, nosniff: true } },
    });
    expect(settings.ssl.name).toBe("example.com-ssl");
    expect(Object.values(settings).every((r) => r.protect && r.inputs.zoneId === ZONE_ID)).toBe(true);
  });
});

describe("ZoneDnssec", () => {
  test("one DNSSEC resource for the zone, named after it, active and protected when asked; the transform reaches it", async () => {
    const resources = await register(
      () => new ZoneDnssec("dnssec", { zoneId: ZONE_ID, zoneName: "example.com", protect: true, transform: { dnssec: { dnssecUseNsec3: true } } }),
    );
    expect(ofType(resources, "cloudflare:index/zoneDnssec:ZoneDnssec").map((r) => [r.name, r.inputs, r.protect])).toEqual([
      ["example.com-dnssec", { zoneId: ZONE_ID, status: "active", dnssecUseNsec3: true }, true],
    ]);
  });
});

describe("LaunchReadySite", () => {
  test("composes its components and exposes the canonical URL and host map", async () => {
    const config = parsedExample("prod");
    let site: LaunchReadySite | undefined;
    const resources = await register(() => {
      site = new LaunchReadySite("site", { config });
    });
    const siteUrn = resources.find((r) => r.type === "launch-ready:index:Site")!.urn;
    expect(resources.filter((r) => r.parent === siteUrn).map((r) => r.type)).toEqual([
      "launch-ready:cloudflare:DnsRecords",
      "launch-ready:cloudflare:CanonicalRedirect",
      "launch-ready:cloudflare:ZoneTls",
      "launch-ready:cloudflare:ZoneDnssec",
      "launch-ready:cloudflare:EdgeCache",
      "launch-ready:cloudflare:EdgeFirewall",
      "launch-ready:cloudflare:SecurityHeaders",
      "launch-ready:cloudflare:BotProtection",
      "launch-ready:cloudflare:EdgeDocuments",
    ]);
    expect(site!.canonicalUrl).toBe("https://www.example.com");
    expect(Object.keys(site!.hosts)).toHaveLength(7);
    expect(site!.hosts["api.example.com"]).toEqual({ purpose: "api", proxied: true, records: [{ type: "CNAME", content: "example-api.fly.dev" }] });
  });
});
