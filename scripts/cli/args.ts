/**
 * What every verb's command line shares: `--help`, `--json`, strict flags, and `--stack NAME` /
 * `--config FILE` read into a stack file. Every problem ends the verb through `fail` with exit 2.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { formatProblems, parseStackConfig, problemsHeading, type LaunchReadyConfig } from "../../stacks/stack-config";
import { availableStacks, findProject, KIT_NAME, ProjectError, requireProject, stackFilePath, type PulumiProject } from "../../stacks/project";
import { readStackFile, StackFileError, stackNameFromPath, type StackFile } from "../../stacks/stack-file";
import { STACK_NAME } from "../../stacks/schema/common";
import { parseConnectTo, ProbeUsageError, type ConnectTo } from "../../policies/live/probes";
import { CliExit, fail, type Io } from "./io";

export const STACK_OPTIONS = { stack: { type: "string" }, config: { type: "string" } } as const;
/** Flags every verb takes; pass them to parseArgs with the verb's own. */
export const COMMON_OPTIONS = { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } } as const;

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
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false, tokens: true });
    values = parsed.values;
    // parseArgs keeps the last of a flag given twice: `--stack dev --stack prod` would plan prod without a word.
    const given = new Map<string, number>();
    for (const token of parsed.tokens) if (token.kind === "option") given.set(token.name, (given.get(token.name) ?? 0) + 1);
    const twice = [...given].find(([name, count]) => count > 1 && !(options[name] as { multiple?: boolean } | undefined)?.multiple);
    if (twice) throw new Error(`--${twice[0]} is given ${twice[1]} times; give it once`);
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
  if (!STACK_NAME.test(stack)) fail(2, json, `--stack "${stack}" is not a stack name; use letters, digits, "-", "_" or "." (e.g. --stack prod)`);
}

/** The Pulumi project of the verb's working directory (its Pulumi.yaml, or the nearest above), or exit 2 saying how to get one. */
export function projectFromCwd(io: Io, json: boolean): PulumiProject {
  try {
    return requireProject(io.cwd);
  } catch (error) {
    if (error instanceof ProjectError) fail(2, json, error.message);
    throw error;
  }
}

/** A stack file a verb was pointed at, and the project it belongs to. */
export interface StackFileArgs {
  path: string;
  file: StackFile;
  /** The Pulumi project holding the file (the nearest Pulumi.yaml above it), if any. */
  project?: PulumiProject;
  /** That project's name (URNs, secret paths); the kit's default name for a file in no project. */
  projectName: string;
}

/** The project whose Pulumi.yaml is in `dir` or above it, if any; a broken Pulumi.yaml ends the verb with 2. */
export function findProjectFrom(dir: string, json: boolean): PulumiProject | undefined {
  try {
    return findProject(dir);
  } catch (error) {
    if (error instanceof ProjectError) fail(2, json, error.message);
    throw error;
  }
}

/**
 * The stack file named by exactly one of --stack (a stack of the working directory's project, in
 * its stackConfigDir) and --config (any file, planned as part of the project it sits in), or exit 2
 * saying what to give instead.
 */
export function stackFileFromArgs(args: { stack?: string; config?: string }, json: boolean, usage: string, io: Io): StackFileArgs {
  if (Boolean(args.stack) === Boolean(args.config)) fail(2, json, `Give exactly one of --stack or --config.\n\n${usage}`);
  let project: PulumiProject | undefined;
  if (args.stack !== undefined) {
    requireStackName(args.stack, json);
    project = projectFromCwd(io, json);
  }
  const path = args.config ? resolve(io.cwd, args.config) : stackFilePath(project!, args.stack!);
  // The file's name is the stack's name, in URNs and the handover's markers: one a stack name cannot be would forge them.
  const named = stackNameFromPath(path);
  if (args.config && !STACK_NAME.test(named))
    fail(
      2,
      json,
      `--config ${args.config} names stack "${named}", which is not a stack name; name the file Pulumi.<stack>.yaml with letters, digits, "-", "_" or "." (e.g. Pulumi.prod.yaml)`,
    );
  try {
    const file = readStackFile(path);
    const owner = project ?? findProjectFrom(dirname(path), json);
    return { path, file, ...(owner ? { project: owner } : {}), projectName: owner?.name ?? KIT_NAME };
  } catch (error) {
    if (!(error instanceof StackFileError)) throw error;
    const stacks = project ? availableStacks(project) : [];
    const shown = project && `${relative(io.cwd, project.stacksDir) || "."}/`;
    const known = project ? ` ${stacks.length > 0 ? `Stacks in ${shown}: ${stacks.join(", ")}.` : `${shown} holds no stack files.`}` : "";
    fail(2, json, `${error.message}.${known}`);
  }
}

/** The stack file named by --stack/--config, validated; config problems end the verb with 2, each named. */
export function stackConfigFromArgs(
  args: { stack?: string; config?: string },
  json: boolean,
  usage: string,
  io: Io,
): StackFileArgs & { config: LaunchReadyConfig } {
  const given = stackFileFromArgs(args, json, usage, io);
  const parsed = parseStackConfig(given.file.config);
  if (!parsed.ok) fail(2, json, problemsHeading(parsed.problems, given.path), parsed.problems, formatProblems(parsed.problems, given.path));
  return { ...given, config: parsed.config };
}

/** Flags that aim live checks at a server: curl's --connect-to, and an extra CA to trust. */
export const TARGET_OPTIONS = { "connect-to": { type: "string", multiple: true }, ca: { type: "string" } } as const;

export function targetFromArgs(args: { "connect-to"?: string[]; ca?: string }, json: boolean, io: Io): { connectTo: ConnectTo[]; ca?: string } {
  let connectTo: ConnectTo[];
  try {
    connectTo = (args["connect-to"] ?? []).map(parseConnectTo);
  } catch (error) {
    if (error instanceof ProbeUsageError) fail(2, json, error.message);
    throw error;
  }
  if (!args.ca) return { connectTo };
  let ca: string;
  try {
    ca = readFileSync(resolve(io.cwd, args.ca), "utf8");
  } catch (error) {
    fail(2, json, `--ca ${args.ca} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  // A file that is not a certificate would be trusted as nothing, and every handshake would then fail as the server's fault.
  try {
    new X509Certificate(ca);
  } catch {
    fail(2, json, `--ca ${args.ca} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate the server's chain ends at`);
  }
  return { connectTo, ca };
}

/** A whole-number flag from 1 up to `max` (no ceiling when omitted); anything else ends the verb with 2 naming the flag. */
export function wholeNumberFlag(value: string | undefined, flag: string, fallback: number, json: boolean, max = Infinity): number {
  if (value === undefined) return fallback;
  // Digits only: Number() would also read 0x10, 1e3, " 5000" and 5000.0, and the value written back would not be the one typed.
  const number = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1 || number > max) {
    fail(2, json, `${flag} "${value}" must be a whole number ${max === Infinity ? "of at least 1" : `from 1 to ${max}`}`);
  }
  return number;
}
