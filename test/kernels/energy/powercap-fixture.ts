/** Writes a powercap layout from test/fixtures/energy/*.json into a temporary directory. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../../main/paths';

const fixtures = join(projectRoot(), 'test/fixtures/energy');

export const NVIDIA_SMI_STUB = join(fixtures, 'nvidia-smi');

export function writePowercap(layout: 'powercap-server' | 'powercap-laptop'): { root: string; dispose(): void } {
  const { files } = JSON.parse(readFileSync(join(fixtures, `${layout}.json`), 'utf8')) as { files: Record<string, string | { dir: true }> };
  const root = mkdtempSync(join(tmpdir(), 'mlsys-powercap-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (typeof content === 'string') {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    } else mkdirSync(full, { recursive: true });
  }
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export function setCounter(root: string, zone: string, microjoules: number): void {
  writeFileSync(join(root, zone, 'energy_uj'), `${microjoules}\n`);
}

/** Puts a directory where energy_uj was: reading it fails (EISDIR) even for root, unlike chmod 000. */
export function makeUnreadable(root: string, zone: string): void {
  const file = join(root, zone, 'energy_uj');
  rmSync(file);
  mkdirSync(file);
}
