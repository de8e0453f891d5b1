// Fakes only at the edges: a feed HTTP server, a Slack Web API stub (slack-stub.ts, behind
// slackApiUrl, driven by the real @slack/web-api client) and a real SMTP server (smtp-server) that
// parses what it gets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

import { closeServer, listen } from './http.js';

export { startSlackStub, type SlackBehaviour, type SlackCall, type SlackStub, type SlackWorkspace } from './slack-stub.js';

export interface DocumentServer {
  url: string;
  /** Replace what a path serves; ETag follows the content. */
  serve(path: string, body: string, contentType?: string): void;
  /** Stop serving a path: it answers 404 (a moved or removed document). */
  unserve(path: string): void;
  /** Answer this path only to requests with these Basic credentials ("user:password"), else 401. */
  requireAuth(path: string, credentials: string): void;
  /** Answer this path this much later (a slow source). */
  delay(path: string, ms: number): void;
  requests: { path: string; ifNoneMatch: string | undefined; authorization: string | undefined }[];
  close(): Promise<void>;
}

export async function startDocumentServer(): Promise<DocumentServer> {
  const docs = new Map<string, { body: string; type: string; etag: string }>();
  const auth = new Map<string, string>();
  const delays = new Map<string, number>();
  const requests: DocumentServer['requests'] = [];
  let version = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Recorded on arrival (a delayed answer is still a request in flight).
    requests.push({ path, ifNoneMatch: req.headers['if-none-match'], authorization: req.headers.authorization });
    const wait = delays.get(path) ?? 0;
    if (wait > 0) {
      setTimeout(() => answer(req, res, path), wait);
      return;
    }
    answer(req, res, path);
  });
  const answer = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const needed = auth.get(path);
    if (needed && req.headers.authorization !== `Basic ${Buffer.from(needed).toString('base64')}`) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="feeds"' }).end('unauthorized');
      return;
    }
    const doc = docs.get(path);
    if (!doc) {
      res.writeHead(404).end('not found');
      return;
    }
    if (req.headers['if-none-match'] === doc.etag) {
      res.writeHead(304, { etag: doc.etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': doc.type, etag: doc.etag }).end(doc.body);
  };
  const url = await listen(server);
  return {
    url,
    delay(path, ms) {
      delays.set(path, ms);
    },
    serve(path, body, contentType = 'application/atom+xml; charset=utf-8') {
      docs.set(path, { body, type: contentType, etag: `"v${++version}"` });
    },
    unserve(path) {
      docs.delete(path);
    },
    requireAuth(path, credentials) {
      auth.set(path, credentials);
    },
    requests,
    close: () => closeServer(server),
  };
}

export interface MailSink {
  port: number;
  smtpUrl: string;
  messages: ParsedMail[];
  /** When each message (same order as `messages`) was accepted. */
  acceptedAt: number[];
  close(): Promise<void>;
}

export async function startMailSink(options: { port?: number; auth?: { user: string; pass: string } } = {}): Promise<MailSink> {
  const messages: ParsedMail[] = [];
  const acceptedAt: number[] = [];
  const required = options.auth;
  const server = new SMTPServer({
    // With `auth`, a login is required (PLAIN/LOGIN over plain TCP: a local test server only).
    authOptional: !required,
    allowInsecureAuth: true,
    disabledCommands: required ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    onAuth(auth, _session, callback) {
      if (required && auth.username === required.user && auth.password === required.pass) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          acceptedAt.push(Date.now());
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  // A client that dies mid-conversation (a killed worker) resets its connection: not our failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    smtpUrl: `smtp://${required ? `${encodeURIComponent(required.user)}:${encodeURIComponent(required.pass)}@` : ''}127.0.0.1:${port}?tls=off`,
    messages,
    acceptedAt,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
