/**
 * Hosting presets (launch-ready:hosts[i].platform) against what each platform documents: the
 * records it asks for, planned with the proxy setting it runs under and its ownership TXT at its
 * documented name; targets it does not document refused with their path; and the ACME challenge
 * path passed through the edge only where a platform fetches it through the proxy. The expected
 * values are written out here from the platforms' pages, not read from domain/hosting/platforms.ts.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { PHASES } from "../domain/cloudflare/identifiers";
import { ruleMatches } from "../policies/declared/rulesets";
import { cacheOutcome } from "../policies/rules/edge-cache";
import type { PlanReport } from "../scripts/plan/plan-report";
import { planStack } from "../scripts/plan/plan-stack";
import { parseStackConfig, type ConfigProblem } from "../stacks/stack-config";
import { exampleConfig, exampleStack, scratchDir } from "./helpers";

const RAILWAY_TOKEN = `${"a".repeat(32)}0123456789abcdef0123456789abcdef`;
const ACME = "/.well-known/acme-challenge/Xq7-token";

/** One host per platform, beside the prod example's own; the apex (the host redirecting to www) is on Vercel. */
const PRESET_HOSTS = [
  {
    name: "shop",
    target: "598c94a249a55317.vercel-dns-017.com",
    purpose: "web",
    platform: "vercel",
    verification: "vc-domain-verify=shop.example.com,7f3a9c1b2d",
  },
  { name: "blog", target: "example-blog.netlify.app", purpose: "web", platform: "netlify", verification: "5e8c0a1f" },
  { name: "landing", target: "example-landing.pages.dev", purpose: "web", platform: "cloudflare-pages" },
  { name: "edge", target: "example-edge.fly.dev", purpose: "web", platform: "fly", verification: "app-4k2j9x1q" },
  { name: "dash", target: "example-dash.onrender.com", purpose: "web", platform: "render" },
  { name: "worker", target: "g05ns7.up.railway.app", purpose: "web", platform: "railway", verification: `railway-verify=${RAILWAY_TOKEN}` },
];

function withHosts(extra: Array<Record<string, unknown>>, edit: (raw: Record<string, any>) => void = () => {}): Record<string, any> {
  const raw = exampleConfig("prod");
  // The example's own hosts without their platforms (its API is on Fly), so each test's hosts are the only presets.
  const own = raw["launch-ready:hosts"].map(({ platform: _, ...host }: Record<string, unknown>) => host);
  raw["launch-ready:hosts"] = [...own, ...extra];
  edit(raw);
  return raw;
}

/** The prod example with the apex on Vercel and one host per platform. */
function presetConfig(): Record<string, any> {
  return withHosts(PRESET_HOSTS, (raw) => {
    raw["launch-ready:hosts"][0].platform = "vercel";
  });
}

function problemsOf(raw: Record<string, any>): ConfigProblem[] {
  const parsed = parseStackConfig(raw);
  if (parsed.ok) throw new Error("expected the config to be refused");
  return parsed.problems;
}

function accepted(raw: Record<string, any>) {
  const parsed = parseStackConfig(raw);
  if (!parsed.ok) throw new Error(`expected the config to be accepted: ${JSON.stringify(parsed.problems)}`);
  return parsed.config;
}

/** Where hosts added to the prod example start in launch-ready:hosts. */
const BASE: number = exampleConfig("prod")["launch-ready:hosts"].length;
/** Index of a preset host in presetConfig(). */
const at = (name: string) => BASE + PRESET_HOSTS.findIndex((h) => h.name === name);

let report: PlanReport;
const records = () => report.resources.filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord").map((r) => r.inputs as Record<string, any>);
const recordsAt = (name: string) =>
  records()
    .filter((r) => r.name === name)
    .map((r) => `${r.type} ${r.content} ${r.proxied ? "proxied" : "dns-only"}`)
    .sort();
const rulesOf = (phase: string) => (report.resources.find((r) => r.inputs.phase === phase)?.inputs.rules ?? []) as any[];

