import { execFile } from "node:child_process";
import { join } from "node:path";
import { expect, test } from "vitest";
import { stackFilePath } from "../stacks/project";
import { FIXTURE_PROJECT } from "./helpers";

/**
 * `pulumi up` compiles index.ts with the ts-node that @pulumi/pulumi vendors, which resolves
 * modules differently from tsx (a `./x` import finds `x.json` before `x.ts`). This loads the kit
 * that way and plans the prod example, so a program only tsx can run fails here, not in a deploy.
 */
test("the program loads and plans under Pulumi's own TypeScript loader", async () => {
  // Asynchronously: type-checking takes seconds, and the test worker must stay responsive meanwhile.
  const result = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(__dirname, "..", "scripts", "plan", "pulumi-ts-loader-check.js"), stackFilePath(FIXTURE_PROJECT, "prod")],
      { encoding: "utf8" },
      (error, stdout, stderr) => resolve({ status: error ? 1 : 0, stdout, stderr }),
    );
  });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  const planned = JSON.parse(result.stdout);
  // The plan's own count of the same stack (test/plan-cli.test.ts names each type).
  expect(planned.resources).toBe(74);
  expect(planned.bar.filter((entry: string) => entry.endsWith(":fail"))).toEqual([]);
  expect(planned.bar).toContain("TLS-STRICT:pass");
});
