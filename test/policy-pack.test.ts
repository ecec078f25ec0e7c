/**
 * The policy pack started exactly as the Pulumi CLI starts a Node.js pack (`npm run policy:serve`:
 * @pulumi/pulumi's run-policy-pack, which prints the gRPC port), and driven through the analyzer
 * service @pulumi/pulumi ships, as the engine would drive it.
 */
import * as grpc from "@grpc/grpc-js";
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { BAR_RULES } from "../policies/rules";
import { planStack } from "../scripts/plan/plan-stack";
import { stackFilePath } from "../stacks/project";
import { distBuilt, exampleConfig, exampleStack, FIXTURE_PROJECT } from "./helpers";

const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

const ROOT = join(__dirname, "..");
const LEVEL = Object.fromEntries(Object.entries(analyzerProto.EnforcementLevel).map(([name, value]) => [value, name])) as Record<number, string>;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let server: ChildProcess;
let client: any;

interface Resource {
  type: string;
  urn: string;
  name: string;
  props: Record<string, unknown>;
  protect?: boolean;
}

function call<T>(method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));
}

/** AnalyzeRequest and AnalyzerResource carry a resource the same way; fill either. */
function describeResource<T>(message: T, resource: Resource): T {
  const proto = message as any;
  const options = new analyzerProto.AnalyzerResourceOptions();
  options.setProtect(resource.protect ?? false);
  proto.setType(resource.type);
  proto.setUrn(resource.urn);
  proto.setName(resource.name);
  proto.setProperties(Struct.fromJavaScript(resource.props));
  proto.setOptions(options);
  return message;
}

async function analyze(resource: Resource) {
  return diagnostics(await call("analyze", describeResource(new analyzerProto.AnalyzeRequest(), resource)));
}

async function analyzeStack(resources: Resource[]) {
  const request = new analyzerProto.AnalyzeStackRequest();
  request.setResourcesList(resources.map((resource) => describeResource(new analyzerProto.AnalyzerResource(), resource)));
  return diagnostics(await call("analyzeStack", request));
}

function diagnostics(response: any) {
  return response
    .getDiagnosticsList()
    .map((d: any) => ({ policy: d.getPolicyname(), level: LEVEL[d.getEnforcementlevel()], message: d.getMessage(), urn: d.getUrn() }));
}

function sslSetting(stack: string, value: unknown): Resource {
  return {
    type: "cloudflare:index/zoneSetting:ZoneSetting",
    urn: `urn:pulumi:${stack}::launch-ready::launch-ready:index:Site$launch-ready:cloudflare:ZoneTls$cloudflare:index/zoneSetting:ZoneSetting::example.com-ssl`,
    name: "example.com-ssl",
    props: { zoneId: "023e105f4ecef8ad9ca31a8372d0c353", settingId: "ssl", value },
    protect: true,
  };
}

/** The prod example's resources as the plan records them, moved to another stack name. */
/** The prod example's resources as stack `stack` would declare them: its URNs, and its secret paths for the variants. */
async function planned(stack: string): Promise<Resource[]> {
  const report = await planStack(exampleStack("prod"));
  const secretPrefix = stack === "prod" ? "/launch-ready/production/" : `/launch-ready/${stack}/`;
  return report.resources
    .filter((r) => r.custom)
    .map((r) => {
      const props = typeof r.inputs.name === "string" ? { ...r.inputs, name: r.inputs.name.replace("/launch-ready/production/", secretPrefix) } : r.inputs;
      return { type: r.type, urn: r.urn.replace("urn:pulumi:prod::", `urn:pulumi:${stack}::`), name: r.name, props, protect: r.protect };
    });
}

