/**
 * The offline plan of one stack file: the real program (components/program.ts, what index.ts gives `pulumi up`) under mocks with the
 * file's config, turned into the plan report. Shared by the CLI, the tests and the benchmark.
 */
import { dirname } from "node:path";
import { launchReadyProgram } from "../../components/program";
import { today } from "../../domain/bar/weighing";
import { evaluateBar } from "../../policies/bar";
import { BAR_RULES } from "../../policies/rules";
import { contextForStackFile } from "../../policies/stack-context";
import { parseStackConfig, type ConfigProblem } from "../../stacks/stack-config";
import { KIT_NAME } from "../../stacks/project";
import type { StackFile } from "../../stacks/stack-file";
import { detectSecrets, plaintextSecrets, textLeaves, withSecretsRedacted } from "../../stacks/stack-secrets";
import { type OfflineRun, OfflineRunFailure, runOffline, UNKNOWN_SHOWN_AS } from "./offline-run";
import { buildPlanReport, zoneShareReport, type PlanReport } from "./plan-report";

/** The config as the Pulumi CLI hands it to a program: structured values as JSON text. */
export function cliConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

/** The bar judges unknown values as the engine sends them: absent, never as the text "[unknown]". */
function knownOnly(value: unknown): unknown {
  if (value === UNKNOWN_SHOWN_AS) return undefined;
  if (Array.isArray(value)) return value.map(knownOnly);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, knownOnly(inner)]));
  return value;
}

/** The program refused the stack's config; nothing but the stack itself was registered. */
export class ConfigRefused extends Error {
  constructor(public readonly problems: ConfigProblem[]) {
    super(`${problems.length} config problem${problems.length === 1 ? "" : "s"}`);
  }
}

/**
 * Plans one stack file. The program validates the config itself, as it does under `pulumi up`,
 * so the plan and the real run refuse exactly the same files.
 */
export interface PlanOptions {
  /** The Pulumi project's name, as in URNs and secret paths. @default "launch-ready" */
  project?: string;
  /** The day waivers are judged on (YYYY-MM-DD). @default today */
  on?: string;
  /** Where the bar reads a stack passphrase from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** The real program run offline on the file's config, as `pulumi up` would hand it over: what the plan report is built from. */
export function runStackProgram(file: StackFile, project: string): Promise<OfflineRun> {
  const stacksDir = dirname(file.path);
  return runOffline({
    project,
    stack: file.stack,
    config: cliConfig(file.config),
    secretKeys: file.secretKeys,
    program: () => launchReadyProgram({ stacksDir }),
  });
}

/**
 * What the report must not show: the stack file's plain-text secrets, and any secret the detector
 * finds in a resource input, however it got there (a value another stack's file hands the
 * zone's owner, a value the program built from config).
 */
async function plaintextIn(file: StackFile, report: PlanReport): Promise<string[]> {
  const inputs = report.resources.flatMap((resource) => textLeaves(resource.inputs).map(({ path, value }) => ({ label: `${resource.name} ${path}`, value })));
  return [...(await plaintextSecrets(file)), ...(await detectSecrets(inputs))].map(({ secret }) => secret);
}

/** The plan of the stack file, every plain-text secret in it redacted (SEC-NO-PLAINTEXT fails each): what every format prints. */
export async function planStack(file: StackFile, { project = KIT_NAME, on = today(), env = process.env }: PlanOptions = {}): Promise<PlanReport> {
  try {
    const run = await runStackProgram(file, project);
    // The program accepted this config, so it parses; the bar needs its resolved form.
    const parsed = parseStackConfig(file.config);
    if (!parsed.ok) throw new ConfigRefused(parsed.problems);
    const declared = run.resources
      .filter((r) => r.custom)
      .map(({ urn, type, name, inputs, protect }) => ({ urn, type, name, props: knownOnly(inputs) as Record<string, unknown>, protect }));
    const context = { ...contextForStackFile(file, { project, config: parsed.config, env }), config: parsed.config };
    const report = buildPlanReport(
      file.stack,
      run,
      await evaluateBar(BAR_RULES, declared, context, on),
      zoneShareReport(context.zone?.group, context.zone?.unchecked),
    );
    return withSecretsRedacted(report, await plaintextIn(file, report));
  } catch (error) {
    const problems = error instanceof OfflineRunFailure ? (error.cause as { problems?: ConfigProblem[] }).problems : undefined;
    throw problems ? new ConfigRefused(problems) : error;
  }
}
