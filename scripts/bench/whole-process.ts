/**
 * The plan benchmark's first figure: `launch-ready plan --stack prod --json` as a whole process,
 * start-up and module loading included, against the floor, a plain JavaScript program that
 * requires only the SDK and the provider packages the stack uses, sets the same mocks and
 * registers the same provider resources with the same names, inputs and protect flags, returns the
 * same stack outputs, waits for the registrations and exits. What a founder waits for is the whole
 * process, and most of it is loading modules, which the in-process cases never see.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { KIT_DIR, requireProject, stackFilePath } from "../../stacks/project";
import { readStackFile } from "../../stacks/stack-file";
import type { OfflineRun } from "../plan/offline-run";
import { runStackProgram } from "../plan/plan-stack";

/** The compiled command the benchmark times, as a founder runs it from an installed package. */
const KIT_ENTRY = join(KIT_DIR, "dist", "scripts", "launch-ready.js");
const STACK = "prod";

export interface WholeProcessMeasurement {
  runs: number;
  kitMs: number;
  floorMs: number;
  ratio: number;
  /** The provider packages the floor loads besides @pulumi/pulumi. */
  providers: string[];
}

/**
 * The files `npm run build` compiles, as TypeScript reads tsconfig.build.json (so the list cannot
 * drift from the build's own), and the two config files themselves.
 */
function buildSources(): string[] {
  const configPath = join(KIT_DIR, "tsconfig.build.json");
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  return [configPath, join(KIT_DIR, "tsconfig.json"), ...ts.parseJsonConfigFileContent(config, ts.sys, KIT_DIR).fileNames];
}

/** Timing a dist/ older than the sources would measure code that no longer exists. */
function ensureBuilt(log: (line: string) => void): void {
  const built = existsSync(KIT_ENTRY) ? statSync(KIT_ENTRY).mtimeMs : 0;
  if (built >= Math.max(...buildSources().map((source) => statSync(source).mtimeMs))) return;
  log(built === 0 ? "dist/ is missing: npm run build" : "dist/ is older than its sources: npm run build");
  const build = spawnSync("npm", ["run", "-s", "build"], { cwd: KIT_DIR, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}

/** The SDK class of a type token: "aws:route53/healthCheck:HealthCheck" → aws.route53.HealthCheck. */
function sdkClass(type: string): { pkg: string; expression: string } {
  const [pkg, module, name] = type.split(":");
  const folder = module.split("/")[0];
  return { pkg, expression: folder === "index" ? `${pkg}.${name}` : `${pkg}.${folder}.${name}` };
}

/**
 * A recorded value as JavaScript source. A secret stays a secret, so the floor serializes what the
 * kit does; an unknown (another resource's output in the kit) is passed as its placeholder text,
 * since the floor registers flat, with no dependencies between resources.
 */
function literal(value: unknown): string {
  if (value === "[secret]") return 'pulumi.secret("[secret]")';
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{ ${Object.entries(value)
      .map(([key, inner]) => `${JSON.stringify(key)}: ${literal(inner)}`)
      .join(", ")} }`;
  }
  return JSON.stringify(value);
}

/** The floor's source: a program as someone would write it by hand with the SDK and nothing else. */
export function floorProgram(run: OfflineRun, project: string, stack: string): { source: string; providers: string[] } {
  const custom = run.resources.filter((resource) => resource.custom);
  const providers = [...new Set(custom.map((resource) => sdkClass(resource.type).pkg))].sort();
  const requireLine = (name: string, pkg: string) => `const ${name} = require(${JSON.stringify(require.resolve(pkg, { paths: [KIT_DIR] }))});`;
  const source = [
    '"use strict";',
    requireLine("pulumi", "@pulumi/pulumi"),
    ...providers.map((pkg) => requireLine(pkg, `@pulumi/${pkg}`)),
    "async function main() {",
    `  await pulumi.runtime.setMocks({ newResource: () => ({ id: undefined, state: {} }), call: () => ({}) }, ${JSON.stringify(project)}, ${JSON.stringify(stack)}, true);`,
    "  await pulumi.runtime.runInPulumiStack(async () => {",
    ...custom.map(
      (resource) =>
        `    new ${sdkClass(resource.type).expression}(${JSON.stringify(resource.name)}, ${literal(resource.inputs)}, { protect: ${resource.protect} });`,
    ),
    `    return ${literal(run.outputs)};`,
    "  });",
    "  await pulumi.runtime.waitForRPCs();",
    "}",
    "main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });",
    "",
  ].join("\n");
  return { source, providers };
}

/** Wall time of one fresh `node` process; its stdout is discarded, as a script piping the JSON elsewhere would. */
function timed(args: string[], what: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: KIT_DIR, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${what} exited ${result.status ?? result.signal}:\n${result.stderr}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Kit and floor alternating, `runs` each, after one pair not counted (it fills the file cache
 * for both). The floor's resources and outputs are the kit's own, recorded once before timing by
 * the offline run the plan report is built from (the report's `resources` are its registrations).
 */
export async function measureWholeProcess(runs: number, log: (line: string) => void): Promise<WholeProcessMeasurement> {
  ensureBuilt(log);
  const project = requireProject(KIT_DIR);
  const run = await runStackProgram(readStackFile(stackFilePath(project, STACK)), project.name);
  const { source, providers } = floorProgram(run, project.name, STACK);
  const dir = mkdtempSync(join(tmpdir(), "launch-ready-floor-"));
  const floorFile = join(dir, "floor.js");
  writeFileSync(floorFile, source);
  const kit: number[] = [];
  const floor: number[] = [];
  try {
    for (let round = 0; round <= runs; round++) {
      const kitMs = timed([KIT_ENTRY, "plan", "--stack", STACK, "--json"], "the kit's plan");
      const floorMs = timed([floorFile], `the floor (${floorFile})`);
      if (round > 0) {
        kit.push(kitMs);
        floor.push(floorMs);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { runs, kitMs: median(kit), floorMs: median(floor), ratio: median(kit) / median(floor), providers };
}
