import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Chromium-family browsers that support `--app=URL`, by executable name. */
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'brave-browser'];
const FIXED_PATHS: Record<string, string[]> = {
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  ],
  win32: [
    `${process.env['PROGRAMFILES'] ?? 'C:\\Program Files'}\\Google\\Chrome\\Application\\chrome.exe`,
    `${process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)'}\\Microsoft\\Edge\\Application\\msedge.exe`,
  ],
};

/** The Chromium or Chrome to open the UI in: MLSYS_LAB_BROWSER, then PATH, then the usual places. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MLSYS_LAB_BROWSER) return existsSync(env.MLSYS_LAB_BROWSER) ? env.MLSYS_LAB_BROWSER : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of CANDIDATES) {
      const path = join(dir, process.platform === 'win32' ? `${name}.exe` : name);
      if (existsSync(path)) return path;
    }
  }
  return (FIXED_PATHS[process.platform] ?? []).find((p) => existsSync(p));
}
