// The outbox: used when Slack or SMTP is not configured, so the first run needs no credentials.
// Files a person can read: Slack messages as JSON plus a text rendering, emails as .eml plus .html
// and .txt (envelope and plain-text part).
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { EmailMessage } from '../render/email.js';
import type { SlackBlock, SlackMessage } from '../render/slack.js';
import { deliveryMessageId, type EmailNotifier, type SlackNotifier, type SlackSendOptions } from './notifier.js';

function fileStem(deliveryId: string, now: Date): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${deliveryId.slice(0, 16)}`;
}

/** The outbox file an earlier attempt of this delivery wrote, if any (its name ends with the id). */
async function writtenBefore(folder: string, deliveryId: string, extension: string): Promise<string | null> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const name = names.find((n) => n.endsWith(`-${deliveryId.slice(0, 16)}${extension}`));
  return name ? path.join(folder, name) : null;
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'channel';
}

// Roughly what Slack shows: header, text and fields, buttons as "[label] url", context lines.
function blockText(block: SlackBlock): string {
  switch (block.type) {
    case 'header':
      return `# ${block.text.text}`;
    case 'section':
      return [block.text?.text, ...(block.fields ?? []).map((f) => f.text.replace(/\n/, ': '))].filter(Boolean).join('\n');
    case 'context':
      return block.elements.map((e) => ('text' in e && typeof e.text === 'string' ? e.text : '')).join(' ');
    case 'actions':
      return block.elements.map((e) => ('url' in e && 'text' in e ? `[${e.text.text}] ${e.url ?? ''}` : '')).join('  ');
    case 'divider':
      return '---';
  }
}

export function createSlackOutbox(dir: string, clock: () => Date = () => new Date()): SlackNotifier {
  return {
    mode: 'outbox',
    async send(channel: string, message: SlackMessage, deliveryId: string, options?: SlackSendOptions): Promise<string> {
      const folder = path.join(dir, 'slack', safeName(channel));
      await mkdir(folder, { recursive: true });
      const stem = path.join(folder, fileStem(deliveryId, clock()));
      const thread = options?.threadTs ? { threadTs: options.threadTs } : {};
      await writeFile(`${stem}.json`, `${JSON.stringify({ channel, deliveryId, ...thread, ...message }, null, 2)}\n`);
      const replyTo = options?.threadTs ? `in reply to ${path.basename(options.threadTs)}\n` : '';
      await writeFile(`${stem}.txt`, `to ${channel}\n${replyTo}\n${message.blocks.map(blockText).join('\n\n')}\n`);
      return `${stem}.json`;
    },
    /** An edit of a message sent earlier (its ref is the outbox path): written beside it, so the outbox shows both. */
    async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
      const folder = path.join(dir, 'slack', safeName(channel));
      await mkdir(folder, { recursive: true });
      const stem = path.join(folder, `${fileStem('edit', clock())}-of-${path.basename(ts, '.json')}`);
      await writeFile(`${stem}.json`, `${JSON.stringify({ channel, edits: path.basename(ts), ...message }, null, 2)}\n`);
      await writeFile(`${stem}.txt`, `to ${channel}\nedit of ${path.basename(ts)}\n\n${message.blocks.map(blockText).join('\n\n')}\n`);
    },
    async findDelivered(channel: string, deliveryId: string) {
      return { found: await writtenBefore(path.join(dir, 'slack', safeName(channel)), deliveryId, '.json') };
    },
    close: () => Promise.resolve(),
  };
}

export function createEmailOutbox(dir: string, from: string, clock: () => Date = () => new Date()): EmailNotifier {
  // nodemailer's stream transport builds the real RFC 5322 message without sending it.
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    mode: 'outbox',
    async send(to: string[], message: EmailMessage, deliveryId: string): Promise<string> {
      const folder = path.join(dir, 'email');
      await mkdir(folder, { recursive: true });
      const stem = path.join(folder, fileStem(deliveryId, clock()));
      const info = await builder.sendMail({ from, to, subject: message.subject, text: message.text, html: message.html, headers: { 'X-Release-Radar-Delivery': deliveryId }, messageId: deliveryMessageId(deliveryId, from) });
      await writeFile(`${stem}.eml`, info.message as Buffer);
      await writeFile(`${stem}.html`, message.html);
      // The plain-text part with its envelope, for a person reading the outbox in a terminal.
      await writeFile(`${stem}.txt`, `to ${to.join(', ')}\nsubject: ${message.subject}\n\n${message.text}\n`);
      return `${stem}.eml`;
    },
    close: () => Promise.resolve(),
  };
}
