#!/usr/bin/env node
// Runs after `npm install` / `npm ci`. package.json's allowScripts denies Electron's own install
// script, because on an offline machine its binary download fails and would fail the whole
// install. We try that download here instead and carry on without it: `npm start` then runs
// browser mode. Where the download works, we also fetch better-sqlite3 built for Electron's ABI
// (kept apart, so plain Node - tests, browser mode - keeps its own build).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (m) => console.log(`[mlsys-lab] ${m}`);

if (process.env.MLSYS_LAB_SKIP_ELECTRON === '1') {
  say('MLSYS_LAB_SKIP_ELECTRON=1: not downloading Electron; npm start will run browser mode.');
} else if (electronBinary(root)) {
  say('Electron binary already installed.');
} else {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], { cwd: join(root, 'node_modules', 'electron'), stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000, encoding: 'utf8' });
  if (electronBinary(root)) {
    say('Downloaded the Electron binary: npm start opens the desktop app.');
  } else {
    const why = (r.stderr ?? '').split('\n').find((l) => /Error|ENOTFOUND|ECONN|EAI_AGAIN|timed out/i.test(l))?.trim() ?? `exit code ${r.status}`;
    say(`Electron's binary could not be downloaded (${why}). That is fine offline: npm start runs browser mode.`);
  }
}

if (electronBinary(root)) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'rebuild-electron.js')], { stdio: 'inherit' });
  if (r.status !== 0) say('Could not prepare better-sqlite3 for Electron; npm start will fall back to browser mode. See the README, "Native modules".');
}
