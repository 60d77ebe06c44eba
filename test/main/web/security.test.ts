import { describe, expect, it } from 'vitest';
import { checkHost, checkOrigin, newToken } from '../../../main/web/security';

describe('browser-mode request checks', () => {
  it('makes tokens of at least 192 random bits that differ per launch', () => {
    const a = newToken();
    const b = newToken();
    expect(Buffer.from(a, 'base64url').length * 8).toBeGreaterThanOrEqual(192);
    expect(a).not.toBe(b);
  });

  it('accepts loopback Host names on our port only', () => {
    expect(checkHost('127.0.0.1:4000', 4000)).toBeUndefined();
    expect(checkHost('localhost:4000', 4000)).toBeUndefined();
    expect(checkHost('[::1]:4000', 4000)).toBeUndefined();
    expect(checkHost('127.0.0.1:4001', 4000)).toMatch(/another port/);
    expect(checkHost('evil.example:4000', 4000)).toMatch(/not a loopback/);
    expect(checkHost('127.0.0.1.nip.io:4000', 4000)).toMatch(/not a loopback/);
    expect(checkHost(undefined, 4000)).toMatch(/missing/);
  });

  it('compares whole origins, so lookalike origins fail', () => {
    expect(checkOrigin(undefined, 4000)).toBeUndefined();
    expect(checkOrigin('http://127.0.0.1:4000', 4000)).toBeUndefined();
    expect(checkOrigin('http://localhost:4000', 4000)).toBeUndefined();
    for (const bad of [
      'http://127.0.0.1:4000.evil.com',
      'http://127.0.0.1:40000',
      'https://127.0.0.1:4000',
      'http://127.0.0.1',
      'http://evil.com',
      'http://127.0.0.1:4000@evil.com',
      'null',
      'http://127.0.0.1:4000/path',
    ]) {
      expect(checkOrigin(bad, 4000), bad).toBeDefined();
    }
  });
});
