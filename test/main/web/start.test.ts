import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../main/paths';

describe('browser mode from the command line', () => {
  it('prints a loopback URL with a token on --no-open, serves it, and stops cleanly on Ctrl+C', async () => {
    const child = spawn(process.execPath, [join(projectRoot(), 'out/main/web.js'), '--no-open', '--workspace', mkdtempSync(join(tmpdir(), 'mlsys-start-'))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; got: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43,})/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(out).toMatch(/Stopping \(Ctrl\+C\)/);
  });

  it('refuses a bad --port with a message that names it', async () => {
    const child = spawn(process.execPath, [join(projectRoot(), 'out/main/web.js'), '--no-open', '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/--port must be a port number.*"eighty"/);
  });
});
