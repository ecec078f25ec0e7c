import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The Pulumi runtime keeps its state in process globals: each file gets its own process.
    pool: "forks",
    // A safety net, not a budget: verbs run in-process, and each entry file's one child-process
    // test loads tsx and @pulumi/* afresh, a few seconds on a busy 2-core machine.
    testTimeout: 60_000,
  },
});
