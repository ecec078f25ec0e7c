/**
 * What every script a person runs shares: its command line (`--help`, `--json`, strict flags),
 * errors on stderr with the exit code (as `{"error", "problems"}` under `--json`), and
 * `--stack NAME` / `--config FILE` read into a stack file.
 */
import { resolve } from "node:path";

import { readFileSync } from "node:fs";
import type { ConfigProblem } from "../../stacks/config-problems";
import { formatProblems, parseStackConfig, problemsHeading, type LaunchReadyConfig } from "../../stacks/stack-config";
import { parseConnectTo, ProbeUsageError, type ConnectTo } from "./probes";
import { availableStacks, readStackFile, stackFilePath, StackFileError, type StackFile } from "../../stacks/stack-file";

export const STACK_OPTIONS = { stack: { type: "string" }, config: { type: "string" } } as const;
/** Flags every script takes; pass them to parseArgs with the script's own. */
export const COMMON_OPTIONS = { json: { type: "boolean", default: false }, help: { type: "boolean", default: false } } as const;

/** Errors go to stderr: as text, or with --json as `{"error", "problems"}`. Nothing reaches stdout. */
export function exitWithError(code: number, json: boolean, message: string, problems: ConfigProblem[] = [], text = message): never {
  process.stderr.write(json ? `${JSON.stringify({ error: message, problems }, null, 2)}\n` : `${text}\n`);
  process.exit(code);
}

/**
 * Runs the script's own strict `parseArgs` call: a bad flag exits 2 with the usage, `--help`
 * prints the usage and exits 0.
 */
export function parseCommandLine<Values extends { help?: boolean }>(argv: string[], usage: string, parse: () => Values): Values {
  let values: Values;
  try {
    values = parse();
  } catch (error) {
    exitWithError(2, argv.includes("--json"), `${(error as Error).message}\n\n${usage}`);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}

/** A `--stack` value that cannot name a stack file exits 2, saying what a stack name is. */
export function requireStackName(stack: string, json: boolean): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) exitWithError(2, json, `--stack "${stack}" is not a stack name; use letters, digits, "-", "_" or "." (e.g. --stack prod)`);
}

/** The stack file named by exactly one of --stack and --config, or exit 2 saying what to give instead. */
export function stackFileFromArgs(args: { stack?: string; config?: string }, json: boolean, usage: string): { path: string; file: StackFile } {
  if (Boolean(args.stack) === Boolean(args.config)) exitWithError(2, json, `Give exactly one of --stack or --config.\n\n${usage}`);
  if (args.stack !== undefined) requireStackName(args.stack, json);
  const path = args.config ? resolve(args.config) : stackFilePath(args.stack!);
  try {
    return { path, file: readStackFile(path) };
  } catch (error) {
    if (!(error instanceof StackFileError)) throw error;
    const known = args.stack ? ` Stacks in stacks/: ${availableStacks().join(", ")}.` : "";
    exitWithError(2, json, `${error.message}.${known}`);
  }
}

/** The stack file named by --stack/--config, validated; config problems exit 2, each named. */
export function stackConfigFromArgs(args: { stack?: string; config?: string }, json: boolean, usage: string): { path: string; file: StackFile; config: LaunchReadyConfig } {
  const { path, file } = stackFileFromArgs(args, json, usage);
  const parsed = parseStackConfig(file.config);
  if (!parsed.ok) exitWithError(2, json, problemsHeading(parsed.problems, path), parsed.problems, formatProblems(parsed.problems, path));
  return { path, file, config: parsed.config };
}

/** Flags that aim live checks at a server: curl's --connect-to, and an extra CA to trust. */
export const TARGET_OPTIONS = { "connect-to": { type: "string", multiple: true }, ca: { type: "string" } } as const;

export function targetFromArgs(args: { "connect-to"?: string[]; ca?: string }, json: boolean): { connectTo: ConnectTo[]; ca?: string } {
  try {
    return { connectTo: (args["connect-to"] ?? []).map(parseConnectTo), ...(args.ca ? { ca: readFileSync(args.ca, "utf8") } : {}) };
  } catch (error) {
    if (error instanceof ProbeUsageError) exitWithError(2, json, error.message);
    exitWithError(2, json, `--ca ${args.ca} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** A whole-number flag from 1 up to `max` (no ceiling when omitted); anything else exits 2 naming the flag. */
export function wholeNumberFlag(value: string | undefined, flag: string, fallback: number, json: boolean, max = Infinity): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    exitWithError(2, json, `${flag} "${value}" must be a whole number ${max === Infinity ? "of at least 1" : `from 1 to ${max}`}`);
  }
  return number;
}
