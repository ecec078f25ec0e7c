/**
 * Vitest's global setup: compile the kit into a fresh dist/ once, before any test file runs, as
 * `npm pack` does (prepack). The policy pack and the packed command run compiled JavaScript, and
 * the tests that start them must judge what ships, not the TypeScript sources; a fresh dist/
 * holds nothing compiled from a source file that no longer exists.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";

export default async function buildDist(): Promise<void> {
  const root = join(__dirname, "..");
  await new Promise<void>((resolve, reject) => {
    execFile("npm", ["run", "-s", "build"], { cwd: root }, (error, stdout, stderr) =>
      error ? reject(new Error(`npm run build failed, and the tests need dist/:\n${stdout}${stderr}`)) : resolve(),
    );
  });
}
