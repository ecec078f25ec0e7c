/**
 * How a verb writes one file it replaces or creates: beside it under a temporary name, then
 * renamed over it, so a write that fails (a full disk) or is interrupted leaves the file as it
 * was, never half of each. Shared by rollback --apply, handover and adopt.
 */
import { randomBytes } from "node:crypto";
import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes `content` to `path` whole or not at all; the error of a write that failed is thrown,
 * with no temporary file left. A symlink's target is the file replaced, keeping its mode.
 */
export function replaceFile(path: string, content: string | Buffer): void {
  const target = existingTarget(path);
  const temporary = join(dirname(target.path), `.${basename(target.path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temporary, content, target.mode === undefined ? {} : { mode: target.mode });
    renameSync(temporary, target.path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The file a path names (through symlinks) and its permission bits, or the path itself when nothing is there yet. */
function existingTarget(path: string): { path: string; mode?: number } {
  try {
    const real = realpathSync(path);
    return { path: real, mode: statSync(real).mode & 0o777 };
  } catch {
    return { path };
  }
}
