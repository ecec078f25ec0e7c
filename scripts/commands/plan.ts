/**
 * `npm run plan -- --stack <name>` / `--config <file>` [--json]
 *
 * Runs the real Pulumi program against a stack file under Pulumi's in-process mocks, prints every
 * resource `pulumi up` would create and judges it against the minimum bar. Exit 0 when it clears
 * the bar, 1 on a mandatory bar failure (or if the program itself fails), 2 on invalid config or
 * usage (errors on stderr).
 */
import { relative, sep } from "node:path";
import { policyPackPath } from "../../stacks/project";
import { formatProblems, problemsHeading } from "../../stacks/stack-config";
import { ConfigRefused, planStack } from "../plan/plan-stack";
import { renderMarkdown, renderSarif } from "../plan/bar-report";
import { blocksDeployment, type PlanReport, renderPlanText } from "../plan/plan-report";
import { COMMON_OPTIONS, parseCommandLine, STACK_OPTIONS, stackFileFromArgs } from "../cli/args";
import { fail, type Io } from "../cli/io";

const USAGE = `Usage: npm run plan -- --stack <name> [--json | --markdown | --sarif]
       npm run plan -- --config <path to Pulumi.<stack>.yaml> [--json | --markdown | --sarif]

  --stack NAME   plan stacks/Pulumi.NAME.yaml (dev, staging, prod in this repository)
  --config FILE  plan any stack file
  --json         print only the JSON report on stdout (use \`npm run -s plan\` so npm adds no banner)
  --markdown     print the bar as Markdown, for a pull-request comment or a CI step summary
  --sarif        print SARIF 2.1.0 for code scanning, each finding located in the stack file
  --help         show this help

Exit: 0 clears the bar, 1 a mandatory bar failure, 2 invalid stack file or usage.`;

export async function plan(argv: string[], io: Io): Promise<number> {
  const args = parseCommandLine(argv, USAGE, io, {
    ...STACK_OPTIONS,
    ...COMMON_OPTIONS,
    markdown: { type: "boolean", default: false },
    sarif: { type: "boolean", default: false },
  });
  const json = args.json;
  if ([args.json, args.markdown, args.sarif].filter(Boolean).length > 1) fail(2, json, `Give at most one of --json, --markdown and --sarif.\n\n${USAGE}`);
  const { path, file, project, projectName } = stackFileFromArgs(args, json, USAGE, io);

  // A large stack takes seconds; say what is happening where a person is watching.
  const human = !json && !args.markdown && !args.sarif;
  if (human && io.stderr.isTTY) io.stderr.write(`Planning ${path} offline under Pulumi's mocks...\n`);
  let report: PlanReport;
  try {
    report = await planStack(file, { project: projectName, env: io.env });
  } catch (error) {
    if (!(error instanceof ConfigRefused)) throw error;
    fail(2, json, problemsHeading(error.problems, path), error.problems, formatProblems(error.problems, path));
  }
  const shown = relative(io.cwd, path) || path;
  if (json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (args.markdown) io.stdout.write(renderMarkdown(report));
  else if (args.sarif) io.stdout.write(renderSarif(report, { path, uri: shown.split(sep).join("/") }));
  else io.stdout.write(`${renderPlanText(report, shown, policyPackPath(project?.dir ?? io.cwd))}\n`);
  return blocksDeployment(report) ? 1 : 0;
}
