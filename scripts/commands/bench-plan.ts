/**
 * `npm run bench:plan [-- --runs N] [--json]`
 *
 * How much the kit adds to Pulumi's own cost, and how the plan grows with the stack:
 * 1. the prod example's offline plan against a bare program that registers the same resources
 *    directly with the same mocks (the floor), as a ratio of medians over several runs;
 * 2. generated stacks of 100, 1,000 and 5,000 records, with time per record and growth.
 * Every case runs in a fresh process, since the Pulumi runtime keeps state in globals.
 * Figures only: machines here are noisy, so nothing is asserted.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { parseStackConfig, type LaunchReadyConfig } from "../stacks/stack-config";
import { readStackFile, stackFilePath, type StackFile } from "../stacks/stack-file";
import { toRulesetRule } from "../components/canonical-redirect";
import { planEdgeRulesets } from "../components/edge-rulesets";
import { planMailRecords } from "../components/mail-auth/mail-records";
import { today } from "../policies/bar";
import { planDnsRecords, planRedirectRules, planZoneSettings } from "../components/site-records";
import { runOffline } from "./plan/offline-run";
import { planStack } from "./plan/plan-stack";

const SIZES = [100, 1000, 5000];

function parsed(file: StackFile): LaunchReadyConfig {
  const result = parseStackConfig(file.config);
  if (!result.ok) throw new Error(`${file.path} is invalid`);
  return result.config;
}

/** A stack of `records` proxied CNAME web hosts on top of the prod example. */
function generatedStack(records: number): StackFile {
  const file = readStackFile(stackFilePath("prod"));
  const hosts = file.config["launch-ready:hosts"] as unknown[];
  const extra = Array.from({ length: records - hosts.length }, (_, i) => ({ name: `svc-${i}`, target: `svc-${i}.origin.example.net`, purpose: "web" }));
  return { ...file, stack: `generated-${records}`, config: { ...file.config, "launch-ready:hosts": [...hosts, ...extra] } };
}

/**
 * The floor: the same provider resources with the same inputs, computed up front by the pure
 * planners and registered flat by a program with no kit code. `runner` chooses between the
 * offline runner the plan uses and Pulumi's mocks as the SDK sets them up by default.
 */
function flatProgram(file: StackFile): { program: () => Promise<void>; resources: number } {
  const config = parsed(file);
  const zoneId = config.zone.zoneId;
  const protect = config.protect;
  const rules = planRedirectRules(config).map(toRulesetRule);
  const records = [...planDnsRecords(config), ...planMailRecords(config, today())];
  const settings = planZoneSettings(config.zone.domain, config.tls);
  const edgeRulesets = planEdgeRulesets(config);
  const program = async () => {
    for (const r of records) {
      new cloudflare.DnsRecord(r.logicalName, { zoneId, name: r.name, type: r.type, content: r.content, priority: r.priority, proxied: r.proxied, ttl: r.ttl, comment: r.comment }, { protect });
    }
    new cloudflare.Ruleset(`${config.zone.domain}-redirects`, { zoneId, kind: "zone", phase: "http_request_dynamic_redirect", name: "redirects", rules }, { protect });
    for (const edge of edgeRulesets) {
      new cloudflare.Ruleset(`${config.zone.domain}-${edge.phase}`, { zoneId, kind: "zone", phase: edge.phase, name: edge.purpose, rules: edge.rules }, { protect });
    }
    for (const s of settings) new cloudflare.ZoneSetting(s.logicalName, { zoneId, settingId: s.settingId, value: s.value }, { protect });
  };
  return { program, resources: records.length + 1 + settings.length + edgeRulesets.length };
}

async function bareRun(file: StackFile, runner: "offline" | "sdk-default"): Promise<void> {
  const { program, resources } = flatProgram(file);
  const started = performance.now();
  await registerFlat(program, runner);
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, resources }));
}

/**
 * Kit and floor in one process, once start-up costs (module loading, the first zod parse, ICU's
 * first IDN conversion) are paid: what each plan run costs. A run of 14 resources takes a few
 * milliseconds, so single runs measure mostly where the garbage collector happened to stop;
 * blocks of runs, kit and floor alternating, each pay for their own garbage on average.
 */
async function warmRuns(file: StackFile, blocks: number): Promise<void> {
  const perBlock = 25;
  const kit: number[] = [];
  const floor: number[] = [];
  const { program } = flatProgram(file);
  const block = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    for (let i = 0; i < perBlock; i++) await run();
    return (performance.now() - started) / perBlock;
  };
  for (let round = 0; round < blocks + 1; round++) {
    const kitMs = await block(() => planStack(file));
    const floorMs = await block(() => registerFlat(program, "offline"));
    // The first round pays start-up costs for both; that is the cold figure's business.
    if (round > 0) {
      kit.push(kitMs);
      floor.push(floorMs);
    }
  }
  process.stdout.write(JSON.stringify({ kit, floor }));
}

async function registerFlat(program: () => Promise<void>, runner: "offline" | "sdk-default"): Promise<void> {
  if (runner === "offline") {
    await runOffline({ project: "launch-ready", stack: "bare", config: {}, secretKeys: [], program });
  } else {
    await pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) }, "launch-ready", "bare", true);
    await pulumi.runtime.runInPulumiStack(program);
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  }
}

