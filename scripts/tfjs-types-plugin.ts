/**
 * Vite plugin: bundles the type declarations cells need (TensorFlow.js, Node's, the lab API) as one
 * virtual module, so Monaco's TypeScript worker can offer completions, hover docs and type errors
 * for `tf`, `node:fs` and `lab` with nothing fetched at run time. License headers are removed to keep the chunk small (the packages' own
 * licences ship with the app's node_modules notices).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

const PACKAGES = ['tfjs', 'tfjs-core', 'tfjs-layers', 'tfjs-converter', 'tfjs-data'];
const ID = 'virtual:tfjs-types';

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** { "node_modules/@tensorflow/<pkg>/...d.ts": text, ".../package.json": {types} } */
export function collectTfjsTypes(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const pkg of PACKAGES) {
    const dir = join(root, 'node_modules', '@tensorflow', pkg);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    files[`node_modules/@tensorflow/${pkg}/package.json`] = JSON.stringify({ name: manifest.name, version: manifest.version, types: manifest.types ?? manifest.typings });
    for (const file of walk(join(dir, 'dist'), [])) {
      const text = readFileSync(file, 'utf8').replace(/\/\*\*\s*\n\s*\*\s*@license[\s\S]*?\*\/\s*/g, '');
      files[`node_modules/@tensorflow/${pkg}/${relative(dir, file).split(sep).join('/')}`] = text;
    }
  }
  return files;
}

/**
 * Node's own declarations (@types/node), since cells run in a Node process and the labs read their
 * data with node:fs, node:zlib and node:crypto. The ts5.6 folder is for TypeScript 5.6 and older;
 * Monaco's TypeScript is newer, and both sets together would declare everything twice.
 */
export function collectNodeTypes(root: string): Record<string, string> {
  const dir = join(root, 'node_modules', '@types', 'node');
  const files: Record<string, string> = {};
  for (const file of walk(dir, [])) {
    const rel = relative(dir, file).split(sep).join('/');
    if (rel.startsWith('ts5.6/')) continue;
    files[`node_modules/@types/node/${rel}`] = readFileSync(file, 'utf8');
  }
  return files;
}

/** The files whose exported interfaces and types make up the `lab` API that cells see. */
const LAB_API_FILES = [
  ['kernels', 'lab', 'lab-api.ts'],
  ['kernels', 'lab', 'datasets.ts'],
  ['kernels', 'lab', 'queues.ts'],
];

/** The top-level `export interface` / `export type` blocks of a file, with their doc comments, unexported. */
function exportedTypeBlocks(text: string): string[] {
  const blocks: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^export (interface|type) /.test(lines[i])) continue;
    // include the doc comment above, and the block down to its closing line
    let start = i;
    while (start > 0 && /^\s*(\/\*\*|\*)/.test(lines[start - 1])) start--;
    let end = i;
    if (lines[i].trimEnd().endsWith('{')) while (end < lines.length && lines[end] !== '}') end++;
    else while (end < lines.length && !lines[end].trimEnd().endsWith(';')) end++;
    blocks.push(lines.slice(start, end + 1).join('\n').replace(/^export /m, ''));
    i = end;
  }
  return blocks;
}

/**
 * The `lab` API's declarations for cells: the exported interfaces and types of kernels/lab/lab-api.ts
 * and of the groups it spreads in (lab.datasets, lab.labels, lab.queues), copied as they are, and
 * `lab` declared as a global. A `tfNamespace.` type (datasets' tensors) points at TensorFlow.js.
 */
export function labApiTypes(root: string): string {
  const blocks: string[] = [];
  for (const parts of LAB_API_FILES) {
    let text: string;
    try {
      text = readFileSync(join(root, ...parts), 'utf8');
    } catch {
      continue;
    }
    blocks.push(...exportedTypeBlocks(text.replace(/\btfNamespace\./g, "import('@tensorflow/tfjs').")));
  }
  if (!blocks.some((b) => /interface LabApi\b/.test(b))) return '';
  return `${blocks.join('\n\n')}\n\n/** The lab API: display, plots, progress bars, live training curves, checks, data from the workspace. */\ndeclare const lab: LabApi;\n`;
}

export function tfjsTypes(root: string): Plugin {
  return {
    name: 'mlsys-lab-tfjs-types',
    resolveId: (id) => (id === ID ? '\0' + ID : undefined),
    load(id) {
      if (id !== '\0' + ID) return undefined;
      return `export default ${JSON.stringify({ ...collectTfjsTypes(root), ...collectNodeTypes(root), 'mlsys-lab/lab-api.d.ts': labApiTypes(root) })};`;
    },
  };
}
