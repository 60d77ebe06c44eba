import { afterEach, describe, expect, it } from 'vitest';
import { findPackageZones, nodePowercapFs, RaplCounter, type PowercapFs } from '../../../kernels/energy/rapl';
import { makeUnreadable, setCounter, writePowercap } from './powercap-fixture';

const MAX = 262143328850;
let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
});

function fixture(layout: 'powercap-server' | 'powercap-laptop'): string {
  const f = writePowercap(layout);
  cleanup.push(f.dispose);
  return f.root;
}

function open(root: string, options: { fs?: PowercapFs; clock?: () => number } = {}): RaplCounter {
  const opened = RaplCounter.open({ root, ...options });
  if (!opened.ok) throw new Error(opened.reason);
  return opened.counter;
}

describe('RAPL reader', () => {
  it('finds the package zones and leaves out core, dram, psys and MMIO repeats of a package', () => {
    expect(findPackageZones(fixture('powercap-server'), nodePowercapFs).zones.map((z) => `${z.id}=${z.name}`)).toEqual([
      'intel-rapl:0=package-0',
      'intel-rapl:1=package-1',
    ]);
    expect(findPackageZones(fixture('powercap-laptop'), nodePowercapFs).zones.map((z) => z.name)).toEqual(['package-0']);
  });

  it('uses an MMIO package zone when the MSR interface does not report that package', () => {
    const root = fixture('powercap-server');
    const fs: PowercapFs = {
      readdir: (p) => nodePowercapFs.readdir(p).filter((e) => !e.startsWith('intel-rapl:0')),
      readFile: nodePowercapFs.readFile,
    };
    expect(findPackageZones(root, fs).zones.map((z) => z.id)).toEqual(['intel-rapl-mmio:0', 'intel-rapl:1']);
  });

  it('sums the energy of both packages between polls, in joules', () => {
    const root = fixture('powercap-server');
    const counter = open(root);
    expect(counter.describe()).toBe('RAPL package-0 + package-1');
    setCounter(root, 'intel-rapl:0', 262143000000 + 2_500_000);
    setCounter(root, 'intel-rapl:1', 5000000 + 1_000_000);
    expect(counter.poll()).toBeCloseTo(3.5, 9);
  });

  it('counts across a wrap-around of the counter at max_energy_range_uj', () => {
    const root = fixture('powercap-server');
    const counter = open(root);
    // package-0 starts 328850 uJ below its maximum and wraps to 1671150: 2 J in all.
    setCounter(root, 'intel-rapl:0', 2_000_000 - (MAX - 262143000000));
    expect(counter.poll()).toBeCloseTo(2, 9);
    setCounter(root, 'intel-rapl:0', 1671150 + 4_000_000);
    expect(counter.poll()).toBeCloseTo(6, 9);
  });

  it('refuses a counter that cannot be read, naming the file (a directory in place of energy_uj)', () => {
    const root = fixture('powercap-server');
    makeUnreadable(root, 'intel-rapl:1');
    const opened = RaplCounter.open({ root });
    expect(opened.ok).toBe(false);
    expect(!opened.ok && opened.reason).toMatch(/intel-rapl:1\/energy_uj: EISDIR/);
  });

  it('explains EACCES: since Linux 5.10 only root may read the counters', () => {
    const root = fixture('powercap-laptop');
    const fs: PowercapFs = {
      readdir: nodePowercapFs.readdir,
      readFile: (path) => {
        if (path.endsWith('energy_uj')) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
        return nodePowercapFs.readFile(path);
      },
    };
    const opened = RaplCounter.open({ root, fs });
    expect(!opened.ok && opened.reason).toMatch(/intel-rapl:0\/energy_uj: EACCES \(since Linux 5\.10 only root may read RAPL counters\)/);
  });

  it('says when there is no powercap directory at all', () => {
    const opened = RaplCounter.open({ root: '/nonexistent/powercap' });
    expect(!opened.ok && opened.reason).toMatch(/\/nonexistent\/powercap: ENOENT/);
  });

  it('throws from poll when a counter stops being readable', () => {
    const root = fixture('powercap-laptop');
    const counter = open(root);
    makeUnreadable(root, 'intel-rapl:0');
    expect(() => counter.poll()).toThrow(/intel-rapl:0\/energy_uj: EISDIR/);
  });

  it('warns when polls are further apart than the time a counter needs to wrap', () => {
    const root = fixture('powercap-laptop');
    let now = 1_000_000;
    const counter = open(root, { clock: () => now });
    // 262143 J at 500 W wraps in about 524 s
    expect(Math.round(counter.wrapPeriodMs / 1000)).toBe(524);
    now += 60_000;
    counter.poll();
    expect(counter.warningsBetween(0, now)).toEqual([]);
    now += 600_000;
    counter.poll();
    expect(counter.warningsBetween(now - 1, now)[0]).toMatch(/not read for 600 s, longer than their wrap period at 500 W \(524 s\)/);
  });
});
