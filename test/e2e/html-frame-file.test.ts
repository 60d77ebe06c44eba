/**
 * Electron loads the renderer from file: URLs, so a trusted notebook's HTML output frame is
 * file:///…/output-frame.html inside file:///…/index.html, under index.html's own
 * Content-Security-Policy (the header browser mode sends does not exist there). Electron cannot be
 * downloaded on the machines this suite runs on; Chromium can load the same built files the same
 * way. The view's frame code (renderer/src/outputs/html-frame.ts) is bundled as a classic script,
 * since Chromium, unlike Electron, refuses module scripts from file: URLs.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererDir } from '../../main/paths';
import { launchChromium, type LaunchedBrowser } from '../helpers/chromium';
import { FRAME_PROBE, FRAME_PROBE_CONTAINED } from './notebook-helpers';

const WIDGET = `${FRAME_PROBE}\n<div style="height:180px">tall</div>`;

let chrome: LaunchedBrowser;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-lab-file-frame-'));
  // the built frame page and the built index.html's policy, as Electron would load them
  copyFileSync(join(rendererDir(), 'output-frame.html'), join(dir, 'output-frame.html'));
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(readFileSync(join(rendererDir(), 'index.html'), 'utf8'))?.[1];
  if (!csp) throw new Error('out/renderer/index.html has no Content-Security-Policy meta tag');
  await build({
    stdin: { contents: "import { mountHtmlFrame } from './renderer/src/outputs/html-frame'; (window as any).mountHtmlFrame = mountHtmlFrame;", resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'iife',
    outfile: join(dir, 'frame.js'),
    logLevel: 'error',
  });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${csp}"><title>app secret</title><script src="frame.js"></script></head><body><div id="host"></div></body></html>`);
  chrome = await launchChromium();
});
afterAll(async () => {
  await chrome?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTML output frame under file: URLs (as in Electron)', () => {
  it("runs the output's script in the frame, keeps it from the app's page, and sizes the frame", async () => {
    const page = await chrome.browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => m.type() === 'error' && violations.push(m.text()));
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await page.evaluate((html) => (window as unknown as { mountHtmlFrame(host: HTMLElement, html: string): unknown }).mountHtmlFrame(document.getElementById('host')!, html), WIDGET);
    const frame = page.frameLocator('iframe.html-frame');
    await frame.locator('#w', { hasText: 'ran 42' }).waitFor({ timeout: 10_000 });
    expect(await frame.locator('#w').textContent()).toBe(FRAME_PROBE_CONTAINED);
    await expect.poll(() => frame.locator('#w').getAttribute('data-fetch')).toBe('refused');
    // the frame told the view its height (its messages come from an opaque origin, "null")
    await expect.poll(async () => (await page.locator('iframe.html-frame').boundingBox())?.height ?? 0).toBeGreaterThan(180);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // the app's policy let the frame load: no frame-src violation, only the frame's own refused fetch
    expect(violations.filter((v) => !/Refused to connect|connect-src/.test(v))).toEqual([]);
    await page.close();
  }, 60_000);
});