beforeAll(async () => {
  // Planned as if alone in its zone: beside the fixture files, prod's rulesets would also carry staging's rules.
  report = await planStack({ ...exampleStack("prod"), path: join(scratchDir(), "Pulumi.prod.yaml"), config: presetConfig() });
});

describe("each platform's host plans the records it documents", () => {
  test.each([
    ["vercel", "shop.example.com", ["CNAME 598c94a249a55317.vercel-dns-017.com dns-only"]],
    ["netlify", "blog.example.com", ["CNAME example-blog.netlify.app dns-only"]],
    ["cloudflare-pages", "landing.example.com", ["CNAME example-landing.pages.dev proxied"]],
    ["fly", "edge.example.com", ["CNAME example-edge.fly.dev proxied"]],
    ["render", "dash.example.com", ["CNAME example-dash.onrender.com proxied"]],
    ["railway", "worker.example.com", ["CNAME g05ns7.up.railway.app dns-only"]],
  ])("%s: %s", (_platform, name, expected) => {
    expect(recordsAt(name)).toEqual(expected);
  });

  test.each([
    ["vercel", "_vercel.example.com", "vc-domain-verify=shop.example.com,7f3a9c1b2d"],
    ["netlify", "netlify-challenge.blog.example.com", "5e8c0a1f"],
    ["fly", "_fly-ownership.edge.example.com", "app-4k2j9x1q"],
    ["railway", "_railway-verify.worker.example.com", `railway-verify=${RAILWAY_TOKEN}`],
  ])("%s: the ownership TXT at %s, DNS-only", (_platform, name, content) => {
    expect(recordsAt(name)).toEqual([`TXT ${content} dns-only`]);
  });

  test("platforms without an ownership TXT get none", () => {
    const txtNames = records()
      .filter((r) => r.type === "TXT")
      .map((r) => r.name as string);
    expect(txtNames.filter((n) => /landing|dash/.test(n))).toEqual([]);
  });

  test("the apex on Vercel still redirects to www at the edge, so it stays proxied and DNS-CANONICAL passes", () => {
    expect(recordsAt("example.com").filter((r) => /^(A|AAAA|CNAME) /.test(r))).toEqual(["A 216.198.79.1 proxied"]);
    expect(report.bar.filter((r) => r.id === "DNS-CANONICAL").map((r) => r.status)).toEqual(["pass"]);
  });

  test("a DNS-only web host on a platform that refuses the proxy fails DNS-PROXIED with the platform's reason", () => {
    const verdict = report.bar.find((r) => r.id === "DNS-PROXIED" && r.status === "fail" && r.configPath === `launch-ready:hosts[${at("shop")}].proxied`);
    expect(verdict?.message).toContain("not recommended and may cause unexpected downtime");
    expect(verdict?.message).toContain(`target hosts[${at("shop")}]`);
    const railway = report.bar.find((r) => r.id === "DNS-PROXIED" && r.configPath === `launch-ready:hosts[${at("worker")}].proxied`);
    expect(railway?.message).toContain("Full (Strict) will not work as intended");
  });

  test("the ownership TXT records pass DNS-SUBDOMAINS", () => {
    const failing = report.bar.filter((r) => r.id === "DNS-SUBDOMAINS" && r.status === "fail").map((r) => r.message);
    expect(failing).toEqual([]);
  });
});

