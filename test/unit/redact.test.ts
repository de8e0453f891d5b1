// One redaction helper for every place release-radar shows or sends text about itself.
import { describe, expect, it } from 'vitest';
import { redactDeep, redactText, redactUrl, registerSecrets, secretsOfUrl } from '../../src/redact.js';

describe('redaction', () => {
  it('removes the userinfo of any URL and credential-like query values', () => {
    expect(redactUrl('https://user:s3cret@feeds.example/x.xml')).toBe('https://***@feeds.example/x.xml');
    expect(redactUrl('https://TOKEN123@github.example/repo')).toBe('https://***@github.example/repo');
    expect(redactUrl('redis://:p4ss@10.0.0.5:6379/0')).toBe('redis://***@10.0.0.5:6379/0');
    expect(redactUrl('smtp://ops:pw@mail.example:587?tls=off')).toBe('smtp://***@mail.example:587?tls=off');
    expect(redactUrl('https://x.example/f.xml?token=abc&page=2&key=k9')).toBe('https://x.example/f.xml?token=***&page=2&key=***');
    for (const name of ['auth_token', 'private_token', 'api-key', 'access-token', 'X-Amz-Security-Token', 'X-Goog-Signature', 'client_secret', 'password', 'sig']) {
      expect(redactUrl(`https://x.example/f?${name}=S3CR3T-VALUE`), name).not.toContain('S3CR3T-VALUE');
    }
    expect(redactUrl('https://docs.cloud.google.com/feeds/x.xml')).toBe('https://docs.cloud.google.com/feeds/x.xml'); // untouched
    expect(redactUrl('not a url')).toBe('not a url');
  });

  it('finds URLs, Slack tokens and authorization values inside free text', () => {
    const text = 'cannot fetch https://u:pw@h.example/f.xml: ECONNREFUSED. Redis at redis://:secret@r:6379 (Bearer abcdefgh12345678, token xoxb-1234-5678-abcdef).';
    expect(redactText(text)).toBe('cannot fetch https://***@h.example/f.xml: ECONNREFUSED. Redis at redis://***@r:6379 (Bearer ***, token xoxb-***).');
    for (const [input, secret] of [
      ["got 'https://user:it's-APOSTROPHE-PW@h.example/x'", "it's-APOSTROPHE-PW"],
      ['authorization: bearer lowercase-token-123', 'lowercase-token-123'],
      ['Authorization: token ghp_abcdefghijkl', 'ghp_abcdefghijkl'],
      ['x-api-key=AKIA-SECRET-KEY-1', 'AKIA-SECRET-KEY-1'],
      ['cookie xoxc-1234567890-abcdef and xoxd-0987654321', 'xoxc-1234567890'],
    ] as const) {
      expect(redactText(input), input).not.toContain(secret);
    }
  });

  it('removes the secrets it was told about wherever they appear, encoded or not', () => {
    registerSecrets(secretsOfUrl('smtp://ops:P@ss w0rd!@mail.example'));
    registerSecrets(['xoxb-KNOWN-TOKEN-value']);
    expect(redactText('535 5.7.8 Authentication failed for P@ss w0rd! (P%40ss%20w0rd!)')).toBe('535 5.7.8 Authentication failed for *** (***)');
    expect(redactText('the token xoxb-KNOWN-TOKEN-value leaked')).not.toContain('KNOWN-TOKEN');
  });

  it('a URL that does not parse loses everything up to its last "@" (passwords with "/", "<" or a port that is not one)', () => {
    expect(redactUrl('https://alice:Zm9v/YmFyQmF6c2VjcmV0@feeds.example.com/private.xml')).toBe('https://***@feeds.example.com/private.xml');
    expect(redactUrl('https://carol:pa<ss>word99@feeds.example.com:99999/')).toBe('https://***@feeds.example.com:99999/');
    expect(redactUrl('not a url at all')).toBe('not a url at all');
  });

  it('redacting twice gives what redacting once gave', () => {
    for (const t of ['https://u:p@h.example/x?api_key=SECRET&a=1 and more', 'see https://h.example/x?token=abc.', 'Bearer abcdefgh12345678']) {
      const once = redactText(t);
      expect(redactText(once)).toBe(once);
    }
  });

  it('redacts every string of a nested value and leaves the rest alone', () => {
    expect(redactDeep({ a: ['https://u:p@h/x'], n: 3, nested: { b: 'xoxp-999999999' } })).toEqual({ a: ['https://***@h/x'], n: 3, nested: { b: 'xoxp-***' } });
  });
});
