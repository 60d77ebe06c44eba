/**
 * Where things are on disk, whether we run from the repository (tests, browser mode) or from the
 * built app. Everything resolves from the project root found by walking up to package.json, so
 * the same code works from main/ sources under vitest and from out/main/ after a build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'mlsys-lab') return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the mlsys-lab package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export function appVersion(): string {
  return JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version as string;
}

export function builtinLabsDir(): string {
  return join(projectRoot(), 'labs');
}

export function rendererDir(): string {
  return join(projectRoot(), 'out', 'renderer');
}

/** The user's workspace: MLSYS_LAB_HOME, else ~/.mlsys-lab. */
export function defaultWorkspaceDir(): string {
  return resolve(process.env.MLSYS_LAB_HOME ?? join(homedir(), '.mlsys-lab'));
}
