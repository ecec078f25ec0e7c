/**
 * Rate limits the kit plans are ones Cloudflare's API takes on the zone's plan; waivers cover only
 * what they name; endpoints another provider limits count as covered by it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { rateLimitRulesetSpec, edgeRulesetSpecs } from "../components/edge-rulesets";
import {
  CHALLENGE_ACTIONS,
  LIMITING_ACTIONS,
  RATE_LIMIT_ACTIONS,
  RATE_LIMIT_PERIODS,
  RATE_LIMIT_TIMEOUTS,
  ZONE_PLANS,
  rateLimitProblems,
  type ZonePlan,
} from "../domain/cloudflare/zone-plans";
import { targetCovers } from "../domain/bar/weighing";
import { DNS_RECORD, RULESET } from "../domain/resource-types";
import { evaluateBar, waiverUses, type BarResult, type DeclaredResource, type Verdict } from "../policies/bar";
import { dnsProxied } from "../policies/rules/dns-proxied";
import { edgeRateLimit } from "../policies/rules/edge-rate-limit";
import { plan as planVerb } from "../scripts/commands/plan";
import { renderHandoverSection } from "../scripts/handover/handover";
import type { PlanReport } from "../scripts/plan/plan-report";
import { KIT_NAME } from "../stacks/project";
import { limitedEndpointSchema } from "../stacks/schema/edge";
import { parseStackConfig, type ConfigProblem, type LaunchReadyConfig } from "../stacks/stack-config";
import { exampleConfig, exampleStack, runInProcess, scratchDir } from "./helpers";

const DAY = "2026-12-02";

/**
 * What Cloudflare documents, written down here on its own so the kit's data is checked against it
 * rather than against itself (sources: the comment above ZONE_PLAN_LIMITS): the values the API
 * takes, each plan's longest period and timeout, challenge actions below Enterprise only with
 * timeout 0, throttling with block (timeout 0) and the log action Enterprise's alone.
 */
const API_PERIODS = [10, 60, 120, 300, 600, 3600];
const API_TIMEOUTS = [0, 10, 60, 120, 300, 600, 3600, 86400];
const DOCUMENTED: Record<ZonePlan, { maxPeriod: number; maxTimeout: number }> = {
  free: { maxPeriod: 10, maxTimeout: 10 },
  pro: { maxPeriod: 60, maxTimeout: 3600 },
  business: { maxPeriod: 600, maxTimeout: 86400 },
  enterprise: { maxPeriod: 65535, maxTimeout: 86400 },
};
const CHALLENGES = ["managed_challenge", "js_challenge", "challenge"];

function apiTakesPeriod(plan: ZonePlan, period: number): boolean {
  return API_PERIODS.includes(period) && period <= DOCUMENTED[plan].maxPeriod;
}

function apiTakesTimeout(plan: ZonePlan, action: string, timeout: number): boolean {
  if (!API_TIMEOUTS.includes(timeout) || timeout > DOCUMENTED[plan].maxTimeout) return false;
  if (plan === "enterprise") return true;
  return CHALLENGES.includes(action) ? timeout === 0 : timeout !== 0;
}

function apiTakesAction(plan: ZonePlan, action: string): boolean {
  return ["block", ...CHALLENGES, ...(plan === "enterprise" ? ["log"] : [])].includes(action);
}

/** Whether the API takes a planned rate-limit rule on the plan. */
function apiTakes(plan: ZonePlan, rule: { action: string; ratelimit?: { period: number; mitigationTimeout: number } }): boolean {
  const limit = rule.ratelimit;
  return (
    limit !== undefined &&
    apiTakesAction(plan, rule.action) &&
    apiTakesPeriod(plan, limit.period) &&
    apiTakesTimeout(plan, rule.action, limit.mitigationTimeout)
  );
}

/** Candidates around and between the documented values, and the ones only the dashboard lists. */
const CANDIDATES = [0, 1, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 480, 600, 900, 1800, 3600, 7200, 65535, 86400, 172800];

function parsed(raw: Record<string, unknown>): LaunchReadyConfig {
  const result = parseStackConfig(raw);
  if (!result.ok) throw new Error(`expected the config to parse: ${JSON.stringify(result.problems)}`);
  return result.config;
}

function refused(raw: Record<string, unknown>): ConfigProblem[] {
  const result = parseStackConfig(raw);
  if (result.ok) throw new Error("expected the config to be refused");
  return result.problems;
}

