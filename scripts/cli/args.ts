/**
 * What every verb's command line shares: `--help`, `--json`, strict flags, and `--stack NAME` /
 * `--config FILE` read into a stack file. Every problem ends the verb through `fail` with exit 2.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { formatProblems, parseStackConfig, problemsHeading, type LaunchReadyConfig } from "../../stacks/stack-config";
import { availableStacks, readStackFile, stackFilePath, StackFileError, type StackFile } from "../../stacks/stack-file";
import { parseConnectTo, ProbeUsageError, type ConnectTo } from "../../policies/live/probes";
import { CliExit, fail, type Io } from "./io";

export const STACK_OPTIONS = { stack: { type: "string" }, config: { type: "string" } } as const;
/** Flags every verb takes; pass them to parseArgs with the verb's own. */
export const COMMON_OPTIONS = { json: { type: "boolean", default: false }, help: { type: "boolean", default: false } } as const;

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;
/** The values `parseArgs` gives for these flags, strict and without positionals. */
type FlagValues<Options extends FlagOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: Options; strict: true; allowPositionals: false }>
>["values"];

/**
 * The verb's flags, parsed strictly (no positionals, no unknown flag): a bad flag ends the verb
 * with 2 and the usage, `--help` prints the usage on stdout and ends it with 0.
 */
export function parseCommandLine<const Options extends FlagOptions>(argv: string[], usage: string, io: Io, options: Options): FlagValues<Options> {
  let values: FlagValues<Options>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    fail(2, argv.includes("--json"), `${(error as Error).message}\n\n${usage}`);
  }
  if ((values as { help?: boolean }).help) {
    io.stdout.write(`${usage}\n`);
    throw new CliExit(0, "");
  }
  return values;
}

/** A `--stack` value that cannot name a stack file ends the verb with 2, saying what a stack name is. */
export function requireStackName(stack: string, json: boolean): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) fail(2, json, `--stack "${stack}" is not a stack name; use letters, digits, "-", "_" or "." (e.g. --stack prod)`);
}

/** The stack file named by exactly one of --stack and --config, or exit 2 saying what to give instead. */
export function stackFileFromArgs(args: { stack?: string; config?: string }, json: boolean, usage: string, io: Io): { path: string; file: StackFile } {
  if (Boolean(args.stack) === Boolean(args.config)) fail(2, json, `Give exactly one of --stack or --config.\n\n${usage}`);
  if (args.stack !== undefined) requireStackName(args.stack, json);
  const path = args.config ? resolve(io.cwd, args.config) : stackFilePath(args.stack!);
  try {
    return { path, file: readStackFile(path) };
  } catch (error) {
    if (!(error instanceof StackFileError)) throw error;
    const known = args.stack ? ` Stacks in stacks/: ${availableStacks().join(", ")}.` : "";
    fail(2, json, `${error.message}.${known}`);
  }
}

/** The stack file named by --stack/--config, validated; config problems end the verb with 2, each named. */
export function stackConfigFromArgs(
  args: { stack?: string; config?: string },
  json: boolean,
  usage: string,
  io: Io,
): { path: string; file: StackFile; config: LaunchReadyConfig } {
  const { path, file } = stackFileFromArgs(args, json, usage, io);
  const parsed = parseStackConfig(file.config);
  if (!parsed.ok) fail(2, json, problemsHeading(parsed.problems, path), parsed.problems, formatProblems(parsed.problems, path));
  return { path, file, config: parsed.config };
}

/** Flags that aim live checks at a server: curl's --connect-to, and an extra CA to trust. */
export const TARGET_OPTIONS = { "connect-to": { type: "string", multiple: true }, ca: { type: "string" } } as const;

export function targetFromArgs(args: { "connect-to"?: string[]; ca?: string }, json: boolean, io: Io): { connectTo: ConnectTo[]; ca?: string } {
  try {
    return { connectTo: (args["connect-to"] ?? []).map(parseConnectTo), ...(args.ca ? { ca: readFileSync(resolve(io.cwd, args.ca), "utf8") } : {}) };
  } catch (error) {
    if (error instanceof ProbeUsageError) fail(2, json, error.message);
    fail(2, json, `--ca ${args.ca} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** A whole-number flag from 1 up to `max` (no ceiling when omitted); anything else ends the verb with 2 naming the flag. */
export function wholeNumberFlag(value: string | undefined, flag: string, fallback: number, json: boolean, max = Infinity): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    fail(2, json, `${flag} "${value}" must be a whole number ${max === Infinity ? "of at least 1" : `from 1 to ${max}`}`);
  }
  return number;
}
