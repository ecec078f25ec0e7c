import { describe, expect, test } from "vitest";
import { classifyTarget, resolveHostInZone, toAsciiHostname } from "../domain/hostnames";
import { parseStackConfig, type ConfigProblem } from "../stacks/stack-config";
import { EXAMPLE_STACKS, exampleConfig, parsedExample } from "./helpers";

function problemsOf(config: Record<string, unknown>): ConfigProblem[] {
  const parsed = parseStackConfig(config);
  if (parsed.ok) throw new Error("expected the config to be refused");
  return parsed.problems;
}

function onlyProblem(config: Record<string, unknown>): ConfigProblem {
  const problems = problemsOf(config);
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0];
}

function withHost(host: Record<string, unknown>, stack = "prod"): Record<string, any> {
  const config = exampleConfig(stack);
  config["launch-ready:hosts"].push(host);
  return config;
}

describe("hostname rules", () => {
  test("IDN names become punycode and are lower-cased", () => {
    expect(toAsciiHostname("Bücher.Example.COM.")).toEqual({ ok: true, value: "xn--bcher-kva.example.com" });
  });

  test("labels over 63 octets and names over 253 characters are refused", () => {
    const longLabel = toAsciiHostname(`${"a".repeat(64)}.example.com`);
    expect(longLabel.ok).toBe(false);
    expect(!longLabel.ok && longLabel.problem).toMatch(/64 characters; a label is at most 63/);
    const longName = toAsciiHostname(`${Array(8).fill("a".repeat(40)).join(".")}.example.com`);
    expect(!longName.ok && longName.problem).toMatch(/at most 253/);
  });

  test("labels with underscores or edge hyphens are refused", () => {
    expect(toAsciiHostname("bad_name.example.com").ok).toBe(false);
    expect(toAsciiHostname("-api.example.com").ok).toBe(false);
  });

  test("names resolve inside the zone and nowhere else", () => {
    expect(resolveHostInZone("@", "example.com")).toEqual({ ok: true, value: "example.com" });
    expect(resolveHostInZone("api", "example.com")).toEqual({ ok: true, value: "api.example.com" });
    expect(resolveHostInZone("API.Example.com.", "example.com")).toEqual({ ok: true, value: "api.example.com" });
    expect(resolveHostInZone("api.example.org", "example.com").ok).toBe(false);
    expect(resolveHostInZone("api.v2", "example.com").ok).toBe(false);
    expect(resolveHostInZone("notexample.com", "example.com").ok).toBe(false);
    expect(resolveHostInZone("*.example.com", "example.com").ok).toBe(false);
  });

  test("targets are classified as A, AAAA or CNAME; IPv6 is written one way", () => {
    expect(classifyTarget("76.76.21.21")).toEqual({ ok: true, value: { type: "A", content: "76.76.21.21" } });
    expect(classifyTarget("2001:DB8:0::10")).toEqual({ ok: true, value: { type: "AAAA", content: "2001:db8::10" } });
    expect(classifyTarget("App.Fly.dev")).toEqual({ ok: true, value: { type: "CNAME", content: "app.fly.dev" } });
    expect(classifyTarget("300.1.1.1").ok).toBe(false);
    expect(classifyTarget("https://app.fly.dev/").ok).toBe(false);
    expect(classifyTarget("localhost").ok).toBe(false);
  });
});

