// start / worker: the service itself.
import { InvalidArgumentError, type Command } from 'commander';
import { createLogger } from '../../logger.js';
import { STAGES, type Stage } from '../../queue/names.js';
import { loadAll } from '../context.js';

async function run(stages: readonly Stage[], scheduler: boolean, http: boolean): Promise<void> {
  const { env, config } = await loadAll();
  const logger = createLogger(env.LOG_LEVEL);
  for (const warning of config.warnings) logger.warn({ event: 'config-warning' }, warning);
  // workers/ holds the entrypoint logic; imported lazily so data commands stay light.
  const { startService, handleSignals } = await import('../../../workers/service.js');
  const service = await startService(env, config, logger, { stages, scheduler, http });
  handleSignals(service, logger);
}

export function registerServiceCommands(program: Command): void {
  program
    .command('start')
    .description('run the scheduler, every worker and the HTTP server in one process')
    .action(() => run(STAGES, true, true));

  program
    .command('worker')
    .description(`run the workers of one stage (${STAGES.join(', ')}); start several to scale out`)
    .argument('<stage>', 'stage to run', (v: string) => {
      if (!(STAGES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${STAGES.join(', ')}`);
      return v as Stage;
    })
    .option('--scheduler', 'also keep the job schedulers in sync with the config', false)
    .action((stage: Stage, opts: { scheduler: boolean }) => run([stage], opts.scheduler, false));
}
