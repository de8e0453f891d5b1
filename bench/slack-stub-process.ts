// The Slack stub in a process of its own, for benches: Slack is another machine, so the stub's
// own work must not be counted against the service's CPU. Talks over the IPC channel:
// it sends { apiUrl } when listening; answers "report" with { posted, first, last, parents }
// (alerts posted, the arrival times of the first and last of them, and how many lifecycle parents
// were posted besides) and "reset" by forgetting them; exits on "close".
import { isParent, startSlackStub } from '../test/helpers/slack-stub.js';

const stub = await startSlackStub();
stub.pageSize = 1000;
let offset = 0;
process.on('message', (msg: unknown) => {
  const all = stub.posted().slice(offset);
  const posted = all.filter((c) => !isParent(c));
  if (msg === 'report') {
    const times = all.map((c) => c.receivedAt);
    process.send?.({ posted: posted.length, first: Math.min(...times), last: Math.max(...times), parents: all.length - posted.length });
  } else if (msg === 'reset') {
    offset = stub.posted().length;
    process.send?.({ ok: true });
  } else if (msg === 'close') {
    void stub.close().then(() => process.exit(0));
  }
});
process.send?.({ apiUrl: stub.apiUrl });
