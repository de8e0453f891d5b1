// Bull Board at /admin/queues, behind ADMIN_TOKEN (Bearer, or HTTP Basic with the token as
// password so a browser can open it). Without ADMIN_TOKEN the admin pages are off.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Queue } from 'bullmq';
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

export async function createAdminHandler(queues: Queues, token: string | undefined): Promise<AdminHandler> {
  if (!token) {
    return (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('admin pages are off: set ADMIN_TOKEN to enable /admin/queues\n');
    };
  }
  // Loaded only when the admin pages are on: Bull Board and Express cost ~16 MB of memory.
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }, { default: express }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
    import('express'),
  ]);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_BASE);
  createBullBoard({ queues: (Object.values(queues) as Queue[]).map((q) => new BullMQAdapter(q)), serverAdapter });
  const app = express();
  app.disable('x-powered-by');
  app.use(ADMIN_BASE, serverAdapter.getRouter() as ReturnType<typeof express.Router>);
  return (req, res) => {
    if (!tokenMatches(req, token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="release-radar admin"' }).end('admin token required\n');
      return;
    }
    app(req as Parameters<typeof app>[0], res as Parameters<typeof app>[1]);
  };
}
