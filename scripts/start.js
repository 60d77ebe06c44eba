#!/usr/bin/env node
// `npm start`: builds if the sources changed, then opens the Electron app when its binary is
// installed, else browser mode. `--browser` forces browser mode; other flags (--port, --host,
// --no-open, --workspace) go to browser mode as they are.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const passThrough = args.filter((a) => a !== '--browser');

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((e) => newest(join(path, e))));
}

const outputs = ['out/main/web.js', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p));
const builtAt = outputs.every(existsSync) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
const sourcesAt = Math.max(...['main', 'renderer', 'kernels', 'electron.vite.config.ts', 'package.json'].map((p) => newest(join(root, p))));
if (sourcesAt > builtAt) {
  console.log('[mlsys-lab] building…');
  const b = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) {
    console.error('[mlsys-lab] the build failed; see the errors above.');
    process.exit(1);
  }
}

const electron = forceBrowser ? undefined : electronBinary(root);
const electronNative = join(root, 'build', 'electron-native', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
let child;
if (electron && existsSync(electronNative)) {
  child = spawn(electron, [root], { cwd: root, stdio: 'inherit' });
} else {
  if (electron) console.log('[mlsys-lab] Electron is installed but better-sqlite3 is not built for it yet (npm run rebuild:electron); using browser mode.');
  child = spawn(process.execPath, [join(root, 'out', 'main', 'web.js'), ...passThrough], { cwd: root, stdio: 'inherit' });
}
// Ctrl+C reaches the child through the terminal's process group; we just wait for it.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
