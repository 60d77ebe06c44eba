import { describe, expect, it } from 'vitest';
import type { CellRunStats } from '../../../main/api/notebooks';
import { runRecordOf, withRunRecord } from '../../../main/notebooks/run-record';

const stats: CellRunStats = {
  wallMs: 1234.56,
  cpuMs: 900.04,
  backend: 'wasm',
  tensorsCreated: 5,
  tensorsLeaked: 1,
  tensorsLeakedBytes: 4096,
  energy: { joules: 11.8, co2eGrams: 0.0016, source: 'estimated', short: '≈11.8 J est.', text: 'whole line', method: 'cpu: CPU time x TDP (estimated)' },
  ok: true,
};

describe("a cell's last run in its metadata", () => {
  it('is written beside the metadata already there, with JupyterLab timing keys, and read back as the footer had it', () => {
    const end = Date.UTC(2026, 10, 28, 12, 0, 0);
    const meta = withRunRecord({ tags: ['check'], mlsys_lab: { other: 1 }, execution: { 'iopub.status.busy': 'x' } }, stats, end);
    expect(meta.tags).toEqual(['check']);
    expect(meta.execution).toEqual({ 'iopub.status.busy': 'x', 'iopub.execute_input': '2026-11-28T11:59:58.765Z', 'shell.execute_reply': '2026-11-28T12:00:00.000Z' });
    expect((meta.mlsys_lab as Record<string, unknown>).other).toBe(1);
    // through JSON, as the file stores it
    expect(runRecordOf(JSON.parse(JSON.stringify(meta)))).toEqual({ ...stats, wallMs: 1234.6, cpuMs: 900 });
  });

  it('reads nothing from metadata that does not hold a run, and drops fields that do not read as one', () => {
    expect(runRecordOf({})).toBeUndefined();
    expect(runRecordOf({ mlsys_lab: 'x' })).toBeUndefined();
    expect(runRecordOf({ mlsys_lab: { last_run: { wall_ms: -1, ok: true } } })).toBeUndefined();
    expect(runRecordOf({ mlsys_lab: { last_run: { wall_ms: 5 } } })).toBeUndefined();
    const odd = runRecordOf({ mlsys_lab: { last_run: { wall_ms: 5, ok: false, backend: 7, tensors_leaked: 'many', energy: { short: '<img src=x onerror=alert(1)>', text: 't', joules: 1, co2eGrams: 0, source: 'guessed' } } } });
    expect(odd).toEqual({ wallMs: 5, ok: false, cpuMs: undefined, backend: undefined, tensorsCreated: undefined, tensorsLeaked: undefined, tensorsLeakedBytes: undefined, energy: undefined });
  });
});
