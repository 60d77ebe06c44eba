import { readFileSync } from 'node:fs';
import type { Settings, SettingsApi } from '../api/settings';
import { ApiError } from '../rpc/errors';
import { writeFileAtomic } from '../util/atomic-write';

export const DEFAULT_SETTINGS: Settings = {
  'kernel.backend': 'auto',
  'kernel.wasmThreads': 1,
  // world average electricity carbon intensity 2023, Ember "Global Electricity Review 2024": 480 g/kWh
  'energy.gridIntensity': 480,
  'energy.cpuWattsPerCore': null,
  'notebook.autosaveSeconds': 2,
};

const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Why `value` is not valid for `key`, or undefined when it is. */
function problem(key: string, value: unknown): string | undefined {
  switch (key) {
    case 'kernel.backend':
      return BACKENDS.includes(value as string) ? undefined : `must be one of ${BACKENDS.join(', ')}`;
    case 'kernel.wasmThreads':
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 8 ? undefined : 'must be a whole number of threads from 1 to 8';
    case 'energy.gridIntensity':
      return typeof value === 'number' && value >= 0 && value <= 2000 ? undefined : 'must be a number of g CO2e/kWh from 0 to 2000';
    case 'energy.cpuWattsPerCore':
      return value === null || (typeof value === 'number' && value > 0 && value <= 500) ? undefined : 'must be null or watts per core from 0 to 500';
    case 'notebook.autosaveSeconds':
      return typeof value === 'number' && value >= 0 && value <= 3600 ? undefined : 'must be a number of seconds from 0 to 3600';
    default:
      return 'is not a setting';
  }
}

/**
 * Settings in `<workspace>/settings.json`. A file that cannot be parsed is not overwritten: the
 * service keeps defaults in memory and refuses to save until the user fixes or removes it, so a
 * hand edit with a typo never silently loses the user's other settings.
 */
export class SettingsService implements Omit<SettingsApi, 'onDidChange'> {
  private current: Settings;
  private readonly loadError: string | undefined;

  constructor(
    private readonly file: string,
    private readonly onChange: (s: Settings) => void = () => {},
  ) {
    let stored: Record<string, unknown> = {};
    try {
      stored = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw new Error('the file must hold a JSON object');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.loadError = `${file} is not valid settings: ${(err as Error).message}`;
      stored = {};
    }
    this.current = { ...DEFAULT_SETTINGS };
    for (const [key, value] of Object.entries(stored)) {
      if (problem(key, value) === undefined) (this.current as unknown as Record<string, unknown>)[key] = value;
    }
  }

  /** The settings now, synchronously, for other services. */
  snapshot(): Settings {
    return { ...this.current };
  }

  async get(): Promise<Settings> {
    return this.snapshot();
  }

  async update(changes: Partial<Settings>): Promise<Settings> {
    for (const [key, value] of Object.entries(changes)) {
      const p = problem(key, value);
      if (p) throw new ApiError('E_BAD_SETTING', `Setting "${key}" ${p}, got ${JSON.stringify(value)}`);
    }
    if (this.loadError) throw new ApiError('E_SETTINGS_FILE', `${this.loadError}. Fix or delete it, then try again.`);
    this.current = { ...this.current, ...changes };
    await writeFileAtomic(this.file, JSON.stringify(this.current, null, 2) + '\n');
    this.onChange(this.snapshot());
    return this.snapshot();
  }
}
