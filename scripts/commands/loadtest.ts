/**
 * `npm run loadtest -- --stack <name> | --config FILE [--levels 25,50,100] [--duration S] [--max-requests N] [--connect-to ...] [--ca FILE] [--json]`
 *
 * Each endpoint of `launch-ready:performance` under bursts of 25, 50 and 100 concurrent
 * connections, against its p95 budget (PERF-P95) and the stack's error budget (PERF-ERRORS).
 * Only hosts the stack declares are loaded; rate and duration are capped, and every answer's body
 * is counted and dropped, never kept. Exit 1 on a blown budget, 2 on usage or config errors.
 */
import Table from "cli-table3";
import { MAX_REQUEST_TIMEOUT_MS } from "../../policies/live/probes";
import type { LiveCheck } from "../../policies/live/live-checks";
import { judgeBurst } from "../../policies/live/live-load";
import { burst } from "../../policies/live/load";
import { ENDPOINT_BUDGET_KINDS, type EndpointBudgetKind } from "../../stacks/schema/operations";
import { P95_BUDGET_MS, type BudgetedEndpoint } from "../../stacks/performance-config";
import { COMMON_OPTIONS, parseCommandLine, STACK_OPTIONS, stackConfigFromArgs, TARGET_OPTIONS, targetFromArgs, wholeNumberFlag } from "../cli/args";
import { fail, type Io } from "../cli/io";

/** Bounds that keep a load test from becoming an attack on someone's production. */
export const MAX_DURATION_SECONDS = 60;
export const MAX_REQUESTS_PER_BURST = 20_000;
export const MAX_CONNECTIONS = 500;

const USAGE = `Usage: npm run loadtest -- --stack <name> | --config FILE [options]

  --levels A,B,C          concurrent connections per burst (default 25,50,100; at most ${MAX_CONNECTIONS})
  --duration S            seconds per burst (default 10, at most ${MAX_DURATION_SECONDS})
  --max-requests N        requests per burst at most (default 5000, at most ${MAX_REQUESTS_PER_BURST})
  --connect-to H1:P1:H2:P2  send connections for H1:P1 to H2:P2 (curl's meaning; repeatable)
  --ca FILE               also trust this CA certificate (PEM)
  --target URL            load this one URL instead of the declared endpoints, even on a host the stack does not declare
  --kind read|write|ai    the budget the --target is held to (default read)
  --timeout MS            for each whole answer, connect to last byte (default 10000); a burst
                          starts no request after --duration, so it ends by --duration plus this
  --json                  print {"stack","checks":[{"id","target","status","detail"}],"bursts":[...]}
  --help                  show this help

Only endpoints on hosts the stack declares are loaded, unless --target names one on purpose.
Exit: 0 every budget holds, 1 a budget is blown, 2 usage or config error.`;

/** `--target URL --kind K`: one GET held to the bar's budget for its kind. */
function targetEndpoint(url: string, kind: string | undefined, stage: "prototype" | "launch", json: boolean): BudgetedEndpoint {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (parsed?.protocol !== "https:") fail(2, json, `--target "${url}" must be an absolute https:// URL`);
  const budgetKind = (kind ?? "read") as EndpointBudgetKind;
  if (!ENDPOINT_BUDGET_KINDS.includes(budgetKind)) fail(2, json, `--kind "${kind}" must be one of ${ENDPOINT_BUDGET_KINDS.join(", ")}`);
  const budget = P95_BUDGET_MS[stage][budgetKind];
  return { index: -1, name: "target", url: parsed.href, method: "GET", kind: budgetKind, p95Ms: budget, barP95Ms: budget };
}

export async function loadtest(argv: string[], io: Io): Promise<number> {
  const args = parseCommandLine(argv, USAGE, io, {
    ...STACK_OPTIONS,
    ...COMMON_OPTIONS,
    levels: { type: "string" },
    duration: { type: "string" },
    "max-requests": { type: "string" },
    ...TARGET_OPTIONS,
    target: { type: "string" },
    kind: { type: "string" },
    timeout: { type: "string" },
  });
  const json = args.json;
  const { path, file, config } = stackConfigFromArgs(args, json, USAGE, io);
  if (args.kind !== undefined && !args.target)
    fail(2, json, `--kind "${args.kind}" sets the budget of a --target; the declared endpoints have their own kinds`);
  const endpoints = args.target ? [targetEndpoint(args.target, args.kind, config.performance.stage, json)] : config.performance.endpoints;
  if (endpoints.length === 0) fail(2, json, `${path} declares no launch-ready:performance.endpoints; list the core endpoints and their budgets first`);
  const declared = new Set(config.hosts.map((host) => host.fqdn));
  const foreign = args.target ? [] : endpoints.filter((endpoint) => !declared.has(new URL(endpoint.url).hostname));
  if (foreign.length > 0)
    fail(
      2,
      json,
      `refusing to load hosts the stack does not declare: ${foreign.map((e) => `${e.name} (${new URL(e.url).hostname})`).join(", ")}; give --target URL to load one on purpose`,
    );

  const levels = (args.levels ?? "25,50,100").split(",").map((level) => wholeNumberFlag(level.trim(), "--levels", 0, json, MAX_CONNECTIONS));
  const base = {
    ...targetFromArgs(args, json, io),
    timeoutMs: wholeNumberFlag(args.timeout, "--timeout", 10_000, json, MAX_REQUEST_TIMEOUT_MS),
    durationSeconds: wholeNumberFlag(args.duration, "--duration", 10, json, MAX_DURATION_SECONDS),
    maxRequests: wholeNumberFlag(args["max-requests"], "--max-requests", 5000, json, MAX_REQUESTS_PER_BURST),
  };

  const checks: LiveCheck[] = [];
  const bursts = [];
  // One burst at a time: concurrent bursts would measure each other.
  for (const endpoint of endpoints) {
    for (const connections of levels) {
      if (!json && io.stderr.isTTY) io.stderr.write(`burst: ${endpoint.name} with ${connections} connections for up to ${base.durationSeconds} s\n`);
      const stats = await burst(endpoint, { ...base, connections });
      bursts.push({ endpoint: endpoint.name, ...stats });
      checks.push(...judgeBurst(endpoint, stats, config.performance.errorBudgetPercent));
    }
  }
  if (json) {
    io.stdout.write(`${JSON.stringify({ stack: file.stack, checks, bursts }, null, 2)}\n`);
  } else {
    const table = new Table({
      head: ["Endpoint", "Conns", "Requests", "p50 ms", "p95 ms", "p99 ms", "Errors", "Budget", "PERF-P95", "PERF-ERRORS"],
      style: { head: [], border: [] },
    });
    for (const [i, b] of bursts.entries()) {
      const endpoint = endpoints.find((e) => e.name === b.endpoint)!;
      table.push([
        b.endpoint,
        b.connections,
        b.requests,
        b.p50Ms.toFixed(1),
        b.p95Ms.toFixed(1),
        b.p99Ms.toFixed(1),
        b.errors,
        `${endpoint.p95Ms} ms`,
        checks[2 * i].status,
        checks[2 * i + 1].status,
      ]);
    }
    // The table says which budget broke; these lines say why (the p95, or what the failed requests met).
    const why = checks.filter((check) => check.status === "fail").map((check) => `${check.id} ${check.target}: ${check.detail}\n`);
    io.stdout.write(`Load test of ${file.stack} (${config.environment}):\n${table.toString()}\n${why.join("")}`);
  }
  // Every burst has been awaited in turn: the exit code is decided here, once.
  return checks.some((check) => check.status === "fail") ? 1 : 0;
}
