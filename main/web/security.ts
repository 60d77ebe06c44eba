/**
 * The checks that keep browser mode private to the person who started it, as Jupyter does: a
 * per-launch secret token on every request, a Host check against DNS rebinding, and an Origin
 * check that compares whole origins.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export const TOKEN_COOKIE = 'mlsys_lab_token';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackAddress(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Accepts only loopback names in the Host header (with our port). A DNS-rebinding page reaches
 * us under its own name (`evil.example:PORT`), which this refuses.
 */
export function checkHost(hostHeader: string | undefined, port: number, extraHosts: readonly string[] = []): string | undefined {
  if (!hostHeader) return 'missing Host header';
  let url: URL;
  try {
    url = new URL(`http://${hostHeader}`);
  } catch {
    return `malformed Host header ${JSON.stringify(hostHeader)}`;
  }
  if (url.username || url.password || url.pathname !== '/') return `malformed Host header ${JSON.stringify(hostHeader)}`;
  const name = url.hostname.toLowerCase();
  if (!LOOPBACK_NAMES.has(name) && !extraHosts.includes(name)) return `Host ${JSON.stringify(hostHeader)} is not a loopback name`;
  const p = url.port === '' ? 80 : Number(url.port);
  if (p !== port) return `Host ${JSON.stringify(hostHeader)} names another port`;
  return undefined;
}

/**
 * Compares the whole origin (scheme, host and port) with the origins we serve. A prefix or
 * substring test would let `http://127.0.0.1:PORT.evil.com` through; parsing and comparing
 * `URL.origin` does not.
 */
export function checkOrigin(originHeader: string | undefined, port: number, extraHosts: readonly string[] = []): string | undefined {
  if (originHeader === undefined) return undefined; // not a cross-site browser request
  let origin: string;
  try {
    origin = new URL(originHeader).origin;
  } catch {
    return `malformed Origin ${JSON.stringify(originHeader)}`;
  }
  if (origin !== originHeader.replace(/\/$/, '')) return `malformed Origin ${JSON.stringify(originHeader)}`;
  const allowed = new Set([...LOOPBACK_NAMES, ...extraHosts].filter((h) => h !== '::1').map((h) => `http://${h}:${port}`));
  return allowed.has(origin) ? undefined : `Origin ${JSON.stringify(originHeader)} is not this app`;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request carries: `?token=`, `Authorization: token ...`, or the cookie. */
export function requestToken(req: IncomingMessage): { token: string | undefined; fromQuery: boolean } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const q = url.searchParams.get('token');
  if (q) return { token: q, fromQuery: true };
  const auth = req.headers.authorization;
  if (auth?.startsWith('token ')) return { token: auth.slice(6).trim(), fromQuery: false };
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return { token: decodeURIComponent(v.join('=')), fromQuery: false };
  }
  return { token: undefined, fromQuery: false };
}

export function checkToken(req: IncomingMessage, secret: string): string | undefined {
  const { token } = requestToken(req);
  if (!token) return 'missing token';
  return sameSecret(token, secret) ? undefined : 'wrong token';
}
