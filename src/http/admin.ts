// Bull Board at /admin/queues, behind ADMIN_TOKEN (Bearer, or HTTP Basic with the token as
// password so a browser can open it). Without ADMIN_TOKEN the admin pages are off.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express from 'express';
import type { Queues } from '../queue/queues.js';

export const ADMIN_BASE = '/admin/queues';

export function tokenMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  let given = '';
  if (header.startsWith('Bearer ')) given = header.slice(7);
  else if (header.startsWith('Basic ')) given = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type AdminHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createAdminHandler(queues: Queues, token: string | undefined): AdminHandler {
  if (!token) {
    return (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('admin pages are off: set ADMIN_TOKEN to enable /admin/queues\n');
    };
  }
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_BASE);
  createBullBoard({ queues: (Object.values(queues) as Queue[]).map((q) => new BullMQAdapter(q)), serverAdapter });
  const app = express();
  app.disable('x-powered-by');
  app.use(ADMIN_BASE, serverAdapter.getRouter() as express.Router);
  return (req, res) => {
    if (!tokenMatches(req, token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="release-radar admin"' }).end('admin token required\n');
      return;
    }
    app(req as express.Request, res as express.Response);
  };
}
