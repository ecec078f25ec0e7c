/**
 * `npm run verify -- --stack <name> | --config FILE [--resolver IP[:PORT]]... [--connect-to H:P:H:P]... [--ca FILE] [--json]`
 *
 * What the internet sees, against the bar's live column: DNS on several resolvers, TLS, the
 * canonical redirect, http→https and security headers. Exit 0 when nothing mandatory fails,
 * 1 when something does, 2 on usage or config errors.
 */
import Table from "cli-table3";
import { AI_PROBE_PROMPTS } from "../../policies/live/ai-probes";
import type { LiveCheck } from "../../policies/live/live-checks";
import { DEFAULT_RESOLVERS, MAX_REQUEST_TIMEOUT_MS, MAX_RUN_DEADLINE_MS, parseResolver, ProbeUsageError, type ResolverSpec } from "../../policies/live/probes";
import { verifyStack } from "../../policies/live/verify-stack";
import { COMMON_OPTIONS, parseCommandLine, STACK_OPTIONS, stackConfigFromArgs, TARGET_OPTIONS, targetFromArgs, wholeNumberFlag } from "../cli/args";
import { fail, terminalSafe, type Io } from "../cli/io";

const USAGE = `Usage: npm run verify -- --stack <name> | --config FILE [options]

  --resolver IP[:PORT]             ask this DNS server (repeatable); default: the system resolver, 1.1.1.1, 8.8.8.8, 9.9.9.9
  --connect-to HOST1:PORT1:HOST2:PORT2
                                   send connections for HOST1:PORT1 to HOST2:PORT2 (curl's meaning; empty HOST1/PORT1 match any; repeatable)
  --ca FILE                        also trust this CA certificate (PEM)
  --burst                          send each rate-limited endpoint a burst just over its limit (EDGE-RATE-LIMIT);
                                   it trips the limit for this IP, so it is off unless asked
  --ai-probes                      send each AI endpoint ${AI_PROBE_PROMPTS.length} prompt-injection probes and a stalled-model request (AI-TIMEOUT);
                                   its body needs a {{prompt}} placeholder; off unless asked, as each costs model tokens
  --canary-env NAME                the environment variable holding the canary planted in the AI's hidden context
  --concurrency N                  probes at once (default 8)
  --timeout MS                     deadline of each request, connect to last byte (default 10000, at most ${MAX_REQUEST_TIMEOUT_MS})
  --deadline MS                    deadline of the whole run: what has not answered by then fails, named (default 120000, at most ${MAX_RUN_DEADLINE_MS})
  --json                           print {"stack","environment","checks":[{"id","target","status","detail"}]}
  --help                           show this help

Checks today: DNS-SUBDOMAINS, DNS-SANE, DNS-PROXIED, TLS-STRICT, TLS-VERSION, TLS-HTTPS-ONLY, DNS-CANONICAL,
TLS-HSTS, EDGE-HEADERS, EDGE-CACHE-STATIC (edge.cache.verifyAsset), EDGE-CACHE-PRIVATE, EDGE-ADMIN, EDGE-CORS, MAIL-SPF, MAIL-DKIM, MAIL-DMARC,
MAIL-PARKED, MON-UPTIME (each monitored URL answers now), with --burst EDGE-RATE-LIMIT, and with
--ai-probes AI-TIMEOUT.
Mail records are read through the first resolver.
Exit: 0 nothing mandatory fails, 1 a mandatory check fails, 2 usage or config error.`;

function renderText(checks: LiveCheck[], heading: string): string {
  const table = new Table({ head: ["Status", "ID", "Target", "Detail"], style: { head: [], border: [] }, wordWrap: true, colWidths: [8, 20, 40, 70] });
  // Details quote what servers sent: printed for a person, their control characters are shown, not obeyed.
  for (const check of checks) table.push([check.status === "fail" ? "FAIL" : check.status, check.id, terminalSafe(check.target), terminalSafe(check.detail)]);
  const count = (status: string) => checks.filter((c) => c.status === status).length;
  return `${heading}\n${table.toString()}\nLive bar: ${count("pass")} pass, ${count("fail")} fail, ${count("warn")} warn, ${count("skip")} skip.`;
}

export async function verify(argv: string[], io: Io): Promise<number> {
  const args = parseCommandLine(argv, USAGE, io, {
    ...STACK_OPTIONS,
    ...COMMON_OPTIONS,
    ...TARGET_OPTIONS,
    resolver: { type: "string", multiple: true },
    burst: { type: "boolean", default: false },
    "ai-probes": { type: "boolean", default: false },
    "canary-env": { type: "string" },
    concurrency: { type: "string" },
    timeout: { type: "string" },
    deadline: { type: "string" },
  });
  const json = args.json;
  const { file, config } = stackConfigFromArgs(args, json, USAGE, io);
  const target = targetFromArgs(args, json, io);
  let resolvers: ResolverSpec[];
  try {
    resolvers = args.resolver ? args.resolver.map(parseResolver) : DEFAULT_RESOLVERS;
  } catch (error) {
    if (!(error instanceof ProbeUsageError)) throw error;
    fail(2, json, error.message);
  }
  const canary = args["canary-env"] ? io.env[args["canary-env"]] : undefined;
  if (args["canary-env"] && !canary)
    fail(2, json, `--canary-env ${args["canary-env"]}: that variable is not set; export the canary planted in the AI's hidden context under that name`);
  const progress = io.stderr.isTTY && !json;
  const checks = await verifyStack(config, {
    resolvers,
    ...target,
    burst: args.burst,
    aiProbes: args["ai-probes"],
    ...(canary ? { canary } : {}),
    concurrency: wholeNumberFlag(args.concurrency, "--concurrency", 8, json),
    timeoutMs: wholeNumberFlag(args.timeout, "--timeout", 10_000, json, MAX_REQUEST_TIMEOUT_MS),
    runDeadlineMs: wholeNumberFlag(args.deadline, "--deadline", 120_000, json, MAX_RUN_DEADLINE_MS),
    onProgress: progress ? (done, total) => io.stderr.write(`\rverifying: ${done}/${total} probes`) : undefined,
  });
  if (progress) io.stderr.write("\n");
  if (json) io.stdout.write(`${JSON.stringify({ stack: file.stack, environment: config.environment, checks }, null, 2)}\n`);
  else io.stdout.write(`${renderText(checks, `Live verification of ${file.stack} (${config.environment}), ${config.zone.domain}:`)}\n`);
  // verifyStack settles only once every probe it started has: the exit code is decided here, once.
  return checks.some((check) => check.status === "fail") ? 1 : 0;
}
