// Builds with electron-vite when any source is newer than the build output. Shared by
// `npm start` and the `mlsys-lab` command, so a fresh clone works without a separate build step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((e) => newest(join(path, e))));
}

export function ensureBuilt(root) {
  const outputs = ['out/main/web.js', 'out/main/index.js', 'out/main/cli.js', 'out/main/kernel.js', 'out/main/kernel-watchdog.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p));
  const builtAt = outputs.every(existsSync) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
  const sourcesAt = Math.max(...['main', 'renderer', 'kernels', 'electron.vite.config.ts', 'package.json'].map((p) => newest(join(root, p))));
  if (sourcesAt <= builtAt) return;
  console.error('[mlsys-lab] building…');
  const b = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) {
    console.error('[mlsys-lab] the build failed; see the errors above.');
    process.exit(1);
  }
}
