/**
 * A cell's last run, kept in the .ipynb so that its footer (wall time, backend, tensors, energy)
 * is there when the notebook is opened again, or read by someone else (a hand-in).
 *
 * Two places in the cell's metadata, as other tools expect them:
 * - `execution`: JupyterLab's timing keys (`iopub.execute_input`, `shell.execute_reply`, ISO
 *   8601), which JupyterLab shows when its "record timing" setting is on;
 * - `mlsys_lab.last_run`: what the footer shows, namespaced as nbformat asks of tool metadata.
 */
import type { CellRunStats, RunEnergy } from '../api/notebooks';

/** The cell metadata key this tool writes under. */
export const TOOL_KEY = 'mlsys_lab';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** The cell metadata after a run that ended at `endedAt` (ms since the epoch); other keys are kept. */
export function withRunRecord(metadata: Record<string, unknown>, stats: CellRunStats, endedAt: number): Record<string, unknown> {
  const tool = isObject(metadata[TOOL_KEY]) ? metadata[TOOL_KEY] : {};
  const execution = isObject(metadata.execution) ? metadata.execution : {};
  const lastRun: Record<string, unknown> = { wall_ms: Math.round(stats.wallMs * 10) / 10, ok: stats.ok };
  if (stats.cpuMs !== undefined) lastRun.cpu_ms = Math.round(stats.cpuMs * 10) / 10;
  if (stats.backend) lastRun.backend = stats.backend;
  if (stats.tensorsCreated !== undefined) lastRun.tensors_created = stats.tensorsCreated;
  if (stats.tensorsKept !== undefined) lastRun.tensors_kept = stats.tensorsKept;
  if (stats.tensorsLeaked !== undefined) lastRun.tensors_leaked = stats.tensorsLeaked;
  if (stats.tensorsLeakedBytes !== undefined) lastRun.tensors_leaked_bytes = stats.tensorsLeakedBytes;
  if (stats.energy) lastRun.energy = stats.energy;
  return {
    ...metadata,
    execution: {
      ...execution,
      'iopub.execute_input': new Date(endedAt - stats.wallMs).toISOString(),
      'shell.execute_reply': new Date(endedAt).toISOString(),
    },
    [TOOL_KEY]: { ...tool, last_run: lastRun },
  };
}

/**
 * The last run recorded in a cell's metadata, or undefined when there is none or it does not
 * read as one: the footer is a convenience, so a notebook edited by hand still opens.
 */
export function runRecordOf(metadata: Record<string, unknown>): CellRunStats | undefined {
  const tool = metadata[TOOL_KEY];
  const r = isObject(tool) ? tool.last_run : undefined;
  if (!isObject(r)) return undefined;
  const wallMs = count(r.wall_ms);
  if (wallMs === undefined || typeof r.ok !== 'boolean') return undefined;
  return {
    wallMs,
    ok: r.ok,
    cpuMs: count(r.cpu_ms),
    backend: typeof r.backend === 'string' ? r.backend : undefined,
    tensorsCreated: count(r.tensors_created),
    tensorsKept: count(r.tensors_kept),
    tensorsLeaked: count(r.tensors_leaked),
    tensorsLeakedBytes: count(r.tensors_leaked_bytes),
    energy: energyOf(r.energy),
  };
}

/** A recorded energy figure, rebuilt field by field (a hand-edited file cannot slip other values into the view). */
function energyOf(e: unknown): RunEnergy | undefined {
  if (!isObject(e)) return undefined;
  const joules = count(e.joules);
  const co2eGrams = count(e.co2eGrams);
  if (joules === undefined || co2eGrams === undefined || (e.source !== 'measured' && e.source !== 'estimated') || typeof e.short !== 'string' || typeof e.text !== 'string') return undefined;
  return { joules, co2eGrams, source: e.source, short: e.short, text: e.text, method: typeof e.method === 'string' ? e.method : undefined };
}
