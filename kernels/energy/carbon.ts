/**
 * Carbon from energy: g CO2e = J / 3.6e6 J/kWh × grid intensity (g CO2e/kWh).
 *
 * The default (480 g/kWh) is the world average of 2023 from Ember's Global Electricity Review
 * 2024, which counts life-cycle emissions (supply chain and upstream methane included). The
 * regions below are yearly averages for 2021 from Our World in Data's energy dataset (itself
 * built on Ember's data), as packaged in CodeCarbon's global_energy_mix.json; they are rounded
 * to whole grams. Grids get cleaner by a few percent a year, and the hour and season matter
 * more than the country for a single run: treat every figure as an average, and set
 * `energy.gridIntensity` to your supplier's figure when you know it.
 */

export const JOULES_PER_KWH = 3.6e6;

export const DEFAULT_GRID_INTENSITY = 480;

export interface GridRegion {
  /** ISO 3166-1 alpha-2 code, or 'WORLD'. */
  code: string;
  name: string;
  /** g CO2e per kWh. */
  gPerKWh: number;
  year: number;
  source: string;
}

const OWID_2021 = "Our World in Data energy dataset (Ember), 2021, via CodeCarbon's global_energy_mix.json";

export const GRID_REGIONS: readonly GridRegion[] = Object.freeze([
  { code: 'WORLD', name: 'World average', gPerKWh: 480, year: 2023, source: 'Ember, Global Electricity Review 2024 (life-cycle)' },
  { code: 'AU', name: 'Australia', gPerKWh: 531, year: 2021, source: OWID_2021 },
  { code: 'BR', name: 'Brazil', gPerKWh: 159, year: 2021, source: OWID_2021 },
  { code: 'CA', name: 'Canada', gPerKWh: 128, year: 2021, source: OWID_2021 },
  { code: 'CN', name: 'China', gPerKWh: 544, year: 2021, source: OWID_2021 },
  { code: 'FR', name: 'France', gPerKWh: 67, year: 2021, source: OWID_2021 },
  { code: 'DE', name: 'Germany', gPerKWh: 365, year: 2021, source: OWID_2021 },
  { code: 'IN', name: 'India', gPerKWh: 637, year: 2021, source: OWID_2021 },
  { code: 'JP', name: 'Japan', gPerKWh: 479, year: 2021, source: OWID_2021 },
  { code: 'PL', name: 'Poland', gPerKWh: 660, year: 2021, source: OWID_2021 },
  { code: 'ZA', name: 'South Africa', gPerKWh: 716, year: 2021, source: OWID_2021 },
  { code: 'KR', name: 'South Korea', gPerKWh: 458, year: 2021, source: OWID_2021 },
  { code: 'SE', name: 'Sweden', gPerKWh: 46, year: 2021, source: OWID_2021 },
  { code: 'CH', name: 'Switzerland', gPerKWh: 47, year: 2021, source: OWID_2021 },
  { code: 'GB', name: 'United Kingdom', gPerKWh: 268, year: 2021, source: OWID_2021 },
  { code: 'US', name: 'United States', gPerKWh: 379, year: 2021, source: OWID_2021 },
].map((r) => Object.freeze(r)));

export function gridRegion(code: string): GridRegion | undefined {
  return GRID_REGIONS.find((r) => r.code === code.toUpperCase());
}

export function checkGridIntensity(gPerKWh: number): number {
  if (!Number.isFinite(gPerKWh) || gPerKWh < 0 || gPerKWh > 2000) {
    throw new RangeError(`Grid intensity must be a number of g CO2e/kWh from 0 to 2000, got ${gPerKWh}`);
  }
  return gPerKWh;
}

export function carbonGrams(joules: number, gPerKWh: number): number {
  return (joules / JOULES_PER_KWH) * checkGridIntensity(gPerKWh);
}
