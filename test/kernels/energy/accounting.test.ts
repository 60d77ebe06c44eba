import { describe, expect, it } from 'vitest';
import {
  CPU_POWER_TABLE,
  cpuPower,
  DEFAULT_GRID_INTENSITY,
  DEFAULT_WATTS_PER_CORE,
  EnergyLedger,
  GRID_REGIONS,
  carbonGrams,
  gridRegion,
  type EnergyReport,
} from '../../../kernels/energy';
import { carbonOf, estimatedEnergy, formatEnergy, formatJoules, formatReport, formatShort, measuredEnergy, totalOf } from '../../../kernels/energy/figure';

function report(components: EnergyReport['components'], gridIntensity = 480): EnergyReport {
  const energy = totalOf(components);
  const partial = { startedAt: 0, endedAt: 2000, wallSeconds: 2, cpuSeconds: 1, components, energy, carbon: carbonOf(energy, gridIntensity) };
  return { ...partial, text: formatReport(partial), short: formatShort(partial) };
}

describe('carbon', () => {
  it('is joules / 3.6e6 × grid intensity', () => {
    expect(carbonGrams(3.6e6, 480)).toBe(480);
    expect(carbonGrams(1000, 100)).toBeCloseTo(0.0277778, 6);
  });

  it('has the documented default, which is also the world row of the regions table', () => {
    expect(DEFAULT_GRID_INTENSITY).toBe(480);
    expect(gridRegion('world')).toMatchObject({ gPerKWh: 480, year: 2023 });
    expect(gridRegion('FR')!.gPerKWh).toBeLessThan(gridRegion('PL')!.gPerKWh);
    for (const r of GRID_REGIONS) expect(r.gPerKWh, r.code).toBeGreaterThan(0);
    expect(new Set(GRID_REGIONS.map((r) => r.code)).size).toBe(GRID_REGIONS.length);
  });

  it('refuses an intensity outside 0..2000 g/kWh', () => {
    expect(() => carbonGrams(1, 5000)).toThrow(/from 0 to 2000, got 5000/);
  });
});

describe('per-core power table', () => {
  it.each([
    ['Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz', 'Intel Xeon'],
    ['AMD EPYC 7763 64-Core Processor', 'AMD EPYC'],
    ['AMD EPYC', 'AMD EPYC'],
    ['AMD Ryzen Threadripper 3990X 64-Core Processor', 'AMD Ryzen Threadripper'],
    ['AMD Ryzen 7 5800U with Radeon Graphics', 'AMD Ryzen, laptop'],
    ['AMD Ryzen 7 7840HS w/ Radeon 780M Graphics', 'AMD Ryzen, laptop'],
    ['AMD Ryzen 9 7950X 16-Core Processor', 'AMD Ryzen, desktop'],
    ['Intel(R) Core(TM) i7-10750H CPU @ 2.60GHz', 'Intel Core, laptop H'],
    ['11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz', 'Intel Core, laptop'],
    ['12th Gen Intel(R) Core(TM) i7-1260P', 'Intel Core, laptop'],
    ['Intel(R) Core(TM) Ultra 7 155H', 'Intel Core, laptop'],
    ['Intel(R) Core(TM) i9-9900K CPU @ 3.60GHz', 'Intel Core, desktop'],
    ['Apple M1 Pro', 'Apple silicon'],
    ['Neoverse-N1', 'Ampere Altra'],
  ])('matches "%s" to %s', (model, family) => {
    expect(cpuPower({ model }).family).toBe(family);
  });

  it('falls back to 12 W per core for an unknown CPU, and the setting overrides everything', () => {
    expect(cpuPower({ model: 'RISC-V Mystery 9000' })).toMatchObject({ wattsPerCore: DEFAULT_WATTS_PER_CORE, from: 'default' });
    expect(cpuPower({ model: 'AMD EPYC', setting: 9 })).toMatchObject({ wattsPerCore: 9, from: 'setting' });
  });

  it('gives every row a basis and a plausible figure', () => {
    for (const row of CPU_POWER_TABLE) {
      expect(row.basis, row.family).toMatch(/\d W.* \/ \d+ cores/);
      expect(row.wattsPerCore).toBeGreaterThan(1);
      expect(row.wattsPerCore).toBeLessThan(30);
    }
  });
});

