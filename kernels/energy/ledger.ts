/**
 * Running totals of energy reports, per notebook session and per lab. Measured and estimated
 * joules are summed apart, so a total can say how much of it is an estimate; its carbon is the
 * sum of each report's carbon, at the grid intensity that report was made with.
 */
import { formatCarbon, formatEnergy, formatSeconds } from './figure';
import type { EnergyReport, EnergyTotals } from './types';

interface Sum {
  count: number;
  wallSeconds: number;
  cpuSeconds: number;
  measuredJoules: number;
  estimatedJoules: number;
  grams: number;
  gramsFromEstimates: number;
}

const empty = (): Sum => ({ count: 0, wallSeconds: 0, cpuSeconds: 0, measuredJoules: 0, estimatedJoules: 0, grams: 0, gramsFromEstimates: 0 });

function add(sum: Sum, report: EnergyReport): void {
  sum.count += 1;
  sum.wallSeconds += report.wallSeconds;
  sum.cpuSeconds += report.cpuSeconds;
  for (const c of report.components) {
    if (c.source === 'measured') sum.measuredJoules += c.joules;
    else sum.estimatedJoules += c.joules;
  }
  sum.grams += report.carbon.grams;
  if (report.carbon.source === 'estimated') sum.gramsFromEstimates += report.carbon.grams;
}

export function totalsOf(sum: Sum): EnergyTotals {
  const joules = sum.measuredJoules + sum.estimatedJoules;
  const source = sum.estimatedJoules > 0 || sum.gramsFromEstimates > 0 ? 'estimated' : 'measured';
  const energy = { joules, source } as const;
  // The intensity the sum amounts to, so the figure stays self-consistent when it changed midway.
  const gridIntensity = joules > 0 ? (sum.grams / joules) * 3.6e6 : 0;
  const carbon = { grams: sum.grams, source, gridIntensity } as const;
  const part = sum.estimatedJoules > 0 && sum.measuredJoules > 0 ? ` (${Math.round((100 * sum.estimatedJoules) / joules)}% of it estimated)` : '';
  const text = `${sum.count} run${sum.count === 1 ? '' : 's'} · ${formatSeconds(sum.wallSeconds)} · ${formatEnergy(energy)}${part} · ${formatCarbon(carbon)}`;
  return {
    count: sum.count,
    wallSeconds: sum.wallSeconds,
    cpuSeconds: sum.cpuSeconds,
    measuredJoules: sum.measuredJoules,
    estimatedJoules: sum.estimatedJoules,
    energy,
    carbon,
    text,
  };
}

export interface LedgerKeys {
  /** The notebook session (one kernel's life for one notebook). */
  session?: string;
  /** The lab the notebook belongs to. */
  lab?: string;
}

export class EnergyLedger {
  private readonly sessions = new Map<string, Sum>();
  private readonly labs = new Map<string, Sum>();

  add(report: EnergyReport, keys: LedgerKeys): void {
    if (keys.session !== undefined) add(this.bucket(this.sessions, keys.session), report);
    if (keys.lab !== undefined) add(this.bucket(this.labs, keys.lab), report);
  }

  private bucket(map: Map<string, Sum>, key: string): Sum {
    let sum = map.get(key);
    if (!sum) map.set(key, (sum = empty()));
    return sum;
  }

  session(id: string): EnergyTotals {
    return totalsOf(this.sessions.get(id) ?? empty());
  }

  lab(id: string): EnergyTotals {
    return totalsOf(this.labs.get(id) ?? empty());
  }
}