function addDays(days: number): string {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

let stacks: string | undefined;

beforeAll(async () => {
  // The pack runs compiled (policies/package.json's main is in dist/), built beside the tests.
  await distBuilt();
  // Stack files the pack reads by the stack name in each URN: the examples plus waived variants.
  const dir = mkdtempSync(join(tmpdir(), "launch-ready-pack-"));
  stacks = dir;
  for (const stack of ["prod", "staging", "dev"]) copyFileSync(stackFilePath(FIXTURE_PROJECT, stack), join(dir, `Pulumi.${stack}.yaml`));
  const waiver = (expires: string) => ({ id: "TLS-STRICT", reason: "Origin certificate is being reissued by the host", owner: "cto@example.com", expires });
  // Each variant keeps its secrets under its own path, or SEC-ENV-SEPARATION rightly objects, and
  // has a zone of its own, or OPS-PROTECT does: two stacks may not both own prod's zone.
  const variant = (name: string, expires: string, zoneDigit: string) => {
    const config = exampleConfig("prod");
    config["launch-ready:secretStore"].pathPrefix = `/launch-ready/${name}`;
    config["launch-ready:zone"].zoneId = zoneDigit.repeat(32);
    writeFileSync(join(dir, `Pulumi.${name}.yaml`), stringify({ config: { ...config, "launch-ready:waivers": [waiver(expires)] } }));
  };
  variant("waived", addDays(30), "a");
  variant("expired", addDays(-1), "b");

  const [command, ...args] = ["node", "node_modules/@pulumi/pulumi/cmd/run-policy-pack", "--pwd", "policies", "127.0.0.1:0", "."];
  server = spawn(command, args, { cwd: ROOT, env: { ...process.env, LAUNCH_READY_STACKS_DIR: dir }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  server.stderr!.on("data", (chunk) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout!.once("data", (chunk) => resolve(Number(String(chunk).trim())));
    server.once("exit", (code) => reject(new Error(`policy pack exited with ${code}:\n${stderr}`)));
  });
  expect(port).toBeGreaterThan(0);
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 120_000);

afterAll(() => {
  client?.close();
  server?.kill();
  if (stacks) rmSync(stacks, { recursive: true, force: true });
});

describe("the policy pack over the analyzer protocol", () => {
  test("GetAnalyzerInfo lists one mandatory policy per bar ID", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("launch-ready-minimum-bar");
    const policies = info.getPoliciesList().map((p: any) => [p.getName(), LEVEL[p.getEnforcementlevel()]]);
    expect(policies).toEqual(BAR_RULES.map((rule) => [rule.id.toLowerCase(), "MANDATORY"]));
    expect(info.getPoliciesList()[4].getDescription()).toContain("SSL valid everywhere");
  });

  test("Analyze fails a flexible SSL mode in production as mandatory, naming the fix", async () => {
    const found = await analyze(sslSetting("prod", "flexible"));
    expect(found).toEqual([expect.objectContaining({ policy: "tls-strict", level: "MANDATORY", urn: sslSetting("prod", "flexible").urn })]);
    expect(found[0].message).toContain("write launch-ready:tls.ssl: strict");
  });

  test("Analyze passes a strict SSL mode", async () => {
    expect(await analyze(sslSetting("prod", "strict"))).toEqual([]);
  });

  test("the same failure in development is advisory", async () => {
    expect(await analyze(sslSetting("dev", "off"))).toEqual([expect.objectContaining({ policy: "tls-strict", level: "ADVISORY" })]);
  });

  test("a waived item is reported as advisory with its reason; an expired waiver fails", async () => {
    const waived = await analyze(sslSetting("waived", "flexible"));
    expect(waived).toEqual([expect.objectContaining({ policy: "tls-strict", level: "ADVISORY" })]);
    expect(waived[0].message).toContain("waived until");
    expect(waived[0].message).toContain("Origin certificate is being reissued");
    const expired = await analyzeStack(await planned("expired"));
    expect(expired).toEqual([expect.objectContaining({ policy: "tls-strict", level: "MANDATORY", message: expect.stringContaining("expired on") })]);
  });

  test("a value not known during preview is never a violation", async () => {
    const found = await analyze(sslSetting("prod", UNKNOWN));
    expect(found.filter((d: any) => d.level === "MANDATORY")).toEqual([]);
  });

  test("AnalyzeStack passes the prod example as the plan records it", async () => {
    expect(await analyzeStack(await planned("prod"))).toEqual([]);
  });

  test("AnalyzeStack judges a stack in prod's zone with what prod declares for the zone", async () => {
    // Staging declares records, secrets and monitors only: without prod's zone settings and
    // rulesets, TLS-*, EDGE-* and DNS-PROXIED would find nothing to pass.
    const report = await planStack(exampleStack("staging"));
    const resources = report.resources.filter((r) => r.custom).map((r) => ({ type: r.type, urn: r.urn, name: r.name, props: r.inputs, protect: r.protect }));
    expect(resources.some((r) => r.type === "cloudflare:index/ruleset:Ruleset" || r.type === "cloudflare:index/zoneSetting:ZoneSetting")).toBe(false);
    expect(await analyzeStack(resources)).toEqual([]);
  });

  test("AnalyzeStack reports what a stack is missing", async () => {
    const resources = (await planned("prod")).filter((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord");
    const found = await analyzeStack(resources);
    const policies = [...new Set(found.map((d: any) => d.policy))].sort();
    expect(policies).toEqual([
      "dns-canonical",
      "edge-admin",
      "edge-cache-static",
      "edge-headers",
      "edge-rate-limit",
      "edge-waf",
      "mon-human",
      "mon-uptime",
      "sec-store",
      "tls-hsts",
      "tls-https-only",
      "tls-strict",
      "tls-version",
    ]);
    expect(found.every((d: any) => d.level === "MANDATORY")).toBe(true);
    expect(found.find((d: any) => d.policy === "dns-canonical").message).toContain("no redirect rule sends example.com to www.example.com");
  });

  test("Analyze refuses an unprotected production record (OPS-PROTECT) and a private address (DNS-SANE)", async () => {
    const record = (await planned("prod")).find((r) => r.name === "example.com-A-216.198.79.1")!;
    const found = await analyze({ ...record, protect: false, props: { ...record.props, content: "10.0.0.5" } });
    expect(found.map((d: any) => d.policy).sort()).toEqual(["dns-sane", "ops-protect"]);
  });
});
