/**
 * One burst against one endpoint: `connections` keep-alive connections, each sending its next
 * request as soon as its last answer has ended, and every answer's latency into our own HDR
 * histogram, so p95 is read off the full record.
 *
 * Node's own client, not a load generator: autocannon 8 appends each response's body to a string
 * until the response ends (its request queue's `addBody`, which no option turns off), so eight
 * connections against a 100 MB answer held about 1 GB; and it reconnects without counting a
 * failure when an answer is cut short. Here a body is counted and dropped as it arrives, an answer
 * longer than the cap is cut off, and an answer that is not whole is a failure with its reason.
 */
import { Agent, request, type RequestOptions } from "node:https";
import { createSecureContext } from "node:tls";
import * as hdr from "hdr-histogram-js";
import type { BurstStats } from "./live-load";
import { probeBody } from "./ai-probes";
import type { BudgetedEndpoint } from "../../stacks/performance-config";
import { INCOMPLETE_BODY, route, trusted, type ProbeOptions } from "./probes";

/** What an AI endpoint is asked under load: an ordinary request, not a probe. */
const LOAD_PROMPT = "Summarise my week in three sentences.";

/** Far past any page or API answer a launch serves: beyond it a burst measures bandwidth, not the endpoint. */
export const MAX_ANSWER_BYTES = 16 * 2 ** 20;

export interface BurstOptions extends ProbeOptions {
  connections: number;
  /** No request starts after this; one under way still has its own deadline (`timeoutMs`, the whole answer). */
  durationSeconds: number;
  /** Stop after this many requests even if the duration has not run out. */
  maxRequests: number;
  /** An answer longer than this is cut off there and counted failed. @default MAX_ANSWER_BYTES */
  maxAnswerBytes?: number;
}

/** One request's end: a whole answer and its time, or why there was none; and the body bytes that came either way. */
type Outcome = { bytes: number } & ({ status: number; ms: number } | { failure: string });

export async function burst(endpoint: BudgetedEndpoint, options: BurstOptions): Promise<BurstStats> {
  const url = new URL(endpoint.url);
  const target = route(options, url.hostname, Number(url.port) || 443);
  const body = endpoint.body !== undefined ? (probeBody(endpoint, LOAD_PROMPT) ?? endpoint.body) : undefined;
  const cap = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const send: RequestOptions = {
    host: target.host,
    port: target.port,
    path: `${url.pathname}${url.search}`,
    method: endpoint.method,
    headers: { host: url.host, ...(body !== undefined ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}) },
    servername: url.hostname,
    agent,
    // --ca on top of the bundled roots, as in verify, parsed once for every connection rather than once each.
    ...(options.ca ? { secureContext: createSecureContext({ ca: trusted(options) }) } : {}),
  };
  // Microseconds, up to a minute, three significant digits: 0.1 % resolution at any latency.
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  const failures: Record<string, number> = {};
  const fail = (reason: string) => {
    failures[reason] = (failures[reason] ?? 0) + 1;
  };
  let sent = 0;
  let bodyBytes = 0;
  const started = performance.now();
  const until = started + options.durationSeconds * 1000;
  const connection = async () => {
    while (sent < options.maxRequests && performance.now() < until) {
      sent += 1;
      const outcome = await answer(send, body, options.timeoutMs, cap);
      bodyBytes += outcome.bytes;
      if ("failure" in outcome) {
        fail(outcome.failure);
        continue;
      }
      histogram.recordValue(Math.max(1, Math.round(outcome.ms * 1000)));
      if (outcome.status < 200 || outcome.status >= 400) fail(`HTTP ${outcome.status}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, connection));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  const stats: BurstStats = {
    connections: options.connections,
    requests: sent,
    errors: Object.values(failures).reduce((sum, n) => sum + n, 0),
    failures,
    bodyBytes,
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p95Ms: histogram.getValueAtPercentile(95) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
    requestsPerSecond: sent / Math.max(seconds, 0.001),
  };
  histogram.destroy();
  return stats;
}

/**
 * One request, settled exactly once: when its answer has ended, or with the reason it did not.
 * The deadline bounds the whole request, connect to last byte (a socket's idle timeout would
 * never trip on a server sending a byte a second). Redirects are answers here, not followed.
 */
function answer(send: RequestOptions, body: string | undefined, timeoutMs: number, cap: number): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let bytes = 0;
    let settled = false;
    let responded = false;
    /** Why this side gave up (the deadline, the cap): that, not the closed connection it leads to, is the story. */
    let gaveUp: string | undefined;
    const settle = (outcome: { status: number; ms: number } | { failure: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ bytes, ...outcome });
    };
    const giveUp = (reason: string) => {
      gaveUp = reason;
      sending.destroy(new Error(reason));
    };
    const sending = request(send, (response) => {
      responded = true;
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > cap) giveUp(`an answer over ${cap} bytes (cut off there)`);
      });
      response.once("end", () =>
        settle(response.complete ? { status: response.statusCode ?? 0, ms: performance.now() - started } : { failure: INCOMPLETE_BODY }),
      );
      // 'close' follows 'end' on a whole answer (settle is then a no-op); alone, the body was cut short.
      const cutShort = () => settle({ failure: gaveUp ?? INCOMPLETE_BODY });
      response.once("error", cutShort);
      response.once("close", cutShort);
    });
    const deadline = setTimeout(() => giveUp(`no complete answer within ${timeoutMs} ms`), timeoutMs);
    sending.once("error", (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      settle({ failure: gaveUp ?? (code.startsWith("HPE_") ? `a malformed answer (${code})` : code) });
    });
    // Once an answer has begun, its own 'end' or 'close' settles it (this 'close' may come first);
    // before that, a connection closing without an error would settle nothing.
    sending.once("close", () => {
      if (!responded) settle({ failure: gaveUp ?? "the connection closed before an answer arrived" });
    });
    sending.end(body);
  });
}