describe("valid stack config", () => {
  test.each(EXAMPLE_STACKS)("the %s example parses", (stack) => {
    const parsed = parseStackConfig(exampleConfig(stack));
    expect(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems)).toBe(true);
  });

  test("the prod example resolves hosts, canonical pair and production defaults", () => {
    const config = parsedExample("prod");
    expect(config.environment).toBe("production");
    expect(config.protect).toBe(true);
    expect(config.canonical).toEqual({ host: "www", fqdn: "www.example.com", alternateFqdn: "example.com", status: 301 });
    expect(config.hosts.map((h) => h.fqdn).sort()).toEqual([
      "admin.example.com",
      "api.example.com",
      "app.example.com",
      "docs.example.com",
      "example.com",
      "status.example.com",
      "www.example.com",
    ]);
  });

  test("proxying and TTL default by purpose", () => {
    const byName = Object.fromEntries(parsedExample("prod").hosts.map((h) => [h.fqdn, h]));
    for (const name of ["example.com", "www.example.com", "app.example.com", "api.example.com", "admin.example.com"]) {
      expect(byName[name]).toMatchObject({ proxied: true, ttl: 1 });
    }
    for (const name of ["docs.example.com", "status.example.com"]) expect(byName[name]).toMatchObject({ proxied: false, ttl: 300 });
  });

  test("TLS settings default to the bar's production values", () => {
    const config = exampleConfig("prod");
    delete config["launch-ready:tls"];
    const parsed = parseStackConfig(config);
    expect(parsed.ok && parsed.config.tls).toEqual({
      ssl: "strict",
      minTlsVersion: "1.2",
      tls13: "on",
      alwaysUseHttps: true,
      automaticHttpsRewrites: true,
      hsts: { enabled: true, maxAge: 31536000, includeSubdomains: true, preload: false, nosniff: true },
    });
  });

  test("a TLS version YAML read as a number is accepted", () => {
    const config = exampleConfig("prod");
    config["launch-ready:tls"].minTlsVersion = 1.3;
    const parsed = parseStackConfig(config);
    expect(parsed.ok && parsed.config.tls.minTlsVersion).toBe("1.3");
  });

  test("protection can be turned off in production, and is off by default elsewhere", () => {
    const config = exampleConfig("prod");
    config["launch-ready:protect"] = false;
    const parsed = parseStackConfig(config);
    expect(parsed.ok && parsed.config.protect).toBe(false);
    expect(parsedExample("staging").protect).toBe(false);
  });

  test("IDN host names and address lists are accepted", () => {
    const parsed = parseStackConfig(withHost({ name: "bücher", target: ["76.76.21.21", "2001:db8::10"], purpose: "web" }));
    expect(parsed.ok).toBe(true);
    const host = parsed.ok ? parsed.config.hosts.find((h) => h.name === "bücher") : undefined;
    expect(host?.fqdn).toBe("xn--bcher-kva.example.com");
    expect(host?.records).toEqual([
      { type: "A", content: "76.76.21.21" },
      { type: "AAAA", content: "2001:db8::10" },
    ]);
  });

  test("keys of other namespaces are left to their providers", () => {
    const config = exampleConfig("prod");
    config["cloudflare:apiToken"] = "[secret]";
    config["aws:region"] = "eu-west-1";
    expect(parseStackConfig(config).ok).toBe(true);
  });
});