describe("the ACME challenge path passes the edge only for proxied HTTP-01 platforms", () => {
  test("the cache rules bypass it on Fly.io, Render and the proxied Vercel apex, and nowhere else", () => {
    const rules = rulesOf(PHASES.cache);
    const byHost = (host: string) => cacheOutcome(rules, { host, path: ACME });
    for (const host of ["edge.example.com", "dash.example.com", "example.com"]) {
      expect(byHost(host), host).toEqual({ cached: false, by: "cache-bypass-acme-challenge" });
    }
    // DNS-only hosts never meet the rules; Pages gets its certificate from Cloudflare itself.
    for (const host of ["shop.example.com", "blog.example.com", "worker.example.com", "landing.example.com"]) {
      expect(byHost(host), host).not.toMatchObject({ by: "cache-bypass-acme-challenge" });
    }
    expect(cacheOutcome(rules, { host: "edge.example.com", path: "/assets/app.css" })).toMatchObject({ cached: true });
  });

  test("the canonical redirect lets the apex's ACME challenges through to Vercel", () => {
    const canonical = rulesOf(PHASES.redirect).find((rule) => rule.ref === "canonical-host");
    expect(ruleMatches(canonical, { host: "example.com", path: "/pricing" })).toEqual({ matched: true });
    expect(ruleMatches(canonical, { host: "example.com", path: ACME })).toEqual({ matched: false });
  });

  test("EDGE-CACHE-STATIC and EDGE-CACHE-PRIVATE still pass", () => {
    for (const id of ["EDGE-CACHE-STATIC", "EDGE-CACHE-PRIVATE"]) {
      expect(
        report.bar.filter((r) => r.id === id).map((r) => r.status),
        id,
      ).toEqual(["pass"]);
    }
  });

  test("without a proxied HTTP-01 platform there is no bypass rule", () => {
    const config = accepted(withHosts([PRESET_HOSTS[2], { ...PRESET_HOSTS[3], proxied: false }]));
    expect(config.hosts.some((h) => h.acmePassThrough)).toBe(false);
  });

  test("Railway proxied under SSL mode full is accepted and passes challenges through", () => {
    const config = accepted(
      withHosts([{ ...PRESET_HOSTS[5], proxied: true }], (raw) => {
        raw["launch-ready:tls"].ssl = "full";
      }),
    );
    expect(config.hosts.find((h) => h.fqdn === "worker.example.com")).toMatchObject({ proxied: true, acmePassThrough: true });
  });
});

describe("what a platform does not document is refused, with its path", () => {
  test.each([
    ["vercel", { name: "shop", target: "example-app.vercel.app" }, "vercel-dns"],
    ["netlify", { name: "blog", target: "75.2.60.5" }, "<site>.netlify.app"],
    ["cloudflare-pages", { name: "landing", target: "example-landing.workers.dev" }, "<project>.pages.dev"],
    ["fly", { name: "edge", target: "example-edge.herokuapp.com" }, "<app>.fly.dev"],
    ["render", { name: "dash", target: "216.24.57.1" }, "<service>.onrender.com"],
    ["render", { name: "@", target: ["216.24.57.1", "2606:4700:4700::1111"] }, "A 216.24.57.1"],
    ["railway", { name: "@", target: "203.0.113.10" }, "<id>.up.railway.app"],
  ])("%s: %j", (platform, host, documented) => {
    const raw = exampleConfig("prod");
    const hosts = raw["launch-ready:hosts"] as Array<Record<string, unknown>>;
    const index = host.name === "@" ? 0 : hosts.length;
    hosts[index] = { purpose: "web", platform, ...host };
    const found = problemsOf(raw).find((p) => p.path === `launch-ready:hosts[${index}].target`);
    expect(found?.message).toContain(documented);
    expect(found?.message).toContain(`platform: ${platform}`);
  });

  test("proxying Vercel or Netlify is refused with the platform's reason", () => {
    const problems = problemsOf(
      withHosts([
        { ...PRESET_HOSTS[0], proxied: true },
        { ...PRESET_HOSTS[1], proxied: true },
      ]),
    );
    expect(problems.find((p) => p.path === `launch-ready:hosts[${BASE}].proxied`)?.message).toContain("not recommended");
    expect(problems.find((p) => p.path === `launch-ready:hosts[${BASE + 1}].proxied`)?.message).toContain("not supported");
  });

  test("proxying Railway under the bar's strict SSL mode is refused with Railway's reason", () => {
    const problems = problemsOf(withHosts([{ ...PRESET_HOSTS[5], proxied: true }]));
    expect(problems.find((p) => p.path === `launch-ready:hosts[${BASE}].proxied`)?.message).toMatch(/SSL mode is strict.*Full \(Strict\)/);
  });

  test("a Cloudflare Pages apex must be proxied", () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:canonical"] = { host: "apex" };
    raw["launch-ready:hosts"][0] = { name: "@", target: "example-landing.pages.dev", purpose: "web", platform: "cloudflare-pages", proxied: false };
    expect(problemsOf(raw).find((p) => p.path === "launch-ready:hosts[0].proxied")?.message).toContain("Pages serves an apex only");
    // The example receives mail at its apex, which the kit keeps apart from an apex CNAME; this stack sends none.
    delete raw["launch-ready:email"];
    delete raw["launch-ready:hosts"][0].proxied;
    expect(accepted(raw).hosts[0]).toMatchObject({ proxied: true, platform: "cloudflare-pages" });
  });

  test("a verification value of the wrong shape, on a platform without one, or without a platform is refused", () => {
    const problems = problemsOf(
      withHosts([
        { ...PRESET_HOSTS[0], verification: "7f3a9c1b2d" },
        { ...PRESET_HOSTS[4], verification: "render-verify=abc" },
        { name: "plain", target: "origin.example.net", purpose: "web", verification: "vc-domain-verify=x" },
      ]),
    );
    expect(problems.find((p) => p.path === `launch-ready:hosts[${BASE}].verification`)?.message).toContain("vc-domain-verify=");
    expect(problems.find((p) => p.path === `launch-ready:hosts[${BASE + 1}].verification`)?.message).toContain("asks for no ownership TXT");
    expect(problems.find((p) => p.path === `launch-ready:hosts[${BASE + 2}].verification`)?.message).toContain("needs platform");
  });
});

