/**
 * The offline plan of one stack file: the real program (index.ts, the module `pulumi up` runs) under mocks with the
 * file's config, turned into the plan report. Shared by the CLI, the tests and the benchmark.
 */
import launchReady from "../../index";
import type { LaunchReadyConfig } from "../../stacks/stack-config";
import type { StackFile } from "../../stacks/stack-file";
import { runOffline } from "./offline-run";
import { buildPlanReport, type PlanReport } from "./plan-report";

export const PROJECT = "launch-ready";

/** The config as the Pulumi CLI hands it to a program: structured values as JSON text. */
export function cliConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

export async function planStack(file: StackFile, config: LaunchReadyConfig): Promise<PlanReport> {
  const run = await runOffline({ project: PROJECT, stack: file.stack, config: cliConfig(file.config), secretKeys: file.secretKeys, program: launchReady });
  return buildPlanReport(file.stack, config, run);
}