describe('figures keep their source', () => {
  it('marks an estimate with ≈ and "estimated" in every text, and never a measurement', () => {
    expect(formatEnergy({ joules: 12.34, source: 'estimated' })).toBe('≈12.3 J estimated');
    expect(formatEnergy({ joules: 12.34, source: 'measured' })).toBe('12.3 J measured');
    expect(formatJoules(0.0004)).toBe('0.4 mJ');
    expect(formatJoules(4560)).toBe('4.56 kJ');
  });

  it('makes a total estimated when any part is estimated', () => {
    const cpu = estimatedEnergy('cpu', 10, 'process CPU time 1 s × 10 W', '10 W per busy core (setting)');
    const gpu = measuredEnergy('gpu', 90, 'nvidia-smi');
    expect(totalOf([cpu, gpu])).toEqual({ joules: 100, source: 'estimated' });
    expect(totalOf([gpu])).toEqual({ joules: 90, source: 'measured' });
    expect(report([cpu, gpu]).short).toBe('≈100 J est. · ≈13.3 mg CO2e');
    expect(report([gpu]).short).toBe('90 J · 12 mg CO2e');
    expect(report([cpu, gpu]).text).toBe('2 s · CPU 1 s · ≈100 J estimated (CPU ≈10 J estimated, GPU 90 J measured) · ≈13.3 mg CO2e at 480 g/kWh');
  });

  it('will not build an estimate without a basis, or a figure that is not a number of joules', () => {
    expect(() => estimatedEnergy('cpu', 1, 'm', '')).toThrow(/must state its basis/);
    expect(() => measuredEnergy('cpu', Number.NaN, 'RAPL')).toThrow(/got NaN/);
    expect(Object.isFrozen(measuredEnergy('cpu', 1, 'RAPL'))).toBe(true);
  });
});

describe('running totals', () => {
  it('sums per session and per lab, keeping measured and estimated joules apart', () => {
    const ledger = new EnergyLedger();
    ledger.add(report([measuredEnergy('cpu', 30, 'RAPL')]), { session: 's1', lab: 'lab-a' });
    ledger.add(report([estimatedEnergy('cpu', 10, 'cpu time', 'table')]), { session: 's2', lab: 'lab-a' });
    const s1 = ledger.session('s1');
    expect(s1).toMatchObject({ count: 1, measuredJoules: 30, estimatedJoules: 0, energy: { joules: 30, source: 'measured' } });
    expect(s1.text).toBe('1 run · 2 s · 30 J measured · 4 mg CO2e');
    const lab = ledger.lab('lab-a');
    expect(lab).toMatchObject({ count: 2, wallSeconds: 4, measuredJoules: 30, estimatedJoules: 10, energy: { joules: 40, source: 'estimated' } });
    expect(lab.carbon.grams).toBeCloseTo((40 / 3.6e6) * 480, 12);
    expect(lab.text).toBe('2 runs · 4 s · ≈40 J estimated (25% of it estimated) · ≈5.33 mg CO2e');
    expect(ledger.lab('other')).toMatchObject({ count: 0, energy: { joules: 0, source: 'measured' } });
  });

  it('keeps each report at the grid intensity it was made with', () => {
    const ledger = new EnergyLedger();
    ledger.add(report([measuredEnergy('cpu', 3.6e6, 'RAPL')], 100), { lab: 'x' });
    ledger.add(report([measuredEnergy('cpu', 3.6e6, 'RAPL')], 300), { lab: 'x' });
    expect(ledger.lab('x').carbon).toEqual({ grams: 400, source: 'measured', gridIntensity: 200 });
  });
});