/** The edge rulesets a config declares, as the engine would send them to the bar. */
function declared(config: LaunchReadyConfig): DeclaredResource[] {
  return edgeRulesetSpecs(config).map((spec) => ({
    urn: `urn:pulumi:test::launch-ready::cloudflare:index/ruleset:Ruleset::${spec.phase}`,
    type: RULESET,
    name: spec.phase,
    props: { phase: spec.phase, rules: spec.rules },
  }));
}

const failures = (verdicts: Verdict[]) => verdicts.filter((v): v is Extract<Verdict, { status: "fail" }> => v.status === "fail");

/** A stack whose every Cloudflare-limited endpoint has the same limit, so one rule holds them. */
function withOneLimit(stack: string, plan: ZonePlan, limit: { period: number; timeout?: number; action: string }): Record<string, any> {
  const raw = exampleConfig(stack);
  raw["launch-ready:zone"].plan = plan;
  raw["launch-ready:edge"].endpoints = raw["launch-ready:edge"].endpoints.map((e: Record<string, unknown>) => ({
    kind: e.kind,
    host: e.host,
    path: e.path,
    requests: 20,
    period: limit.period,
    ...(limit.timeout !== undefined ? { timeout: limit.timeout } : {}),
    action: limit.action,
  }));
  return raw;
}

describe("the rate-limit values each plan takes are the ones Cloudflare documents", () => {
  test("the API's lists: the schema takes exactly these periods and timeouts, and the rules every action", () => {
    expect([...RATE_LIMIT_PERIODS]).toEqual(API_PERIODS);
    expect([...RATE_LIMIT_TIMEOUTS]).toEqual(API_TIMEOUTS);
    expect([...RATE_LIMIT_ACTIONS].sort()).toEqual(["block", "challenge", "js_challenge", "log", "managed_challenge"]);
    for (const value of CANDIDATES) {
      expect(limitedEndpointSchema.shape.period.safeParse(value).success, `period ${value}`).toBe(API_PERIODS.includes(value));
      expect(limitedEndpointSchema.shape.timeout.safeParse(value).success, `timeout ${value}`).toBe(API_TIMEOUTS.includes(value));
    }
  });

  test.each(ZONE_PLANS)("%s: each period, timeout and action is taken exactly when the documentation says", (plan) => {
    for (const value of CANDIDATES) {
      expect(rateLimitProblems.period(value, plan) === undefined, `period ${value}`).toBe(apiTakesPeriod(plan, value));
      for (const action of RATE_LIMIT_ACTIONS)
        expect(rateLimitProblems.timeout(value, action, plan) === undefined, `${action} for ${value} s`).toBe(apiTakesTimeout(plan, action, value));
    }
    for (const action of RATE_LIMIT_ACTIONS) expect(rateLimitProblems.action(action, plan) === undefined, action).toBe(apiTakesAction(plan, action));
    // Not vacuous: every plan takes some periods and refuses the dashboard-only ones.
    expect(CANDIDATES.filter((v) => rateLimitProblems.period(v, plan) === undefined).length).toBeGreaterThan(0);
    expect(rateLimitProblems.period(15, plan)).toBeDefined();
  });

  test("a challenge action below Enterprise takes only timeout 0; Enterprise takes a duration too", () => {
    for (const plan of ["free", "pro", "business"] as const) {
      for (const action of CHALLENGE_ACTIONS) {
        expect(rateLimitProblems.timeout(0, action, plan)).toBeUndefined();
        expect(rateLimitProblems.timeout(10, action, plan)).toMatchObject({ instead: 0 });
      }
      expect(rateLimitProblems.timeout(0, "block", plan)).toBeDefined();
    }
    expect(rateLimitProblems.timeout(600, "managed_challenge", "enterprise")).toBeUndefined();
  });

  test.each(ZONE_PLANS)(
    "%s: every rate limit the kit can plan is one the API takes, and every one it takes the kit can plan",
    (plan) => {
      let planned = 0;
      for (const period of RATE_LIMIT_PERIODS) {
        for (const timeout of [undefined, ...RATE_LIMIT_TIMEOUTS]) {
          for (const action of LIMITING_ACTIONS) {
            const result = parseStackConfig(withOneLimit("dev", plan, { period, timeout, action }));
            const takes = apiTakesPeriod(plan, period) && (timeout === undefined || apiTakesTimeout(plan, action, timeout));
            expect(result.ok, `${plan}: ${action} over ${period} s for ${timeout ?? "the default"} s`).toBe(takes);
            if (!result.ok) {
              expect(result.problems.every((p) => /^launch-ready:edge\.endpoints\[\d+\]\.(period|timeout)$/.test(p.path))).toBe(true);
              continue;
            }
            const rules = rateLimitRulesetSpec(result.config)!.rules;
            expect(rules).toHaveLength(1);
            for (const rule of rules) expect(apiTakes(plan, rule as never), JSON.stringify(rule.ratelimit)).toBe(true);
            expect(failures(edgeRateLimit.checkStack!(declared(result.config), { config: result.config }))).toEqual([]);
            planned++;
          }
        }
      }
      expect(planned).toBeGreaterThan(0);
    },
    60_000,
  );

  test("a challenge action below Enterprise is planned with timeout 0; block with a duration the plan takes", () => {
    for (const plan of ZONE_PLANS) {
      const period = RATE_LIMIT_PERIODS.find((p) => apiTakesPeriod(plan, p))!;
      const [challenge] = rateLimitRulesetSpec(parsed(withOneLimit("dev", plan, { period, action: "managed_challenge" })))!.rules;
      expect(challenge.ratelimit?.mitigationTimeout, plan).toBe(plan === "enterprise" ? period : 0);
      const [block] = rateLimitRulesetSpec(parsed(withOneLimit("dev", plan, { period, action: "block" })))!.rules;
      expect(apiTakesTimeout(plan, "block", block.ratelimit!.mitigationTimeout), plan).toBe(true);
    }
  });

  test("EDGE-RATE-LIMIT judges declared rules by the same data: a challenge mitigating 60 s on Pro fails, naming timeout 0", () => {
    const config = parsed(withOneLimit("prod", "pro", { period: 60, action: "managed_challenge" }));
    const resources = declared(config).map((r) =>
      r.props.phase === "http_ratelimit"
        ? { ...r, props: { ...r.props, rules: (r.props.rules as any[]).map((rule) => ({ ...rule, ratelimit: { ...rule.ratelimit, mitigationTimeout: 60 } })) } }
        : r,
    );
    const [found] = failures(edgeRateLimit.checkStack!(resources, { config }));
    expect(found.message).toContain("mitigates for 60 s");
    expect(found.message).toContain("write timeout: 0");
    expect(found.configPath).toMatch(/^launch-ready:edge\.endpoints\[\d+\]\.timeout$/);
  });
});

