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
import { CHECK_TAG, cellSource, countCheckCalls, isCheckCell } from './check-cells';
import { openPackSource } from './pack-source';
import { verifyPack } from './verify-pack';

/** What the kernel's headless runner (main/kernels/notebook-runner.ts) reports for one notebook. */
export interface NotebookRunSummary {
  cells: number;
  executed: number;
  errors: number;
  checks: { passed: number; failed: number; results: { name: string; passed: boolean; detail?: string; cell: number }[] };
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
  /** Ways the checks that ran differ from the checks the library counts (see check-cells.ts). */
  problems: string[];
  /** No cell errored, no check failed, and the checks that ran are the lab's checks. */
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
    const report: PackCheckReport = { manifest: pack.manifest, notebooks: [], passed: 0, failed: 0, errors: 0, problems: [], ok: true };
    const names = new Map<string, string>();
    for (const nb of pack.manifest.notebooks) {
      // the pack root is the working directory: dataset paths in the manifest are relative to it
      const summary = await runNotebook(join(root, ...nb.split('/')), { cwd: root, cellTimeoutMs: options.cellTimeoutMs });
      report.notebooks.push({ path: nb, summary });
      report.passed += summary.checks.passed;
      report.failed += summary.checks.failed;
      report.errors += summary.errors;
      report.problems.push(...checkProblems(nb, pack.files.get(nb)!.toString('utf8'), summary, names));
      options.onNotebook?.(nb, summary);
    }
    report.ok = report.errors === 0 && report.failed === 0 && report.problems.length === 0;
    return report;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Holds a notebook's run to the definition of a check: every lab.check call of its check cells
 * ran exactly once, none ran elsewhere, and no two share a name (progress is kept by name), so
 * the total the library counts from the source is the total that runs.
 */
function checkProblems(nb: string, text: string, summary: NotebookRunSummary, names: Map<string, string>): string[] {
  const problems: string[] = [];
  const cells = (JSON.parse(text) as { cells: Parameters<typeof isCheckCell>[0][] }).cells;
  const ran = new Map<number, number>();
  for (const r of summary.checks.results) {
    ran.set(r.cell, (ran.get(r.cell) ?? 0) + 1);
    const where = `cell ${r.cell + 1} of ${nb}`;
    if (!isCheckCell(cells[r.cell])) problems.push(`${where} called lab.check(${JSON.stringify(r.name)}) but is not tagged "${CHECK_TAG}": tag it, so the library counts the check`);
    const first = names.get(r.name);
    if (first) problems.push(`${where} reused the check name ${JSON.stringify(r.name)} of ${first}: give each check its own name, as progress is kept by name`);
    else names.set(r.name, where);
  }
  // after an error the cells below did not run; the error is reported already
  if (summary.errors > 0) return problems;
  cells.forEach((cell, i) => {
    if (!isCheckCell(cell)) return;
    const written = countCheckCalls(cellSource(cell!));
    const count = ran.get(i) ?? 0;
    if (count !== written) {
      problems.push(
        `cell ${i + 1} of ${nb} has ${written} lab.check call(s) but reported ${count} check(s): each call must run exactly once (not in a loop or a branch), since the library counts the calls before anything runs`,
      );
    }
  });
  return problems;
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
  for (const p of report.problems) lines.push(`  PROBLEM ${p}`);
  const total = report.passed + report.failed;
  lines.push(
    report.ok
      ? `OK ${report.manifest.id} ${report.manifest.version}: ${total ? `all ${total} checks passed` : 'no checks (tag cells "check" and call lab.check)'}, no errors.`
      : `FAILED ${report.manifest.id} ${report.manifest.version}: ${report.failed} of ${total} checks failed, ${report.errors} cell error(s)${report.problems.length ? `, ${report.problems.length} problem(s) with the checks` : ''}.`,
  );
  return lines;
}
