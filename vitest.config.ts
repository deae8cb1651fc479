import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Servers and child processes are real; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
