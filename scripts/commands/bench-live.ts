/**
 * `npm run bench`: the live tools against real servers on loopback, printed as ratios (this
 * machine is shared and noisy, so absolute times mean little):
 * - verify's wall time with its concurrent probes against the same probes one at a time;
 * - loadtest's p95 (its keep-alive client, with its deadlines, caps and HDR histogram) against a
 *   second, minimal measurement of the same server: plain node https requests at the same
 *   concurrency, every latency kept and sorted.
 * Each answer is delayed as a network would delay it, so concurrency has something to overlap.
 * It takes no flags (its command line is ignored, as it always was). Exit 0, or 1 if it fails.
 */
import { Agent, request } from "node:https";
import { burst } from "../../policies/live/load";
import { parseConnectTo, parseResolver } from "../../policies/live/probes";
import { verifyStack } from "../../policies/live/verify-stack";
import { parseStackConfig } from "../../stacks/stack-config";
import { requireProject, stackFilePath } from "../../stacks/project";
import { readStackFile } from "../../stacks/stack-file";
import { createTestCa, startDnsServer, startWebServers, type Zone } from "../bench/loopback";
import type { Io } from "../cli/io";

const ANSWER_DELAY_MS = 20;
const RUNS = 3;
const LOAD_CONNECTIONS = 10;
const LOAD_SECONDS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export async function benchLive(_argv: string[], io: Io): Promise<number> {
  try {
    await bench(io);
    return 0;
  } catch (error) {
    // A benchmark that breaks is debugged from its stack, so the whole of it is printed.
    io.stderr.write(`bench failed: ${(error as Error)?.stack ?? (error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}

async function bench(io: Io): Promise<void> {
  const log = (line: string) => io.stdout.write(`${line}\n`);
  const parsed = parseStackConfig(readStackFile(stackFilePath(requireProject(io.cwd), "prod")).config);
  if (!parsed.ok) throw new Error("the prod example stack does not parse");
  const config = parsed.config;
  const ca = await createTestCa();
  const zone: Zone = Object.fromEntries(config.hosts.map((host) => [host.fqdn, { a: ["104.16.132.229"] }]));
  const dns = await startDnsServer(zone);
  try {
    // Latency for the load comparison: 20 ms plus up to 30 ms, so p95 sits well inside the spread.
    const servers = await startWebServers({
      certificates: {},
      fallback: await ca.issue(config.hosts.map((host) => host.fqdn)),
      tls: { minVersion: "TLSv1.2" },
      handler: (req, res) =>
        void setTimeout(
          () => res.writeHead(200, { "content-type": "text/html" }).end("<html></html>"),
          req.url === "/bench-load" ? ANSWER_DELAY_MS + Math.random() * 30 : ANSWER_DELAY_MS,
        ),
      httpHandler: (req, res) => void setTimeout(() => res.writeHead(301, { location: `https://${req.headers.host}${req.url}` }).end(), ANSWER_DELAY_MS),
    });
    const probe = {
      resolvers: [parseResolver(`127.0.0.1:${dns.port}`)],
      connectTo: [parseConnectTo(`:443:127.0.0.1:${servers.httpsPort}`), parseConnectTo(`:80:127.0.0.1:${servers.httpPort}`)],
      ca: ca.certificate,
      timeoutMs: 10_000,
      runDeadlineMs: 600_000,
    };

    try {
      const timed = async (concurrency: number) => {
        const started = performance.now();
        const checks = await verifyStack(config, { ...probe, concurrency });
        return { ms: performance.now() - started, checks: checks.length };
      };
      await timed(8); // warm-up: module loading, TLS session set-up
      const concurrent: number[] = [];
      const sequential: number[] = [];
      let checks = 0;
      for (let i = 0; i < RUNS; i++) {
        const fast = await timed(8);
        concurrent.push(fast.ms);
        sequential.push((await timed(1)).ms);
        checks = fast.checks;
      }
      log(`verify, prod example (${checks} checks, every answer delayed ${ANSWER_DELAY_MS} ms), median of ${RUNS}:`);
      log(
        `  concurrency 8: ${median(concurrent).toFixed(0)} ms; one at a time: ${median(sequential).toFixed(0)} ms; speed-up x${(median(sequential) / median(concurrent)).toFixed(2)}`,
      );

      const endpoint = { ...config.performance.endpoints[0], url: `https://${config.canonical.fqdn}/bench-load`, method: "GET" };
      delete (endpoint as { body?: string }).body;
      const stats = await burst(endpoint, { ...probe, connections: LOAD_CONNECTIONS, durationSeconds: LOAD_SECONDS, maxRequests: 100_000 });
      const independent = await measureIndependently(`https://127.0.0.1:${servers.httpsPort}/bench-load`, config.canonical.fqdn, ca.certificate);
      log(`loadtest vs an independent client, ${LOAD_CONNECTIONS} connections for ${LOAD_SECONDS} s each:`);
      log(
        `  loadtest p95 ${stats.p95Ms.toFixed(1)} ms over ${stats.requests} requests; independent p95 ${independent.p95.toFixed(1)} ms over ${independent.count} requests; ratio ${(stats.p95Ms / independent.p95).toFixed(3)}`,
      );
    } finally {
      await servers.close();
    }
  } finally {
    await dns.close();
  }
}

/** The same load measured with nothing of loadtest's: keep-alive https requests in LOAD_CONNECTIONS loops, each latency timed. */
async function measureIndependently(url: string, host: string, ca: string): Promise<{ p95: number; count: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: LOAD_CONNECTIONS, ca });
  const latencies: number[] = [];
  const until = performance.now() + LOAD_SECONDS * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        const req = request(url, { agent, servername: host, headers: { host } }, (res) => {
          res.resume();
          res.once("end", () => resolve());
          // A body cut short never ends: it settles as a failure instead (a no-op once it has ended).
          res.once("close", () => reject(new Error(`${url}: the response ended before its body was complete`)));
        });
        req.once("error", reject);
        req.end();
      });
      latencies.push(performance.now() - started);
    }
  };
  try {
    await Promise.all(Array.from({ length: LOAD_CONNECTIONS }, loop));
  } finally {
    agent.destroy();
  }
  return {
    p95: percentile(
      latencies.sort((a, b) => a - b),
      95,
    ),
    count: latencies.length,
  };
}
