import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../main/store/store';
import { EnergyMeter } from '../../../kernels/energy';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-store-energy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('runs keep the source of their energy', () => {
  it('stores a cell run with its time, energy, carbon, source and per-component figures', async () => {
    const meter = await EnergyMeter.create({ powercapRoot: null, nvidiaSmi: null, settings: { cpuWattsPerCore: 10 } });
    const report = await meter.measure(() => 1).then((r) => r.report);
    meter.dispose();

    const file = join(dir, 'lab.db');
    const s = Store.open(file);
    const id = s.runs.start({ kind: 'cell', labId: 'lab-1', notebook: 'a.ipynb', cellId: 'c1' });
    s.runs.end(id, {
      status: 'ok',
      wallMs: report.wallSeconds * 1000,
      cpuMs: report.cpuSeconds * 1000,
      energyJ: report.energy.joules,
      co2eG: report.carbon.grams,
      energySource: report.energy.source,
      energyDetail: report.components,
    });
    s.close();

    const again = Store.open(file, { readonly: true });
    const row = again.db.prepare('SELECT energy_j, co2e_g, energy_source, energy_detail FROM runs WHERE id = ?').get(id) as Record<string, unknown>;
    again.close();
    expect(row.energy_source).toBe('estimated');
    expect(row.energy_j).toBeCloseTo(report.energy.joules, 12);
    expect(JSON.parse(row.energy_detail as string)).toEqual(report.components);
  });

  it('refuses an energy figure without its source', () => {
    const s = Store.open(join(dir, 'lab.db'));
    const id = s.runs.start({ kind: 'training', name: 'mlp' });
    expect(() => s.runs.end(id, { status: 'ok', energyJ: 12 })).toThrow(/energyJ 12 needs energySource/);
    expect(() => s.db.prepare("UPDATE runs SET energy_source = 'guessed' WHERE id = ?").run(id)).toThrow(/CHECK constraint failed/);
    s.close();
  });
});
