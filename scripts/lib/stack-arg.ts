/**
 * `--stack NAME` / `--config FILE`, as every script that reads one stack file takes them: checked,
 * read, and turned into a clear usage error when wrong.
 */
import { resolve } from "node:path";
import { availableStacks, readStackFile, stackFilePath, StackFileError, type StackFile } from "../../stacks/stack-file";

export class UsageError extends Error {}

export const STACK_OPTIONS = { stack: { type: "string" }, config: { type: "string" } } as const;

/** The stack file named by exactly one of --stack and --config. */
export function stackFileFromArgs(args: { stack?: string; config?: string }): { path: string; file: StackFile } {
  if (Boolean(args.stack) === Boolean(args.config)) throw new UsageError("Give exactly one of --stack or --config.");
  if (args.stack !== undefined && !/^[A-Za-z0-9_.-]+$/.test(args.stack)) {
    throw new UsageError(`--stack "${args.stack}" is not a stack name; use letters, digits, "-", "_" or "." (e.g. --stack prod)`);
  }
  const path = args.config ? resolve(args.config) : stackFilePath(args.stack!);
  try {
    return { path, file: readStackFile(path) };
  } catch (error) {
    if (!(error instanceof StackFileError)) throw error;
    const known = args.stack ? ` Stacks in stacks/: ${availableStacks().join(", ")}.` : "";
    throw new UsageError(`${error.message}.${known}`);
  }
}