describe("a refused value comes with one the zone's plan takes", () => {
  /** The value an example suggests for a key ("period: 10   # ..." → 10). */
  const suggested = (problem: ConfigProblem, key: string) => Number(new RegExp(`^${key}: (\\d+)`).exec(problem.example)?.[1]);

  test("Free: a 60 s period suggests 10, never 60, and the suggestion is taken", () => {
    const raw = exampleConfig("dev");
    expect(raw["launch-ready:zone"].plan).toBe("free");
    raw["launch-ready:edge"].endpoints[0].period = 60;
    const [problem] = refused(raw);
    expect(problem.path).toBe("launch-ready:edge.endpoints[0].period");
    expect(problem.example).not.toMatch(/period: 60\b/);
    const value = suggested(problem, "period");
    expect(apiTakesPeriod("free", value)).toBe(true);
    raw["launch-ready:edge"].endpoints[0].period = value;
    expect(parseStackConfig(raw).ok).toBe(true);
  });

  test("Pro: a 600 s period and a one-day timeout suggest values Pro takes", () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:edge"].endpoints[0].period = 600;
    raw["launch-ready:edge"].endpoints[0].timeout = 86400;
    const problems = refused(raw);
    const period = problems.find((p) => p.path === "launch-ready:edge.endpoints[0].period")!;
    const timeout = problems.find((p) => p.path === "launch-ready:edge.endpoints[0].timeout")!;
    expect(apiTakesPeriod("pro", suggested(period, "period"))).toBe(true);
    expect(apiTakesTimeout("pro", "block", suggested(timeout, "timeout"))).toBe(true);
  });

  test("a managed challenge with a duration below Enterprise suggests timeout 0", () => {
    const raw = withOneLimit("dev", "free", { period: 10, timeout: 10, action: "managed_challenge" });
    const [problem] = refused(raw);
    expect(problem.path).toMatch(/\.timeout$/);
    expect(suggested(problem, "timeout")).toBe(0);
    expect(problem.message).toContain("only throttles");
  });
});

