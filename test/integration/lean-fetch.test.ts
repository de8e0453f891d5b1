// The Slack notifier's fetch (src/notify/lean-fetch.ts) under the real Slack SDK, against the Slack
// stub and against servers that misbehave: every outcome the deliver stage classifies must reach it
// as it did through the platform fetch (a platform error, a rate limit with Retry-After, an HTTP
// error, a network failure, a timeout), and the scopes header must still be read.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackNotifier, checkSlack } from '../../src/notify/slack.js';
import { DeliveryError } from '../../src/notify/notifier.js';
import { closeServer, listen } from '../helpers/http.js';
import { startSlackStub, type SlackStub } from '../helpers/servers.js';

describe('the Slack notifier over the lean fetch', () => {
  let stub: SlackStub | null = null;
  let server: Server | null = null;
  afterEach(async () => {
    await stub?.close();
    if (server) await closeServer(server);
    stub = null;
    server = null;
  });
  const message = { text: 'hello', blocks: [] };
  const failure = (p: Promise<unknown>): Promise<DeliveryError> => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as DeliveryError);

  it('posts (body, token and metadata arrive), and Slack answers come back classified', async () => {
    stub = await startSlackStub();
    const slack = createSlackNotifier({ token: 'xoxb-lean', apiUrl: stub.apiUrl });
    const ts = await slack.send('#lean', message, 'delivery-1', { threadTs: '123.456' });
    expect(ts).toMatch(/^\d+\.\d+$/);
    const call = stub.posted()[0];
    expect(call?.body).toMatchObject({ channel: '#lean', text: 'hello', thread_ts: '123.456' });
    expect(JSON.stringify(call?.body.metadata)).toContain('delivery-1');
    stub.script.push('channel_not_found');
    expect(await failure(slack.send('#lean', message, 'delivery-2'))).toMatchObject({ failure: 'permanent', code: 'channel_not_found' });
    stub.script.push('ratelimit');
    const limited = await failure(slack.send('#lean', message, 'delivery-3'));
    expect(limited.failure).toBe('rate-limited');
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    stub.script.push('server-error');
    expect(await failure(slack.send('#lean', message, 'delivery-4'))).toMatchObject({ failure: 'transient', mayHaveArrived: true });
    // auth.test's scopes come from a response header.
    const check = await checkSlack({ token: 'xoxb-lean', apiUrl: stub.apiUrl }, []);
    expect(check.ok).toBe(true);
    expect(check.scopes).toContain('chat:write');
  });

  it('a refused connection is a network failure; an answer that never comes times out as one', async () => {
    const refused = createSlackNotifier({ token: 'xoxb-lean', apiUrl: 'http://127.0.0.1:9/api/' });
    expect(await failure(refused.send('#lean', message, 'd-1'))).toMatchObject({ failure: 'transient', code: 'network' });
    server = createServer(() => undefined); // accepts, never answers
    const url = await listen(server);
    const silent = createSlackNotifier({ token: 'xoxb-lean', apiUrl: `${url}/api/`, timeoutMs: 300 });
    const started = Date.now();
    expect(await failure(silent.send('#lean', message, 'd-2'))).toMatchObject({ failure: 'transient', code: 'network', mayHaveArrived: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a redirect is not followed (the token would go to another host)', async () => {
    let seen = 0;
    server = createServer((_req, res) => {
      seen++;
      res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end();
    });
    const url = await listen(server);
    const slack = createSlackNotifier({ token: 'xoxb-lean', apiUrl: `${url}/api/` });
    expect(await failure(slack.send('#lean', message, 'd-3'))).toMatchObject({ failure: 'transient', code: 'http_302' });
    expect(seen).toBe(1);
  });
});
