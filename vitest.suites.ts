// The extra test suites (not part of `npm test`): each has its own JSON report so .ci/run can add
// them up. `npm run test:browser` needs Debian's chromium; `npm run test:chaos` starts its own Redis.
import { defineConfig } from 'vitest/config';

export function suite(name: 'browser' | 'chaos', timeoutMs: number) {
  return defineConfig({
    test: {
      include: [`test/${name}/**/*.test.ts`],
      testTimeout: timeoutMs,
      hookTimeout: 60_000,
      pool: 'forks',
      fileParallelism: false,
      reporters: ['default', 'json'],
      outputFile: { json: `test-results/${name}.json` },
    },
  });
}
