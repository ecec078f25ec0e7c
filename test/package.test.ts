/**
 * The kit as a founder gets it: `npm pack`, the tarball unpacked into a new repository's
 * node_modules, then its command, its library and its policy pack used from there, never from
 * this checkout. The package's runtime dependencies are linked from this repository's
 * node_modules (the same versions the lockfile pins), and only those: a module the kit needs but
 * does not declare fails here. `.ci/run` does the same with a real `npm install` of the tarball.
 */
import * as grpc from "@grpc/grpc-js";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BAR_IDS } from "../domain/bar/catalog";
import { distBuilt, ROOT, scratchDir } from "./helpers";

const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

const ZONE_ID = "0123456789abcdef0123456789abcdef";
const ACCOUNT_ID = "fedcba9876543210fedcba9876543210";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" }, maxBuffer: 1 << 26 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * The top-level node_modules entries the kit's runtime dependencies need, read from the lockfile
 * the way Node resolves them: a package's own nested node_modules first, then each one above it.
 */
function runtimeClosure(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as LockEntry;
  const topLevel = new Set<string>();
  const visited = new Set<string>();
  const visit = (location: string, entry: LockEntry) => {
    const names = [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {})];
    for (const name of names) {
      const found = resolvedLocation(lock.packages, location, name);
      if (!found || visited.has(found)) continue;
      visited.add(found);
      if (found === `node_modules/${name}`) topLevel.add(name);
      visit(found, lock.packages[found]);
    }
  };
  visit("", { dependencies: manifest.dependencies });
  return [...topLevel].sort();
}

/** Where `name` resolves from the package at `location` ("" for the root): its nested node_modules, then each one above. */
function resolvedLocation(packages: Record<string, LockEntry>, location: string, name: string): string | undefined {
  for (let base = location; ; ) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf("/node_modules/");
    base = parent === -1 ? "" : base.slice(0, parent);
  }
}

let tarballFiles: string[];
let app: string;
let kit: string;
let bin: string;
let scaffolded: Run;

