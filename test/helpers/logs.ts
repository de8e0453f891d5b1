// The service's own logger (redaction included) writing into memory, so a test reads the log as
// an operator would: every JSON line parsed, and the raw text for "is this string anywhere".
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.js';

export interface CapturedLogs {
  logger: Logger;
  /** Every line, parsed. */
  lines: Record<string, unknown>[];
  /** Everything written, as written. */
  text(): string;
}

export function captureLogs(level = 'info'): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  let raw = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const text = chunk.toString();
      raw += text;
      for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger(level, sink), lines, text: () => raw };
}
