/**
 * One zone, several environments: staging.example.com lives in production's zone. The example
 * stacks are planned together; every staging host must meet its rules in prod's rulesets, no
 * object may be managed by both, and what would collide is refused naming both stacks.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { launchReadyProgram } from "../components/program";
import { redirectRuleSpecs } from "../components/site-records";
import { zoneShareProblems, zoneWideSpecs } from "../components/zone-share";
import { MAX_STACK_RECORDS, zoneRecordCount } from "../components/zone-records";
import type { SampleRequest } from "../domain/cloudflare/rules-language";
import { ZONE_PLAN_LIMITS } from "../domain/cloudflare/zone-plans";
import { DNS_RECORD, RULESET, ZONE_SETTING } from "../domain/resource-types";
import { evaluateBar } from "../policies/bar";
import { ruleMatches } from "../policies/declared/rulesets";
import { BAR_RULES } from "../policies/rules";
import { opsProtect } from "../policies/rules/ops-protect";
import { contextForStackFile } from "../policies/stack-context";
import { handover } from "../scripts/commands/handover";
import { plan } from "../scripts/commands/plan";
import { cliConfig, ConfigRefused, planStack } from "../scripts/plan/plan-stack";
import { renderPlanText, type PlanReport } from "../scripts/plan/plan-report";
import { stackFilePath, type PulumiProject } from "../stacks/project";
import { readStackFile, siblingStackFiles } from "../stacks/stack-file";
import { resolveZoneGroup } from "../stacks/zone-group";
import { parseStackConfig } from "../stacks/stack-config";
import { exampleConfig, exampleStack, FIXTURE_PROJECT, parsedExample, runInProcess, scratchProject } from "./helpers";

const ON = "2026-12-02";

function editStack(project: PulumiProject, stack: string, edit: (text: string) => string): void {
  const path = stackFilePath(project, stack);
  const before = readFileSync(path, "utf8");
  const after = edit(before);
  expect(after, `the edit of ${stack} changed nothing`).not.toBe(before);
  writeFileSync(path, after);
}

/** Staging owning its zone again, as if it were alone: its own canonical pair under staging.example.com. */
function owningAgain(text: string): string {
  return text
    .replace("    owner: prod\n", "")
    .replace("    edgeCertificate: advanced\n", "")
    .replace(
      "  launch-ready:hosts:\n",
      "  launch-ready:canonical: { host: apex }\n  launch-ready:hosts:\n    - { name: www, target: staging.example.com, purpose: web }\n",
    );
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
    expect(admin.map((rule) => rule.ref)).toEqual(["staging--admin-challenge-admin-staging-example-com"]);
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
    expect(first("http_response_headers_transform", html, (rule) => rule.ref.startsWith("staging--")).length).toBe(3);
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
  test("the owner declaring a name under a member's domain, or mail there through SES", async () => {
    const project = scratchProject();
    editStack(project, "prod", (text) =>
      text.replace("    - name: docs\n", "    - name: old.staging.example.com\n      target: legacy.example.net\n      purpose: other\n    - name: docs\n"),
    );
    expect(await refusal(project, "prod")).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(/^declares records at old\.staging\.example\.com, under staging\.example\.com, which stack staging owns/),
      }),
    );
    expect(await refusal(project, "staging")).toContainEqual(
      expect.objectContaining({ path: "launch-ready:zone.domain", message: expect.stringContaining("stack prod (") }),
    );
    const ses = scratchProject();
    editStack(ses, "prod", (text) =>
      text.replace("    senders:\n", "    senders:\n      - { provider: amazon-ses, ses: { region: us-east-1, mailFrom: staging } }\n"),
    );
    expect(await refusal(ses, "staging")).toContainEqual(expect.objectContaining({ message: expect.stringContaining("records at staging.example.com") }));
  });

  test("an external endpoint on the stack's own domain: the zone sees its requests, so it limits them", () => {
    const config = exampleConfig("prod");
    config["launch-ready:edge"].endpoints[0] = {
      kind: "login",
      external: { provider: "Ourselves", url: "https://api.example.com/auth/login", limits: "the app limits it" },
    };
    const parsed = parseStackConfig(config);
    expect(parsed.ok === false && parsed.problems).toEqual([
      expect.objectContaining({
        path: "launch-ready:edge.endpoints[0].external.url",
        example: "- { kind: login, host: api, path: /auth/login, requests: 10, period: 10 }",
      }),
    ]);
  });

  test("a second stack owning production's zone", async () => {
    const project = scratchProject();
    editStack(project, "staging", owningAgain);
    const problems = await refusal(project, "staging");
    expect(problems, JSON.stringify(problems)).toEqual([
      expect.objectContaining({ path: "launch-ready:zone.zoneId", message: expect.stringContaining("which stack prod (") }),
    ]);
    expect(problems[0].message).toContain("its zone settings");
    // The advice keeps production the owner, whichever stack is planned.
    expect(problems[0].message).toContain("Keep one owner, prod: in this stack's file write zone.owner: prod and zone.domain: staging.example.com");
    // And the owner's own plan refuses it too, naming staging: neither may be applied.
    const ofProd = await refusal(project, "prod");
    expect(ofProd[0].message).toContain("which stack staging (");
  });

  test("the policy pack refuses the same pair (OPS-PROTECT), whatever program declared the resources", () => {
    const project = scratchProject();
    editStack(project, "staging", owningAgain);
    const verdicts = opsProtect.checkStack!([], contextForStackFile(readStackFile(stackFilePath(project, "prod"))));
    expect(verdicts).toEqual([
      expect.objectContaining({ status: "fail", configPath: "launch-ready:zone.zoneId", message: expect.stringContaining("which stack staging (") }),
    ]);
    expect(verdicts[0].status === "fail" && verdicts[0].message).toContain("also owns");
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

  test("a member's names past Universal SSL, unless the owner orders them a certificate", async () => {
    const project = scratchProject();
    editStack(project, "staging", (text) => text.replace("    edgeCertificate: advanced\n", ""));
    const problems = await refusal(project, "staging");
    // staging.example.com itself is one label below the zone; api. and admin. are two.
    expect(problems.map((p) => p.path)).toEqual(["launch-ready:hosts[1].name", "launch-ready:hosts[2].name"]);
    expect(problems[0].message).toContain("Universal SSL certificate (example.com, *.example.com) does not reach");
    const prod = await planStack(exampleStack("prod"), { on: ON });
    const certificate = prod.resources.find((r) => r.type === "cloudflare:index/certificatePack:CertificatePack");
    expect(certificate?.inputs).toMatchObject({
      type: "advanced",
      hosts: ["example.com", "staging.example.com", "*.staging.example.com"],
      validationMethod: "txt",
    });
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

/** Another member beside staging: alpha.example.com, with no admin host of its own. */
function addAlpha(project: PulumiProject): void {
  const staging = readFileSync(stackFilePath(project, "staging"), "utf8");
  const alpha = staging
    .replaceAll("staging.example.com", "alpha.example.com")
    .replace("launch-ready:environment: staging", "launch-ready:environment: development")
    .replace(/ {4}- name: admin\n {6}target: \S+\n {6}purpose: admin\n/, "");
  writeFileSync(stackFilePath(project, "alpha"), alpha);
}

describe("the zone's rules, from the stacks' configs", () => {
  test("a phase only a later member uses keeps every member's rules, whatever the first member declares", () => {
    const project = scratchProject();
    addAlpha(project);
    // Prod without an admin host, and without Super Bot Fight Mode to skip for webhooks, has no WAF custom rules of its own; alpha has none either.
    editStack(project, "prod", (text) =>
      text.replace(/ {4}- name: admin\n {6}target: \S+\n {6}purpose: admin\n( {6}platform: \S+\n)?/, "").replace(/ {4}bots:\n {6}superBotFightMode: .*\n/, ""),
    );
    const group = contextForStackFile(readStackFile(stackFilePath(project, "prod"))).zone!.group!;
    expect(group.members.map((m) => m.stack)).toEqual(["alpha", "staging"]);
    const custom = zoneWideSpecs(group).rulesets.find((r) => r.phase === "http_request_firewall_custom");
    expect(custom?.rules.map((r) => r.ref)).toEqual(["staging--admin-challenge-admin-staging-example-com"]);
    expect(custom?.purpose).toBe("custom-waf");
  });

  test("the owner's rules stop short of its members' hosts, wildcards included, and a member's never reach the owner's", () => {
    const project = scratchProject();
    editStack(project, "staging", (text) =>
      text
        .replace("  launch-ready:hosts:\n", '  launch-ready:hosts:\n    - { name: "*", target: example-preview.fly.dev, purpose: web }\n')
        .replace(
          "  launch-ready:handover:\n",
          '  launch-ready:waivers:\n    - { id: DNS-SUBDOMAINS, target: "*.staging.example.com", reason: Preview deployments per pull request, owner: cto@example.com, expires: 2099-01-01 }\n  launch-ready:handover:\n',
        ),
    );
    const context = contextForStackFile(readStackFile(stackFilePath(project, "prod")));
    expect(context.zone?.problems).toEqual([]);
    const specs = zoneWideSpecs(context.zone!.group!);
    const matching = (phase: string, request: SampleRequest) =>
      specs.rulesets
        .find((r) => r.phase === phase)!
        .rules.filter((rule) => {
          const match = ruleMatches(rule, request);
          return "matched" in match && match.matched;
        })
        .map((rule) => rule.ref);
    const preview = { host: "pr-12.staging.example.com", path: "/api/x", response: { contentType: "text/html" } };
    // On a preview host only staging's rules speak: its bypass is the last word, and its headers.
    expect(matching("http_request_cache_settings", preview)).toEqual(["staging--cache-bypass-private"]);
    expect(matching("http_response_headers_transform", preview).every((ref) => ref.startsWith("staging--"))).toBe(true);
    expect(matching("http_response_headers_transform", preview)).toHaveLength(3);
    // And on prod's hosts only prod's.
    for (const host of ["www.example.com", "api.example.com", "admin.example.com"]) {
      for (const phase of ["http_request_cache_settings", "http_response_headers_transform", "http_request_firewall_custom"]) {
        const refs = matching(phase, { host, path: "/api/x", response: { contentType: "text/html" } });
        expect(
          refs.filter((ref) => ref.includes("--")),
          `${phase} on ${host}`,
        ).toEqual([]);
      }
    }
  });

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
      for (const rule of ruleset.rules.filter((r) => r.ref.startsWith("staging--"))) {
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
    const strict = results.find((r) => r.id === "TLS-STRICT" && r.status === "fail");
    // Staging may not set launch-ready:tls: the fix is named in prod's file.
    expect(strict?.configPath).toBeUndefined();
    expect(strict?.message).toMatch(/change it in stack prod's file \(.*Pulumi\.prod\.yaml\) at launch-ready:tls\.ssl\)$/);
  });
});

describe("a stack file beside them that cannot be read, or is refused", () => {
  /** The fixture project with a file that is not YAML (qa) and one of prod's zone whose config is refused (preview). */
  function brokenSiblings(): PulumiProject {
    const project = scratchProject();
    writeFileSync(stackFilePath(project, "qa"), "config:\n  launch-ready:hosts: [\n");
    writeFileSync(
      stackFilePath(project, "preview"),
      "config:\n  launch-ready:environment: previews\n  launch-ready:zone: { domain: preview.example.com, zoneId: 023e105f4ecef8ad9ca31a8372d0c353, owner: prod }\n",
    );
    return project;
  }

  test("is named in the zone group and in SEC-ENV-SEPARATION, and every other stack still plans, its zone shared as before", async () => {
    const project = brokenSiblings();
    const prodFile = readStackFile(stackFilePath(project, "prod"));
    const resolved = resolveZoneGroup({ stack: "prod", path: prodFile.path, config: parsedExample("prod") }, siblingStackFiles(project.stacksDir, "prod"));
    expect(resolved.ok && resolved.unchecked).toEqual([
      {
        path: stackFilePath(project, "qa"),
        why: expect.stringMatching(/^is not valid YAML \(.*\); whether it shares zone 023e105f4ecef8ad9ca31a8372d0c353 with this stack is not checked$/),
      },
      {
        path: stackFilePath(project, "preview"),
        why: expect.stringMatching(
          /^is refused \(launch-ready:environment: must be one of .*\), so what it shares of zone 023e105f4ecef8ad9ca31a8372d0c353 with this stack is not checked/,
        ),
      },
    ]);
    expect(resolved.ok && resolved.group.members.map((member) => member.stack)).toEqual(["staging"]);

    for (const stack of ["prod", "staging", "dev"]) {
      const report = await planStack(readStackFile(stackFilePath(project, stack)), { on: ON, env: {} });
      // Dev's Checkly cannot carry MON-LATENCY (advisory there; monitoring.test.ts).
      expect(
        report.bar.filter((r) => r.status === "fail" && !(stack === "dev" && r.id === "MON-LATENCY")),
        stack,
      ).toEqual([]);
      const separation = report.bar.find((r) => r.id === "SEC-ENV-SEPARATION")!;
      // Not a pass: the files it could not read might share this stack's secrets.
      expect(separation.status, stack).toBe("not-applicable");
      expect(separation.message, stack).toMatch(
        /^not checked against every stack: .*Pulumi\.qa\.yaml is not valid YAML .*; .*Pulumi\.preview\.yaml is refused /,
      );
      if (stack !== "dev")
        expect(
          report.zone?.members.map((member) => member.stack),
          stack,
        ).toEqual(["staging"]);
      // The plan itself says which files it could not compare, in JSON and in its text, dev's lone zone
      // included; preview names prod's zone ID, so dev (another zone) compares it and has nothing to say of it.
      const notCompared = stack === "dev" ? ["qa"] : ["qa", "preview"];
      expect(
        report.zone?.notCompared.map((entry) => entry.path),
        stack,
      ).toEqual(notCompared.map((name) => stackFilePath(project, name)));
      expect(renderPlanText(report, "stacks", "policies"), stack).toContain(`: not compared with ${stackFilePath(project, "qa")}, which is not valid YAML`);
    }
    // The pack judges prod's zone from the same files: nothing is shared twice, nothing refused.
    expect(opsProtect.checkStack!([], contextForStackFile(prodFile))).toEqual([expect.objectContaining({ status: "not-applicable" })]);
  });

  test("a member whose owner's file cannot be read or is refused is refused at zone.owner, naming the file", async () => {
    const unreadable = scratchProject();
    writeFileSync(stackFilePath(unreadable, "prod"), "config: [\n");
    expect(await refusal(unreadable, "staging")).toEqual([
      expect.objectContaining({
        path: "launch-ready:zone.owner",
        message: expect.stringMatching(
          /^is prod, whose stack file .*Pulumi\.prod\.yaml is not valid YAML \(.*\); this stack is planned with its owner's zone settings/,
        ),
      }),
    ]);
    const refused = scratchProject();
    editStack(refused, "prod", (text) => text.replace("launch-ready:environment: production", "launch-ready:environment: prod"));
    expect(await refusal(refused, "staging")).toEqual([
      expect.objectContaining({
        path: "launch-ready:zone.owner",
        message: expect.stringContaining("Pulumi.prod.yaml is refused (launch-ready:environment: must be one of"),
      }),
    ]);
  });

  test("pulumi up of the zone's owner stops while one cannot be compared: it may be a member whose rules the update would delete", async () => {
    const project = brokenSiblings();
    // The program as `pulumi up` runs it after its preview, under Pulumi's mocks: what it refuses, and what it registers.
    const update = async (stack: string) => {
      const file = readStackFile(stackFilePath(project, stack));
      pulumi.runtime.setAllConfig(cliConfig(file.config), file.secretKeys);
      await pulumi.runtime.setMocks({ newResource: ({ name }) => ({ id: `${name}-id`, state: {} }), call: () => ({}) }, "launch-ready", stack, false);
      let refused: Array<{ path: string; message: string }> = [];
      await pulumi.runtime.runInPulumiStack(() =>
        launchReadyProgram({ stacksDir: project.stacksDir }).catch((error: { problems: typeof refused }) => {
          refused = error.problems;
          return {};
        }),
      );
      await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
      return refused;
    };
    const atUpdate = await update("prod");
    expect(atUpdate.map((problem) => problem.path)).toEqual(["launch-ready:zone", "launch-ready:zone"]);
    expect(atUpdate[0].message).toMatch(
      /^is this stack's to manage, but .*Pulumi\.qa\.yaml is not valid YAML .*: it may be a stack living in this zone, whose edge rules this update would delete/,
    );
    // A member's update changes only its own records; a preview of the owner goes on, as the plan above does.
    expect(await update("staging")).toEqual([]);
  });
});

describe("the zone's DNS record quota", () => {
  test("the records counted are the DnsRecords each plan creates, SesSender's included", async () => {
    const project = scratchProject();
    editStack(project, "prod", (text) =>
      text.replace("    senders:\n", "    senders:\n      - { provider: amazon-ses, domain: notify, ses: { region: eu-west-1 } }\n"),
    );
    for (const stack of ["prod", "staging"]) {
      const file = readStackFile(stackFilePath(project, stack));
      const report = await planStack(file, { on: ON });
      const parsed = parseStackConfig(file.config);
      if (!parsed.ok) throw new Error(`${stack} does not parse`);
      expect(zoneRecordCount(parsed.config, ON), stack).toBe(report.resources.filter((resource) => resource.type === DNS_RECORD).length);
    }
  });

  test("past its quota, counted over every stack in the zone, the plan is refused with each stack's share; zone.recordQuota raises it", async () => {
    const project = scratchProject();
    const prodCount = zoneRecordCount(parsedExample("prod"), ON);
    // A quota just above what prod declares, so the ten records staging adds take the zone past it.
    const quota = prodCount + 5;
    editStack(project, "prod", (text) => text.replace("    plan: pro\n", `    plan: pro\n    recordQuota: ${quota}\n`));
    const records = Array.from({ length: 10 }, (_, i) => `    - { name: r${i}, type: TXT, content: "v=${i}" }\n`).join("");
    editStack(project, "staging", (text) => `${text.replace(/\n*$/, "\n")}  launch-ready:records:\n${records}`);
    const parsed = parseStackConfig(readStackFile(stackFilePath(project, "staging")).config);
    if (!parsed.ok) throw new Error("staging does not parse");
    const total = prodCount + zoneRecordCount(parsed.config, ON);
    expect(await refusal(project, "staging")).toContainEqual({
      path: "launch-ready:records",
      message: `declares ${total} DNS records together with the other stacks of zone example.com (${prodCount} for prod, ${total - prodCount} for staging), but the zone holds ${quota} (zone.recordQuota in prod); Cloudflare refuses the records past it, so pulumi up would stop partway. Declare ${total - quota} fewer, or move the zone to a larger plan`,
      example: expect.any(String),
    });
    // The owner's plan refuses it too: the zone is one.
    expect((await refusal(project, "prod")).map((p) => p.path)).toContain("launch-ready:records");
    editStack(project, "prod", (text) => text.replace(`    recordQuota: ${quota}\n`, `    recordQuota: ${total}\n`));
    await expect(planStack(readStackFile(stackFilePath(project, "staging")), { on: ON })).resolves.toBeDefined();
  });

  test("one stack plans at most MAX_STACK_RECORDS records, however large the Enterprise quota", () => {
    const config = exampleConfig("prod");
    config["launch-ready:zone"].plan = "enterprise";
    config["launch-ready:records"] = [];
    const bare = parseStackConfig(config);
    if (!bare.ok) throw new Error(bare.problems.map((p) => p.message).join("; "));
    const others = zoneRecordCount(bare.config, ON);
    config["launch-ready:records"] = Array.from({ length: MAX_STACK_RECORDS - others + 1 }, (_, i) => ({ name: `r${i}`, type: "TXT", content: `v=${i}` }));
    const parsed = parseStackConfig(config);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join("; "));
    const group = { owner: { stack: "prod", config: parsed.config }, members: [] };
    expect(zoneShareProblems("prod", group, ON)).toEqual([
      expect.objectContaining({
        path: "launch-ready:records",
        message: expect.stringMatching(
          new RegExp(`^declares ${MAX_STACK_RECORDS + 1} DNS records, more than the ${MAX_STACK_RECORDS} one stack of the kit plans`),
        ),
      }),
    ]);
    const fewer = { ...parsed.config, records: parsed.config.records.slice(1) };
    expect(zoneShareProblems("prod", { owner: { stack: "prod", config: fewer }, members: [] }, ON)).toEqual([]);
  });

  test("a Free zone holds 200 unless it says it is older, and the refusal names the setting that says so", () => {
    const config = exampleConfig("prod");
    config["launch-ready:records"] = Array.from({ length: 250 }, (_, i) => ({ name: `r${i}`, type: "TXT", content: `v=${i}` }));
    const parsed = parseStackConfig(config);
    if (!parsed.ok) throw new Error("prod with 250 records does not parse");
    const count = zoneRecordCount(parsed.config, ON);
    // The pure check alone: the example's rulesets are more than a Free zone holds, which is another refusal.
    const onFree = (recordQuota?: number) => {
      const zone = { ...parsed.config.zone, plan: "free" as const, recordQuota: recordQuota ?? ZONE_PLAN_LIMITS.free.dnsRecords };
      return zoneShareProblems("prod", { owner: { stack: "prod", config: { ...parsed.config, zone } }, members: [] }, ON);
    };
    expect(onFree()).toEqual([
      expect.objectContaining({
        path: "launch-ready:records",
        message: `declares ${count} DNS records, but a free zone holds 200 (1,000 if it was created before 2024-09-01: say so with zone.recordQuota: 1000); Cloudflare refuses the records past it, so pulumi up would stop partway. Declare ${count - 200} fewer, or move the zone to a larger plan`,
      }),
    ]);
    expect(onFree(1000)).toEqual([]);
    config["launch-ready:zone"].recordQuota = 1000;
    const older = parseStackConfig(config);
    expect(older.ok && older.config.zone.recordQuota).toBe(1000);
    config["launch-ready:zone"].recordQuota = 0;
    const zero = parseStackConfig(config);
    expect(zero.ok === false && zero.problems.map((p) => p.path)).toEqual(["launch-ready:zone.recordQuota"]);
  });
});
