import nodemailer from 'nodemailer';
import { withDeadline } from '../deadline.js';
import type { EmailMessage } from '../render/email.js';
import { DeliveryError, deliveryMessageId, type EmailNotifier } from './notifier.js';

export interface EmailOptions {
  smtpUrl: string;
  from: string;
}

/** How an SMTP_URL becomes a connection: smtps: = TLS from the start, ?tls=off = no STARTTLS (local servers). */
function smtpConnection(smtpUrl: string) {
  const url = new URL(smtpUrl);
  return {
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    ignoreTLS: url.searchParams.get('tls') === 'off',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
  };
}

export function createEmailNotifier(options: EmailOptions): EmailNotifier {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 5,
    ...smtpConnection(options.smtpUrl),
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
          messageId: deliveryMessageId(deliveryId, options.from),
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
  // No reply code: the connection failed, perhaps after the server took the message.
  return new DeliveryError('transient', e.code ? `smtp_${e.code.toLowerCase()}` : 'network', `SMTP send failed: ${e.message ?? String(err)}`, null, { cause: err, mayHaveArrived: true });
}

/** What `release-radar doctor` asks the SMTP server: connect, EHLO, STARTTLS if offered, log in. Sends nothing. */
export async function checkSmtp(smtpUrl: string): Promise<{ ok: boolean; error: string | null }> {
  const transport = nodemailer.createTransport({
    ...smtpConnection(smtpUrl),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    // A server that greets and then says nothing more (nodemailer's default wait is 10 minutes).
    socketTimeout: 15_000,
  });
  try {
    await withDeadline(transport.verify(), 30_000, 'SMTP check');
    return { ok: true, error: null };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    transport.close();
  }
}
