/**
 * What `npm run bench:plan` measures, one case per fresh process (the Pulumi runtime keeps state
 * in globals): the kit's offline plan, the floor (the same resources registered flat), the flat
 * program under Pulumi's default mocks, and warm runs of kit and floor in one process.
 * `measurePlanCase` is the measuring child's verb (entry: scripts/bench/measure-plan.ts); it
 * prints one JSON object on stdout for the benchmark (scripts/commands/bench-plan.ts) to read.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { parseArgs } from "node:util";
import { toRulesetRule } from "../../components/canonical-redirect";
import { edgeRulesetSpecs } from "../../components/edge-rulesets";
import { mailRecordSpecs } from "../../components/mail-auth/mail-records";
import { dnsRecordSpecs, redirectRuleSpecs, zoneSettingSpecs } from "../../components/site-records";
import { today } from "../../domain/bar/weighing";
import { parseStackConfig, type LaunchReadyConfig } from "../../stacks/stack-config";
import { requireProject, stackFilePath } from "../../stacks/project";
import { readStackFile, type StackFile } from "../../stacks/stack-file";
import type { Io } from "../cli/io";
import { runOffline } from "../plan/offline-run";
import { planStack } from "../plan/plan-stack";

/** The cases a measuring child runs: kit and floor cold, the floor under the SDK's default mocks, kit and floor warm. */
export const PLAN_CASES = ["kit", "bare", "sdk-default", "warm"] as const;
export type PlanCase = (typeof PLAN_CASES)[number];

/** One cold run: how long it took and how many resources it registered. */
export interface ColdMeasurement {
  ms: number;
  resources: number;
}

/** Warm runs: milliseconds per plan run, one figure per block, kit and floor alternating. */
export interface WarmMeasurement {
  kit: number[];
  floor: number[];
}

function parsed(file: StackFile): LaunchReadyConfig {
  const result = parseStackConfig(file.config);
  if (!result.ok) throw new Error(`${file.path} is invalid`);
  return result.config;
}

/** The prod stack of the project the measuring child was started in (the benchmark: this repository's example). */
function prodStack(cwd: string): StackFile {
  return readStackFile(stackFilePath(requireProject(cwd), "prod"));
}

/**
 * A stack of `records` proxied CNAME web hosts on top of the prod example, on a zone of its own:
 * beside prod's file, a second stack owning prod's zone would rightly be refused.
 */
function generatedStack(records: number, cwd: string): StackFile {
  const file = prodStack(cwd);
  const hosts = file.config["launch-ready:hosts"] as unknown[];
  const extra = Array.from({ length: records - hosts.length }, (_, i) => ({ name: `svc-${i}`, target: `svc-${i}.origin.example.net`, purpose: "web" }));
  const zone = { ...(file.config["launch-ready:zone"] as Record<string, unknown>), zoneId: "b".repeat(32) };
  return { ...file, stack: `generated-${records}`, config: { ...file.config, "launch-ready:zone": zone, "launch-ready:hosts": [...hosts, ...extra] } };
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
  const rules = redirectRuleSpecs(config).map(toRulesetRule);
  const records = [...dnsRecordSpecs(config), ...mailRecordSpecs(config, today())];
  const settings = zoneSettingSpecs(config.zone.domain, config.tls);
  const edgeRulesets = edgeRulesetSpecs(config);
  const program = async () => {
    for (const r of records) {
      new cloudflare.DnsRecord(
        r.logicalName,
        { zoneId, name: r.name, type: r.type, content: r.content, priority: r.priority, proxied: r.proxied, ttl: r.ttl, comment: r.comment },
        { protect },
      );
    }
    new cloudflare.Ruleset(
      `${config.zone.domain}-redirects`,
      { zoneId, kind: "zone", phase: "http_request_dynamic_redirect", name: "redirects", rules },
      { protect },
    );
    for (const edge of edgeRulesets) {
      new cloudflare.Ruleset(
        `${config.zone.domain}-${edge.phase}`,
        { zoneId, kind: "zone", phase: edge.phase, name: edge.purpose, rules: edge.rules },
        { protect },
      );
    }
    for (const s of settings) new cloudflare.ZoneSetting(s.logicalName, { zoneId, settingId: s.settingId, value: s.value }, { protect });
  };
  return { program, resources: records.length + 1 + settings.length + edgeRulesets.length };
}

async function bareRun(file: StackFile, runner: "offline" | "sdk-default"): Promise<ColdMeasurement> {
  const { program, resources } = flatProgram(file);
  const started = performance.now();
  await registerFlat(program, runner);
  return { ms: performance.now() - started, resources };
}

/**
 * Kit and floor in one process, once start-up costs (module loading, the first zod parse, ICU's
 * first IDN conversion) are paid: what each plan run costs. A run of 14 resources takes a few
 * milliseconds, so single runs measure mostly where the garbage collector happened to stop;
 * blocks of runs, kit and floor alternating, each pay for their own garbage on average.
 */
async function warmRuns(file: StackFile, blocks: number): Promise<WarmMeasurement> {
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
  return { kit, floor };
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
async function kitRun(file: StackFile): Promise<ColdMeasurement> {
  const started = performance.now();
  const report = await planStack(file);
  return { ms: performance.now() - started, resources: report.summary.resources };
}

/** Runs one case on the prod example or a generated stack of `size` records. */
function measurePlan(kind: PlanCase, size: number | "prod", runs: number, cwd: string): Promise<ColdMeasurement | WarmMeasurement> {
  const file = size === "prod" ? prodStack(cwd) : generatedStack(size, cwd);
  if (kind === "kit") return kitRun(file);
  if (kind === "warm") return warmRuns(file, runs);
  return bareRun(file, kind === "bare" ? "offline" : "sdk-default");
}

/**
 * The measuring child: `--measure KIND --size prod|N [--runs N]` prints the case's measurement as
 * one JSON object on stdout and exits 0; anything wrong is printed with its stack and exits 1.
 */
export async function measurePlanCase(argv: string[], io: Io): Promise<number> {
  try {
    const { values } = parseArgs({ args: argv, options: { measure: { type: "string" }, size: { type: "string" }, runs: { type: "string" } }, strict: true });
    const kind = values.measure as PlanCase;
    if (!PLAN_CASES.includes(kind)) throw new Error(`--measure "${values.measure}" must be one of ${PLAN_CASES.join(", ")}`);
    const size = values.size === "prod" ? "prod" : Number(values.size);
    if (size !== "prod" && !Number.isInteger(size)) throw new Error(`--size "${values.size}" must be prod or a number of records`);
    io.stdout.write(JSON.stringify(await measurePlan(kind, size, Number(values.runs ?? 1), io.cwd)));
    return 0;
  } catch (error) {
    io.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
    return 1;
  }
}
