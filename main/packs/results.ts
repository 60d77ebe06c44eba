/**
 * The instructor's results table from a folder of `.labsub` files: one row per submission with
 * each check's outcome, and the checks most often failed. Exported as CSV for a spreadsheet.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_LIMITS, type PackLimits } from './limits';
import type { ResultRow, ResultsTable } from '../api/packs';
import { SUBMISSION_EXTENSION, readSubmission, type Submission } from './submission';

export type { ResultRow, ResultsTable };

export async function readResultsFolder(dir: string, limits: PackLimits = DEFAULT_LIMITS): Promise<ResultsTable> {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith(SUBMISSION_EXTENSION)).sort();
  const subs: { file: string; submission: Submission }[] = [];
  const problems: ResultsTable['problems'] = [];
  for (const name of names) {
    try {
      const { submission } = await readSubmission(await readFile(join(dir, name)), name, limits);
      subs.push({ file: name, submission });
    } catch (err) {
      problems.push({ file: name, message: (err as Error).message });
    }
  }
  const checkIds = [...new Set(subs.flatMap((s) => s.submission.checks.map((c) => c.checkId)))].sort();
  const rows: ResultRow[] = subs.map(({ file, submission: s }) => {
    const byId = new Map(s.checks.map((c) => [c.checkId, c.status]));
    return {
      file,
      attendee: s.attendee,
      packId: s.pack.id,
      packVersion: s.pack.version,
      createdAt: s.createdAt,
      passed: s.checksPassed,
      total: s.checksTotal,
      checks: Object.fromEntries(checkIds.map((id) => [id, byId.get(id) ?? 'missing'])),
      backend: s.reproducibility?.backend ?? null,
      seeds: s.reproducibility?.seeds ?? {},
    };
  });
  rows.sort((a, b) => a.attendee.localeCompare(b.attendee) || a.createdAt.localeCompare(b.createdAt));
  const mostFailed = checkIds
    .map((checkId) => ({
      checkId,
      failed: rows.filter((r) => r.checks[checkId] === 'failed').length,
      missing: rows.filter((r) => r.checks[checkId] === 'missing').length,
      of: rows.length,
    }))
    .sort((a, b) => b.failed + b.missing - (a.failed + a.missing) || a.checkId.localeCompare(b.checkId));
  return { checkIds, rows, mostFailed, problems };
}

/**
 * A CSV cell. Attendee names and check ids come from other people's files, so a value a
 * spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe.
 */
function cell(value: string | number | null): string {
  let v = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Seeds as one cell: `name=value` pairs by name, so equal seeds read as equal text. */
export const seedsText = (seeds: Record<string, number>): string =>
  Object.keys(seeds)
    .sort()
    .map((k) => `${k}=${seeds[k]}`)
    .join('; ');

export function resultsToCsv(table: ResultsTable): string {
  const header = ['attendee', 'pack', 'version', 'submitted', 'passed', 'total', 'backend', 'seeds', 'file', ...table.checkIds];
  const lines = [header, ...table.rows.map((r) => [r.attendee, r.packId, r.packVersion, r.createdAt, r.passed, r.total, r.backend, seedsText(r.seeds), r.file, ...table.checkIds.map((id) => r.checks[id])])];
  return lines.map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n';
}
