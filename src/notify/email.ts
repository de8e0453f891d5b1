import nodemailer from 'nodemailer';
import type { EmailMessage } from '../domain/render.js';
import { DeliveryError, type EmailNotifier } from './notifier.js';

export interface EmailOptions {
  smtpUrl: string;
  from: string;
}

export function createEmailNotifier(options: EmailOptions): EmailNotifier {
  const url = new URL(options.smtpUrl);
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 5,
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    ignoreTLS: url.searchParams.get('tls') === 'off',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    mode: 'smtp',
    async send(to: string[], message: EmailMessage, deliveryId: string): Promise<string> {
      try {
        const info = await transport.sendMail({
          from: options.from,
          to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          // Lets receivers (and our tests) recognise a resend of the same delivery.
          headers: { 'X-Release-Radar-Delivery': deliveryId },
        });
        return info.messageId;
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close: () => {
      transport.close();
      return Promise.resolve();
    },
  };
}

export function classifySmtpError(err: unknown): DeliveryError {
  const e = err as { responseCode?: number; code?: string; message?: string };
  if (typeof e.responseCode === 'number') {
    // 5xx: the server refuses for good (bad recipient, auth); 4xx: try again later.
    const failure = e.responseCode >= 500 ? 'permanent' : 'transient';
    return new DeliveryError(failure, `smtp_${e.responseCode}`, `SMTP ${e.responseCode}: ${e.message ?? ''}`, null, { cause: err });
  }
  if (e.code === 'EAUTH') return new DeliveryError('permanent', 'smtp_auth', `SMTP authentication failed: ${e.message ?? ''}`, null, { cause: err });
  return new DeliveryError('transient', e.code ? `smtp_${e.code.toLowerCase()}` : 'network', `SMTP send failed: ${e.message ?? String(err)}`, null, { cause: err });
}
