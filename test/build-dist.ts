/**
 * Vitest's global setup: compile the kit into a fresh dist/ once per run, as `npm pack` does
 * (prepack). The policy pack and the packed command run compiled JavaScript, and the tests that
 * start them must judge what ships, not the TypeScript sources; a fresh dist/ holds nothing
 * compiled from a source file that no longer exists.
 *
 * The build runs beside the tests rather than before them: most files never touch dist/, and on
 * a busy 2-core machine the half-minute of tsc kept one core idle. The files that need dist/ wait
 * for it with `distBuilt()` (test/helpers.ts), told by a marker file where the build's outcome is.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where the build's outcome appears: `built`, or `failed` holding its output. Workers inherit it. */
export const DIST_STATUS_ENV = "LAUNCH_READY_DIST_STATUS";

export default function buildDist(): () => Promise<void> {
  const status = mkdtempSync(join(tmpdir(), "launch-ready-dist-"));
  process.env[DIST_STATUS_ENV] = status;
  const finished = new Promise<void>((resolve) => {
    execFile("npm", ["run", "-s", "build"], { cwd: join(__dirname, "..") }, (error, stdout, stderr) => {
      // Written whole under a temporary name, then renamed: a reader never sees half a file.
      const outcome = error ? "failed" : "built";
      writeFileSync(join(status, `.${outcome}`), error ? `npm run build failed, and the tests need dist/:\n${stdout}${stderr}` : "");
      rmSync(join(status, outcome), { force: true });
      renameSync(join(status, `.${outcome}`), join(status, outcome));
      resolve();
    });
  });
  return async () => {
    await finished;
    rmSync(status, { recursive: true, force: true });
  };
}
