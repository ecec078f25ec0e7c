/**
 * Writing: every file or none. The stack file and import.json are written under temporary names,
 * the stack file read back as the plan would read it, the earlier files moved aside (`.bak`) and
 * the new ones renamed in; any failure puts the targets back as they were. Its own file because
 * the undo is the part of the import that must not be got wrong, and it is tested on its own
 * terms (a rename that fails halfway), not through the mapping.
 *
 * Nothing here ends the verb or prints: a refusal is returned and a failure thrown as WriteFailed,
 * for the verb to report with its exit code.
 */
import { existsSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { readStackFile } from "../../stacks/stack-file";
import type { ImportArgs } from "./import-args";

/** The write failed and was undone (or could not be, which the message says): nothing was written. */
export class WriteFailed extends Error {}

export function outputPaths(args: Pick<ImportArgs, "out" | "stack">): { stackFile: string; importFile: string } {
  return { stackFile: join(args.out, `Pulumi.${args.stack}.yaml`), importFile: join(args.out, "import.json") };
}

/**
 * Why the import must not write, checked before anything is read or planned: it will not replace
 * what is there without --force. Without --record-ids no import.json is written, so one from an
 * earlier run would sit beside a stack it does not match: it blocks too, and --force removes it.
 * Undefined when the write may go ahead.
 */
export function overwriteRefusal(args: Pick<ImportArgs, "out" | "force" | "recordIds">, stackPath: string, importPath: string): string | undefined {
  if (existsSync(args.out) && !statSync(args.out).isDirectory()) return `--out ${args.out} is a file; give a directory`;
  const existing = [stackPath, importPath].filter((path) => existsSync(path));
  const directory = existing.find((path) => statSync(path).isDirectory());
  if (directory) return `${directory} is a directory; nothing was written. Move it away, or give another --out / --stack.`;
  if (existing.length === 0 || args.force) return undefined;
  const stale = args.recordIds === undefined && existing.includes(importPath);
  return `${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}; nothing was written. Give --force to overwrite${stale ? ` (without --record-ids, --force removes ${importPath}: written by an earlier run, it would not match the new stack; give --record-ids to write a new one)` : ""}, or another --out / --stack.`;
}

export interface WriteOptions {
  /** The directory mkdir created for --out, if it did not exist: removed again when the write fails. */
  createdDirectory?: string;
  /** Names this run's side files (`.<name>.<tag>.tmp`, `.bak`): the process ID, so two runs cannot share them. */
  tag: number | string;
  /** Says what could not be tidied after a write that succeeded (a `.bak` that could not be removed). */
  warn: (line: string) => void;
}

const sidePath = (path: string, kind: "tmp" | "bak", tag: number | string) => join(dirname(path), `.${basename(path)}.${tag}.${kind}`);

/**
 * Writes every file under a temporary name and reads the stack file back as the plan would; then
 * moves what the targets hold aside, renames the new files in and drops what was moved aside.
 * Any failure puts the targets back as they were and throws WriteFailed: the files are written all
 * or none. Returns the paths of `remove` that existed and are gone.
 */
export function writeAll(
  files: Array<{ path: string; text: string }>,
  remove: string[],
  expectedConfig: Record<string, unknown>,
  { createdDirectory, tag, warn }: WriteOptions,
): string[] {
  const temporary = files.map((file) => ({ ...file, temp: sidePath(file.path, "tmp", tag) }));
  const movedAside: string[] = [];
  const renamedIn: string[] = [];
  try {
    for (const file of temporary) writeFileSync(file.temp, file.text);
    const readBack = readStackFile(temporary[0].temp);
    if (!isDeepStrictEqual(readBack.config, expectedConfig)) throw new Error(`${files[0].path} did not read back as the config that was planned`);
    for (const path of [...files.map((file) => file.path), ...remove]) {
      if (!existsSync(path)) continue;
      renameSync(path, sidePath(path, "bak", tag));
      movedAside.push(path);
    }
    for (const file of temporary) {
      renameSync(file.temp, file.path);
      renamedIn.push(file.path);
    }
  } catch (error) {
    const stuck = undoWrite(
      temporary.map((file) => file.temp),
      renamedIn,
      movedAside,
      tag,
    );
    if (createdDirectory) removeEmptyDirectories(dirname(files[0].path), createdDirectory);
    const cause = (error as Error).message;
    if (stuck.length === 0) throw new WriteFailed(`Nothing was written: ${cause}; ${dirname(files[0].path)} is as it was.`);
    throw new WriteFailed(`Writing failed (${cause}), and putting the earlier files back failed too:\n${stuck.map((line) => `  ${line}`).join("\n")}`);
  }
  for (const path of movedAside) {
    try {
      rmSync(sidePath(path, "bak", tag), { force: true });
    } catch (error) {
      warn(
        `The files were written, but the earlier ${path}, moved to ${sidePath(path, "bak", tag)}, could not be removed (${(error as Error).message}); delete it.`,
      );
    }
  }
  return remove.filter((path) => movedAside.includes(path));
}

/** The directories this run created for --out, innermost first, as long as they are empty. */
function removeEmptyDirectories(out: string, createdDirectory: string): void {
  for (let directory = out; ; directory = dirname(directory)) {
    try {
      rmdirSync(directory);
    } catch {
      return;
    }
    if (directory === createdDirectory || dirname(directory) === directory) return;
  }
}

/** Removes what was renamed in and the temporary files, and moves the earlier files back; returns what could not be undone. */
function undoWrite(temporary: string[], renamedIn: string[], movedAside: string[], tag: number | string): string[] {
  const stuck: string[] = [];
  for (const path of renamedIn) {
    try {
      rmSync(path, { force: true });
    } catch (error) {
      stuck.push(`${path} is the new file and could not be removed (${(error as Error).message})`);
    }
  }
  for (const path of movedAside) {
    try {
      renameSync(sidePath(path, "bak", tag), path);
    } catch (error) {
      stuck.push(`the earlier ${path} is at ${sidePath(path, "bak", tag)} and could not be moved back (${(error as Error).message})`);
    }
  }
  for (const temp of temporary) {
    try {
      rmSync(temp, { force: true });
    } catch (error) {
      stuck.push(`${temp} could not be removed (${(error as Error).message})`);
    }
  }
  return stuck;
}
