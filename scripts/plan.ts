/**
 * `npm run plan -- --stack <name>` / `--config <file>` [--json]
 *
 * Runs the real Pulumi program against a stack file under Pulumi's in-process mocks, prints every
 * resource `pulumi up` would create and judges it against the minimum bar. Exit 0 when it clears
 * the bar, 1 on a mandatory bar failure (or if the program itself fails), 2 on invalid config or
 * usage (errors on stderr).
 */
import { relative, sep } from "node:path";
import { parseArgs } from "node:util";
import { formatProblems, problemsHeading } from "../stacks/stack-config";
import { ConfigRefused, planStack } from "./lib/plan-stack";
import { renderMarkdown, renderSarif } from "./lib/bar-report";
import { blocksDeployment, renderPlanText } from "./lib/plan-report";
import { COMMON_OPTIONS, exitWithError, parseCommandLine, STACK_OPTIONS, stackFileFromArgs } from "./lib/cli";

const USAGE = `Usage: npm run plan -- --stack <name> [--json | --markdown | --sarif]
       npm run plan -- --config <path to Pulumi.<stack>.yaml> [--json | --markdown | --sarif]

  --stack NAME   plan stacks/Pulumi.NAME.yaml (dev, staging, prod in this repository)
  --config FILE  plan any stack file
  --json         print only the JSON report on stdout (use \`npm run -s plan\` so npm adds no banner)
  --markdown     print the bar as Markdown, for a pull-request comment or a CI step summary
  --sarif        print SARIF 2.1.0 for code scanning, each finding located in the stack file
  --help         show this help

Exit: 0 clears the bar, 1 a mandatory bar failure, 2 invalid stack file or usage.`;

async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, USAGE, () => parseArgs({ args: argv, options: { ...STACK_OPTIONS, ...COMMON_OPTIONS, markdown: { type: "boolean", default: false }, sarif: { type: "boolean", default: false } }, strict: true, allowPositionals: false }).values);
  const json = args.json;
  if ([args.json, args.markdown, args.sarif].filter(Boolean).length > 1) exitWithError(2, json, `Give at most one of --json, --markdown and --sarif.\n\n${USAGE}`);
  const { path, file } = stackFileFromArgs(args, json, USAGE);

  // A large stack takes seconds; say what is happening where a person is watching.
  const human = !json && !args.markdown && !args.sarif;
  if (human && process.stderr.isTTY) process.stderr.write(`Planning ${path} offline under Pulumi's mocks...\n`);
  let report;
  try {
    report = await planStack(file);
  } catch (error) {
    if (!(error instanceof ConfigRefused)) throw error;
    exitWithError(2, json, problemsHeading(error.problems, path), error.problems, formatProblems(error.problems, path));
  }
  const shown = relative(process.cwd(), path) || path;
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (args.markdown) process.stdout.write(renderMarkdown(report));
  else if (args.sarif) process.stdout.write(renderSarif(report, { path, uri: shown.split(sep).join("/") }));
  else process.stdout.write(`${renderPlanText(report, shown)}\n`);
  if (blocksDeployment(report)) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`The program failed while planning: ${error.message}\n`);
  process.exit(1);
});
