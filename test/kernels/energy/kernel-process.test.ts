/**
 * Energy accounting through a real kernel process (out/main/kernel.js): every execute_reply
 * carries the cell's energy report, and cells can call lab.energy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultText, startTestKernel, type TestKernel } from '../../helpers/kernel';
import { NVIDIA_SMI_STUB, writePowercap } from './powercap-fixture';

const saved = { ...process.env };
let measured: TestKernel;
let estimated: TestKernel;
let powercap: { root: string; dispose(): void };
let labDir: string;

beforeAll(async () => {
  powercap = writePowercap('powercap-laptop');
  labDir = mkdtempSync(join(tmpdir(), 'mlsys-energy-lab-'));
  // the kernel inherits these at start: RAPL from the fixture, nvidia-smi from the stub
  Object.assign(process.env, { MLSYS_LAB_POWERCAP_ROOT: powercap.root, MLSYS_LAB_NVIDIA_SMI: NVIDIA_SMI_STUB });
  measured = await startTestKernel({ notebook: join(labDir, 'lab-7', 'energy.ipynb'), energy: () => ({ gridIntensity: 100, cpuWattsPerCore: null }) });
  Object.assign(process.env, { MLSYS_LAB_POWERCAP_ROOT: join(labDir, 'no-powercap'), MLSYS_LAB_NVIDIA_SMI: join(labDir, 'no-nvidia-smi') });
  estimated = await startTestKernel({ energy: () => ({ gridIntensity: 480, cpuWattsPerCore: 10 }) });
  process.env = { ...saved };
}, 90_000);

afterAll(async () => {
  await measured?.dispose();
  await estimated?.dispose();
  powercap?.dispose();
  rmSync(labDir, { recursive: true, force: true });
  process.env = { ...saved };
});

describe('energy in a real kernel', () => {
  it('reports a cell measured by RAPL and nvidia-smi as measured, at the grid intensity of the settings', async () => {
    // let the GPU probe finish and sampling start, then raise the package counter by 2.5 J inside the cell
    await measured.run('await new Promise((r) => setTimeout(r, 1500))');
    const file = JSON.stringify(join(powercap.root, 'intel-rapl:0', 'energy_uj'));
    const run = await measured.run(`import { writeFileSync } from 'node:fs';\nawait new Promise((r) => setTimeout(r, 400));\nwriteFileSync(${file}, String(4000000 + 2500000));`);
    expect(run.reply.evalue ?? '').toBe('');
    expect(run.reply.status).toBe('ok');
    const energy = run.reply.metrics!.energy!;
    const cpu = energy.components.find((c) => c.component === 'cpu')!;
    const gpu = energy.components.find((c) => c.component === 'gpu')!;
    expect(cpu).toMatchObject({ source: 'measured', joules: 2.5, method: 'RAPL package-0', scope: 'machine' });
    expect(gpu.source).toBe('measured');
    // the stub's GPUs draw 65 W + 27.5 W (its third board reports [N/A] and is left out)
    expect(gpu.joules / energy.wallSeconds).toBeGreaterThan(92.5 * 0.9);
    expect(gpu.joules / energy.wallSeconds).toBeLessThan(92.5 * 1.1);
    expect(energy.energy.source).toBe('measured');
    expect(energy.carbon).toEqual({ grams: (energy.energy.joules / 3.6e6) * 100, source: 'measured', gridIntensity: 100 });
    expect(energy.short).not.toMatch(/≈|est/);
  });

  it("estimates a cell's CPU energy from its CPU time where no counter can be read, and says so", async () => {
    const run = await estimated.run('const until = process.cpuUsage().user + 300_000; let x = 0; while (process.cpuUsage().user < until) for (let i = 0; i < 1e4; i++) x += Math.sqrt(x + i); x > 0');
    const m = run.reply.metrics!;
    const energy = m.energy!;
    expect(energy.components.map((c) => `${c.component}:${c.source}`)).toEqual(['cpu:estimated']);
    expect(energy.energy.joules).toBeCloseTo(energy.cpuSeconds * 10, 9);
    expect(energy.cpuSeconds).toBeGreaterThan(0.2);
    expect(Math.abs(energy.cpuSeconds * 1000 - m.cpu_ms)).toBeLessThan(0.25 * m.cpu_ms + 20);
    expect(energy.short).toMatch(/^≈.* J est\. · ≈.* CO2e$/);
    expect(energy.text).toMatch(/estimated/);
  });

  it('gives cells lab.energy.measure, which returns the value with the time, energy and carbon of the block', async () => {
    const run = await estimated.run(
      'const m = await lab.energy.measure(async () => { const until = process.cpuUsage().user + 100_000; while (process.cpuUsage().user < until); return 7; });\n' +
        '[m.result, m.energy.source, m.cpuSeconds > 0.05, m.energy.joules === m.cpuSeconds * 10, m.carbon.gridIntensity].join(" ")',
    );
    expect(resultText(run)).toBe("'7 estimated true true 480'");
  });

  it('keeps totals of the notebook session and of the lab', async () => {
    const run = await measured.run('const t = lab.energy.totals(); [t.session.count, t.lab?.count, t.session.energy.source, lab.energy.sources().cpu.method].join(" ")');
    expect(resultText(run)).toBe("'2 2 measured RAPL package-0'");
  });
});
