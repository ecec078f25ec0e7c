import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The Pulumi runtime keeps its state in process globals: each file gets its own process.
    pool: "forks",
    // The CLI tests start tsx child processes, which take a few seconds each on a busy 2-core machine.
    testTimeout: 60_000,
  },
});
