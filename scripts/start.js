#!/usr/bin/env node
// `npm start`: builds if the sources changed, then opens the Electron app when its binary is
// installed, else browser mode. `--browser` forces browser mode; other flags (--port, --host,
// --no-open, --workspace) go to browser mode as they are.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.js';
import { ensureBuilt } from './ensure-built.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const passThrough = args.filter((a) => a !== '--browser');

ensureBuilt(root);

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
