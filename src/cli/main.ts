// The command line (commander). Every command has --help; commands that print data take --json.
// Commands live in ./commands by what they work on; this file assembles them and maps errors to exit codes.
import { Command } from 'commander';
import { EnvError } from '../config/env.js';
import { ConfigError } from '../config/load.js';
import { RedisUnavailableError } from '../queue/connection.js';
import { registerDataCommands } from './commands/data.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerInventoryCommands } from './commands/inventory.js';
import { registerLifecycleCommands } from './commands/lifecycle.js';
import { registerServiceCommands } from './commands/service.js';
import { registerOperateCommands } from './commands/operate.js';
import { registerSilenceCommands } from './commands/silences.js';

export function buildProgram(): Command {
  const program = new Command('release-radar')
    .description('Tells ML platform teams what changed in the Deep Learning VM / Container images they run on.')
    .showHelpAfterError();
  registerServiceCommands(program);
  registerDataCommands(program);
  registerLifecycleCommands(program);
  registerSilenceCommands(program);
  registerInventoryCommands(program);
  registerOperateCommands(program);
  registerDoctorCommand(program);
  registerDemoCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `release-radar parse feed.xml | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof EnvError || err instanceof RedisUnavailableError) {
      process.stderr.write(`release-radar: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`release-radar: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
