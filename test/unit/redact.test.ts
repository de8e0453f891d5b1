// One redaction helper for every place release-radar shows or sends text about itself.
import { describe, expect, it } from 'vitest';
import { redactDeep, redactText, redactUrl } from '../../src/redact.js';

describe('redaction', () => {
  it('removes the userinfo of any URL and credential-like query values', () => {
    expect(redactUrl('https://user:s3cret@feeds.example/x.xml')).toBe('https://[redacted]@feeds.example/x.xml');
    expect(redactUrl('https://TOKEN123@github.example/repo')).toBe('https://[redacted]@github.example/repo');
    expect(redactUrl('redis://:p4ss@10.0.0.5:6379/0')).toBe('redis://[redacted]@10.0.0.5:6379/0');
    expect(redactUrl('smtp://ops:pw@mail.example:587?tls=off')).toBe('smtp://[redacted]@mail.example:587?tls=off');
    expect(redactUrl('https://x.example/f.xml?token=abc&page=2&key=k9')).toBe('https://x.example/f.xml?token=[redacted]&page=2&key=[redacted]');
    expect(redactUrl('https://docs.cloud.google.com/feeds/x.xml')).toBe('https://docs.cloud.google.com/feeds/x.xml'); // untouched
    expect(redactUrl('not a url')).toBe('not a url');
  });

  it('finds URLs, Slack tokens and authorization values inside free text', () => {
    const text = 'cannot fetch https://u:pw@h.example/f.xml: ECONNREFUSED. Redis at redis://:secret@r:6379 (Bearer abcdefgh12345678, token xoxb-1234-5678-abcdef).';
    const out = redactText(text);
    for (const s of ['u:pw', 'secret', 'abcdefgh12345678', '1234-5678-abcdef']) expect(out).not.toContain(s);
    expect(out).toBe('cannot fetch https://[redacted]@h.example/f.xml: ECONNREFUSED. Redis at redis://[redacted]@r:6379 (Bearer [redacted], token xoxb-[redacted]).');
  });

  it('redacts every string of a nested value and leaves the rest alone', () => {
    expect(redactDeep({ a: ['https://u:p@h/x'], n: 3, nested: { b: 'xoxp-999999999' } })).toEqual({ a: ['https://[redacted]@h/x'], n: 3, nested: { b: 'xoxp-[redacted]' } });
  });
});
