import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { formatSummary, runNotebook } from '../../kernels/notebook-runner';
import { openPackSource } from '../../packs/pack-source';
import { verifyPack } from '../../packs/verify-pack';
import type { PackSubcommand } from './pack';
import { parsePackArgs } from './pack-args';

/**
 * Runs every notebook of a pack headless (the `mlsys-lab run` runner) after verifying its
 * manifest and hashes, and reports its checks. A `.labpack` is unpacked into a temporary folder
 * first, so notebooks read their data files by relative path either way. Non-zero when a hash is
 * wrong, a cell fails or a check fails, so an instructor's CI can gate on it.
 */
export const packCheck: PackSubcommand = {
  name: 'check',
  usage: 'check PACK [--timeout SECONDS] [--backend NAME]',
  summary: "Run every notebook headless with the kernel runner and report its 'check' cells; non-zero on a failure",
  async run(argv) {
    const { values, positionals } = parsePackArgs(argv, this.usage, { timeout: { type: 'string' }, backend: { type: 'string' } }, { min: 1, max: 1 });
    const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
    if (timeout !== undefined && !(timeout > 0)) {
      console.error(`--timeout must be a number of seconds > 0, got ${JSON.stringify(values.timeout)}`);
      return 2;
    }
    if (values.backend) process.env.MLSYS_LAB_BACKEND = values.backend;
    const path = resolve(positionals[0]);
    const t0 = performance.now();
    const source = await openPackSource(path);
    const pack = await verifyPack(source);
    let dir = path;
    let temp: string | undefined;
    if (source.kind === 'zip') {
      temp = dir = await mkdtemp(join(tmpdir(), 'mlsys-lab-pack-check-'));
      for (const f of source.files) {
        const target = join(dir, ...f.path.split('/'));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, await f.read());
      }
    }
    let passed = 0;
    let failed = 0;
    let errors = 0;
    try {
      for (const nb of pack.manifest.notebooks) {
        const file = join(dir, ...nb.split('/'));
        const s = await runNotebook(file, { cwd: dir, cellTimeoutMs: timeout && timeout * 1000 });
        console.log(formatSummary(nb, s));
        for (const c of s.checks.results.filter((r) => !r.passed)) console.log(`  FAILED ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
        passed += s.checks.passed;
        failed += s.checks.failed;
        errors += s.errors;
      }
    } finally {
      if (temp) await rm(temp, { recursive: true, force: true });
    }
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`${pack.manifest.id}: checks ${passed}/${passed + failed} passed, ${errors} cell error${errors === 1 ? '' : 's'}, ${secs} s`);
    return errors > 0 || failed > 0 ? 1 : 0;
  },
};
