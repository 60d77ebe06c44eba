#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into build/electron-native/, leaving node_modules'
// build (for plain Node: tests, browser mode, the CLI) untouched. The Electron shell passes the
// result to better-sqlite3 as its `nativeBinding`. Tries the published prebuilt binary first,
// then a source build against Electron's headers.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronVersion } from './electron-binary.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const target = electronVersion(root);
const src = join(root, 'node_modules', 'better-sqlite3');
const dest = join(root, 'build', 'electron-native', 'better-sqlite3');
const binary = join(dest, 'build', 'Release', 'better_sqlite3.node');

rmSync(dest, { recursive: true, force: true });
mkdirSync(dirname(dest), { recursive: true });
cpSync(src, dest, { recursive: true, filter: (p) => !p.includes(`${join(src, 'build')}`) });

const run = (cmd, args) => spawnSync(process.execPath, [cmd, ...args], { cwd: dest, stdio: 'inherit' }).status === 0;
const prebuild = join(dirname(require.resolve('prebuild-install/package.json')), 'bin.js');
// npm ships node-gyp and tells scripts where it is
function nodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  const guess = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return existsSync(guess) ? guess : undefined;
}

const ok =
  run(prebuild, ['--runtime=electron', `--target=${target}`, `--arch=${process.arch}`]) ||
  (nodeGyp() !== undefined && run(nodeGyp(), ['rebuild', '--release', `--target=${target}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers']));
if (!ok || !existsSync(binary)) {
  console.error(`[mlsys-lab] could not build better-sqlite3 for Electron ${target}`);
  process.exit(1);
}
console.log(`[mlsys-lab] better-sqlite3 for Electron ${target}: ${binary}`);