describe("invalid stack config", () => {
  test("a missing key is named with its path", () => {
    const config = exampleConfig();
    delete config["launch-ready:environment"];
    expect(onlyProblem(config)).toMatchObject({ path: "launch-ready:environment", message: "is missing" });
  });

  test("a wrong enum value lists the allowed values", () => {
    const config = exampleConfig();
    config["launch-ready:environment"] = "prodution";
    const found = onlyProblem(config);
    expect(found.path).toBe("launch-ready:environment");
    expect(found.message).toContain('"development", "staging", "production"');
    expect(found.example).toContain("launch-ready:environment: production");
  });

  test("an unknown key is refused with the nearest known key", () => {
    const config = exampleConfig();
    config["launch-ready:hostz"] = [];
    config["launch-ready:hosts"][1].proxy = true;
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual(["launch-ready:hosts[1].proxy", "launch-ready:hostz"]);
    expect(problems[1].message).toContain("did you mean hosts?");
  });

  test("a malformed zone ID explains where to find the real one", () => {
    const config = exampleConfig();
    config["launch-ready:zone"].zoneId = "abc";
    expect(onlyProblem(config)).toMatchObject({ path: "launch-ready:zone.zoneId", message: expect.stringContaining("Overview page") });
  });

  test("a host outside the zone is refused at its name", () => {
    expect(onlyProblem(withHost({ name: "shop.example.org", target: "shops.example.net", purpose: "web" }))).toMatchObject({
      path: "launch-ready:hosts[7].name",
      message: expect.stringContaining("outside the zone example.com"),
    });
  });

  test("a wildcard host is refused (DNS-SUBDOMAINS)", () => {
    expect(onlyProblem(withHost({ name: "*", target: "app.fly.dev", purpose: "web" })).message).toContain("DNS-SUBDOMAINS");
  });

  test("an over-long label is refused with its length", () => {
    expect(onlyProblem(withHost({ name: "a".repeat(64), target: "app.fly.dev", purpose: "web" })).message).toContain("at most 63");
  });

  test("a target that is neither an address nor a host name is refused", () => {
    expect(onlyProblem(withHost({ name: "shop", target: "https://shop.fly.dev/", purpose: "web" }))).toMatchObject({
      path: "launch-ready:hosts[7].target",
      message: expect.stringContaining("is a URL"),
    });
  });

  test("a bad address inside a target list is named by its position", () => {
    expect(onlyProblem(withHost({ name: "shop", target: ["76.76.21.21", "999.1.1.1"], purpose: "web" })).path).toBe("launch-ready:hosts[7].target[1]");
  });

  test("a CNAME beside other data is refused", () => {
    expect(onlyProblem(withHost({ name: "shop", target: ["shop.fly.dev", "76.76.21.21"], purpose: "web" })).message).toContain("CNAME cannot stand beside");
  });

  test("a CNAME to itself is refused", () => {
    expect(onlyProblem(withHost({ name: "shop", target: "shop.example.com", purpose: "web" })).message).toContain("at itself");
  });

  test("a host declared twice is refused at the second place", () => {
    expect(onlyProblem(withHost({ name: "api.example.com", target: "other.fly.dev", purpose: "api" }))).toMatchObject({
      path: "launch-ready:hosts[7].name",
      message: expect.stringContaining("already declared at launch-ready:hosts[3]"),
    });
  });

  test("a TTL on a proxied host is refused", () => {
    expect(onlyProblem(withHost({ name: "shop", target: "shop.fly.dev", purpose: "web", ttl: 300 })).message).toContain("proxied");
  });

  test("a TTL below the plan's minimum is refused, and allowed on Enterprise", () => {
    const host = { name: "mx-relay", target: "relay.mail.example.net", purpose: "mail", ttl: 30 };
    expect(onlyProblem(withHost(host)).message).toContain("on the pro plan a TTL is 60 to 86400");
    const enterprise = withHost(host);
    enterprise["launch-ready:zone"].plan = "enterprise";
    expect(parseStackConfig(enterprise).ok).toBe(true);
  });

  test("the canonical pair must both be declared", () => {
    const config = exampleConfig();
    config["launch-ready:hosts"] = config["launch-ready:hosts"].filter((h: any) => h.name !== "@");
    expect(onlyProblem(config)).toMatchObject({ path: "launch-ready:hosts", message: expect.stringContaining("does not declare example.com") });
  });

  test("the host that redirects must be proxied", () => {
    const config = exampleConfig();
    config["launch-ready:hosts"][0].proxied = false;
    expect(onlyProblem(config)).toMatchObject({
      path: "launch-ready:hosts[0].proxied",
      message: expect.stringContaining("only answers redirects for proxied hosts"),
    });
  });

  test("the canonical host must be a web host", () => {
    const config = exampleConfig();
    config["launch-ready:hosts"][1].purpose = "api";
    expect(onlyProblem(config).path).toBe("launch-ready:hosts[1].purpose");
  });

  test("redirects must start on a declared, proxied host and go to https", () => {
    const config = exampleConfig();
    config["launch-ready:redirects"] = [
      { host: "blog", to: "https://www.example.com/blog" },
      { host: "docs", to: "https://www.example.com/docs" },
      { host: "www", path: "/old", to: "http://www.example.com/new" },
      { host: "www", path: "old", to: "https://www.example.com/new" },
    ];
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual(["launch-ready:redirects[2].to", "launch-ready:redirects[3].path"]);
    // Field-level problems first; once those are fixed, the cross-field ones follow.
    config["launch-ready:redirects"].splice(2, 2);
    expect(problemsOf(config).map((p) => [p.path, p.message.split(";")[0]])).toEqual([
      ["launch-ready:redirects[0].host", "blog.example.com is not a declared host"],
      ["launch-ready:redirects[1].host", "docs.example.com is DNS-only (proxied: false)"],
    ]);
  });

  test("duplicate and looping redirects are refused", () => {
    const config = exampleConfig();
    config["launch-ready:redirects"].push({ host: "www", path: "/pricing-2025", to: "https://www.example.com/other" });
    config["launch-ready:redirects"].push({ host: "app", path: "/x", to: "https://app.example.com/x" });
    expect(problemsOf(config).map((p) => p.path)).toEqual(["launch-ready:redirects[1]", "launch-ready:redirects[2].to"]);
  });

  test("more redirect rules than the plan allows are refused with the limit", () => {
    const config = exampleConfig("dev");
    expect(config["launch-ready:zone"].plan).toBe("free");
    config["launch-ready:redirects"] = Array.from({ length: 10 }, (_, i) => ({ host: "www", path: `/old-${i}`, to: "https://example.net/" }));
    const found = onlyProblem(config);
    expect(found.path).toBe("launch-ready:redirects");
    expect(found.message).toContain("needs 11 redirect rules");
    expect(found.message).toContain("free plan allows 10");
  });

  test("every problem is reported at once, each with an example", () => {
    const config = exampleConfig();
    config["launch-ready:environment"] = "live";
    config["launch-ready:zone"].plan = "gold";
    config["launch-ready:hosts"][2].purpose = "shop";
    config["launch-ready:tls"].ssl = "maybe";
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path).sort()).toEqual([
      "launch-ready:environment",
      "launch-ready:hosts[2].purpose",
      "launch-ready:tls.ssl",
      "launch-ready:zone.plan",
    ]);
    for (const found of problems) expect(found.example.length).toBeGreaterThan(5);
  });
});