describe("an apex that can only be a CNAME keeps the apex's mail", () => {
  test("a Cloudflare Pages apex stands beside Google's MX and SPF: Cloudflare flattens it, so mail config and DNS-SANE accept it", async () => {
    const raw = withHosts([]);
    raw["launch-ready:hosts"][0] = { name: "@", target: "example-site.pages.dev", purpose: "web", platform: "cloudflare-pages" };
    const report = await planStack({ ...exampleStack("prod"), config: raw });
    const apex = report.resources.filter((r) => r.inputs.name === "example.com").map((r) => String(r.inputs.type));
    expect(apex.sort()).toEqual([...Array(9).fill("CAA"), "CNAME", "MX", "TXT", "TXT"]);
    expect(report.bar.filter((r) => r.status === "fail")).toEqual([]);
    // Beside an address record the CNAME is still refused, apex or not.
    const { dnsSane } = await import("../policies/rules/dns-sane");
    const declared = report.resources.filter((r) => r.custom).map((r) => ({ urn: r.urn, type: r.type, name: r.name, props: r.inputs }));
    const cname = declared.find((r) => r.props.name === "example.com" && r.props.type === "CNAME")!;
    const parsed = parseStackConfig(raw);
    const withA = [...declared, { ...cname, urn: `${cname.urn}-a`, props: { ...cname.props, type: "A", content: "203.0.113.10" } }];
    expect(dnsSane.checkStack!(withA, { config: parsed.ok ? parsed.config : undefined }).map((v) => v.status)).toContain("fail");
  });

  test("a stack in another stack's zone has no apex of its own: a CNAME at its domain keeps mail records away", async () => {
    const staging = exampleStack("staging");
    const config = structuredClone(staging.config) as Record<string, any>;
    config["launch-ready:hosts"][0] = { name: "@", target: "example-staging.pages.dev", purpose: "web", platform: "cloudflare-pages" };
    const report = await planStack({ ...staging, config });
    // Without the CNAME, staging.example.com would be parked (it neither sends nor receives); beside one it cannot be.
    expect(report.resources.filter((r) => r.inputs.name === "staging.example.com").map((r) => String(r.inputs.type))).toEqual(["CNAME"]);
    expect(report.bar.filter((r) => r.id === "DNS-SANE").map((r) => r.status)).toEqual(["pass"]);
  });
});
