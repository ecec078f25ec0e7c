/**
 * PERF-P95 and PERF-ERRORS live: bursts against a real HTTPS server on loopback, p95 read off an
 * HDR histogram. The loadtest verb runs in this process; one test runs its entry file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { judgeBurst } from "../policies/live/live-load";
import { burst } from "../policies/live/load";
import { parseConnectTo } from "../policies/live/probes";
import { loadtest as loadtestVerb } from "../scripts/commands/loadtest";
import { exampleConfig, parsedExample, runEntryFile, runInProcess } from "./helpers";
import { createTestCa, startWebServers, type WebServers } from "../scripts/bench/loopback";

let servers: WebServers;
let caPem: string;
let created = 0;
/** Holds the CA certificate and the stack files the tests write; removed after the file. */
let dir: string;
let caFile: string;

/**
 * A p95 budget no loopback answer misses however loaded the machine, for the endpoints that
 * must pass: what is tested is the judging against the declared budget, not this machine's speed.
 * The slow endpoint is slow by a fixed delay, so it fails its own budget on any machine.
 */
const ROOMY_P95_MS = 30_000;

beforeAll(async () => {
  const ca = await createTestCa();
  caPem = ca.certificate;
  dir = mkdtempSync(join(tmpdir(), "launch-ready-load-"));
  caFile = join(dir, "ca.pem");
  writeFileSync(caFile, caPem);
  servers = await startWebServers({
    certificates: {},
    fallback: await ca.issue(["www.example.com", "api.example.com", "someone-else.example.net"]),
    tls: { minVersion: "TLSv1.2" },
    handler: (request, response) => {
      if (request.url === "/v1/projects" && request.method === "GET") return void setTimeout(() => response.writeHead(200).end("[]"), 350);
      if (request.url === "/v1/projects" && request.method === "POST") return void response.writeHead(++created % 20 === 0 ? 500 : 201).end("{}");
      response.writeHead(200, { "content-type": "text/html" }).end("<html></html>");
    },
    httpHandler: (_request, response) => void response.writeHead(404).end(),
  });
});
afterAll(async () => {
  await servers?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const options = () => ({
  connectTo: [parseConnectTo(`:443:127.0.0.1:${servers.httpsPort}`)],
  ca: caPem,
  timeoutMs: 5000,
  connections: 10,
  durationSeconds: 1,
  maxRequests: 400,
});
const endpoint = (name: string) => parsedExample("prod").performance.endpoints.find((e) => e.name === name)!;

describe("a burst against loopback", () => {
  test("a fast endpoint is within its budget, with p50 <= p95 <= p99", async () => {
    const home = { ...endpoint("home"), p95Ms: ROOMY_P95_MS };
    const stats = await burst(home, options());
    expect(stats.requests).toBeGreaterThan(20);
    expect(stats.p50Ms).toBeLessThanOrEqual(stats.p95Ms);
    expect(stats.p95Ms).toBeLessThanOrEqual(stats.p99Ms);
    expect(judgeBurst(home, stats, 1).map((c) => [c.id, c.status])).toEqual([
      ["PERF-P95", "pass"],
      ["PERF-ERRORS", "pass"],
    ]);
  });

  test("an endpoint slower than its budget fails PERF-P95, naming its p95", async () => {
    const stats = await burst(endpoint("list-projects"), options());
    expect(stats.p95Ms).toBeGreaterThanOrEqual(350);
    const [p95] = judgeBurst(endpoint("list-projects"), stats, 1);
    expect(p95).toMatchObject({ id: "PERF-P95", target: "list-projects @ 10 connections", status: "fail", detail: expect.stringContaining("budget 250 ms") });
  });

  test("an endpoint failing one request in twenty fails PERF-ERRORS", async () => {
    const stats = await burst(endpoint("create-project"), options());
    const [, errors] = judgeBurst(endpoint("create-project"), stats, 1);
    expect(stats.errors / stats.requests).toBeGreaterThan(0.03);
    expect(errors).toMatchObject({ id: "PERF-ERRORS", status: "fail" });
  });
});

/** The loadtest verb in this process, as `npm run loadtest -- ...` runs it through its entry file. */
function loadtest(args: string[]) {
  return runInProcess(loadtestVerb, args, { failedAs: "loadtest failed", failureCode: 2 });
}

/** The prod example with `mutate` applied, written as a stack file; its path. */
function writeStackFile(name: string, mutate: (config: Record<string, any>) => void = () => {}): string {
  const config = exampleConfig("prod");
  mutate(config);
  const path = join(mkdtempSync(join(dir, `${name}-`)), "Pulumi.prod.yaml");
  writeFileSync(path, stringify({ config }));
  return path;
}

const aimed = () => ["--connect-to", `:443:127.0.0.1:${servers.httpsPort}`, "--ca", caFile];

describe("npm run loadtest", () => {
  test("bursts every declared endpoint at each level, reports by bar ID and exits 1 on a blown budget", async () => {
    // home keeps a budget it meets on any machine; list-projects keeps the example's 250 ms against a 350 ms answer.
    const stack = writeStackFile("levels", (config) => (config["launch-ready:performance"].endpoints[0].p95Ms = ROOMY_P95_MS));
    const { code, stdout } = await loadtest(["--config", stack, "--levels", "4,8", "--duration", "1", "--max-requests", "60", ...aimed(), "--json"]);
    const report = JSON.parse(stdout) as { checks: Array<{ id: string; target: string; status: string }>; bursts: unknown[] };
    expect(report.bursts).toHaveLength(8);
    const failed = report.checks.filter((c) => c.status === "fail").map((c) => `${c.id} ${c.target}`);
    expect(failed).toEqual(expect.arrayContaining(["PERF-P95 list-projects @ 4 connections", "PERF-P95 list-projects @ 8 connections"]));
    expect(report.checks.find((c) => c.id === "PERF-P95" && c.target === "home @ 8 connections")?.status).toBe("pass");
    expect(code).toBe(1);
  });

  test("refuses an endpoint on a host the stack does not declare, and bounds the load", async () => {
    const stack = writeStackFile("foreign", (config) => (config["launch-ready:performance"].endpoints[0].url = "https://someone-else.example.net/"));
    const refused = await loadtest(["--config", stack]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing to load hosts the stack does not declare: home (someone-else.example.net)");
    const target = await loadtest([
      "--config",
      stack,
      "--target",
      "https://someone-else.example.net/",
      "--levels",
      "2",
      "--duration",
      "1",
      "--max-requests",
      "20",
      ...aimed(),
    ]);
    expect(target.stdout).toMatch(/target\s*│\s*2\s*│/);
    expect(target.code).toBe(0);
    const capped = await loadtest(["--stack", "prod", "--duration", "600"]);
    expect(capped.code).toBe(2);
    expect(capped.stderr).toContain('--duration "600" must be a whole number from 1 to 60');
  });
});

describe("the loadtest entry file", () => {
  test("npm run loadtest runs the verb and exits with its code: 1 for a budget blown by a slow endpoint", async () => {
    const stack = writeStackFile("entry");
    // A read endpoint answering after 350 ms against the bar's 300 ms read budget at launch.
    const child = await runEntryFile("loadtest", [
      "--config",
      stack,
      "--target",
      "https://api.example.com/v1/projects",
      "--levels",
      "2",
      "--duration",
      "1",
      "--max-requests",
      "10",
      ...aimed(),
      "--json",
    ]);
    expect(child.stderr).toBe("");
    expect(child.code).toBe(1);
    const report = JSON.parse(child.stdout) as {
      stack: string;
      checks: Array<{ id: string; target: string; status: string; detail: string }>;
      bursts: Array<{ endpoint: string; connections: number }>;
    };
    expect(report.stack).toBe("prod");
    expect(report.bursts.map((b) => [b.endpoint, b.connections])).toEqual([["target", 2]]);
    expect(report.checks.find((c) => c.id === "PERF-P95")).toMatchObject({
      target: "target @ 2 connections",
      status: "fail",
      detail: expect.stringContaining("budget 300 ms"),
    });
  });
});
