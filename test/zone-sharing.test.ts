/**
 * One zone, several environments: staging.example.com lives in production's zone. The example
 * stacks are planned together; every staging host must meet its rules in prod's rulesets, no
 * object may be managed by both, and what would collide is refused naming both stacks.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { redirectRuleSpecs } from "../components/site-records";
import { zoneWideSpecs } from "../components/zone-share";
import type { SampleRequest } from "../domain/cloudflare/rules-language";
import { DNS_RECORD, RULESET, ZONE_SETTING } from "../domain/resource-types";
import { evaluateBar } from "../policies/bar";
import { ruleMatches } from "../policies/declared/rulesets";
import { BAR_RULES } from "../policies/rules";
import { opsProtect } from "../policies/rules/ops-protect";
import { contextForStackFile } from "../policies/stack-context";
import { handover } from "../scripts/commands/handover";
import { plan } from "../scripts/commands/plan";
import { ConfigRefused, planStack } from "../scripts/plan/plan-stack";
import type { PlanReport } from "../scripts/plan/plan-report";
import { stackFilePath, type PulumiProject } from "../stacks/project";
import { readStackFile } from "../stacks/stack-file";
import { resolveZoneGroup } from "../stacks/zone-group";
import { exampleStack, FIXTURE_PROJECT, runInProcess, scratchProject } from "./helpers";

const ON = "2026-12-02";

function editStack(project: PulumiProject, stack: string, edit: (text: string) => string): void {
  const path = stackFilePath(project, stack);
  const before = readFileSync(path, "utf8");
  const after = edit(before);
  expect(after, `the edit of ${stack} changed nothing`).not.toBe(before);
  writeFileSync(path, after);
}

async function refusal(project: PulumiProject, stack: string): Promise<Array<{ path: string; message: string }>> {
  try {
    await planStack(readStackFile(stackFilePath(project, stack)), { on: ON });
  } catch (error) {
    if (error instanceof ConfigRefused) return error.problems;
    throw error;
  }
  throw new Error(`stack ${stack} planned, but it should have been refused`);
}

/** Cloudflare objects a plan declares, by what makes each one unique in a zone. */
function zoneObjects(report: PlanReport): string[] {
  return report.resources.flatMap((resource) => {
    const inputs = resource.inputs as Record<string, unknown>;
    if (resource.type === DNS_RECORD) return [`record ${inputs.name} ${inputs.type} ${inputs.content ?? JSON.stringify(inputs.data)}`];
    if (resource.type === RULESET) return [`ruleset ${inputs.phase}`];
    if (resource.type === ZONE_SETTING) return [`setting ${inputs.settingId}`];
    return [];
  });
}

