// demo: the product working in a minute, with no internet and no credentials (see ../../demo/run.ts).
import { InvalidArgumentError, type Command } from 'commander';
import { loadEnv } from '../../config/env.js';
import { runDemo } from '../../demo/run.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the whole service against a local replay of the bundled real release notes and versions page, and show what teams get (outbox, status page); needs only Redis')
    .option('--keep', 'stay up afterwards (status page, outbox) until Ctrl-C', false)
    .option('--verbose', "also show the service's own log (JSON, on stderr)", false)
    .option('--port <port>', 'status page port (default: any free port)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number');
      return n;
    })
    .action(async (opts: { keep: boolean; verbose: boolean; port?: number }) => {
      // First Ctrl-C: finish the current step, clean up Redis, stop (or leave --keep). Second: now.
      const interrupted = new AbortController();
      const stop = new Promise<void>((resolve) => {
        process.once('SIGINT', () => {
          interrupted.abort();
          resolve();
          process.once('SIGINT', () => process.exit(130));
        });
        process.once('SIGTERM', () => {
          interrupted.abort();
          resolve();
        });
      });
      await runDemo(loadEnv(), { signal: interrupted.signal, logLevel: opts.verbose ? 'info' : 'error', ...(opts.keep ? { keepUntil: stop } : {}), ...(opts.port !== undefined ? { port: opts.port } : {}) });
      process.exit(0);
    });
}
