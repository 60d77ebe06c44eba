/**
 * `pack check`: runs every notebook of a pack headless, in manifest order, and reports its checks
 * (cells tagged `check` calling `lab.check(name, condition, detail)`), for an instructor's CI.
 * The pack is verified first and unpacked into a fresh temporary folder, so the run sees exactly
 * what attendees will get, data files included, and nothing of the instructor's folder is written.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PackManifest } from './manifest';
import { openPackSource } from './pack-source';
import { verifyPack } from './verify-pack';

/** What the kernel's headless runner (main/kernels/notebook-runner.ts) reports for one notebook. */
export interface NotebookRunSummary {
  cells: number;
  executed: number;
  errors: number;
  checks: { passed: number; failed: number; results: { name: string; passed: boolean; detail?: string }[] };
  wallMs: number;
  firstError?: { cell: number; ename: string; evalue: string };
  backend: string | null;
}

export type NotebookRunner = (notebookPath: string, options: { cwd?: string; cellTimeoutMs?: number }) => Promise<NotebookRunSummary>;

export interface PackCheckReport {
  manifest: PackManifest;
  notebooks: { path: string; summary: NotebookRunSummary }[];
  passed: number;
  failed: number;
  errors: number;
  /** No cell errored and no check failed. */
  ok: boolean;
}

export async function checkPack(
  path: string,
  runNotebook: NotebookRunner,
  options: { cellTimeoutMs?: number; onNotebook?: (path: string, summary: NotebookRunSummary) => void } = {},
): Promise<PackCheckReport> {
  const pack = await verifyPack(await openPackSource(path), { keepData: true });
  const root = await mkdtemp(join(tmpdir(), `mlsys-lab-check-${pack.manifest.id}-`));
  try {
    for (const [file, data] of pack.files) {
      const full = join(root, ...file.split('/'));
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, data);
    }
    const report: PackCheckReport = { manifest: pack.manifest, notebooks: [], passed: 0, failed: 0, errors: 0, ok: true };
    for (const nb of pack.manifest.notebooks) {
      // the pack root is the working directory: dataset paths in the manifest are relative to it
      const summary = await runNotebook(join(root, ...nb.split('/')), { cwd: root, cellTimeoutMs: options.cellTimeoutMs });
      report.notebooks.push({ path: nb, summary });
      report.passed += summary.checks.passed;
      report.failed += summary.checks.failed;
      report.errors += summary.errors;
      options.onNotebook?.(nb, summary);
    }
    report.ok = report.errors === 0 && report.failed === 0;
    return report;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The lines `pack check` prints: one per notebook, one per failed check, and a verdict. */
export function formatCheckReport(report: PackCheckReport): string[] {
  const lines: string[] = [];
  for (const { path, summary: s } of report.notebooks) {
    const total = s.checks.passed + s.checks.failed;
    const first = s.firstError ? `; first error in cell ${s.firstError.cell + 1}: ${s.firstError.ename}: ${s.firstError.evalue.split('\n')[0]}` : '';
    lines.push(`${path}: ${s.executed}/${s.cells} cells, ${s.errors} error(s), ${total ? `checks ${s.checks.passed}/${total} passed` : 'no checks'}, ${(s.wallMs / 1000).toFixed(1)} s (backend ${s.backend ?? 'none'})${first}`);
    for (const c of s.checks.results.filter((r) => !r.passed)) lines.push(`  FAILED ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
  }
  const total = report.passed + report.failed;
  lines.push(
    report.ok
      ? `OK ${report.manifest.id} ${report.manifest.version}: ${total ? `all ${total} checks passed` : 'no checks (tag cells "check" and call lab.check)'}, no errors.`
      : `FAILED ${report.manifest.id} ${report.manifest.version}: ${report.failed} of ${total} checks failed, ${report.errors} cell error(s).`,
  );
  return lines;
}