beforeAll(async () => {
  // dist/ is built fresh beside the tests (test/build-dist.ts); the prepack script would only build it again.
  await distBuilt();
  const out = scratchDir("launch-ready-tarball-");
  const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", out], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const [{ filename, files }] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarballFiles = files.map((file) => file.path);

  app = scratchDir("launch-ready-founder-");
  mkdirSync(join(app, "node_modules"));
  const untar = await run("tar", ["-xzf", join(out, filename), "-C", join(app, "node_modules")], app);
  expect(untar.code, untar.stderr).toBe(0);
  kit = join(app, "node_modules", "launch-ready");
  renameSync(join(app, "node_modules", "package"), kit);
  for (const name of runtimeClosure()) {
    const link = join(app, "node_modules", name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", name), link);
  }
  bin = join(kit, (JSON.parse(readFileSync(join(kit, "package.json"), "utf8")) as { bin: Record<string, string> }).bin["launch-ready"]);
  // The founder's first step; every test below works in the repository it scaffolds.
  scaffolded = await run(
    process.execPath,
    [bin, "init", "--domain", "quill-example.com", "--zone-id", ZONE_ID, "--account-id", ACCOUNT_ID, "--plan", "free", "--yes"],
    app,
  );
}, 120_000);

describe("the tarball", () => {
  test("holds the compiled kit, its types, the policy pack and the schema, and nothing of this repository's own product", () => {
    for (const file of [
      "dist/library.js",
      "dist/library.d.ts",
      "dist/scripts/launch-ready.js",
      "policies/PulumiPolicy.yaml",
      "policies/package.json",
      "stacks/schema.json",
    ]) {
      expect(tarballFiles).toContain(file);
    }
    const sources = tarballFiles.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"));
    expect(sources).toEqual([]);
    // A Pulumi.yaml in the package would make the policy pack find the kit instead of the founder's project.
    expect(tarballFiles.filter((file) => /(^|\/)Pulumi(\.[^/]+)?\.yaml$/.test(file))).toEqual([]);
    expect(tarballFiles.filter((file) => /^(test|HANDOVER\.md|\.env\.example|dist\/test)/.test(file) || file.includes("bench"))).toEqual([]);
  });

  test("the command is a node script, and the package builds dist/ whenever it is packed", () => {
    expect(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const manifest = JSON.parse(readFileSync(join(kit, "package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    // One Pulumi runtime per program: a range, so npm shares the founder's copy rather than nest a
    // second one whose resources would reach no engine.
    expect(manifest.dependencies["@pulumi/pulumi"]).toMatch(/^\^3\./);
    expect(manifest.scripts.prepack).toBe("npm run build");
    expect(manifest.scripts.build).toContain("tsc -p tsconfig.build.json");
  });
});

describe("a founder's repository", () => {
  test("require('launch-ready') gives the components, the program, the config parser and the bar, with types", async () => {
    const names = [
      "LaunchReadySite",
      "DnsRecords",
      "CanonicalRedirect",
      "ZoneTls",
      "EdgeCache",
      "EdgeFirewall",
      "EdgeCertificates",
      "SecurityHeaders",
      "AdminAccess",
      "SesSender",
      "AppSecrets",
      "AwsUptimeMonitors",
      "CloudflareUptimeMonitors",
      "StateBackend",
      "launchReadyProgram",
      "parseStackConfig",
      "resolveZoneGroup",
      "evaluateBar",
    ];
    const probe = await run(
      process.execPath,
      [
        "-e",
        `const kit = require("launch-ready"); console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, typeof kit[n]]))), kit.BAR_RULES.length)`,
      ],
      app,
    );
    expect(probe.stderr).toBe("");
    const [types, rules] = probe.stdout.trim().split(" ");
    expect(JSON.parse(types)).toEqual(Object.fromEntries(names.map((name) => [name, "function"])));
    expect(Number(rules)).toBeGreaterThan(20);
    const declarations = readFileSync(join(kit, "dist", "library.d.ts"), "utf8");
    for (const args of ["ZoneTlsArgs", "DnsRecordsArgs", "EdgeRulesetsArgs", "LaunchReadySiteArgs", "LaunchReadyConfig"]) expect(declarations).toContain(args);
  });

  test("launch-ready init --yes scaffolds the product, and launch-ready plan --stack prod plans it offline from there", async () => {
    expect(scaffolded.stderr).toBe("");
    expect(scaffolded.code).toBe(0);
    for (const file of ["package.json", "Pulumi.yaml", "index.ts", "stacks/Pulumi.prod.yaml", "stacks/Pulumi.staging.yaml", "HANDOVER.md", ".env.example"]) {
      expect(existsSync(join(app, file)), file).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).dependencies["launch-ready"]).toMatch(/^\^\d+\.\d+\.\d+/);

    const planned = await run(process.execPath, [bin, "plan", "--stack", "prod", "--json"], app);
    const report = JSON.parse(planned.stdout);
    expect(report.stack).toBe("prod");
    expect(report.environment).toBe("production");
    const zoneSettings = report.resources.filter((r: { type: string }) => r.type === "cloudflare:index/zoneSetting:ZoneSetting");
    expect(zoneSettings.length).toBeGreaterThan(0);
    for (const setting of zoneSettings) expect(setting.inputs.zoneId).toBe(ZONE_ID);
    const names = report.resources
      .filter((r: { type: string }) => r.type === "cloudflare:index/dnsRecord:DnsRecord")
      .map((r: { inputs: { name: string } }) => r.inputs.name);
    expect(names).toContain("quill-example.com");
    // The project is the founder's: its URNs carry the name init gave it, not the kit's.
    expect(report.resources[0].urn).toBe("urn:pulumi:prod::quill-example::pulumi:pulumi:Stack::quill-example-prod");
    // What only a person knows was left as TODOs, which the bar reports; nothing else fails.
    const failing = report.bar.filter((result: { status: string; level?: string }) => result.status === "fail").map((result: { id: string }) => result.id);
    expect([...new Set(failing)]).toEqual(["OPS-HANDOVER"]);
    expect(planned.code).toBe(1);

    const handover = await run(process.execPath, [bin, "handover", "--stack", "prod", "--check"], app);
    expect(handover.stderr).toBe("");
    expect(handover.code).toBe(0);
  });

  test("a program of its own imports ZoneTls and DnsRecords from the package and plans under Pulumi's mocks", async () => {
    writeFileSync(
      join(app, "tls-and-dns.js"),
      `const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setMocks(
  { newResource: (args) => (registered.push({ type: args.type, name: args.name, inputs: args.inputs }), { id: args.name + "-id", state: args.inputs }), call: () => ({}) },
  "existing-app", "prod", true,
);
const { ZoneTls, DnsRecords } = require("launch-ready");
pulumi.runtime.runInPulumiStack(async () => {
  const tls = { ssl: "strict", minTlsVersion: "1.2", tls13: "on", alwaysUseHttps: true, automaticHttpsRewrites: true, hsts: { enabled: true, maxAge: 31536000, includeSubdomains: true, preload: false, nosniff: true } };
  new ZoneTls("tls", { zoneId: "${ZONE_ID}", zoneName: "existing-app.com", tls, protect: true });
  new DnsRecords("dns", { zoneId: "${ZONE_ID}", records: [
    { logicalName: "www.existing-app.com-CNAME", name: "www.existing-app.com", type: "CNAME", content: "existing-app.pages.dev", proxied: true, ttl: 1, comment: "web", purpose: "web" },
  ] });
}).then(() => pulumi.runtime.waitForRPCs()).then(() => console.log(JSON.stringify(registered)));
`,
    );
    const program = await run(process.execPath, ["tls-and-dns.js"], app);
    expect(program.stderr).toBe("");
    const registered = JSON.parse(program.stdout) as Array<{ type: string; name: string; inputs: Record<string, any> }>;
    const ssl = registered.find((r) => r.type === "cloudflare:index/zoneSetting:ZoneSetting" && r.inputs.settingId === "ssl");
    expect(ssl?.inputs).toMatchObject({ zoneId: ZONE_ID, value: "strict" });
    const record = registered.find((r) => r.type === "cloudflare:index/dnsRecord:DnsRecord");
    expect(record).toMatchObject({
      name: "www.existing-app.com-CNAME",
      inputs: { name: "www.existing-app.com", type: "CNAME", content: "existing-app.pages.dev", proxied: true },
    });
    expect(registered.map((r) => r.type)).toEqual(expect.arrayContaining(["launch-ready:cloudflare:ZoneTls", "launch-ready:cloudflare:DnsRecords"]));
  });
});

describe("the policy pack at node_modules/launch-ready/policies", () => {
  let server: ChildProcess;
  let client: any;
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));

  beforeAll(async () => {
    // Started as the Pulumi CLI starts a Node.js pack, from the founder's repository.
    server = spawn(process.execPath, ["node_modules/@pulumi/pulumi/cmd/run-policy-pack", "--pwd", "node_modules/launch-ready/policies", "127.0.0.1:0", "."], {
      cwd: app,
      env: { ...process.env, LAUNCH_READY_STACKS_DIR: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    server.stderr!.on("data", (chunk) => (stderr += chunk));
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout!.once("data", (chunk) => resolve(Number(String(chunk).trim())));
      server.once("exit", (code) => reject(new Error(`policy pack exited with ${code}:\n${stderr}`)));
    });
    client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 120_000);

  afterAll(() => {
    client?.close();
    server?.kill();
  });

  test("loads compiled, with one policy per bar ID", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getPoliciesList().length).toBe(BAR_IDS.length);
  });

  test("judges a stack by the founder's own stack file, found through the Pulumi.yaml above the pack", async () => {
    // No resource at all: DNS-CANONICAL can only name the domain if it read stacks/Pulumi.prod.yaml of the founder.
    const request = new analyzerProto.AnalyzeStackRequest();
    const setting = new analyzerProto.AnalyzerResource();
    setting.setType("cloudflare:index/zoneSetting:ZoneSetting");
    setting.setUrn(
      "urn:pulumi:prod::quill-example::launch-ready:index:Site$launch-ready:cloudflare:ZoneTls$cloudflare:index/zoneSetting:ZoneSetting::quill-example.com-ssl",
    );
    setting.setName("quill-example.com-ssl");
    setting.setProperties(Struct.fromJavaScript({ zoneId: ZONE_ID, settingId: "ssl", value: "flexible" }));
    setting.setOptions(new analyzerProto.AnalyzerResourceOptions());
    request.setResourcesList([setting]);
    const response: any = await call("analyzeStack", request);
    const messages = response.getDiagnosticsList().map((d: any) => `${d.getPolicyname()}: ${d.getMessage()}`);
    expect(messages.some((m: string) => m.startsWith("dns-canonical:") && m.includes("quill-example.com"))).toBe(true);
  });
});
