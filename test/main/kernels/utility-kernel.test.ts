/**
 * The kernel as the Electron app starts it: a utility process talking over process.parentPort,
 * adapted by main/kernels/utility-process.ts. Electron is not installed here, so the utility process
 * is a plain-Node stand-in that behaves as Electron documents one (test/helpers); what only the real
 * Electron can show is listed in the README's kernel section.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultKernelEntry } from '../../../main/kernels';
import type { KernelLauncher } from '../../../main/kernels/kernel-launcher';
import { adaptUtilityProcess, utilityForkOptions } from '../../../main/kernels/utility-process';
import { projectRoot } from '../../../main/paths';
import { bundleChild } from '../../helpers/bundle-child';
import { resultText, startTestKernel, type TestKernel } from '../../helpers/kernel';
import { forkUtilityStandIn } from '../../helpers/utility-process-stand-in';

const utilityLauncher: KernelLauncher = { launch: (o) => adaptUtilityProcess(forkUtilityStandIn(o.entry, utilityForkOptions(o))) };

describe('a kernel started as a utility process', () => {
  let k: TestKernel;
  beforeAll(async () => {
    k = await startTestKernel({ launcher: utilityLauncher });
  }, 60_000);
  afterAll(() => k?.dispose());

  it('runs cells over parentPort, typed arrays included, and streams their output', async () => {
    const run = await k.run('const xs = new Float32Array([1, 2, 3]); console.log("over parentPort"); xs.length');
    expect(run.streams).toEqual(['stdout:over parentPort\n']);
    expect(resultText(run)).toBe('3');
    expect(k.session.status().pid).toBeGreaterThan(0);
  });

  it('is interrupted through its watchdog and keeps its variables', async () => {
    const cell = k.start('while (true) {}');
    await new Promise((r) => setTimeout(r, 300));
    expect(await k.session.interrupt()).toBe('terminated');
    expect((await cell.done).reply.ename).toBe('KeyboardInterrupt');
    expect(resultText(await k.run('xs[2]'))).toBe('3');
  });

  it('is reported dead with its exit code, and restart gives a fresh one', async () => {
    const run = await k.run('process.exit(7)');
    expect(run.reply.ename).toBe('KernelDied');
    expect(k.session.status().reason).toContain('code 7');
    await k.session.restart();
    expect(resultText(await k.run('typeof xs'))).toBe("'undefined'");
  });
});

describe.skipIf(process.platform !== 'linux')('utility-process kernel lifetime', () => {
  let parent: string;
  beforeAll(async () => {
    parent = await bundleChild(join(import.meta.dirname, 'children', 'utility-parent.ts'), {
      // the bundle lives in .cache/test; the stand-in finds its shim next to its own source
      define: { 'import.meta.dirname': JSON.stringify(join(projectRoot(), 'test', 'helpers')) },
    });
  });
  afterAll(() => rmSync(parent, { force: true }));

  it('dies with the app even though parentPort never tells it that main is gone', async () => {
    const app = spawn(process.execPath, [parent, defaultKernelEntry()], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      app.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /kernel (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      app.on('exit', (code) => reject(new Error(`the stand-in app exited early (code ${code})`)));
    });
    const alive = () => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    expect(alive()).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    app.kill('SIGKILL');
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      gone = !alive();
    }
    expect(gone).toBe(true);
  }, 60_000);
});
