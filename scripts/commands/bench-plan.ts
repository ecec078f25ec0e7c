/**
 * `npm run bench:plan [-- --runs N] [--json]`
 *
 * How much the kit adds to Pulumi's own cost, and how the plan grows with the stack:
 * 1. first, whole processes as a founder waits for them: `node dist/scripts/launch-ready.js plan
 *    --stack prod --json` against the floor, a plain JavaScript program of the SDK and the
 *    providers the stack uses registering the same resources under the same mocks
 *    (scripts/bench/whole-process.ts), alternating, N runs each, as a ratio of medians (the
 *    target: 1.30 at most). dist/ is built first when it is missing or older than its sources.
 *    Measured on a 2-core machine: kit 1.04 s, floor 0.90 s, kit/floor 1.16 (1.16-1.17 over three
 *    runs; 1.21-1.22 before @pulumi/aws, @pulumi/random, zod's locales and the table renderer
 *    were loaded only where needed).
 * 2. in process, the plan's run alone: the prod example against its Cloudflare resources
 *    registered directly (the flat program), cold and warm, and generated stacks of 100, 1,000
 *    and 5,000 records, with time per record and growth.
 * Every case runs in a fresh process, since the Pulumi runtime keeps state in globals: this verb
 * only starts those processes (the kit's command and the floor; scripts/bench/measure-plan.ts for
 * the cases in scripts/bench/plan-cases.ts) and reads what each measured.
 * Figures only: machines here are noisy, so nothing is asserted.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ColdMeasurement, PlanCase, WarmMeasurement } from "../bench/plan-cases";
import { measureWholeProcess } from "../bench/whole-process";
import type { Io } from "../cli/io";

const SIZES = [100, 1000, 5000];

/** The measuring child's entry file. */
export const MEASURE_ENTRY = join(__dirname, "..", "bench", "measure-plan.ts");

/**
 * One case in a fresh node process started as this one was (same loader flags, so the child
 * runs TypeScript as this process does): starting a process to time it is the benchmark's point.
 */
function measure<Measured extends ColdMeasurement | WarmMeasurement = ColdMeasurement>(io: Io, kind: PlanCase, size: number | "prod", runs = 1): Measured {
  const result = spawnSync(process.execPath, [...process.execArgv, MEASURE_ENTRY, "--measure", kind, "--size", String(size), "--runs", String(runs)], {
    cwd: io.cwd,
    env: io.env,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`${kind} ${size} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Measured;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchPlan(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { runs: { type: "string", default: "11" }, json: { type: "boolean", default: false } } });
  const runs = Number(values.runs);
  const log = (line: string) => {
    if (!values.json) io.stdout.write(`${line}\n`);
  };

  log(`Offline plan benchmark (node ${process.version}, ${runs} runs per case, each in a fresh process)`);
  const whole = await measureWholeProcess(runs, log);
  log(`\nwhole process, prod example (medians of ${runs}, kit and floor alternating):`);
  log(`  node dist/scripts/launch-ready.js plan --stack prod --json: ${whole.kitMs.toFixed(0)} ms`);
  log(`  floor, a plain program of @pulumi/pulumi + ${whole.providers.map((pkg) => `@pulumi/${pkg}`).join(" + ")}: ${whole.floorMs.toFixed(0)} ms`);
  log(`  kit/floor ${whole.ratio.toFixed(2)} (target <= 1.30)`);

  log("\nin process, the plan's run alone:");
  log("kit = config validation + the real program + the plan recorder; floor = the same resources registered flat");
  log("under the same offline runner; untuned = that flat program under Pulumi's mocks with the SDK's defaults.");
  const samples = { kit: [] as number[], bare: [] as number[], sdk: [] as number[] };
  let resources = 0;
  for (let run = 0; run < runs; run++) {
    const kit = measure(io, "kit", "prod");
    samples.kit.push(kit.ms);
    samples.bare.push(measure(io, "bare", "prod").ms);
    samples.sdk.push(measure(io, "sdk-default", "prod").ms);
    resources = kit.resources;
  }
  const warm = measure<WarmMeasurement>(io, "warm", "prod", runs);
  const prod = {
    resources,
    cold: { kitMs: median(samples.kit), floorMs: median(samples.bare), untunedMs: median(samples.sdk), ratio: median(samples.kit) / median(samples.bare) },
    warm: { kitMs: median(warm.kit), floorMs: median(warm.floor), ratio: median(warm.kit) / median(warm.floor) },
  };
  log(`\nprod example, ${resources} resources (medians):`);
  log(
    `  warm, ${warm.kit.length} alternating blocks of 25 runs in one process: kit ${prod.warm.kitMs.toFixed(1)} ms, floor ${prod.warm.floorMs.toFixed(1)} ms, kit/floor ${prod.warm.ratio.toFixed(2)}`,
  );
  log(`  cold, a fresh process each: kit ${prod.cold.kitMs.toFixed(1)} ms, floor ${prod.cold.floorMs.toFixed(1)} ms, kit/floor ${prod.cold.ratio.toFixed(2)}`);
  log(
    "    (cold includes one-time start-up the floor never pays: loading @pulumi/aws, @pulumi/random and the secret detector, which the kit loads only for a stack that needs them, the first zod parse, ICU's first IDN conversion, the first runs of the kit's code)",
  );
  log(`  untuned SDK, cold: ${prod.cold.untunedMs.toFixed(1)} ms, kit/untuned ${(prod.cold.kitMs / prod.cold.untunedMs).toFixed(2)}`);

  log("\ngenerated stacks (median of kit runs; one floor run each):");
  const growth: Array<{ records: number; kitMs: number; floorMs: number; untunedMs?: number }> = [];
  for (const size of SIZES) {
    const kitMs = median(Array.from({ length: Math.max(1, Math.ceil(runs / 3)) }, () => measure(io, "kit", size).ms));
    const floorMs = measure(io, "bare", size).ms;
    // The untuned SDK needs about 8 ms a resource: measured up to 1,000 records to keep the run short.
    const untunedMs = size <= 1000 ? measure(io, "sdk-default", size).ms : undefined;
    growth.push({ records: size, kitMs, floorMs, untunedMs });
    const untuned = untunedMs === undefined ? "" : `; untuned SDK ${(untunedMs / 1000).toFixed(2)} s`;
    log(
      `  ${String(size).padStart(5)} records: kit ${(kitMs / 1000).toFixed(2)} s (${(kitMs / size).toFixed(2)} ms/record), floor ${(floorMs / 1000).toFixed(2)} s, kit/floor ${(kitMs / floorMs).toFixed(2)}${untuned}`,
    );
  }
  const first = growth[0];
  const last = growth[growth.length - 1];
  log(
    `\ngrowth ${first.records} → ${last.records} records: time x${(last.kitMs / first.kitMs).toFixed(1)} for records x${last.records / first.records} (x${last.records / first.records} is linear)`,
  );
  log(`5,000 records: ${(last.kitMs / 1000).toFixed(2)} s (target < 10 s)`);
  if (values.json) io.stdout.write(`${JSON.stringify({ runs, wholeProcess: whole, prod, growth }, null, 2)}\n`);
  return 0;
}
