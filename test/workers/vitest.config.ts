import { defineConfig } from "vitest/config";

// The Workers runtime tier (`npm run test:workers`): wrangler dev + workerd, run once per CI.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/workers/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: "forks",
    fileParallelism: false,
  },
});
