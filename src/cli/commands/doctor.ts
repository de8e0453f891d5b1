// doctor: one command that tells an operator, before the first alert is due, whether every part
// the service depends on really works (see ../doctor.ts for what is checked).
import type { Command } from 'commander';
import { loadEnv } from '../../config/env.js';
import { configuredSecrets } from '../../config/secrets.js';
import { registerSecrets } from '../../redact.js';
import { formatReport, runDoctor } from '../doctor.js';
import { out } from '../context.js';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check the config, Redis, every source, Slack and SMTP once, without sending anything; exits 1 on any failure')
    .option('--json', 'print the report as JSON', false)
    .action(async (opts: { json: boolean }) => {
      const env = loadEnv();
      registerSecrets(configuredSecrets(env, null));
      if (!opts.json) process.stderr.write('doctor: checking the config, Redis, every source, Slack and SMTP (each within its timeout; under a minute)…\n');
      const report = await runDoctor(env);
      if (opts.json) out(JSON.stringify(report, null, 2));
      else for (const line of formatReport(report)) out(line);
      if (!report.ok) process.exitCode = 1;
    });
}