/** The kit: the real program, config validation included, under the offline runner. */
async function kitRun(file: StackFile): Promise<void> {
  const started = performance.now();
  const report = await planStack(file);
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, resources: report.summary.resources }));
}

type Kind = "kit" | "bare" | "sdk-default" | "warm";

function measure(kind: Kind, size: number | "prod", runs = 1): any {
  const result = spawnSync(process.execPath, [...process.execArgv, __filename, "--measure", kind, "--size", String(size), "--runs", String(runs)], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${kind} ${size} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "7" }, json: { type: "boolean", default: false } } });
  const runs = Number(values.runs);
  const log = (line: string) => {
    if (!values.json) process.stdout.write(`${line}\n`);
  };

  log(`Offline plan benchmark (node ${process.version}, ${runs} runs per case, each in a fresh process)`);
  log("kit = config validation + the real program + the plan recorder; floor = the same resources registered flat");
  log("under the same offline runner; untuned = that flat program under Pulumi's mocks with the SDK's defaults.");
  const samples = { kit: [] as number[], bare: [] as number[], sdk: [] as number[] };
  let resources = 0;
  for (let run = 0; run < runs; run++) {
    const kit = measure("kit", "prod");
    samples.kit.push(kit.ms);
    samples.bare.push(measure("bare", "prod").ms);
    samples.sdk.push(measure("sdk-default", "prod").ms);
    resources = kit.resources;
  }
  const warm = measure("warm", "prod", runs) as { kit: number[]; floor: number[] };
  const prod = {
    resources,
    cold: { kitMs: median(samples.kit), floorMs: median(samples.bare), untunedMs: median(samples.sdk), ratio: median(samples.kit) / median(samples.bare) },
    warm: { kitMs: median(warm.kit), floorMs: median(warm.floor), ratio: median(warm.kit) / median(warm.floor) },
  };
  log(`\nprod example, ${resources} resources (medians):`);
  log(`  warm, ${warm.kit.length} alternating blocks of 25 runs in one process: kit ${prod.warm.kitMs.toFixed(1)} ms, floor ${prod.warm.floorMs.toFixed(1)} ms, kit/floor ${prod.warm.ratio.toFixed(2)} (target <= 1.30)`);
  log(`  cold, a fresh process each: kit ${prod.cold.kitMs.toFixed(1)} ms, floor ${prod.cold.floorMs.toFixed(1)} ms, kit/floor ${prod.cold.ratio.toFixed(2)}`);
  log("    (cold includes one-time start-up the floor never pays: the first zod parse, ICU's first IDN conversion, the first runs of the kit's code)");
  log(`  untuned SDK, cold: ${prod.cold.untunedMs.toFixed(1)} ms, kit/untuned ${(prod.cold.kitMs / prod.cold.untunedMs).toFixed(2)}`);

  log("\ngenerated stacks (median of kit runs; one floor run each):");
  const growth: Array<{ records: number; kitMs: number; floorMs: number; untunedMs?: number }> = [];
  for (const size of SIZES) {
    const kitMs = median(Array.from({ length: Math.max(1, Math.ceil(runs / 3)) }, () => measure("kit", size).ms));
    const floorMs = measure("bare", size).ms;
    // The untuned SDK needs about 8 ms a resource: measured up to 1,000 records to keep the run short.
    const untunedMs = size <= 1000 ? measure("sdk-default", size).ms : undefined;
    growth.push({ records: size, kitMs, floorMs, untunedMs });
    const untuned = untunedMs === undefined ? "" : `; untuned SDK ${(untunedMs / 1000).toFixed(2)} s`;
    log(`  ${String(size).padStart(5)} records: kit ${(kitMs / 1000).toFixed(2)} s (${(kitMs / size).toFixed(2)} ms/record), floor ${(floorMs / 1000).toFixed(2)} s, kit/floor ${(kitMs / floorMs).toFixed(2)}${untuned}`);
  }
  const first = growth[0];
  const last = growth.at(-1)!;
  log(`\ngrowth ${first.records} → ${last.records} records: time x${(last.kitMs / first.kitMs).toFixed(1)} for records x${last.records / first.records} (x${last.records / first.records} is linear)`);
  log(`5,000 records: ${(last.kitMs / 1000).toFixed(2)} s (target < 10 s)`);
  if (values.json) process.stdout.write(`${JSON.stringify({ runs, prod, growth }, null, 2)}\n`);
}

if (process.argv.includes("--measure")) {
  const { values } = parseArgs({ options: { measure: { type: "string" }, size: { type: "string" }, runs: { type: "string" } } });
  const file = values.size === "prod" ? readStackFile(stackFilePath("prod")) : generatedStack(Number(values.size));
  const job =
    values.measure === "kit" ? kitRun(file) : values.measure === "warm" ? warmRuns(file, Number(values.runs)) : bareRun(file, values.measure === "bare" ? "offline" : "sdk-default");
  job.catch((error) => {
    process.stderr.write(String(error?.stack ?? error));
    process.exit(1);
  });
} else {
  main();
}
