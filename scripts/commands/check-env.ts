/**
 * `npm run check:env -- --stack <name> | --config FILE [--dotenv FILE] [--json]`
 * `npm run check:env -- --stack <name> --write-example .env.example [--force]`
 *
 * SEC-ENV-SEPARATION, live: every variable the stack's env manifest (`launch-ready:env`) says the
 * app needs in this environment is present and well-formed, in the running process's environment
 * or in a .env file. Reports names and what is wrong, never values. Exit 0 when all is well, 1 on
 * a missing or malformed variable, 2 on usage or config errors. `--write-example` replaces only a
 * file it wrote before (its header, and no value filled in); anything else there needs --force.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import Table from "cli-table3";
import { parse as parseDotenv } from "dotenv";
import { checkEnvironment, renderEnvExample, type EnvCheck } from "../../components/secrets/env-manifest";
import { secretSpecs } from "../../components/secrets/stored-secrets";
import { NotARegularFile, readRegularFile } from "../../stacks/regular-file";
import { secretStoreName } from "../../stacks/secrets-config";
import type { LaunchReadyConfig } from "../../stacks/stack-config";
import { COMMON_OPTIONS, parseCommandLine, STACK_OPTIONS, stackConfigFromArgs } from "../cli/args";
import { fail, type Io } from "../cli/io";

/** Far past any app's variables: a larger .env is not one. */
const MAX_DOTENV_BYTES = 2 ** 20;

const USAGE = `Usage: npm run check:env -- --stack <name> | --config FILE [--dotenv FILE] [--json]
       npm run check:env -- --stack <name> | --config FILE --write-example FILE [--force]

  --stack NAME          the stack whose env manifest (launch-ready:env) applies
  --config FILE         any stack file instead
  --dotenv FILE         check this .env file instead of the current process environment (not --env-file:
                        Node 20 takes that flag for itself even after the script's name)
  --write-example FILE  write the manifest as a .env.example (names, comments, harmless examples) and check nothing;
                        a FILE that exists is replaced only if --write-example wrote it: its header, no value filled in
  --force               with --write-example: replace FILE even if --write-example did not write it (a .env)
  --json                print {"stack","environment","source","checks":[{"id","target","status","detail"}]} on stdout
  --help                show this help

Values are never printed: only names and what is wrong with them.
Exit: 0 every needed variable present and well-formed, 1 one missing or malformed, 2 usage or config error
(or --write-example refused to replace a file; nothing was written).`;

function secretLocations(config: LaunchReadyConfig, project: string): Record<string, string> {
  const store = secretStoreName(config.secrets.store);
  return Object.fromEntries(secretSpecs(config, project).map((secret) => [secret.name, `${store} at ${secret.path}`]));
}

/** The .env.example that `--write-example` writes for a stack: what init writes beside a new project's stacks too. */
export function envExampleText(config: LaunchReadyConfig, stack: string, project: string): string {
  return renderEnvExample(config.env, { stack, environment: config.environment, secretLocations: secretLocations(config, project) });
}

/** The header line every file `--write-example` writes begins with, up to the stack's name. */
const GENERATED_LINE = renderEnvExample([], { stack: "", environment: "production", secretLocations: {} })
  .split("\n")
  .find((line) => line.includes("--write-example"))!
  .split(" --stack ")[0];

/**
 * Why `existing` is not a file `--write-example` wrote, or undefined when it is: it must carry the
 * header, and hold no value the fresh file would not, so a copy filled in with real values (the
 * usual `cp .env.example .env`) is never taken for one. Names lines, never values.
 */
function notWrittenByWriteExample(existing: string, fresh: string): string | undefined {
  const lines = existing.split(/\r?\n/);
  if (!lines.slice(0, 4).some((line) => line.startsWith(GENERATED_LINE))) return "was not written by --write-example";
  const written = new Set(fresh.split("\n"));
  const kept = lines.findIndex((line) => !/^\s*(#.*)?$/.test(line) && !/^[A-Za-z_][A-Za-z0-9_]*=$/.test(line) && !written.has(line));
  if (kept === -1) return undefined;
  const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=/.exec(lines[kept])?.[1];
  return `holds a value --write-example would not write (line ${kept + 1}${name ? `, ${name}` : ""}): it looks filled in`;
}

/**
 * `--write-example` may create the file or replace one it wrote before; anything else there (a .env
 * with real values, a hand-written example) is refused with 2, nothing written, unless --force.
 * Returns whether the file exists.
 */
function refuseToReplace(target: string, shown: string, fresh: string, force: boolean, json: boolean): boolean {
  let existing: string;
  try {
    existing = readFileSync(target, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false;
    fail(2, json, `--write-example ${shown} ${code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(error)})`}; nothing was written.`);
  }
  const why = force ? undefined : notWrittenByWriteExample(existing, fresh);
  if (why)
    fail(2, json, `--write-example ${shown} already exists and ${why}; nothing was written. Give --force to replace it, or --write-example another file.`);
  return true;
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
  const args = parseCommandLine(argv, USAGE, io, {
    ...STACK_OPTIONS,
    ...COMMON_OPTIONS,
    dotenv: { type: "string" },
    "write-example": { type: "string" },
    force: { type: "boolean", default: false },
  });
  const json = args.json;
  if (args["write-example"] && args.dotenv)
    fail(2, json, `--write-example writes a file and checks nothing; drop --dotenv, or run the two separately.\n\n${USAGE}`);
  if (args.force && !args["write-example"]) fail(2, json, `--force only goes with --write-example: checking writes nothing.\n\n${USAGE}`);
  const { file, config, projectName } = stackConfigFromArgs(args, json, USAGE, io);

  if (args["write-example"]) {
    const target = resolve(io.cwd, args["write-example"]);
    const text = envExampleText(config, file.stack, projectName);
    const exists = refuseToReplace(target, args["write-example"], text, args.force, json);
    // A file that appeared since it was checked is not replaced either ("wx" fails when it exists).
    try {
      writeFileSync(target, text, { flag: exists ? "w" : "wx" });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") fail(2, json, `--write-example ${args["write-example"]} appeared while it was being written; nothing was written. Run it again.`);
      fail(2, json, `--write-example ${args["write-example"]} cannot be written (${code ?? String(error)})`);
    }
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
  if (args.dotenv) {
    const envFile = resolve(io.cwd, args.dotenv);
    try {
      values = parseDotenv(readRegularFile(envFile, MAX_DOTENV_BYTES));
    } catch (error) {
      if (error instanceof NotARegularFile) fail(2, json, `--dotenv ${args.dotenv} ${error.message}`);
      fail(2, json, `${envFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    source = relative(io.cwd, envFile) || envFile;
  }
  const checks = checkEnvironment(config.env, config.environment, values);
  if (json) io.stdout.write(`${JSON.stringify({ stack: file.stack, environment: config.environment, source, checks }, null, 2)}\n`);
  else io.stdout.write(`${renderText(checks, `Env manifest of ${file.stack} (${config.environment}) against ${source}:`)}\n`);
  return checks.some((check) => check.status === "fail") ? 1 : 0;
}
