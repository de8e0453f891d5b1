import { pino, type DestinationStream, type Logger } from 'pino';

/** Paths redacted wherever they appear in logged objects (tokens, SMTP URLs with credentials). */
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

/** Structured logs (pino); secrets are redacted. Tests pass a destination to read what was logged. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
