/**
 * `npm run check:env -- --stack <name> | --config FILE [--env-file FILE] [--json]`
 * `npm run check:env -- --stack <name> --write-example .env.example`
 *
 * SEC-ENV-SEPARATION, live: every variable the stack's env manifest (`launch-ready:env`) says the
 * app needs in this environment is present and well-formed, in the running process's environment
 * or in a .env file. Reports names and what is wrong, never values. Exit 0 when all is well, 1 on
 * a missing or malformed variable, 2 on usage or config errors.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import Table from "cli-table3";
import { parse as parseDotenv } from "dotenv";
import { checkEnvironment, renderEnvExample, type EnvCheck } from "../../components/secrets/env-manifest";
import { secretSpecs } from "../../components/secrets/stored-secrets";
import { secretStoreName } from "../../stacks/secrets-config";
import type { LaunchReadyConfig } from "../../stacks/stack-config";
import { COMMON_OPTIONS, parseCommandLine, STACK_OPTIONS, stackConfigFromArgs } from "../cli/args";
import { fail, type Io } from "../cli/io";

const USAGE = `Usage: npm run check:env -- --stack <name> | --config FILE [--env-file FILE] [--json]
       npm run check:env -- --stack <name> | --config FILE --write-example FILE

  --stack NAME          the stack whose env manifest (launch-ready:env) applies
  --config FILE         any stack file instead
  --env-file FILE       check this .env file instead of the current process environment
  --write-example FILE  write the manifest as a .env.example (names, comments, harmless examples) and check nothing
  --json                print {"stack","environment","source","checks":[{"id","target","status","detail"}]} on stdout
  --help                show this help

Values are never printed: only names and what is wrong with them.
Exit: 0 every needed variable present and well-formed, 1 one missing or malformed, 2 usage or config error.`;

function secretLocations(config: LaunchReadyConfig, project: string): Record<string, string> {
  const store = secretStoreName(config.secrets.store);
  return Object.fromEntries(secretSpecs(config, project).map((secret) => [secret.name, `${store} at ${secret.path}`]));
}

/** The .env.example that `--write-example` writes for a stack: what init writes beside a new project's stacks too. */
export function envExampleText(config: LaunchReadyConfig, stack: string, project: string): string {
  return renderEnvExample(config.env, { stack, environment: config.environment, secretLocations: secretLocations(config, project) });
}

function renderText(checks: EnvCheck[], heading: string): string {
  const table = new Table({ head: ["Variable", "Status", "Detail"], style: { head: [], border: [] }, wordWrap: true });
  for (const check of checks) table.push([check.target, check.status.toUpperCase(), check.detail]);
  const failed = checks.filter((check) => check.status === "fail").length;
  const verdict =
    checks.length === 0
      ? "nothing to check: launch-ready:env declares no variables"
      : failed > 0
        ? `FAIL: ${failed} variable${failed === 1 ? "" : "s"} missing or malformed`
        : "PASS";
  return `${heading}\n${checks.length > 0 ? `${table.toString()}\n` : ""}SEC-ENV-SEPARATION (live): ${verdict}`;
}

export async function checkEnv(argv: string[], io: Io): Promise<number> {
  const args = parseCommandLine(argv, USAGE, io, { ...STACK_OPTIONS, ...COMMON_OPTIONS, "env-file": { type: "string" }, "write-example": { type: "string" } });
  const json = args.json;
  if (args["write-example"] && args["env-file"])
    fail(2, json, `--write-example writes a file and checks nothing; drop --env-file, or run the two separately.\n\n${USAGE}`);
  const { file, config, projectName } = stackConfigFromArgs(args, json, USAGE, io);

  if (args["write-example"]) {
    const target = resolve(io.cwd, args["write-example"]);
    writeFileSync(target, envExampleText(config, file.stack, projectName));
    const written = config.env.filter((variable) => variable.environments.includes(config.environment)).length;
    io.stdout.write(
      json
        ? `${JSON.stringify({ wrote: target, variables: written })}\n`
        : `Wrote ${relative(io.cwd, target) || target}: ${written} variable${written === 1 ? "" : "s"} for ${file.stack} (${config.environment}).\n`,
    );
    return 0;
  }

  let values: Record<string, string | undefined> = io.env;
  let source = "the current process environment";
  if (args["env-file"]) {
    const envFile = resolve(io.cwd, args["env-file"]);
    try {
      values = parseDotenv(readFileSync(envFile));
    } catch (error) {
      fail(2, json, `${envFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    source = relative(io.cwd, envFile) || envFile;
  }
  const checks = checkEnvironment(config.env, config.environment, values);
  if (json) io.stdout.write(`${JSON.stringify({ stack: file.stack, environment: config.environment, source, checks }, null, 2)}\n`);
  else io.stdout.write(`${renderText(checks, `Env manifest of ${file.stack} (${config.environment}) against ${source}:`)}\n`);
  return checks.some((check) => check.status === "fail") ? 1 : 0;
}
