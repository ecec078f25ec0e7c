/**
 * PERF-P95 and PERF-ERRORS live: bursts against a real HTTPS server on loopback, p95 read off an
 * HDR histogram. The loadtest verb runs in this process; one test runs its entry file.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerResponse } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { judgeBurst } from "../policies/live/live-load";
import { burst } from "../policies/live/load";
import { INCOMPLETE_BODY, parseConnectTo } from "../policies/live/probes";
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

const MB = 2 ** 20;
/** The body the large answers stream, a megabyte reused for each one. */
const MEGABYTE = Buffer.alloc(MB, "a");
/** Each /held answer: larger than a loopback connection's kernel buffers hold (4 MB out, 32 MB in), so most of it has reached the client. */
const HELD_BYTES = 48 * MB;
const HELD_CONNECTIONS = 4;

/**
 * `/held` answers stream all of HELD_BYTES but the last byte and wait: `held` resolves with a
 * release for each once HELD_CONNECTIONS of them have been written out, which the client must
 * have been reading for their writes to complete.
 */
let heldAnswers: Array<() => void> = [];
let allHeld: (releases: Array<() => void>) => void = () => {};

/** Writes `bytes` of MEGABYTE with back-pressure, then calls `done`. */
function stream(response: ServerResponse, bytes: number, done: () => void) {
  let left = bytes;
  const pump = () => {
    while (left > 0) {
      const piece = MEGABYTE.subarray(0, Math.min(MB, left));
      left -= piece.length;
      if (left === 0) return void response.write(piece, done);
      if (!response.write(piece)) return void response.once("drain", pump);
    }
  };
  pump();
}

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
      if (request.url === "/held") {
        response.writeHead(200, { "content-length": String(HELD_BYTES) });
        return stream(response, HELD_BYTES - 1, () => {
          heldAnswers.push(() => response.end("a"));
          if (heldAnswers.length === HELD_CONNECTIONS) allHeld(heldAnswers);
        });
      }
      if (request.url === "/two-megabytes") {
        response.writeHead(200, { "content-length": String(2 * MB) });
        return stream(response, 2 * MB, () => response.end());
      }
      // Declares 1000 bytes, sends 100 and hangs up.
      if (request.url === "/cut") return void response.writeHead(200, { "content-length": "1000" }).write("x".repeat(100), () => response.destroy());
      // A status line no HTTP parser accepts.
      if (request.url === "/malformed") return void request.socket.end("HTTP/1.1 2OO OK\r\n\r\n");
      // A byte every 20 ms of a declared 1000: never idle long enough for an idle timeout, done after 20 s.
      if (request.url === "/dribble") {
        response.writeHead(200, { "content-length": "1000" });
        const dribble = setInterval(() => response.write("x"), 20);
        return void response.once("close", () => clearInterval(dribble));
      }
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
/** The home endpoint (a GET) at another path of the loopback server, with a budget any answer meets. */
const at = (path: string) => ({ ...endpoint("home"), url: `https://www.example.com${path}`, p95Ms: ROOMY_P95_MS });

/** A full collection, so that what the heap holds afterwards is what is still referenced, not garbage not yet swept. */
const collect = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();
const held = () => {
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

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

describe("what a burst keeps of the answers", () => {
  test("bodies are counted and dropped: four 48 MB answers under way hold far less than one of them", async () => {
    const releases = new Promise<Array<() => void>>((resolve) => (allHeld = resolve));
    heldAnswers = [];
    const before = held();
    const running = burst(at("/held"), {
      ...options(),
      connections: HELD_CONNECTIONS,
      maxRequests: HELD_CONNECTIONS,
      timeoutMs: 120_000,
      maxAnswerBytes: HELD_BYTES,
    });
    const waiting = await releases;
    // Every answer is all but one byte through, and none has ended: whatever keeps bodies keeps them now.
    const growth = held() - before;
    for (const release of waiting) release();
    const stats = await running;
    // Kept bodies would be four answers, nearly 192 MB; what is held is socket and TLS buffers (the
    // server's too, in this process), which a loaded machine lets grow: under one answer's worth.
    expect(growth).toBeLessThan(HELD_BYTES);
    expect(stats).toMatchObject({ requests: HELD_CONNECTIONS, errors: 0, failures: {}, bodyBytes: HELD_CONNECTIONS * HELD_BYTES });
  });

  test("an answer longer than the cap is cut off there and counted failed, with the cap as its reason", async () => {
    const capped = await burst(at("/two-megabytes"), { ...options(), connections: 2, maxRequests: 4, maxAnswerBytes: MB });
    expect(capped.failures).toEqual({ [`an answer over ${MB} bytes (cut off there)`]: 4 });
    expect(capped.errors).toBe(4);
    // Cut off within a read of the cap, not read to the end.
    expect(capped.bodyBytes).toBeLessThan(4 * 2 * MB);
    const whole = await burst(at("/two-megabytes"), { ...options(), connections: 2, maxRequests: 4, maxAnswerBytes: 2 * MB });
    expect(whole).toMatchObject({ requests: 4, errors: 0, bodyBytes: 4 * 2 * MB });
  });
});

describe("answers that are not whole", () => {
  test("a body cut short of its content-length is a failure, and so is a malformed answer", async () => {
    const cut = await burst(at("/cut"), { ...options(), connections: 2, maxRequests: 6 });
    expect(cut).toMatchObject({ requests: 6, errors: 6, failures: { [INCOMPLETE_BODY]: 6 } });
    const malformed = await burst(at("/malformed"), { ...options(), connections: 2, maxRequests: 4 });
    expect(malformed).toMatchObject({ requests: 4, errors: 4, failures: { "a malformed answer (HPE_INVALID_STATUS)": 4 } });
    expect(judgeBurst(at("/cut"), cut, 1)[1]).toMatchObject({ status: "fail", detail: `6 of 6 failed (100.00 %): 6 ${INCOMPLETE_BODY}; budget under 1 %` });
  });

  test("an answer dribbled a byte at a time fails at the whole-answer deadline, and no request starts after the duration", async () => {
    const stats = await burst(at("/dribble"), { ...options(), connections: 2, durationSeconds: 1, timeoutMs: 200 });
    // Each connection gives up on an answer after 200 ms and starts none after 1 s: a handful each, never the 400 allowed.
    expect(stats.requests).toBeGreaterThanOrEqual(2);
    expect(stats.requests).toBeLessThan(400);
    expect(stats.failures).toEqual({ "no complete answer within 200 ms": stats.requests });
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
    const cut = await loadtest(["--config", stack, "--target", "https://api.example.com/cut", "--levels", "2", "--max-requests", "4", ...aimed()]);
    expect(cut.stdout).toContain(`PERF-ERRORS target @ 2 connections: 4 of 4 failed (100.00 %): 4 ${INCOMPLETE_BODY}; budget under 1 %`);
    expect(cut.code).toBe(1);
    const capped = await loadtest(["--stack", "prod", "--duration", "600"]);
    expect(capped.code).toBe(2);
    expect(capped.stderr).toContain('--duration "600" must be a whole number from 1 to 60');
    const kind = await loadtest(["--stack", "prod", "--kind", "bogus", "--json"]);
    expect(kind.code).toBe(2);
    expect(JSON.parse(kind.stderr).error).toBe('--kind "bogus" sets the budget of a --target; the declared endpoints have their own kinds');
  });

  test("--max-requests is kept to exactly, even below the number of connections", async () => {
    const stats = await burst(endpoint("home"), { ...options(), connections: 5, maxRequests: 2 });
    expect(stats).toMatchObject({ connections: 5, requests: 2 });
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
