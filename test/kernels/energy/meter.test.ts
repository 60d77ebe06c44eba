import { afterEach, describe, expect, it } from 'vitest';
import { EnergyMeter, type EnergyMeterOptions } from '../../../kernels/energy';
import { makeUnreadable, NVIDIA_SMI_STUB, setCounter, writePowercap } from './powercap-fixture';

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
});

async function meter(options: EnergyMeterOptions): Promise<EnergyMeter> {
  const m = await EnergyMeter.create({ powercapRoot: null, nvidiaSmi: null, waitForGpu: true, ...options });
  cleanup.push(() => m.dispose());
  return m;
}

function powercap(layout: 'powercap-server' | 'powercap-laptop'): string {
  const f = writePowercap(layout);
  cleanup.push(f.dispose);
  return f.root;
}

/** A cpuUsage that returns the given microsecond totals, one per call. */
function cpuTimes(...totals: [user: number, system: number][]): () => { user: number; system: number } {
  let i = 0;
  return () => {
    const [user, system] = totals[Math.min(i++, totals.length - 1)];
    return { user, system };
  };
}

describe('estimating CPU energy from CPU time', () => {
  it('multiplies the CPU time of the span by the per-core power of the table row', async () => {
    const m = await meter({ cpuModel: 'AMD EPYC 7763 64-Core Processor', cpuUsage: cpuTimes([1_000_000, 0], [2_500_000, 500_000]) });
    const report = await m.start().stop();
    expect(report.cpuSeconds).toBeCloseTo(2, 9);
    expect(report.components).toHaveLength(1);
    const cpu = report.components[0];
    expect(cpu).toMatchObject({ component: 'cpu', source: 'estimated', scope: 'process' });
    expect(cpu.joules).toBeCloseTo(2 * 4.2, 9);
    expect(cpu.source === 'estimated' && cpu.basis).toMatch(/4\.2 W per busy core \(table: AMD EPYC/);
    expect(report.energy).toEqual({ joules: cpu.joules, source: 'estimated' });
    expect(report.carbon.grams).toBeCloseTo((8.4 / 3.6e6) * 480, 12);
    expect(report.text).toMatch(/≈8\.4 J estimated/);
    expect(report.text).toMatch(/≈1\.12 mg CO2e at 480 g\/kWh/);
  });

  it('uses energy.cpuWattsPerCore and energy.gridIntensity when they are set', async () => {
    const m = await meter({ cpuUsage: cpuTimes([0, 0], [3_000_000, 0]), settings: { cpuWattsPerCore: 10, gridIntensity: 50 } });
    const report = await m.start().stop();
    expect(report.energy.joules).toBeCloseTo(30, 9);
    expect(report.carbon).toEqual({ grams: (30 / 3.6e6) * 50, source: 'estimated', gridIntensity: 50 });
    m.configure({ cpuWattsPerCore: null });
    expect(m.status().cpu.method).toMatch(/W per busy core \(table|no table row/);
  });

  it('follows real CPU time of a busy loop', async () => {
    const m = await meter({ settings: { cpuWattsPerCore: 12 } });
    const { report } = await m.measure(() => {
      const until = process.cpuUsage().user + 100_000;
      let x = 0;
      while (process.cpuUsage().user < until) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + i);
      return x;
    });
    expect(report.cpuSeconds).toBeGreaterThanOrEqual(0.1);
    expect(report.energy.joules).toBeCloseTo(report.cpuSeconds * 12, 9);
  });

  it('refuses settings out of range with the value', async () => {
    const m = await meter({});
    expect(() => m.configure({ gridIntensity: -1 })).toThrow(/from 0 to 2000, got -1/);
    expect(() => m.configure({ cpuWattsPerCore: 0 })).toThrow(/from 0 to 500, got 0/);
  });
});

describe('measuring CPU energy with RAPL', () => {
  it('reports the package energy of the span as measured, for the whole machine', async () => {
    const root = powercap('powercap-server');
    const m = await meter({ powercapRoot: root });
    expect(m.status().cpu).toEqual({ source: 'measured', method: 'RAPL package-0 + package-1' });
    const span = m.start();
    setCounter(root, 'intel-rapl:0', 262143000000 + 5_000_000);
    setCounter(root, 'intel-rapl:1', 5000000 + 3_000_000);
    const report = await span.stop();
    expect(report.components).toEqual([
      { component: 'cpu', joules: 8, source: 'measured', method: 'RAPL package-0 + package-1', scope: 'machine', warnings: [] },
    ]);
    expect(report.energy).toEqual({ joules: 8, source: 'measured' });
    expect(report.text).toMatch(/· 8 J measured · 1\.07 mg CO2e at 480 g\/kWh$/);
    expect(report.text).not.toMatch(/≈/);
  });

  it('falls back to the estimate, with the reason, when the counters cannot be read', async () => {
    const root = powercap('powercap-laptop');
    makeUnreadable(root, 'intel-rapl:0');
    const m = await meter({ powercapRoot: root, cpuModel: 'Apple M2' });
    expect(m.status().cpu).toMatchObject({ source: 'estimated', reason: expect.stringMatching(/intel-rapl:0\/energy_uj: EISDIR/) });
    expect((await m.start().stop()).energy.source).toBe('estimated');
  });

  it('turns a span into an estimate when a counter becomes unreadable midway, and says so', async () => {
    const root = powercap('powercap-laptop');
    const m = await meter({ powercapRoot: root, cpuUsage: cpuTimes([0, 0], [1_000_000, 0]), settings: { cpuWattsPerCore: 5 } });
    const span = m.start();
    makeUnreadable(root, 'intel-rapl:0');
    const report = await span.stop();
    expect(report.components[0]).toMatchObject({ source: 'estimated', joules: 5 });
    expect(report.components[0].warnings[0]).toMatch(/RAPL could not be read \(.*EISDIR\); estimated instead/);
    expect(m.status().cpu.source).toBe('estimated');
  });

  it('measures nested spans independently', async () => {
    const root = powercap('powercap-laptop');
    const m = await meter({ powercapRoot: root });
    const outer = m.start();
    setCounter(root, 'intel-rapl:0', 4000000 + 1_000_000);
    const inner = m.start();
    setCounter(root, 'intel-rapl:0', 4000000 + 3_000_000);
    expect((await inner.stop()).energy.joules).toBeCloseTo(2, 9);
    setCounter(root, 'intel-rapl:0', 4000000 + 3_500_000);
    expect((await outer.stop()).energy.joules).toBeCloseTo(3.5, 9);
  });
});

describe('measuring GPU energy with nvidia-smi', () => {
  it('adds the GPUs that report power, and the total stays measured only with RAPL', async () => {
    const m = await meter({ nvidiaSmi: NVIDIA_SMI_STUB, gpuIntervalMs: 100, settings: { cpuWattsPerCore: 10 } });
    expect(m.status().gpu.method).toBe('nvidia-smi power.draw every 100 ms, GPU 0 NVIDIA A100-SXM4-40GB + GPU 2 Tesla T4');
    const { result, report } = await m.measure(() => new Promise<string>((r) => setTimeout(() => r('done'), 500)));
    expect(result).toBe('done');
    const gpu = report.components.find((c) => c.component === 'gpu')!;
    expect(gpu.source).toBe('measured');
    expect(gpu.joules / report.wallSeconds).toBeGreaterThan(92.5 * 0.95);
    expect(gpu.joules / report.wallSeconds).toBeLessThan(92.5 * 1.05);
    expect(report.energy.source).toBe('estimated');
    expect(report.text).toMatch(/\(CPU ≈.* estimated, GPU .* measured\)/);

    const root = powercap('powercap-laptop');
    const both = await meter({ powercapRoot: root, nvidiaSmi: NVIDIA_SMI_STUB, gpuIntervalMs: 100 });
    const span = both.start();
    setCounter(root, 'intel-rapl:0', 4000000 + 1_000_000);
    expect((await span.stop()).energy.source).toBe('measured');
  });

  it('counts GPU power during a synchronous cell that blocks the event loop', async () => {
    const m = await meter({ nvidiaSmi: NVIDIA_SMI_STUB, gpuIntervalMs: 100 });
    await new Promise((r) => setTimeout(r, 300)); // let sampling start
    const span = m.start();
    const until = Date.now() + 700;
    while (Date.now() < until); // nothing is read from nvidia-smi meanwhile; its samples queue up
    const report = await span.stop();
    const gpu = report.components.find((c) => c.component === 'gpu')!;
    expect(gpu.joules / report.wallSeconds).toBeGreaterThan(92.5 * 0.95);
    expect(gpu.joules / report.wallSeconds).toBeLessThan(92.5 * 1.05);
  });

  it('does not hold up a kernel while nvidia-smi is probed; spans begun before sampling have no GPU figure', async () => {
    process.env.NVIDIA_SMI_STUB_DELAY_MS = '1500';
    try {
      const m = await EnergyMeter.create({ powercapRoot: null, nvidiaSmi: NVIDIA_SMI_STUB, gpuIntervalMs: 100 });
      cleanup.push(() => m.dispose());
      expect(m.status().gpu).toEqual({ source: 'none', method: 'not measured', reason: 'nvidia-smi is still being probed' });
      const early = m.start();
      await m.gpuSampling();
      expect(m.status().gpu.source).toBe('measured');
      expect((await early.stop()).components.map((c) => c.component)).toEqual(['cpu']);
      expect((await m.start().stop()).components.map((c) => c.component)).toEqual(['cpu', 'gpu']);
    } finally {
      delete process.env.NVIDIA_SMI_STUB_DELAY_MS;
    }
  });

  it('measures no GPU, and says why, when no GPU reports power', async () => {
    process.env.NVIDIA_SMI_STUB_GPUS = 'NVIDIA GeForce MX150=N/A';
    try {
      const m = await meter({ nvidiaSmi: NVIDIA_SMI_STUB });
      expect(m.status().gpu).toEqual({ source: 'none', method: 'not measured', reason: 'GPU 0 NVIDIA GeForce MX150 reports no power' });
      expect((await m.start().stop()).components.map((c) => c.component)).toEqual(['cpu']);
    } finally {
      delete process.env.NVIDIA_SMI_STUB_GPUS;
    }
  });
});

describe('lab.energy.measure semantics', () => {
  it('measures a block that throws and rethrows its error', async () => {
    const m = await meter({});
    await expect(m.measure(() => Promise.reject(new Error('cell failed')))).rejects.toThrow('cell failed');
  });

  it('returns the same report when a span is stopped twice', async () => {
    const m = await meter({});
    const span = m.start();
    expect(await span.stop()).toBe(await span.stop());
  });
});
