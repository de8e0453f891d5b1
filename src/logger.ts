import { pino, type Logger } from 'pino';

/** Structured logs; secrets are redacted wherever they appear in logged objects. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['token', '*.token', 'ADMIN_TOKEN', '*.ADMIN_TOKEN', 'adminToken', '*.adminToken', 'SLACK_BOT_TOKEN', '*.SLACK_BOT_TOKEN', 'SMTP_URL', '*.SMTP_URL', 'smtpUrl', '*.smtpUrl', 'authorization', '*.authorization', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