describe("the example staging stack in production's zone", async () => {
  // One at a time: an offline run holds the Pulumi runtime's process-wide state.
  const prod = await planStack(exampleStack("prod"), { on: ON });
  const staging = await planStack(exampleStack("staging"), { on: ON });

  test("both plan clean, on the same zone ID", () => {
    for (const report of [prod, staging])
      expect(
        report.bar.filter((r) => r.status === "fail"),
        report.stack,
      ).toEqual([]);
    const zoneIds = new Set(
      [prod, staging].flatMap((r) => r.resources.filter((x) => x.type === DNS_RECORD).map((x) => (x.inputs as { zoneId: string }).zoneId)),
    );
    expect([...zoneIds]).toEqual(["023e105f4ecef8ad9ca31a8372d0c353"]);
  });

  test("no object is managed by both, and staging declares nothing zone-wide", () => {
    const ofProd = new Set(zoneObjects(prod));
    const ofStaging = zoneObjects(staging);
    expect(ofStaging.length).toBeGreaterThan(0);
    expect(ofStaging.filter((object) => ofProd.has(object))).toEqual([]);
    expect(ofStaging.filter((object) => !object.startsWith("record "))).toEqual([]);
    // Not even at one name with another value: every staging record sits under staging.example.com.
    const prodNames = new Set(prod.resources.filter((r) => r.type === DNS_RECORD).map((r) => (r.inputs as { name: string }).name));
    for (const record of staging.resources.filter((r) => r.type === DNS_RECORD)) {
      const name = (record.inputs as { name: string }).name;
      expect(name).toMatch(/(^|\.)staging\.example\.com$/);
      expect(prodNames.has(name)).toBe(false);
    }
  });

  test("prod's rulesets carry every staging host's rules, scoped to staging's hosts", () => {
    const rulesets = new Map(
      prod.resources.filter((r) => r.type === RULESET).map((r) => [(r.inputs as { phase: string }).phase, r.inputs as { rules: any[] }]),
    );
    const first = (phase: string, request: SampleRequest, accept: (rule: any) => boolean = () => true) =>
      rulesets.get(phase)!.rules.filter((rule) => {
        const match = ruleMatches(rule, request);
        return "matched" in match && match.matched && accept(rule);
      });
    // Admin protection for admin.staging, and only staging's rule speaks for it beside none of prod's.
    const admin = first("http_request_firewall_custom", { host: "admin.staging.example.com", path: "/" });
    expect(admin.map((rule) => rule.ref)).toEqual(["staging-admin-challenge-admin-staging-example-com"]);
    expect(first("http_request_firewall_custom", { host: "admin.example.com", path: "/" }).map((rule) => rule.ref)).toEqual([
      "admin-challenge-admin-example-com",
    ]);
    // The API host of staging is never cached: the last matching cache rule (the one that wins) bypasses.
    const cache = first("http_request_cache_settings", { host: "api.staging.example.com", path: "/assets/app.css" });
    expect(cache.at(-1)?.actionParameters).toEqual({ cache: false });
    const page = first("http_request_cache_settings", { host: "staging.example.com", path: "/assets/app.css" });
    expect(page.at(-1)?.actionParameters?.cache).toBe(true);
    // Security headers reach staging's HTML answers.
    const html = { host: "staging.example.com", path: "/", response: { contentType: "text/html" } };
    expect(first("http_response_headers_transform", html, (rule) => rule.ref.startsWith("staging-")).length).toBe(3);
    // Every staging endpoint meets a rate limit.
    const config = readStackFile(stackFilePath(FIXTURE_PROJECT, "staging")).config["launch-ready:edge"] as { endpoints: Array<{ path: string }> };
    for (const endpoint of config.endpoints) {
      expect(first("http_ratelimit", { host: "api.staging.example.com", path: endpoint.path }).length, endpoint.path).toBeGreaterThan(0);
    }
  });

  test("the plans say who owns the zone and the order to deploy in", async () => {
    expect(staging.zone).toMatchObject({ name: "example.com", owner: "prod", members: [{ stack: "staging", domain: "staging.example.com" }] });
    expect(prod.zone).toEqual(staging.zone);
    const text = await runInProcess(plan, ["--stack", "staging"]);
    expect(text.stdout).toContain("Zone example.com is owned by stack prod");
    expect(text.stdout).toContain("Deploy order: `pulumi up --stack prod` first");
  });

  test("the handover says which stack owns what", async () => {
    const project = scratchProject();
    const result = await runInProcess(handover, ["--stack", "staging"], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const document = readFileSync(`${project.dir}/HANDOVER.md`, "utf8");
    expect(document).toContain("### Zone ownership");
    expect(document).toContain("Stack `prod` owns the Cloudflare zone `example.com`");
    expect(document).toMatch(/\| `staging` \| staging\.example\.com \| its own records, secrets and monitors; its \d+ edge rules/);
  });
});

describe("what two stacks would both manage is refused, naming both", () => {
  test("a second stack owning production's zone", async () => {
    const project = scratchProject();
    // Owning its zone again, as if it were alone: its own canonical pair under staging.example.com.
    editStack(project, "staging", (text) =>
      text
        .replace("    owner: prod\n", "")
        .replace(
          "  launch-ready:hosts:\n",
          "  launch-ready:canonical: { host: apex }\n  launch-ready:hosts:\n    - { name: www, target: staging.example.com, purpose: web }\n",
        ),
    );
    const problems = await refusal(project, "staging");
    expect(problems, JSON.stringify(problems)).toEqual([
      expect.objectContaining({ path: "launch-ready:zone.zoneId", message: expect.stringContaining("which stack prod (") }),
    ]);
    expect(problems[0].message).toContain("its zone settings");
    // And the owner's own plan refuses it too, naming staging: neither may be applied.
    const ofProd = await refusal(project, "prod");
    expect(ofProd[0].message).toContain("which stack staging (");
  });

  test("the policy pack refuses the same pair (OPS-PROTECT), whatever program declared the resources", () => {
    const project = scratchProject();
    editStack(project, "staging", (text) => text.replace("    owner: prod\n", ""));
    const verdicts = opsProtect.checkStack!([], contextForStackFile(readStackFile(stackFilePath(project, "prod"))));
    expect(verdicts).toEqual([
      expect.objectContaining({ status: "fail", configPath: "launch-ready:zone.zoneId", message: expect.stringContaining("stack staging") }),
    ]);
  });

  test("a record name both stacks declare", async () => {
    const project = scratchProject();
    editStack(project, "prod", (text) =>
      text.replace("    - name: docs\n", "    - name: api.staging.example.com\n      target: example-api.fly.dev\n      purpose: api\n    - name: docs\n"),
    );
    const ofProd = await refusal(project, "prod");
    const ofStaging = await refusal(project, "staging");
    expect(ofProd, JSON.stringify(ofProd)).toContainEqual(
      expect.objectContaining({ message: expect.stringMatching(/^declares records at api\.staging\.example\.com, which stack staging/) }),
    );
    expect(ofStaging).toContainEqual(
      expect.objectContaining({
        path: "launch-ready:hosts[1]",
        message: expect.stringMatching(/^declares records at api\.staging\.example\.com, which stack prod/),
      }),
    );
  });

  test("zone-wide settings in a member stack, with why", async () => {
    const project = scratchProject();
    editStack(project, "staging", (text) => text.replace("  launch-ready:hosts:\n", "  launch-ready:tls:\n    hsts: { maxAge: 300 }\n  launch-ready:hosts:\n"));
    const problems = await refusal(project, "staging");
    expect(problems).toEqual([expect.objectContaining({ path: "launch-ready:tls", message: expect.stringContaining("stack prod owns this zone") })]);
    expect(problems[0].message).toContain("includeSubdomains");
  });

  test("an owner that is missing, elsewhere, or a member itself; a domain that is not a subdomain of the owner's", async () => {
    const cases: Array<[string, (text: string) => string, string, RegExp]> = [
      [
        "no such owner",
        (t) => t.replace("owner: prod", "owner: production"),
        "launch-ready:zone.owner",
        /no stack file Pulumi\.production\.yaml.*owned by prod/,
      ],
      [
        "the apex itself",
        (t) => t.replace("domain: staging.example.com", "domain: example.com"),
        "launch-ready:zone.domain",
        /write domain: staging\.example\.com/,
      ],
      ["another plan", (t) => t.replace("    plan: pro\n", "    plan: business\n"), "launch-ready:zone.plan", /the zone is on the pro plan/],
      [
        "another zone",
        (t) => t.replace("zoneId: 023e105f4ecef8ad9ca31a8372d0c353", `zoneId: ${"a".repeat(32)}`),
        "launch-ready:zone.zoneId",
        /write its zone ID/,
      ],
    ];
    for (const [what, edit, path, message] of cases) {
      const project = scratchProject();
      editStack(project, "staging", edit);
      const problems = await refusal(project, "staging");
      expect(problems, `${what}: ${JSON.stringify(problems)}`).toContainEqual(expect.objectContaining({ path, message: expect.stringMatching(message) }));
    }
  });

  test("rules the zone's plan cannot hold once every stack's are counted", async () => {
    const project = scratchProject();
    // Pro allows two rate-limit rules, and prod's endpoints use both limits: a third limit has no rule left.
    // Each stack alone needs two; together three.
    editStack(project, "staging", (text) => text.replaceAll("requests: 10, period: 60, timeout: 600", "requests: 5, period: 60, timeout: 600"));
    const problems = await refusal(project, "staging");
    expect(problems, JSON.stringify(problems)).toContainEqual(
      expect.objectContaining({
        path: "launch-ready:edge.endpoints",
        message: expect.stringMatching(/needs 3 rate-limit rules in the zone's one http_ratelimit ruleset .*staging: 5\/60s/),
      }),
    );
    expect((await refusal(project, "prod")).map((p) => p.path)).toContain("launch-ready:edge.endpoints");
  });
});

describe("the zone's rules, from the stacks' configs", () => {
  test("a member's rules never match the owner's hosts, and the owner's specs are unchanged without members", () => {
    const project = FIXTURE_PROJECT;
    const prodFile = readStackFile(stackFilePath(project, "prod"));
    const stagingFile = readStackFile(stackFilePath(project, "staging"));
    const prodContext = contextForStackFile(prodFile);
    const group = prodContext.zone!.group!;
    expect(group.members.map((m) => m.stack)).toEqual(["staging"]);
    const alone = zoneWideSpecs({ owner: group.owner, members: [] });
    const shared = zoneWideSpecs(group);
    expect(alone.redirects).toEqual(redirectRuleSpecs(group.owner.config));
    for (const ruleset of shared.rulesets) {
      for (const rule of ruleset.rules.filter((r) => r.ref.startsWith("staging-"))) {
        for (const host of group.owner.config.hosts) {
          const match = ruleMatches(rule, { host: host.fqdn, path: "/auth/login", response: { contentType: "text/html" } });
          expect("matched" in match && match.matched, `${rule.ref} on ${host.fqdn}`).toBe(false);
        }
      }
    }
    // The member's side reads the same group.
    const fromStaging = resolveZoneGroup({ stack: "staging", path: stagingFile.path, config: group.members[0].config }, [prodFile]);
    expect(fromStaging.ok && fromStaging.group.owner.stack).toBe("prod");
  });

  test("the member is judged against the owner's zone settings: a weaker owner fails the member's bar too", async () => {
    const project = scratchProject();
    editStack(project, "prod", (text) => text.replace("    ssl: strict\n", "    ssl: flexible\n"));
    const file = readStackFile(stackFilePath(project, "staging"));
    const context = contextForStackFile(file);
    const results = await evaluateBar(BAR_RULES, [], { ...context, config: context.config! }, ON);
    expect(results).toContainEqual(expect.objectContaining({ id: "TLS-STRICT", status: "fail" }));
  });
});
