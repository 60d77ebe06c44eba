import { afterEach, describe, expect, it } from 'vitest';
import { KernelEnergy, runEnergyOf } from '../../../kernels/energy';
import type { RunEnergy } from '../../../main/api/notebooks';
import { setCounter, writePowercap } from './powercap-fixture';

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
});

describe('energy in the kernel', () => {
  it('adds each cell to the session and lab totals, but not the blocks measured inside it', async () => {
    const pc = writePowercap('powercap-laptop');
    cleanup.push(pc.dispose);
    const k = await KernelEnergy.create({ session: 'nb-1', lab: 'lab-7' }, { powercapRoot: pc.root, nvidiaSmi: null });
    cleanup.push(() => k.dispose());
    const lab = k.labApi();

    const cell = k.startCell();
    setCounter(pc.root, 'intel-rapl:0', 4000000 + 1_000_000);
    const block = await lab.measure(async () => {
      setCounter(pc.root, 'intel-rapl:0', 4000000 + 2_000_000);
      return 42;
    });
    expect(block.result).toBe(42);
    expect(block.energy).toEqual({ joules: 1, source: 'measured' });
    expect(block.text).toMatch(/1 J measured/);
    const epoch = lab.start();
    setCounter(pc.root, 'intel-rapl:0', 4000000 + 2_500_000);
    expect((await epoch.stop()).energy.joules).toBeCloseTo(0.5, 9);
    setCounter(pc.root, 'intel-rapl:0', 4000000 + 3_000_000);
    const report = await k.finishCell(cell);
    expect(report.energy.joules).toBeCloseTo(3, 9);
    const stats: RunEnergy = runEnergyOf(report);
    expect(stats).toMatchObject({ source: 'measured', short: '3 J · 0.4 mg CO2e' });

    expect(lab.totals().session).toMatchObject({ count: 1, measuredJoules: 3, estimatedJoules: 0 });
    expect(lab.totals().lab).toMatchObject({ count: 1, measuredJoules: 3 });
    expect(lab.sources().cpu.source).toBe('measured');
    expect(lab.gridIntensity).toBe(480);
    k.configure({ gridIntensity: 56 });
    expect(lab.gridIntensity).toBe(56);
    expect(lab.regions.find((r) => r.code === 'FR')?.gPerKWh).toBe(67);
  });

  it('tells a cell that passes something other than a function what it needs', async () => {
    const k = await KernelEnergy.create({ session: 's' }, { powercapRoot: null, nvidiaSmi: null });
    cleanup.push(() => k.dispose());
    await expect(k.labApi().measure(42 as never)).rejects.toThrow('lab.energy.measure needs a function to run, got number');
    expect(k.labApi().totals().lab).toBeNull();
  });

  it('takes its settings and lab from the environment main starts the kernel with, and survives bad values', async () => {
    const env = { MLSYS_LAB_GRID_INTENSITY: '56', MLSYS_LAB_CPU_WATTS_PER_CORE: '7', MLSYS_LAB_LAB_ID: 'lab-3' };
    const saved = { ...process.env };
    Object.assign(process.env, { MLSYS_LAB_POWERCAP_ROOT: '/nonexistent', MLSYS_LAB_NVIDIA_SMI: '/nonexistent/nvidia-smi' });
    try {
      const k = KernelEnergy.fromEnv(env);
      cleanup.push(() => k.dispose());
      expect(k.labApi().gridIntensity).toBe(56);
      expect(k.labApi().sources().cpu.method).toMatch(/7 W per busy core \(setting energy.cpuWattsPerCore\)/);
      await k.finishCell(k.startCell());
      expect(k.labApi().totals().lab).toMatchObject({ count: 1 });

      const logged: string[] = [];
      const bad = KernelEnergy.fromEnv({ MLSYS_LAB_GRID_INTENSITY: 'lots' }, (m) => logged.push(m));
      cleanup.push(() => bad.dispose());
      expect(bad.labApi().gridIntensity).toBe(480);
      expect(logged[0]).toMatch(/energy settings ignored: Grid intensity must be .* got NaN/);
    } finally {
      process.env = saved;
    }
  });
});
