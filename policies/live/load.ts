/**
 * One burst against one endpoint: autocannon drives the connections (a maintained load
 * generator) and every response's latency goes into our own HDR histogram, so p95 is read off
 * the full record (autocannon's summary reports p90 and p97.5, not p95).
 */
import autocannon from "autocannon";
import * as hdr from "hdr-histogram-js";
import type { BurstStats } from "./live-load";
import { probeBody } from "./ai-probes";
import type { BudgetedEndpoint } from "../../stacks/performance-config";
import { route, trusted, type ProbeOptions } from "./probes";

/** What an AI endpoint is asked under load: an ordinary request, not a probe. */
const LOAD_PROMPT = "Summarise my week in three sentences.";

export interface BurstOptions extends ProbeOptions {
  connections: number;
  durationSeconds: number;
  /** Stop after this many requests even if the duration has not run out. */
  maxRequests: number;
}

export async function burst(endpoint: BudgetedEndpoint, options: BurstOptions): Promise<BurstStats> {
  const url = new URL(endpoint.url);
  const target = route(options, url.hostname, Number(url.port) || 443);
  // Microseconds, up to a minute, three significant digits: 0.1 % resolution at any latency.
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  let failedAnswers = 0;
  // The promise form resolves with the results; the instance it also is emits each response.
  const instance = autocannon({
    url: `https://${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}${url.pathname}${url.search}`,
    method: endpoint.method as "GET",
    ...(endpoint.body !== undefined
      ? { body: probeBody(endpoint, LOAD_PROMPT) ?? endpoint.body, headers: { host: url.host, "content-type": "application/json" } }
      : { headers: { host: url.host } }),
    servername: url.hostname,
    // --ca adds to the bundled roots, as in verify; a bare `ca` would replace them.
    tlsOptions: options.ca ? { ca: trusted(options) } : {},
    connections: options.connections,
    duration: options.durationSeconds,
    maxOverallRequests: Math.max(options.maxRequests, options.connections),
    timeout: Math.ceil(options.timeoutMs / 1000),
    // autocannon notices its clients are done only at a sample tick (1 s by default): a burst that
    // --max-requests ends early would last, and divide requests by, a whole second.
    sampleInt: 100,
  } as autocannon.Options) as Promise<autocannon.Result> & {
    on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
  };
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    histogram.recordValue(Math.max(1, Math.round(responseTime * 1000)));
    if (statusCode < 200 || statusCode >= 400) failedAnswers += 1;
  });
  const result = await instance;
  const requests = histogram.totalCount + result.errors + result.timeouts;
  const stats: BurstStats = {
    connections: options.connections,
    requests,
    errors: failedAnswers + result.errors + result.timeouts,
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p95Ms: histogram.getValueAtPercentile(95) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
    requestsPerSecond: requests / Math.max(result.duration, 0.001),
  };
  histogram.destroy();
  return stats;
}
