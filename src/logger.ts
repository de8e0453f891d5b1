import { pino, type DestinationStream, type Logger } from 'pino';
import { redactDeep, redactText } from './redact.js';

/** Keys whose values are never logged, wherever they appear (tokens, SMTP URLs, headers). */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'SLACK_BOT_TOKEN',
  '*.SLACK_BOT_TOKEN',
  'ADMIN_TOKEN',
  '*.ADMIN_TOKEN',
  'adminToken',
  '*.adminToken',
  'SMTP_URL',
  '*.SMTP_URL',
  'smtpUrl',
  '*.smtpUrl',
  'authorization',
  '*.authorization',
  'headers.authorization',
];

/**
 * Structured logs (pino). Secrets are removed twice: by key (REDACT_PATHS) and by content, so a
 * URL with a password or a token inside an error message is redacted too (src/redact.ts). Tests
 * pass a destination to read what was logged.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { log: (object: Record<string, unknown>) => redactDeep(object) },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void): void {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)));
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