describe("AI endpoints are rate limited: every call costs money", () => {
  const aiIndex = (config: LaunchReadyConfig) => config.performance.endpoints.find((e) => e.kind === "ai")!;

  test.each(["dev", "prod"])("the %s example limits its AI endpoint", (stack) => {
    const config = parsed(exampleConfig(stack));
    expect(config.performance.endpoints.some((e) => e.kind === "ai")).toBe(true);
    expect(failures(edgeRateLimit.checkStack!(declared(config), { config }))).toEqual([]);
  });

  test.each(["dev", "prod"])("%s: without its edge endpoint the AI endpoint fails, and the suggested endpoint fixes it", (stack) => {
    const raw = exampleConfig(stack);
    raw["launch-ready:edge"].endpoints = raw["launch-ready:edge"].endpoints.filter((e: { kind: string }) => e.kind !== "ai");
    const config = parsed(raw);
    const ai = aiIndex(config);
    const found = failures(edgeRateLimit.checkStack!(declared(config), { config }));
    expect(found.map((f) => f.configPath)).toEqual([`launch-ready:performance.endpoints[${ai.index}]`]);
    expect(found[0].message).toContain(`${ai.method} ${ai.url} (ai) meets no rate-limit rule`);
    const suggestion = /add (\{ kind: ai, [^}]*\})/.exec(found[0].message)![1];
    const fields = Object.fromEntries(
      suggestion
        .slice(2, -2)
        .split(", ")
        .map((pair) => pair.split(": "))
        .map(([key, value]) => [key, /^\d+$/.test(value) ? Number(value) : value]),
    );
    raw["launch-ready:edge"].endpoints.push(fields);
    const fixed = parsed(raw);
    expect(failures(edgeRateLimit.checkStack!(declared(fixed), { config: fixed }))).toEqual([]);
  });
});

