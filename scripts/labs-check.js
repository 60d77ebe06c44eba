#!/usr/bin/env node
// `npm run labs:check`: runs every built-in lab in labs/ headless through `mlsys-lab pack check`
// (wasm backend, as attendees' laptops run it) and prints per lab its checks and time.
// Exits non-zero when any lab has a failing check, a failing cell or a bad hash.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './ensure-built.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureBuilt(root);
const only = process.argv.slice(2);
const labs = readdirSync(join(root, 'labs'))
  .filter((d) => existsSync(join(root, 'labs', d, 'labpack.json')))
  .filter((d) => only.length === 0 || only.some((o) => d.includes(o)))
  .sort();
if (labs.length === 0) {
  console.error(`labs:check: no lab packs found in ${join(root, 'labs')}${only.length ? ` matching ${only.join(', ')}` : ''}`);
  process.exit(1);
}
const rows = [];
const t0 = performance.now();
for (const lab of labs) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mlsys-lab.js'), 'pack', 'check', join('labs', lab), '--backend', 'wasm', '--timeout', '120'], { cwd: root, encoding: 'utf8' });
  const secs = (performance.now() - start) / 1000;
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  // one line per notebook: "...: N/M cells, E error(s), checks P/T passed, ..."
  const perNotebook = [...out.matchAll(/checks (\d+)\/(\d+) passed/g)];
  const passed = perNotebook.reduce((n, m) => n + Number(m[1]), 0);
  const total = perNotebook.reduce((n, m) => n + Number(m[2]), 0);
  const ok = r.status === 0;
  rows.push({ lab, ok, checks: total ? `${passed}/${total}` : '-', secs });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${lab}: checks ${total ? `${passed}/${total} passed` : 'none counted'}, ${secs.toFixed(1)} s`);
  if (!ok) console.log(out.replace(/^/gm, '    '));
}
const failed = rows.filter((r) => !r.ok);
console.log(`labs:check: ${rows.length - failed.length}/${rows.length} labs passed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(failed.length ? 1 : 0);
