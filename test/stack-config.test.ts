import { describe, expect, test } from "vitest";
import { classifyTarget, resolveHostInZone, toAsciiHostname } from "../domain/hostnames";
import { parseStackConfig, type ConfigProblem } from "../stacks/stack-config";
import { parseStackFileText } from "../stacks/stack-file";
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

describe("config written to break the reader", () => {
  /** A fake Stripe-shaped key, built here so no real or scanner-matching secret is in the source. */
  const fakeSecret = () => `sk_live_${"x".repeat(99)}`;

  test("a launch-ready:__proto__ key is refused at its path, not read as the config's prototype", () => {
    const own = Object.fromEntries(Object.entries(exampleConfig()).map(([key, value]) => [key.replace(/^launch-ready:/, ""), value]));
    // JSON.parse makes __proto__ an own key, as YAML and Pulumi's config JSON do.
    const smuggled = JSON.parse(JSON.stringify({ "launch-ready:proto": own }).replace('"launch-ready:proto"', '"launch-ready:__proto__"'));
    expect(Object.keys(smuggled)).toEqual(["launch-ready:__proto__"]);
    expect(onlyProblem(smuggled)).toMatchObject({ path: "launch-ready:__proto__", message: expect.stringContaining("remove the key") });
    const beside = { ...exampleConfig(), ...smuggled };
    expect(onlyProblem(beside).path).toBe("launch-ready:__proto__");
  });

  test("prototype keys are refused at any depth, each at its own path, and in other namespaces", () => {
    const config = exampleConfig();
    config["launch-ready:hosts"][2] = JSON.parse(`{ "__proto__": { "proxied": false }, ${JSON.stringify(config["launch-ready:hosts"][2]).slice(1)}`);
    config["launch-ready:zone"].constructor = { domain: "example.org" };
    config["launch-ready:email"].senders[0].dkim[0].prototype = "x";
    config["cloudflare:__proto__"] = "x";
    expect(problemsOf(config).map((p) => p.path)).toEqual([
      "cloudflare:__proto__",
      "launch-ready:email.senders[0].dkim[0].prototype",
      "launch-ready:hosts[2].__proto__",
      "launch-ready:zone.constructor",
    ]);
  });

  test("a __proto__ key in a stack file reaches the reader as a key, and is refused there", () => {
    const text = [
      "config:",
      "  launch-ready:__proto__:",
      "    environment: production",
      "  launch-ready:hosts:",
      "    - { name: www, target: cname.vercel-dns.com, purpose: web, __proto__: { proxied: false } }",
      "",
    ].join("\n");
    const file = parseStackFileText(text, "Pulumi.evil.yaml");
    expect(Object.keys(file.config)).toEqual(["launch-ready:__proto__", "launch-ready:hosts"]);
    expect(Object.getPrototypeOf(file.config)).toBe(Object.prototype);
    expect(problemsOf(file.config).map((p) => p.path)).toEqual(["launch-ready:__proto__", "launch-ready:hosts[0].__proto__"]);
  });

  test.each(["10.0.0.1", "1.1", "0x7f.0.0.1", "2001:db8::1"])("the address %s as the zone's domain is refused at zone.domain", (domain) => {
    const config = exampleConfig();
    config["launch-ready:zone"].domain = domain;
    expect(onlyProblem(config)).toMatchObject({
      path: "launch-ready:zone.domain",
      message: expect.stringContaining("a zone is a registered domain name, not an address"),
      example: "domain: example.com",
    });
  });

  test("a zone with a path is refused, not cut to the name before it", () => {
    const config = exampleConfig();
    config["launch-ready:zone"].domain = "example.com/evil";
    expect(onlyProblem(config)).toMatchObject({ path: "launch-ready:zone.domain", message: expect.stringContaining('"example.com/evil" holds "/"') });
  });

  test.each(["shop/x", "shop?x", "shop#x", "shop%2fx", "shop\\x", "shop:8080", "user@shop"])(
    "the host name %s is refused, not read as a URL's host",
    (name) => {
      expect(onlyProblem(withHost({ name, target: "shop.fly.dev", purpose: "web" }))).toMatchObject({
        path: "launch-ready:hosts[7].name",
        message: expect.stringMatching(/holds "(?:[/?#%:@]|\\\\)"/),
      });
    },
  );

  test.each(["sh\u200Bop", "sh\u00ADop", "shop\uFE0F", "ⓢⓗⓞⓟ", "ｓhop"])("the host name %j, which IDNA would rewrite to plain shop, is refused", (name) => {
    expect(onlyProblem(withHost({ name, target: "shop.fly.dev", purpose: "web" }))).toMatchObject({
      path: "launch-ready:hosts[7].name",
      message: expect.stringContaining("has characters IDNA drops or maps to others"),
    });
  });

  test("an internationalised name is still encoded, not refused", () => {
    expect(toAsciiHostname("Bücher.example")).toEqual({ ok: true, value: "xn--bcher-kva.example" });
    expect(toAsciiHostname("例え.テスト")).toEqual({ ok: true, value: "xn--r8jz45g.xn--zckzah" });
  });

  test.each(["0x7f.0.0.1", "0177.0.0.1", "127.1", "1.1", "010.0.0.1", "0x7f000001"])(
    "the target %s, which URL parsers rewrite to another address, is refused",
    (target) => {
      expect(onlyProblem(withHost({ name: "shop", target, purpose: "web" }))).toMatchObject({
        path: "launch-ready:hosts[7].target",
        message: expect.stringContaining("203.0.113.10"),
      });
    },
  );

  test("targets are refused rather than rewritten: no URL parts, no zone index", () => {
    expect(classifyTarget("0x7f.0.0.1").ok).toBe(false);
    expect(classifyTarget("shop.fly.dev?x").ok).toBe(false);
    expect(classifyTarget("shop.fly.dev#x").ok).toBe(false);
    // Planned before as a CNAME to "127.0.0.1", and a zone index crashed the reader.
    expect(classifyTarget("fe80::1%eth0").ok).toBe(false);
    expect(onlyProblem(withHost({ name: "shop", target: "fe80::1%eth0", purpose: "web" })).path).toBe("launch-ready:hosts[7].target");
  });

  test("record names keep underscores and wildcards but refuse URL parts, also in internationalised names", () => {
    const config = exampleConfig();
    config["launch-ready:records"].push({ name: "bücher/x", type: "TXT", content: "v=verify1" });
    config["launch-ready:records"].push({ name: "_sip._tls", type: "TXT", content: "v=verify2" });
    expect(onlyProblem(config)).toMatchObject({ path: "launch-ready:records[1].name", message: expect.stringContaining('holds "/"') });
  });

  test("a secret typed into a plain key is never printed back, only the scanner's preview of it", () => {
    const secret = fakeSecret();
    const config = exampleConfig();
    config["launch-ready:environment"] = secret;
    config["launch-ready:zone"].plan = secret;
    config["launch-ready:hosts"][2].target = secret;
    config["launch-ready:hosts"][3].name = `${secret}.example.com`;
    config["launch-ready:waivers"] = [{ id: secret, reason: "Pasted into the wrong key by mistake", owner: "cto@example.com", expires: "2099-01-01" }];
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path).sort()).toEqual([
      "launch-ready:environment",
      "launch-ready:hosts[2].target",
      "launch-ready:hosts[3].name",
      "launch-ready:zone.plan",
    ]);
    for (const found of problems) {
      expect(`${found.message}\n${found.example}`).not.toContain("x".repeat(16));
      expect(found.message).toContain("sk_live_******** (");
    }
    expect(problems.find((p) => p.path === "launch-ready:environment")?.message).toContain("not string sk_live_******** (107 chars)");
    config["launch-ready:environment"] = "production";
    config["launch-ready:zone"].plan = "pro";
    config["launch-ready:hosts"] = exampleConfig()["launch-ready:hosts"];
    expect(onlyProblem(config)).toMatchObject({
      path: "launch-ready:waivers[0].id",
      message: expect.stringMatching(/^sk_live_\*{8} \(107 chars\) is not an ID/),
    });
  });

  test("values that cannot be secrets are still quoted as written", () => {
    const config = exampleConfig();
    config["launch-ready:environment"] = "prodution";
    config["launch-ready:hosts"][2].target = "https://shop.fly.dev/";
    config["launch-ready:hosts"][3].name = "bad_name.example.com";
    const messages = problemsOf(config).map((p) => p.message);
    expect(messages).toContainEqual(expect.stringContaining('not string "prodution"'));
    expect(messages).toContainEqual(expect.stringContaining('"https://shop.fly.dev/" is a URL'));
    expect(messages).toContainEqual(expect.stringContaining('"bad_name.example.com" holds "_"'));
  });

  test("a sender listed twice is a config problem at its entry, naming the first", () => {
    const config = exampleConfig();
    const senders = config["launch-ready:email"].senders;
    senders.push(structuredClone(senders[1]));
    expect(onlyProblem(config)).toMatchObject({
      path: "launch-ready:email.senders[2]",
      message: expect.stringContaining("through Resend again; launch-ready:email.senders[1] already does"),
    });
  });

  test("a record declared twice is named, its content shown only when it cannot be a secret", () => {
    const config = exampleConfig();
    // A Stripe-style key typed into a TXT record, built here so no key is written in the repository.
    const key = ["sk", "live", "4eC39HqLyjWDarjtT1zdp7dc9XmQ2bL0"].join("_");
    config["launch-ready:records"] = [0, 1].map(() => ({ name: "example.com", type: "TXT", content: `stripe=${key}` }));
    const found = onlyProblem(config);
    expect(found).toMatchObject({ path: "launch-ready:records[1]", message: expect.stringContaining("launch-ready:records[0] already does") });
    expect(found.message).toContain("example.com TXT ");
    expect(found.message).toContain("chars)");
    expect(found.message).not.toContain(key.slice(8));
  });

  test("two custom senders may share a name, but not a DKIM selector", () => {
    const config = exampleConfig();
    const senders = config["launch-ready:email"].senders;
    const key = senders[1].dkim[0].value;
    senders.push({ provider: "custom", domain: "news", include: "spf.one.example.net", dkim: [{ selector: "k1", value: key }] });
    senders.push({ provider: "custom", domain: "news", include: "spf.two.example.net", dkim: [{ selector: "k2", value: key }] });
    expect(parseStackConfig(config).ok).toBe(true);
    senders[3].dkim[0].selector = "k1";
    expect(onlyProblem(config)).toMatchObject({
      path: "launch-ready:email.senders[3].dkim[0].selector",
      message: expect.stringContaining("launch-ready:email.senders[2].dkim[0] already has one"),
    });
  });
});

describe("config keys without a namespace", () => {
  test("are refused, as Pulumi refuses them, instead of being read as another namespace's and counting for nothing", () => {
    const config = exampleConfig();
    const { "launch-ready:records": records, ...rest } = config;
    const problems = problemsOf({ ...rest, records, "": 1, "<<": { x: 1 } });
    expect(problems.map((p) => p.path)).toEqual(["records", '""', "<<"]);
    expect(problems[0]).toMatchObject({
      message: "has no namespace: Pulumi reads a stack file's config keys as <namespace>:<name> and refuses one without; write launch-ready:records",
      example: expect.stringContaining("launch-ready:records:"),
    });
    expect(problems[2].message).toBe("has no namespace: Pulumi reads a stack file's config keys as <namespace>:<name> and refuses one without");
  });
});
