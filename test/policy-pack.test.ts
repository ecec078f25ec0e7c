/**
 * The policy pack started exactly as the Pulumi CLI starts a Node.js pack (`npm run policy:serve`:
 * @pulumi/pulumi's run-policy-pack, which prints the gRPC port), and driven through the analyzer
 * service @pulumi/pulumi ships, as the engine would drive it.
 */
import * as grpc from "@grpc/grpc-js";
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, type IncomingHttpHeaders } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { MAX_DEPTH } from "../policies/analyzer-guard";
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
let port: number;

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
  // GRPC_NODE_DEBUG_SEND_ERROR_DETAILS: grpc-js then says why it refused a request, so a test can
  // tell the pack's wire check from google-protobuf failing on its own (after a minute, for some).
  const env = { ...process.env, LAUNCH_READY_STACKS_DIR: dir, GRPC_NODE_DEBUG_SEND_ERROR_DETAILS: "true" };
  server = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  server.stderr!.on("data", (chunk) => (stderr += chunk));
  port = await new Promise<number>((resolve, reject) => {
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
      "dns-dnssec",
      "edge-admin",
      "edge-bots",
      "edge-cache-static",
      "edge-headers",
      "edge-rate-limit",
      "edge-waf",
      "mail-transport",
      "mon-human",
      "mon-latency",
      "mon-uptime",
      "ops-security-txt",
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

/** A gRPC frame: the uncompressed flag, the length `declared` (the payload's own by default), the payload. */
function frame(payload: Buffer, declared = payload.length): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(declared, 1);
  return Buffer.concat([header, payload]);
}

/**
 * `body` sent verbatim as one Analyze call over plain HTTP/2, which lets a test send what no gRPC
 * client would: resolves with the status the server ends the call with.
 */
function rawAnalyze(body: Buffer, method = "Analyze"): Promise<{ code: number; details: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": `/pulumirpc.Analyzer/${method}`, "content-type": "application/grpc", te: "trailers" });
    // An error comes as trailers-only (the status in the response headers) or in trailers.
    let status: IncomingHttpHeaders = {};
    const keep = (headers: IncomingHttpHeaders) => {
      if (headers["grpc-status"] !== undefined) status = headers;
    };
    stream.on("response", keep);
    stream.on("trailers", keep);
    stream.on("error", reject);
    stream.resume();
    stream.on("close", () => {
      session.close();
      resolve({ code: Number(status["grpc-status"]), details: decodeURIComponent(String(status["grpc-message"] ?? "")) });
    });
    stream.end(body);
  });
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  for (; value > 0x7f; value >>>= 7) bytes.push((value & 0x7f) | 0x80);
  return [...bytes, value];
}

/**
 * Properties nested `levels` messages deep below the request: field 2 of AnalyzeRequest is a
 * Struct, whose field 1 is an entry, whose field 2 is a Value, whose field 5 is a Struct again.
 */
function nestedProperties(levels: number): Buffer {
  let payload = Buffer.alloc(0);
  for (let level = levels - 1; level >= 0; level--) {
    const field = level === 0 ? 2 : [1, 2, 5][(level - 1) % 3];
    payload = Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(payload.length)]), payload]);
  }
  return payload;
}

function analyzeRequestBytes(resource: Resource): Buffer {
  return Buffer.from(describeResource(new analyzerProto.AnalyzeRequest(), resource).serializeBinary());
}

describe("the analyzer server refuses a malformed request with an error status and goes on serving", () => {
  const valid = analyzeRequestBytes(sslSetting("prod", "flexible"));
  const { INTERNAL, RESOURCE_EXHAUSTED, UNIMPLEMENTED } = grpc.status;
  // Field 3 of AnalyzeRequest is the URN, field 2 the properties (a Struct, whose field 1 is a map
  // entry, whose field 1 is the key).
  const cases: [string, Buffer, number, RegExp][] = [
    ["text, not protobuf", frame(Buffer.from("garbage, not protobuf")), INTERNAL, /wire type 7 \(not a protobuf wire type\) at byte 0/],
    ["a valid request cut short", frame(valid.subarray(0, valid.length - 1)), INTERNAL, /field 5 at byte \d+ declares 2 bytes, past the end of its message/],
    ["a frame shorter than its header says", frame(valid, valid.length + 100), UNIMPLEMENTED, /Received no request message/],
    ["a frame declaring 4 GiB", frame(Buffer.alloc(0), 0xffffffff), RESOURCE_EXHAUSTED, /Received message larger than max \(4294967295 vs \d+\)/],
    [
      "a varint longer than 10 bytes",
      frame(Buffer.from([0x78, ...Array(10).fill(0xff), 0x01])),
      INTERNAL,
      /the varint of field 15 at byte 0 is cut off or longer than 10 bytes/,
    ],
    // google-protobuf reads this URN byte by byte for four billion bytes: most of a minute unguarded.
    ["an URN longer than the message", frame(Buffer.from([0x1a, 0xff, 0xff, 0xff, 0xff, 0x0f])), INTERNAL, /field 3 at byte 0 declares 4294967295 bytes/],
    [
      "a property name longer than its Struct",
      frame(Buffer.from([0x12, 0x08, 0x0a, 0x06, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])),
      INTERNAL,
      /field 1 at byte 4 declares 4294967295 bytes, past the end of its message/,
    ],
    ["messages nested one level too deep", frame(nestedProperties(MAX_DEPTH)), INTERNAL, new RegExp(`messages nested deeper than ${MAX_DEPTH} at byte \\d+`)],
    ["a group", frame(Buffer.from([0x7b, 0x7c])), INTERNAL, /wire type 3 \(a group, which proto3 has not\) at byte 0/],
  ];

  test("a request that leaves out properties is judged as a resource without any, as proto3 reads it, not answered with a TypeError", async () => {
    const urn = "urn:pulumi:prod::launch-ready::cloudflare:index/zoneSetting:ZoneSetting::ssl";
    const bare = <T extends { setType(t: string): void; setUrn(u: string): void; setName(n: string): void; setOptions(o: unknown): void }>(message: T): T => {
      message.setType("cloudflare:index/zoneSetting:ZoneSetting");
      message.setUrn(urn);
      message.setName("ssl");
      message.setOptions(new analyzerProto.AnalyzerResourceOptions());
      return message;
    };
    const request = bare(new analyzerProto.AnalyzeRequest());
    expect(await rawAnalyze(frame(Buffer.from(request.serializeBinary())))).toEqual({ code: grpc.status.OK, details: "OK" });
    expect(diagnostics(await call("analyze", request))).toEqual([expect.objectContaining({ policy: "ops-protect", urn })]);
    const stack = new analyzerProto.AnalyzeStackRequest();
    stack.setResourcesList([bare(new analyzerProto.AnalyzerResource())]);
    expect(await rawAnalyze(frame(Buffer.from(stack.serializeBinary())), "AnalyzeStack")).toEqual({ code: grpc.status.OK, details: "OK" });
  });

  test.each(cases)("%s", async (_name, body, code, details) => {
    expect(await rawAnalyze(body)).toEqual({ code, details: expect.stringMatching(details) });
    // The next request gets its usual answer, over the same raw path and over a gRPC client.
    expect(await rawAnalyze(frame(analyzeRequestBytes(sslSetting("prod", "strict"))))).toEqual({ code: grpc.status.OK, details: "OK" });
    expect(await analyze(sslSetting("prod", "flexible"))).toEqual([expect.objectContaining({ policy: "tls-strict", level: "MANDATORY" })]);
  });
});
