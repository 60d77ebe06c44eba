/**
 * The layer rules of DESIGN.md, held by a test so they cannot erode: the renderer reaches main
 * only through types, the kernel knows nothing of main or Electron, and only main/electron/ may
 * import electron at run time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../main/paths';

const root = projectRoot();

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir))) {
    const path = join(dir, entry);
    if (statSync(join(root, path)).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|tsx|mts)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

interface ImportRef {
  file: string;
  spec: string;
  typeOnly: boolean;
}

/** Static and dynamic imports and re-exports, with whether they are type-only. */
function imports(file: string): ImportRef[] {
  const text = readFileSync(join(root, file), 'utf8');
  const refs: ImportRef[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm)) {
    refs.push({ file, spec: m[3], typeOnly: Boolean(m[2]) });
  }
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) refs.push({ file, spec: m[1], typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) refs.push({ file, spec: m[1], typeOnly: false });
  return refs;
}

function resolvesInto(ref: ImportRef, folder: string): boolean {
  if (!ref.spec.startsWith('.')) return false;
  const target = relative(root, join(root, ref.file, '..', ref.spec));
  return target === folder || target.startsWith(`${folder}/`);
}

describe('layer rules', () => {
  it('the renderer imports main and kernels as types only', () => {
    const bad = sources('renderer')
      .flatMap(imports)
      .filter((r) => !r.typeOnly && (resolvesInto(r, 'main') || resolvesInto(r, 'kernels')));
    expect(bad).toEqual([]);
  });

  it('the kernel imports nothing of main or electron', () => {
    const bad = sources('kernels')
      .flatMap(imports)
      .filter((r) => resolvesInto(r, 'main') || r.spec === 'electron');
    expect(bad).toEqual([]);
  });

  it('only the Electron shell imports electron at run time', () => {
    const bad = [...sources('main'), ...sources('kernels')]
      .filter((f) => !f.startsWith('main/electron/'))
      .flatMap(imports)
      .filter((r) => r.spec === 'electron' && !r.typeOnly);
    expect(bad).toEqual([]);
  });

  it('the API contract is types only', () => {
    const runtime = ['main/api.ts', ...sources('main/api')].flatMap((f) => {
      const text = readFileSync(join(root, f), 'utf8');
      return /^\s*export\s+(const|function|class|let|var|enum)\b/m.test(text) ? [f] : [];
    });
    expect(runtime).toEqual([]);
  });
});
