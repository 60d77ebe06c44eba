/**
 * CPU package energy from Linux's powercap interface to Intel RAPL (also used for AMD Zen):
 * /sys/class/powercap/intel-rapl:N/energy_uj is a microjoule counter per package that wraps to
 * 0 after max_energy_range_uj. Sub-zones (intel-rapl:N:M: core, uncore, dram) are parts of a
 * package or outside it and are not added; intel-rapl-mmio:N repeats a package the MSR
 * interface already reports and is used only when that one is missing.
 *
 * Since November 2020 (Linux 5.10 and stable backports) energy_uj is readable by root only
 * (CVE-2020-8694, the PLATYPUS power side channel), so an ordinary user usually gets EACCES and
 * the meter falls back to an estimate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_POWERCAP_ROOT = '/sys/class/powercap';

/** The file operations the reader needs, injectable for tests. */
export interface PowercapFs {
  readdir(path: string): string[];
  readFile(path: string): string;
}

export const nodePowercapFs: PowercapFs = {
  readdir: (path) => readdirSync(path),
  readFile: (path) => readFileSync(path, 'utf8'),
};

export interface RaplZone {
  /** Directory name, e.g. "intel-rapl:0". */
  id: string;
  /** Contents of `name`, e.g. "package-0". */
  name: string;
  energyFile: string;
  maxRangeUj: number;
}

export type RaplOpenResult = { ok: true; counter: RaplCounter } | { ok: false; reason: string };

/**
 * A power per package above which a wrap between two polls could go unseen. Server packages
 * draw up to a few hundred watts; 500 W leaves room without making every long gap suspect.
 */
const MAX_PLAUSIBLE_PACKAGE_WATTS = 500;

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}${e.code === 'EACCES' ? ' (since Linux 5.10 only root may read RAPL counters)' : ''}` : String(e.message ?? err);
}

function readNumber(fs: PowercapFs, file: string): number {
  const text = fs.readFile(file).trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new Error(`${file} holds "${text.slice(0, 40)}", not a counter value`);
  return value;
}

/** Package zones under `root`, MSR ones preferred over MMIO duplicates of the same package. */
export function findPackageZones(root: string, fs: PowercapFs): { zones: RaplZone[]; problems: string[] } {
  const problems: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdir(root);
  } catch (err) {
    return { zones: [], problems: [`${root}: ${errorText(err)}`] };
  }
  const candidates: (RaplZone & { mmio: boolean })[] = [];
  for (const id of entries.filter((e) => /-rapl(-mmio)?:\d+$/.test(e)).sort()) {
    const dir = join(root, id);
    let name: string;
    try {
      name = fs.readFile(join(dir, 'name')).trim();
    } catch (err) {
      problems.push(`${join(dir, 'name')}: ${errorText(err)}`);
      continue;
    }
    if (!name.startsWith('package')) continue;
    try {
      const maxRangeUj = readNumber(fs, join(dir, 'max_energy_range_uj'));
      candidates.push({ id, name, energyFile: join(dir, 'energy_uj'), maxRangeUj, mmio: id.includes('-mmio') });
    } catch (err) {
      problems.push(`${join(dir, 'max_energy_range_uj')}: ${errorText(err)}`);
    }
  }
  const msrNames = new Set(candidates.filter((c) => !c.mmio).map((c) => c.name));
  const zones = candidates.filter((c) => !c.mmio || !msrNames.has(c.name)).map(({ mmio: _mmio, ...zone }) => zone);
  return { zones, problems };
}

/**
 * Cumulative package energy since the counter was opened, summed over packages, with each
 * package's wrap-around handled. Poll it at least once per wrap period (minutes at full load),
 * which the meter's timer does; a longer gap is reported in `warnings`.
 */
export class RaplCounter {
  private last: number[];
  private cumulativeUj = 0;
  private lastPollMs: number;
  /** Shortest time in which any package could wrap at MAX_PLAUSIBLE_PACKAGE_WATTS. */
  readonly wrapPeriodMs: number;
  private warnings: { atMs: number; text: string }[] = [];

  private constructor(
    readonly zones: readonly RaplZone[],
    private readonly fs: PowercapFs,
    private readonly clock: () => number,
    first: number[],
  ) {
    this.last = first;
    this.lastPollMs = clock();
    this.wrapPeriodMs = Math.min(...zones.map((z) => (z.maxRangeUj / 1e6 / MAX_PLAUSIBLE_PACKAGE_WATTS) * 1000));
  }

  static open(options: { root?: string; fs?: PowercapFs; clock?: () => number } = {}): RaplOpenResult {
    const root = options.root ?? DEFAULT_POWERCAP_ROOT;
    const fs = options.fs ?? nodePowercapFs;
    const { zones, problems } = findPackageZones(root, fs);
    if (zones.length === 0) {
      return { ok: false, reason: problems.length ? `no readable RAPL package zone: ${problems.join('; ')}` : `no RAPL package zone under ${root}` };
    }
    const first: number[] = [];
    for (const zone of zones) {
      try {
        first.push(readNumber(fs, zone.energyFile));
      } catch (err) {
        // One unreadable package would make the sum wrong, so the whole source is refused.
        return { ok: false, reason: `${zone.energyFile}: ${errorText(err)}` };
      }
    }
    return { ok: true, counter: new RaplCounter(zones, fs, options.clock ?? Date.now, first) };
  }

  /** "RAPL package-0 + package-1". */
  describe(): string {
    return `RAPL ${this.zones.map((z) => z.name).join(' + ')}`;
  }

  /** Reads every package and returns cumulative joules since open. Throws when a counter cannot be read. */
  poll(): number {
    const now = this.clock();
    const values = this.zones.map((zone) => {
      try {
        return readNumber(this.fs, zone.energyFile);
      } catch (err) {
        throw new Error(`${zone.energyFile}: ${errorText(err)}`);
      }
    });
    if (now - this.lastPollMs > this.wrapPeriodMs) {
      this.warnings.push({
        atMs: now,
        text: `RAPL counters were not read for ${Math.round((now - this.lastPollMs) / 1000)} s, longer than their wrap period at ` +
          `${MAX_PLAUSIBLE_PACKAGE_WATTS} W (${Math.round(this.wrapPeriodMs / 1000)} s): a wrap may have been missed and the figure may be low`,
      });
      if (this.warnings.length > 100) this.warnings.shift();
    }
    values.forEach((value, i) => {
      const previous = this.last[i];
      const delta = value >= previous ? value - previous : this.zones[i].maxRangeUj - previous + value;
      this.cumulativeUj += delta;
    });
    this.last = values;
    this.lastPollMs = now;
    return this.cumulativeUj / 1e6;
  }

  /** Warnings raised by polls made within [fromMs, toMs]. */
  warningsBetween(fromMs: number, toMs: number): string[] {
    return this.warnings.filter((w) => w.atMs >= fromMs && w.atMs <= toMs).map((w) => w.text);
  }
}
