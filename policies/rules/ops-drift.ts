import { relative, sep } from "node:path";
import picomatch from "picomatch";
import type { WorkflowFile } from "../../stacks/project";
import { fail, notApplicable, pass, type BarRule, type Verdict } from "../bar";

/** A cron a founder's workflow can copy: once a day, off the hour GitHub's queue is busiest at. */
export const DAILY_VERIFY_CRON = "17 6 * * *";

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping => typeof value === "object" && value !== null && !Array.isArray(value);

/** `launch-ready verify`, `npx launch-ready verify`, `npm run verify`, `npm run -s verify`: the kit's verify however it is started. */
const VERIFY_CALL = /(?:\blaunch-ready|\bnpm\s+run(?:\s+-s)?)\s+verify\b(?<rest>[^\n]*)/g;
const STACK_ARGUMENT = /--stack[=\s]+(?<quote>["']?)(?<value>\$\{\{[^}]*\}\}|[^\s"']+)\k<quote>/;
const MATRIX_VALUE = /^\$\{\{\s*matrix\.(?<key>[A-Za-z0-9_-]+)\s*\}\}$/;
const SHELL_VARIABLE = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/;
const NEEDS_OUTPUT = /needs\.(?<job>[A-Za-z0-9_-]+)\.outputs\./;
const FOR_LOOP = /\bfor\s+[A-Za-z_][A-Za-z0-9_]*\s+in\s+(?<glob>[^;\s]+)/g;

const runsOf = (job: Mapping): string[] =>
  (Array.isArray(job.steps) ? job.steps : []).flatMap((step) => (isMapping(step) && typeof step.run === "string" ? [step.run] : []));

/** A shell loop over files (`for file in stacks/Pulumi.*.yaml`) in these runs whose glob matches the stack file. */
const loopsOver = (runs: readonly string[], stackPath: string) =>
  runs.some((run) => [...run.matchAll(FOR_LOOP)].some((loop) => picomatch.isMatch(stackPath, loop.groups!.glob)));

/**
 * Whether the `--stack` value of a verify call names this stack: the stack's name, a matrix value
 * listing it or read at run time from a job that loops over the stack files, or a shell variable
 * of a loop over the stack files in the same run.
 */
function namesStack(value: string, run: string, job: Mapping, jobs: Mapping, stack: string, stackPath: string): boolean {
  if (value === stack) return true;
  if (SHELL_VARIABLE.test(value)) return loopsOver([run], stackPath);
  const key = MATRIX_VALUE.exec(value)?.groups?.key;
  const matrix = isMapping(job.strategy) && isMapping(job.strategy.matrix) ? job.strategy.matrix : undefined;
  if (!key || !matrix) return false;
  const listed = matrix[key];
  if (Array.isArray(listed)) return listed.includes(stack);
  const included = Array.isArray(matrix.include) && matrix.include.some((entry) => isMapping(entry) && entry[key] === stack);
  const from = typeof listed === "string" ? NEEDS_OUTPUT.exec(listed)?.groups?.job : undefined;
  const lister = from ? jobs[from] : undefined;
  return included || (isMapping(lister) && loopsOver(runsOf(lister), stackPath));
}

/** Why a workflow does not run verify for the stack on a schedule, or undefined when it does. */
function scheduledVerifyGap(file: WorkflowFile, stack: string, stackPath: string): string | undefined {
  if (file.error !== undefined) return `cannot be read as YAML (${file.error})`;
  const document = isMapping(file.document) ? file.document : {};
  const { on } = document;
  const crons = isMapping(on) && Array.isArray(on.schedule) ? on.schedule.filter((entry) => isMapping(entry) && typeof entry.cron === "string") : [];
  if (crons.length === 0) return "has no on.schedule cron";
  const jobs = isMapping(document.jobs) ? document.jobs : {};
  let hidden: string | undefined;
  for (const [name, job] of Object.entries(jobs)) {
    if (!isMapping(job) || (typeof job.if === "string" && !job.if.includes("schedule"))) continue;
    for (const step of Array.isArray(job.steps) ? job.steps : []) {
      if (!isMapping(step) || typeof step.run !== "string") continue;
      for (const call of step.run.matchAll(VERIFY_CALL)) {
        const value = STACK_ARGUMENT.exec(call.groups!.rest)?.groups?.value;
        if (!value || !namesStack(value, step.run, job, jobs, stack, stackPath)) continue;
        // A regression must fail the run: that is what tells someone.
        if (job["continue-on-error"] === true || step["continue-on-error"] === true) hidden = `job ${name} runs verify with continue-on-error`;
        else if (/\|\|\s*(true|:)\s*$/.test(call.groups!.rest)) hidden = `job ${name} runs verify with "|| true", so a failing check never fails the run`;
        else return undefined;
      }
    }
  }
  return hidden ?? `runs no verify --stack ${stack} (or over the stack files) in a job the schedule starts`;
}

/**
 * OPS-DRIFT, declared: the repository's CI runs `verify` for this stack on a schedule, and a
 * failing check fails that run, so a regression made outside the stack file (a record edited in
 * the dashboard, a certificate left to expire) is noticed the next day rather than by customers.
 * What the plan can see is the project's own `.github/workflows/`; a project without one is not
 * judged. The records themselves are compared with the zone by `launch-ready drift`.
 */
export const opsDrift: BarRule = {
  id: "OPS-DRIFT",
  checkStack(_resources, context): Verdict[] {
    const file = context.stackFile;
    const workflows = context.workflows?.();
    if (!file || !workflows) {
      return [
        notApplicable(
          `no .github/workflows/ beside the project's Pulumi.yaml (the one whose stackConfigDir holds this stack file), so whether CI runs verify on a schedule is not known; launch-ready init writes .github/workflows/launch-ready-verify.yml, which does`,
        ),
      ];
    }
    const stackPath = relative(workflows.dir, file.path).split(sep).join("/");
    const gaps: string[] = [];
    for (const workflow of workflows.files) {
      const gap = scheduledVerifyGap(workflow, file.stack, stackPath);
      const shown = relative(workflows.dir, workflow.path).split(sep).join("/");
      if (gap === undefined) return [pass(undefined, `${shown} runs verify for ${file.stack} on a schedule`)];
      gaps.push(`${shown} ${gap}`);
    }
    return [
      fail(
        `no workflow runs verify for stack ${file.stack} on a schedule (${gaps.join("; ") || "the directory holds no workflow"}); add a workflow with on.schedule (cron: "${DAILY_VERIFY_CRON}") and a job running npx launch-ready verify --stack ${file.stack}, as launch-ready init writes .github/workflows/launch-ready-verify.yml`,
        { subjects: [stackPath] },
      ),
    ];
  },
};
