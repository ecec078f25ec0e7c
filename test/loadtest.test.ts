/** PERF-P95 and PERF-ERRORS live: bursts against a real HTTPS server on loopback, p95 read off an HDR histogram. */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { judgeBurst } from "../policies/live/live-load";
import { burst } from "../policies/live/load";
import { parseConnectTo } from "../policies/live/probes";
import { exampleConfig, parsedExample } from "./helpers";
import { createTestCa, startWebServers, type WebServers } from "../scripts/bench/loopback";

let servers: WebServers;
let caPem: string;
let created = 0;

beforeAll(async () => {
  const ca = await createTestCa();
  caPem = ca.certificate;
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
afterAll(() => servers.close());

const options = () => ({ connectTo: [parseConnectTo(`:443:127.0.0.1:${servers.httpsPort}`)], ca: caPem, timeoutMs: 5000, connections: 10, durationSeconds: 1, maxRequests: 400 });
const endpoint = (name: string) => parsedExample("prod").performance.endpoints.find((e) => e.name === name)!;

describe("a burst against loopback", () => {
  test("a fast endpoint is within its budget, with p50 <= p95 <= p99", async () => {
    const stats = await burst(endpoint("home"), options());
    expect(stats.requests).toBeGreaterThan(20);
    expect(stats.p50Ms).toBeLessThanOrEqual(stats.p95Ms);
    expect(stats.p95Ms).toBeLessThanOrEqual(stats.p99Ms);
    expect(judgeBurst(endpoint("home"), stats, 1).map((c) => [c.id, c.status])).toEqual([["PERF-P95", "pass"], ["PERF-ERRORS", "pass"]]);
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

function loadtest(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const root = join(__dirname, "..");
  return new Promise((resolve) => {
    execFile(join(root, "node_modules", ".bin", "tsx"), ["scripts/loadtest.ts", ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe("npm run loadtest", () => {
  test("bursts every declared endpoint at each level, reports by bar ID and exits 1 on a blown budget", async () => {
    const dir = mkdtempSync(join(tmpdir(), "launch-ready-load-"));
    writeFileSync(join(dir, "ca.pem"), caPem);
    writeFileSync(join(dir, "Pulumi.prod.yaml"), stringify({ config: exampleConfig("prod") }));
    const { code, stdout } = await loadtest([
      "--config", join(dir, "Pulumi.prod.yaml"), "--levels", "4,8", "--duration", "1", "--max-requests", "60",
      "--connect-to", `:443:127.0.0.1:${servers.httpsPort}`, "--ca", join(dir, "ca.pem"), "--json",
    ]);
    const report = JSON.parse(stdout) as { checks: Array<{ id: string; target: string; status: string }>; bursts: unknown[] };
    expect(report.bursts).toHaveLength(8);
    const failed = report.checks.filter((c) => c.status === "fail").map((c) => `${c.id} ${c.target}`);
    expect(failed).toEqual(expect.arrayContaining(["PERF-P95 list-projects @ 4 connections", "PERF-P95 list-projects @ 8 connections"]));
    expect(report.checks.find((c) => c.id === "PERF-P95" && c.target === "home @ 8 connections")?.status).toBe("pass");
    expect(code).toBe(1);
  });

  test("refuses an endpoint on a host the stack does not declare, and bounds the load", async () => {
    const dir = mkdtempSync(join(tmpdir(), "launch-ready-load-"));
    const config = exampleConfig("prod");
    config["launch-ready:performance"].endpoints[0].url = "https://someone-else.example.net/";
    writeFileSync(join(dir, "Pulumi.prod.yaml"), stringify({ config }));
    const refused = await loadtest(["--config", join(dir, "Pulumi.prod.yaml")]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing to load hosts the stack does not declare: home (someone-else.example.net)");
    const dirCa = join(dir, "ca.pem");
    writeFileSync(dirCa, caPem);
    const target = await loadtest([
      "--config", join(dir, "Pulumi.prod.yaml"), "--target", "https://someone-else.example.net/", "--levels", "2", "--duration", "1", "--max-requests", "20",
      "--connect-to", `:443:127.0.0.1:${servers.httpsPort}`, "--ca", dirCa,
    ]);
    expect(target.stdout).toMatch(/target\s*│\s*2\s*│/);
    expect(target.code).toBe(0);
    const capped = await loadtest(["--stack", "prod", "--duration", "600"]);
    expect(capped.code).toBe(2);
    expect(capped.stderr).toContain('--duration "600" must be a whole number from 1 to 60');
  });
});
