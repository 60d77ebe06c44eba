/**
 * Watts per busy CPU core, for estimating energy from CPU time where no counter can be read.
 *
 * Each row is a CPU family matched on the model name the OS reports, with the figure of a
 * representative part: its vendor TDP divided by its core count (the "TDP per core" of Green
 * Algorithms, Lannelongue et al., Advanced Science 2021, whose data/TDP_cpu.csv lists the parts
 * marked GA). TDP is a sustained-load design figure, so the estimate is an upper-middle value for
 * a fully busy core; idle cores, turbo above TDP, memory and the rest of the machine are not in
 * it. The `energy.cpuWattsPerCore` setting replaces the table.
 */
import { cpus } from 'node:os';

export interface CpuPowerRow {
  family: string;
  /** Tested against the model name, e.g. "AMD EPYC 7763 64-Core Processor". */
  pattern: RegExp;
  wattsPerCore: number;
  /** The part and arithmetic the figure comes from. */
  basis: string;
}

/** First match wins, so specific rows come before general ones. */
export const CPU_POWER_TABLE: readonly CpuPowerRow[] = Object.freeze([
  { family: 'Intel Xeon', pattern: /\bXeon\b/i, wattsPerCore: 7.5, basis: 'Xeon Gold 6248: 150 W / 20 cores (Intel ARK; GA)' },
  { family: 'AMD EPYC', pattern: /\bEPYC\b/i, wattsPerCore: 4.2, basis: 'EPYC 7552: 200 W / 48 cores (AMD EPYC 7002 datasheet; GA)' },
  { family: 'AMD Ryzen Threadripper', pattern: /\bThreadripper\b/i, wattsPerCore: 4.4, basis: 'Threadripper 3990X: 280 W / 64 cores (GA)' },
  {
    family: 'AMD Ryzen, laptop',
    pattern: /\bRyzen\b.*\d{4}(U|H|HS|HX)\b/i,
    wattsPerCore: 3.8,
    basis: 'Ryzen 5 3500U: 15 W / 4 cores (GA)',
  },
  { family: 'AMD Ryzen, desktop', pattern: /\bRyzen\b/i, wattsPerCore: 10.8, basis: 'Ryzen 5 3600: 65 W / 6 cores (GA)' },
  {
    family: 'Intel Core, laptop H',
    pattern: /\bCore\b.*\bi[3579]-\d{4,5}(H|HK|HX)\b/i,
    wattsPerCore: 7.5,
    basis: 'Core i7-10750H: 45 W / 6 cores (Intel ARK)',
  },
  {
    family: 'Intel Core, laptop',
    pattern: /\bCore\b.*(\bi[3579]-\d{4,5}(U|Y|P|G\d)\b|\bUltra\b)/i,
    wattsPerCore: 3.8,
    basis: 'Core i7-8565U: 15 W / 4 cores (Intel ARK)',
  },
  { family: 'Intel Core, desktop', pattern: /\bCore\b/i, wattsPerCore: 10.8, basis: 'Core i5-10400: 65 W / 6 cores (GA)' },
  {
    family: 'Apple silicon',
    pattern: /^Apple M\d/i,
    wattsPerCore: 4.9,
    basis: 'Mac mini (M1, 2020): 39 W maximum for the whole computer / 8 cores (Apple, "Mac mini power consumption and thermal output"); no TDP is published',
  },
  { family: 'Ampere Altra', pattern: /\bAltra\b|\bNeoverse\b/i, wattsPerCore: 2.6, basis: 'Altra Q80-30: 210 W / 80 cores (Ampere product brief)' },
].map((r) => Object.freeze(r)));

/** Green Algorithms' figure for an unknown CPU ("Any" in data/TDP_cpu.csv). */
export const DEFAULT_WATTS_PER_CORE = 12;

export interface CpuPower {
  wattsPerCore: number;
  /** 'setting' when energy.cpuWattsPerCore overrides the table. */
  from: 'setting' | 'table' | 'default';
  family: string;
  model: string;
  /** A sentence for the report: "12 W per busy core (table: AMD EPYC; EPYC 7552: 200 W / 48 cores ...)". */
  basis: string;
}

/** The CPU model name, from os.cpus() (which reads /proc/cpuinfo "model name" on Linux). */
export function cpuModelName(): string {
  return cpus()[0]?.model?.trim() || 'unknown CPU';
}

export function cpuPower(options: { model?: string; setting?: number | null } = {}): CpuPower {
  const model = options.model ?? cpuModelName();
  if (options.setting !== undefined && options.setting !== null) {
    if (!Number.isFinite(options.setting) || options.setting <= 0 || options.setting > 500) {
      throw new RangeError(`energy.cpuWattsPerCore must be null or watts per core from 0 to 500, got ${options.setting}`);
    }
    return {
      wattsPerCore: options.setting,
      from: 'setting',
      family: 'set by you',
      model,
      basis: `${options.setting} W per busy core (setting energy.cpuWattsPerCore)`,
    };
  }
  const row = CPU_POWER_TABLE.find((r) => r.pattern.test(model));
  if (row) {
    return {
      wattsPerCore: row.wattsPerCore,
      from: 'table',
      family: row.family,
      model,
      basis: `${row.wattsPerCore} W per busy core (table: ${row.family}; ${row.basis})`,
    };
  }
  return {
    wattsPerCore: DEFAULT_WATTS_PER_CORE,
    from: 'default',
    family: 'unknown',
    model,
    basis: `${DEFAULT_WATTS_PER_CORE} W per busy core (no table row for "${model}"; Green Algorithms' figure for any CPU)`,
  };
}
