import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit and integration tests; test/browser, test/chaos and test/failover are their own suites (vitest.*.config.ts).
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // Integration tests share one Redis; each uses its own key prefix, so files may run in parallel.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
