#!/usr/bin/env node
// `npm run bench [-- SUITE...]`: runs test/bench/<suite>.bench.ts (all suites when none is
// named), each in a fresh Node process. Every figure is printed as one JSON object per line:
// {"metric": NAME, "value": NUMBER, "unit": UNIT, ...}. Suites are bundled with esbuild first,
// so they run the TypeScript sources without a separate build step.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'test', 'bench');
const available = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', '')).sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// `kernel` runs kernel.bench.ts and every kernel-*.bench.ts, so a topic can span several files
const matches = (w) => available.filter((a) => a === w || a.startsWith(`${w}-`));
const unknown = wanted.filter((w) => matches(w).length === 0);
if (unknown.length) {
  console.error(`Unknown benchmark suite(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  process.exit(2);
}
const outDir = join(root, '.cache', 'bench');
mkdirSync(outDir, { recursive: true });
let failed = false;
for (const suite of wanted.length ? [...new Set(wanted.flatMap(matches))] : available) {
  const outfile = join(outDir, `${suite}.mjs`);
  await build({
    entryPoints: [join(benchDir, `${suite}.bench.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const r = spawnSync(process.execPath, ['--expose-gc', outfile], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`[bench] suite ${suite} failed with exit code ${r.status}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
