import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The policy pack and the packed command are tested as compiled JavaScript: build dist/ first.
    globalSetup: ["test/build-dist.ts"],
    // The program and the pack find the stacks sharing a zone from the project's stack files; a
    // test runs them on the example product's fixtures, never on this repository's stacks/.
    env: { LAUNCH_READY_STACKS_DIR: join(__dirname, "test", "fixtures", "project", "stacks") },
    // The Pulumi runtime keeps its state in process globals: each file gets its own process.
    pool: "forks",
    // Vitest leaves a core free by default, which on a 2-core machine runs one file at a time.
    // More files at once overlap what tests wait on (loopback servers, bursts, child processes,
    // the dist/ build): with another busy process on the machine, 157 s one at a time and 116 s
    // two at once (579 tests); at 655 tests, two at once took 148 s and 141 s, three 125 s and 129 s.
    maxWorkers: 3,
    minWorkers: 1,
    // A safety net, not a budget: verbs run in-process, and each entry file's one child-process
    // test loads tsx and @pulumi/* afresh, a few seconds on a busy 2-core machine.
    testTimeout: 60_000,
    // The same net for the hooks that start servers and plan stacks before a file's tests.
    hookTimeout: 60_000,
  },
});
