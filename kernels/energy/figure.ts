/**
 * The only places energy figures are made, summed and written as text. Keeping the rules here is
 * what keeps an estimate from ever being shown as a measurement: a sum with any estimated part
 * is estimated, and the text of an estimate always carries "≈" and the word "estimated".
 */
import type {
  CarbonFigure,
  ComponentEnergy,
  EnergyComponent,
  EnergyReport,
  EnergyScope,
  EnergySource,
  EnergyTotal,
  EstimatedComponentEnergy,
  MeasuredComponentEnergy,
} from './types';
import { carbonGrams } from './carbon';

function checkJoules(joules: number, what: string): number {
  if (!Number.isFinite(joules) || joules < 0) throw new RangeError(`${what}: energy must be a finite number of joules >= 0, got ${joules}`);
  return joules;
}

export function measuredEnergy(
  component: EnergyComponent,
  joules: number,
  method: string,
  options: { scope?: EnergyScope; warnings?: string[] } = {},
): MeasuredComponentEnergy {
  return Object.freeze({
    component,
    joules: checkJoules(joules, `measured ${component}`),
    source: 'measured' as const,
    method,
    scope: options.scope ?? 'machine',
    warnings: Object.freeze([...(options.warnings ?? [])]) as string[],
  });
}

export function estimatedEnergy(
  component: EnergyComponent,
  joules: number,
  method: string,
  basis: string,
  options: { scope?: EnergyScope; warnings?: string[] } = {},
): EstimatedComponentEnergy {
  if (!basis) throw new TypeError(`estimated ${component}: an estimate must state its basis`);
  return Object.freeze({
    component,
    joules: checkJoules(joules, `estimated ${component}`),
    source: 'estimated' as const,
    method,
    basis,
    scope: options.scope ?? 'process',
    warnings: Object.freeze([...(options.warnings ?? [])]) as string[],
  });
}

/** 'measured' only when every source is; nothing at all counts as measured zero. */
export function combinedSource(sources: Iterable<EnergySource>): EnergySource {
  for (const s of sources) if (s !== 'measured') return 'estimated';
  return 'measured';
}

export function totalOf(components: readonly ComponentEnergy[]): EnergyTotal {
  return {
    joules: components.reduce((sum, c) => sum + c.joules, 0),
    source: combinedSource(components.map((c) => c.source)),
  };
}

export function carbonOf(energy: EnergyTotal, gridIntensity: number): CarbonFigure {
  return { grams: carbonGrams(energy.joules, gridIntensity), source: energy.source, gridIntensity };
}

function significant(value: number, digits = 3): string {
  if (value === 0) return '0';
  if (value >= 10 ** digits) return Math.round(value).toString();
  return Number(value.toPrecision(digits)).toString();
}

/** 0.5 mJ, 850 mJ, 12.3 J, 4.56 kJ, 1.23 MJ. */
export function formatJoules(joules: number): string {
  const units: [number, string][] = [[1e6, 'MJ'], [1e3, 'kJ'], [1, 'J'], [1e-3, 'mJ']];
  for (const [scale, unit] of units) {
    if (joules >= scale) return `${significant(joules / scale)} ${unit}`;
  }
  return `${significant(joules * 1e3)} mJ`;
}

/** 0.4 mg, 12 mg, 1.5 g, 2.3 kg CO2e. */
export function formatGrams(grams: number): string {
  if (grams >= 1000) return `${significant(grams / 1000)} kg CO2e`;
  if (grams >= 1) return `${significant(grams)} g CO2e`;
  return `${significant(grams * 1000)} mg CO2e`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${significant(seconds * 1000)} ms`;
  if (seconds < 120) return `${significant(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

/** An energy amount as text that cannot be mistaken for a measurement when it is not one. */
export function formatEnergy(figure: { joules: number; source: EnergySource }): string {
  return figure.source === 'measured' ? `${formatJoules(figure.joules)} measured` : `≈${formatJoules(figure.joules)} estimated`;
}

export function formatCarbon(figure: CarbonFigure): string {
  return figure.source === 'measured' ? formatGrams(figure.grams) : `≈${formatGrams(figure.grams)}`;
}

function describeComponent(c: ComponentEnergy): string {
  const name = c.component.toUpperCase();
  return c.source === 'measured' ? `${name} ${formatJoules(c.joules)} measured` : `${name} ≈${formatJoules(c.joules)} estimated`;
}

/**
 * "1.2 s · CPU 0.98 s · ≈11.8 J estimated (CPU ≈11.8 J estimated) · ≈1.57 mg CO2e at 480 g/kWh".
 * Components are listed when there is more than one.
 */
export function formatReport(report: Omit<EnergyReport, 'text' | 'short'>): string {
  const parts = [formatSeconds(report.wallSeconds), `CPU ${formatSeconds(report.cpuSeconds)}`, formatEnergy(report.energy)];
  if (report.components.length > 1) parts[2] += ` (${report.components.map(describeComponent).join(', ')})`;
  parts.push(`${formatCarbon(report.carbon)} at ${significant(report.carbon.gridIntensity)} g/kWh`);
  return parts.join(' · ');
}

/** "35.1 J · 4.68 mg CO2e" when measured, "≈11.8 J est. · ≈1.57 mg CO2e" when any part was estimated. */
export function formatShort(report: Pick<EnergyReport, 'energy' | 'carbon'>): string {
  const energy = report.energy.source === 'measured' ? formatJoules(report.energy.joules) : `≈${formatJoules(report.energy.joules)} est.`;
  return `${energy} · ${formatCarbon(report.carbon)}`;
}
