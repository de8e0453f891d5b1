// The extra test suites (not part of `npm test`): each has its own JSON report so .ci/run can add
// them up. `npm run test:browser` needs Debian's chromium; `npm run test:chaos` starts its own Redis;
// `npm run test:failover` starts Sentinel and Cluster topologies and kills their masters, alone on
// the machine (run in parallel with other suites, the timing of a failover is not what it tests).
import { defineConfig } from 'vitest/config';

export function suite(name: 'browser' | 'chaos' | 'failover', timeoutMs: number) {
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
