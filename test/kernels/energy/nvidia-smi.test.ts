import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { csvRows, NvidiaPowerSampler, parseTimestamp, parseWatts, PowerTrack, probeGpus } from '../../../kernels/energy/nvidia-smi';
import { NVIDIA_SMI_STUB } from './powercap-fixture';

const env = { ...process.env };
afterEach(() => {
  process.env = { ...env };
});

describe('nvidia-smi output', () => {
  it('reads power values with and without units, and [N/A] / [Not Supported] as no reading', () => {
    expect(parseWatts('65.00 W')).toBe(65);
    expect(parseWatts(' 27.50 ')).toBe(27.5);
    expect(parseWatts('[N/A]')).toBeNull();
    expect(parseWatts('[Not Supported]')).toBeNull();
    expect(parseWatts('N/A')).toBeNull();
  });

  it('reads timestamps as local time with milliseconds', () => {
    expect(parseTimestamp('2024/01/15 10:23:45.123')).toBe(new Date(2024, 0, 15, 10, 23, 45, 123).getTime());
    expect(parseTimestamp('Mon Jan 15 2024')).toBeNaN();
  });

  it('drops the header and blank lines of a --format=csv answer for several GPUs', () => {
    const text = 'index, name, power.draw [W]\n0, NVIDIA A100-SXM4-40GB, 65.00 W\n1, NVIDIA GeForce RTX 3060 Laptop GPU, [N/A]\n\n';
    expect(csvRows(text, 'index')).toEqual([
      ['0', 'NVIDIA A100-SXM4-40GB', '65.00 W'],
      ['1', 'NVIDIA GeForce RTX 3060 Laptop GPU', '[N/A]'],
    ]);
  });

  it('integrates power samples with trapezoids, exactly inside a segment', () => {
    const t = new PowerTrack();
    t.add(0, 100);
    t.add(1000, 200);
    t.add(2000, 200);
    expect(t.at(2000)!.joules - t.at(0)!.joules).toBeCloseTo(350, 9);
    // power rises linearly 150 -> 200 W over 0.5 s, then holds 200 W for 0.5 s
    expect(t.at(1500)!.joules - t.at(500)!.joules).toBeCloseTo(87.5 + 100, 9);
    // outside the samples the nearest power is extrapolated, and says by how much
    expect(t.at(3000)).toEqual({ joules: 350 + 200, extrapolatedMs: 1000 });
  });

  it('records pauses between samples far longer than the interval', () => {
    const t = new PowerTrack(400);
    t.add(0, 50);
    t.add(100, 50);
    t.add(5100, 50);
    expect(t.gaps).toEqual([[100, 5100]]);
    expect(t.at(5100)!.joules).toBeCloseTo(255, 9);
    t.trimBefore(5100);
    expect(t.gaps).toEqual([]);
  });
});

describe('probing GPUs through nvidia-smi', () => {
  it('lists every GPU and which of them report power', async () => {
    const probe = await probeGpus(NVIDIA_SMI_STUB);
    expect(probe).toEqual({
      ok: true,
      gpus: [
        { index: 0, name: 'NVIDIA A100-SXM4-40GB', watts: 65 },
        { index: 1, name: 'NVIDIA GeForce RTX 3060 Laptop GPU', watts: null },
        { index: 2, name: 'Tesla T4', watts: 27.5 },
      ],
    });
  });

  it('says nvidia-smi is missing when it is not installed', async () => {
    const probe = await probeGpus('/nonexistent/nvidia-smi');
    expect(!probe.ok && probe.reason).toMatch(/not found \(no NVIDIA driver installed, or nvidia-smi is not on PATH\)/);
  });

  it("passes on nvidia-smi's own message when the driver cannot be reached", async () => {
    process.env.NVIDIA_SMI_STUB_FAIL = '1';
    const probe = await probeGpus(NVIDIA_SMI_STUB);
    expect(!probe.ok && probe.reason).toMatch(/failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/);
  });
});

describe('sampling GPU power', () => {
  it('integrates the power of the GPUs that report it over a span of wall time', async () => {
    const gpus = [
      { index: 0, name: 'NVIDIA A100-SXM4-40GB', watts: 65 },
      { index: 2, name: 'Tesla T4', watts: 27.5 },
    ];
    const sampler = new NvidiaPowerSampler(NVIDIA_SMI_STUB, gpus, 100);
    try {
      await sampler.whenCovered(Date.now(), 5000);
      const from = Date.now();
      await new Promise((r) => setTimeout(r, 600));
      const to = Date.now();
      await sampler.whenCovered(to, 5000);
      const energy = sampler.energyBetween(from, to);
      // constant power, so the integral is exact: (65 + 27.5) W × the span
      expect(energy.joules).toBeCloseTo((92.5 * (to - from)) / 1000, 6);
      expect(energy.samples).toBeGreaterThanOrEqual(4);
      expect(sampler.describe()).toBe('nvidia-smi power.draw every 100 ms, GPU 0 NVIDIA A100-SXM4-40GB + GPU 2 Tesla T4');
    } finally {
      sampler.dispose();
    }
  });

  it("integrates samples at nvidia-smi's timestamps, not when they were read", async () => {
    // 100 W for a second, then 0 W for a second, sampled every 100 ms, all delivered at once
    // afterwards, as when a synchronous cell kept the kernel from reading the pipe
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const stamp = (ms: number) => {
      const d = new Date(ms);
      return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    };
    const t0 = Date.now() - 5000;
    const lines = Array.from({ length: 21 }, (_, i) => `${stamp(t0 + i * 100)}, 0, ${i <= 10 ? '100.00' : '0.00'} W`);
    const dir = mkdtempSync(join(tmpdir(), 'mlsys-smi-'));
    writeFileSync(join(dir, 'queued.csv'), lines.join('\n') + '\n');
    process.env.NVIDIA_SMI_STUB_REPLAY = join(dir, 'queued.csv');
    const sampler = new NvidiaPowerSampler(NVIDIA_SMI_STUB, [{ index: 0, name: 'NVIDIA A100-SXM4-40GB', watts: 100 }], 100);
    try {
      await sampler.whenCovered(t0 + 2000, 5000);
      // 1 s at 100 W, then the 100 -> 0 W ramp of one sample interval (5 J)
      expect(sampler.energyBetween(t0, t0 + 2000).joules).toBeCloseTo(105, 6);
      expect(sampler.energyBetween(t0 + 1100, t0 + 2000).joules).toBeCloseTo(0, 6);
      expect(sampler.energyBetween(t0 + 250, t0 + 750).joules).toBeCloseTo(50, 6);
    } finally {
      sampler.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports when nvidia-smi stops during a span', async () => {
    process.env.NVIDIA_SMI_STUB_EXIT_AFTER_MS = '300';
    const sampler = new NvidiaPowerSampler(NVIDIA_SMI_STUB, [{ index: 0, name: 'NVIDIA A100-SXM4-40GB', watts: 65 }], 100);
    try {
      await sampler.whenCovered(Date.now() + 10_000, 5000);
      expect(sampler.stopped).toMatch(/stopped \(exit code 1\)/);
      expect(sampler.energyBetween(Date.now() - 1000, Date.now()).warnings.join(' ')).toMatch(/stopped/);
    } finally {
      sampler.dispose();
    }
  });
});