describe("waivers cover what they name", () => {
  const waiver = (extra: Record<string, unknown>) => ({
    id: "EDGE-RATE-LIMIT",
    reason: "Auth is served by Supabase until the migration",
    owner: "cto@example.com",
    expires: "2027-03-31",
    ...extra,
  });
  /** Every resource but the rate-limit ruleset: each endpoint then meets no rule. */
  const withoutRateLimits = (config: LaunchReadyConfig) => declared(config).filter((r) => r.props.phase !== "http_ratelimit");
  const rateLimitResults = async (config: LaunchReadyConfig) =>
    (await evaluateBar([edgeRateLimit], withoutRateLimits(config), { config }, DAY)).filter((r) => r.id === "EDGE-RATE-LIMIT");
  const about = (results: BarResult[], path: string) => results.filter((r) => r.configPath === path).map((r) => r.status);

  test("a waiver for one endpoint hides its failure and not another endpoint's", async () => {
    const raw = exampleConfig("prod");
    const plain = parsed(raw);
    const login = plain.edge.endpoints.find((e) => e.kind === "login")!;
    const webhook = plain.edge.endpoints.find((e) => e.kind === "webhook")!;
    raw["launch-ready:waivers"] = [waiver({ target: `${login.host}${login.path}` })];
    const results = await rateLimitResults(parsed(raw));
    expect(about(results, `launch-ready:edge.endpoints[${login.index}]`)).toEqual(["waived"]);
    expect(about(results, `launch-ready:edge.endpoints[${webhook.index}]`)).toEqual(["fail"]);
    expect(results.filter((r) => r.status === "waived")).toHaveLength(1);
  });

  test("a waiver for a kind the product lacks hides that kind's failure only", async () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:edge"].endpoints = raw["launch-ready:edge"].endpoints.filter((e: { kind: string }) => e.kind !== "signup" && e.kind !== "password-reset");
    raw["launch-ready:waivers"] = [waiver({ target: "signup" })];
    const config = parsed(raw);
    const results = (await evaluateBar([edgeRateLimit], declared(config), { config }, DAY)).filter((r) => r.status !== "pass");
    expect(results.map((r) => [r.status, r.finding ?? r.message])).toEqual([
      ["waived", expect.stringContaining("no signup endpoint")],
      ["fail", expect.stringContaining("no password-reset endpoint")],
    ]);
  });

  test("a host waiver covers a DNS failure about that host, not one about another", async () => {
    const config = parsed(exampleConfig("prod"));
    const [api, admin] = ["api", "admin"].map((purpose) => config.hosts.find((h) => h.purpose === purpose)!);
    const records: DeclaredResource[] = [api, admin].map((host) => ({
      urn: `urn:pulumi:test::launch-ready::cloudflare:index/dnsRecord:DnsRecord::${host.fqdn}`,
      type: DNS_RECORD,
      name: host.fqdn,
      props: { name: host.fqdn, type: "CNAME", content: "origin.example.net", proxied: false },
    }));
    const raw = exampleConfig("prod");
    raw["launch-ready:waivers"] = [{ ...waiver({ target: admin.fqdn }), id: "DNS-PROXIED" }];
    const results = (await evaluateBar([dnsProxied], records, { config: parsed(raw) }, DAY)).filter((r) => r.id === "DNS-PROXIED");
    expect(about(results, `launch-ready:hosts[${admin.index}].proxied`)).toEqual(["waived"]);
    expect(about(results, `launch-ready:hosts[${api.index}].proxied`)).toEqual(["fail"]);
  });

  test("a path target covers what is below it, a host its endpoints; names and kinds compare whole", () => {
    expect(targetCovers("hosts[4]", ["launch-ready:hosts[4].proxied"])).toBe(true);
    expect(targetCovers("launch-ready:edge.endpoints", ["launch-ready:edge.endpoints[2]"])).toBe(true);
    expect(targetCovers("hosts[1]", ["launch-ready:hosts[10]"])).toBe(false);
    expect(targetCovers("API.example.com.", ["api.example.com/auth/login"])).toBe(true);
    expect(targetCovers("https://api.example.com/auth/login", ["api.example.com/auth/login"])).toBe(true);
    expect(targetCovers("api.example.com/auth/login", ["api.example.com/auth/signup"])).toBe(false);
    expect(targetCovers("ai", ["ai.example.com"])).toBe(false);
    expect(targetCovers("example.com", ["www.example.com"])).toBe(false);
  });

  test("a target naming nothing the stack declares is a config error at the waiver's path", () => {
    const config = parsed(exampleConfig("prod"));
    for (const target of [`edge.endpoints[${config.edge.endpoints.length + 5}]`, `nowhere.${config.zone.domain}`, "api.example.com.invalid/login"]) {
      const raw = exampleConfig("prod");
      raw["launch-ready:waivers"] = [waiver({ target })];
      expect(
        refused(raw).map((p) => p.path),
        target,
      ).toEqual(["launch-ready:waivers[0].target"]);
    }
    for (const target of [
      "edge.endpoints[0]",
      "launch-ready:hosts[0].proxied",
      config.hosts[0].fqdn,
      "signup",
      `https://${config.edge.endpoints[0].host}${config.edge.endpoints[0].path}`,
    ]) {
      const raw = exampleConfig("prod");
      raw["launch-ready:waivers"] = [waiver({ target })];
      expect(parseStackConfig(raw).ok, target).toBe(true);
    }
  });

  test("the same ID may be waived once per target, not twice for one", () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:waivers"] = [waiver({ target: "signup" }), waiver({ target: "password-reset" })];
    expect(parseStackConfig(raw).ok).toBe(true);
    raw["launch-ready:waivers"].push(waiver({ target: "SIGNUP" }));
    expect(refused(raw).map((p) => p.path)).toEqual(["launch-ready:waivers[2].target"]);
  });

  test("a waiver of the whole ID still covers every failure, and says how many it hides", async () => {
    const raw = exampleConfig("prod");
    const unwaived = await rateLimitResults(parsed(raw));
    const failed = unwaived.filter((r) => r.status === "fail");
    expect(failed.length).toBeGreaterThan(1);
    raw["launch-ready:waivers"] = [waiver({})];
    const results = await rateLimitResults(parsed(raw));
    expect(results.filter((r) => r.status === "fail")).toEqual([]);
    expect(results.filter((r) => r.status === "waived").map((r) => r.finding)).toEqual(failed.map((r) => r.message));
    const [use] = waiverUses(results);
    expect(use).toMatchObject({ at: "launch-ready:waivers[0]", id: "EDGE-RATE-LIMIT", hides: failed.length });
    expect(use.summary).toContain(`the waiver for EDGE-RATE-LIMIT hides ${failed.length} failures: ${failed[0].message}`);
  });

  test("the plan says what a whole-ID waiver hides, in text and --json", async () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:edge"].endpoints = raw["launch-ready:edge"].endpoints.filter((e: { kind: string }) => e.kind !== "signup" && e.kind !== "password-reset");
    raw["launch-ready:waivers"] = [waiver({})];
    const path = join(scratchDir("launch-ready-waivers-"), "Pulumi.waived.yaml");
    writeFileSync(path, stringify({ config: raw }));
    const json = await runInProcess(planVerb, ["--config", path, "--json"], { failedAs: "plan failed" });
    expect(json.stderr).toBe("");
    const report = JSON.parse(json.stdout) as PlanReport;
    const hidden = report.bar.filter((r) => r.id === "EDGE-RATE-LIMIT" && r.status === "waived");
    expect(hidden.length).toBe(2);
    expect(report.waivers).toEqual([expect.objectContaining({ at: "launch-ready:waivers[0]", hides: hidden.length, findings: hidden.map((r) => r.finding) })]);
    const text = await runInProcess(planVerb, ["--config", path], { failedAs: "plan failed" });
    expect(text.stdout).toContain(`launch-ready:waivers[0]: the waiver for EDGE-RATE-LIMIT hides ${hidden.length} failures: ${hidden[0].finding}`);
  });

  test("a waiver whose ID passes is said to hide nothing", async () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:waivers"] = [waiver({})];
    const config = parsed(raw);
    const [result] = (await evaluateBar([edgeRateLimit], declared(config), { config }, DAY)).filter((r) => r.id === "EDGE-RATE-LIMIT");
    expect(result.status).toBe("pass");
    expect(result.message).toContain("the waiver for EDGE-RATE-LIMIT hides nothing and can go");
  });
});

