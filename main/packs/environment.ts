import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../paths';
import type { ReproducibilityRecord } from './submission';

/** The packages whose versions change what a cell computes; optional ones are left out when absent. */
const PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'better-sqlite3'];

function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(projectRoot(), 'node_modules', ...name.split('/'), 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** What main knows by itself about this machine and install; the kernel adds backend, device, seeds. */
export function baseEnvironment(appVersion: string): ReproducibilityRecord {
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) {
    const v = packageVersion(name);
    if (v) packages[name] = v;
  }
  return {
    app: appVersion,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpu: cpus()[0]?.model ?? 'unknown',
    packages,
    backend: null,
    device: null,
    kernel: null,
    seeds: {},
    energyMethod: null,
  };
}