describe("endpoints another provider serves and limits", () => {
  const supabase = {
    provider: "Supabase",
    url: "https://xyz.supabase.co/auth/v1/signup",
    limits: "Supabase Auth rate limits, dashboard > Auth > Rate Limits",
  };
  /** prod with its signup served by Supabase instead of its own API. */
  function external(): { raw: Record<string, any>; config: LaunchReadyConfig } {
    const raw = exampleConfig("prod");
    raw["launch-ready:edge"].endpoints = raw["launch-ready:edge"].endpoints.map((e: { kind: string }) =>
      e.kind === "signup" ? { kind: "signup", external: supabase } : e,
    );
    return { raw, config: parsed(raw) };
  }

  test("count as covered by their provider, with no Cloudflare rule and no waiver", async () => {
    const { config } = external();
    expect(config.edge.externalEndpoints).toEqual([expect.objectContaining({ kind: "signup", ...supabase })]);
    expect(config.edge.endpoints.some((e) => e.kind === "signup")).toBe(false);
    const rules = rateLimitRulesetSpec(config)!.rules;
    expect(rules.some((rule) => rule.expression.includes("/auth/v1/signup"))).toBe(false);
    expect(config.waivers).toEqual([]);
    const [result] = (await evaluateBar([edgeRateLimit], declared(config), { config }, DAY)).filter((r) => r.id === "EDGE-RATE-LIMIT");
    expect(result.status).toBe("pass");
    expect(result.message).toContain(`signup at ${supabase.url} is limited by Supabase: ${supabase.limits}`);
  });

  test("without them, the same kind fails: the provider's endpoint is what covers it", () => {
    const { raw } = external();
    raw["launch-ready:edge"].endpoints = raw["launch-ready:edge"].endpoints.filter((e: { kind: string }) => e.kind !== "signup");
    const config = parsed(raw);
    expect(failures(edgeRateLimit.checkStack!(declared(config), { config })).map((f) => f.message)).toEqual([
      expect.stringContaining("no signup endpoint is declared"),
    ]);
  });

  test("an external endpoint needs who limits it; a half-written one names what is missing", () => {
    const raw = exampleConfig("prod");
    raw["launch-ready:edge"].endpoints.push({ kind: "signup", external: { provider: "Supabase", url: supabase.url } });
    const index = raw["launch-ready:edge"].endpoints.length - 1;
    expect(refused(raw).map((p) => [p.path, p.message])).toEqual([[`launch-ready:edge.endpoints[${index}].external.limits`, "is missing"]]);
  });

  test("the handover lists them with their provider and where the limit is set", () => {
    const { config } = external();
    const file = exampleStack("prod");
    const text = renderHandoverSection({
      stack: "prod",
      stackFile: "stacks/Pulumi.prod.yaml",
      command: "npm run handover -- --stack prod",
      project: KIT_NAME,
      policyPack: "policies",
      config,
      encryption: file.encryption,
      hasSecureValues: file.secureValues.length > 0,
    });
    expect(text).toContain(`| ${supabase.url} | signup | Supabase | ${supabase.limits} |`);
  });
});
