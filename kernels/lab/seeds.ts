/**
 * `lab.seed(name, value?)`: a seed a cell picks for itself (a mulberry32 shuffle, a
 * `glorotUniform({ seed })`, `tf.randomNormal(shape, 0, 1, 'float32', seed)`), named so that a
 * hand-in's reproducibility record can list it beside the seeds of dataset splits.
 *
 * The kernel session keeps name → value; each new or changed value is also told to main (the
 * `seeds.record` lab request), which records it for the lab the notebook belongs to.
 */

/** Seeds are unsigned 32-bit integers: what mulberry32, seedrandom and numpy take without folding. */
export const MAX_SEED = 0xffff_ffff;

/** Why `name`/`value` cannot be a recorded seed, or null. Shared with main, which checks what arrives. */
export function seedError(name: unknown, value: unknown): TypeError | RangeError | null {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
    return new TypeError(`lab.seed needs a name (a non-empty string of at most 200 characters), got ${JSON.stringify(name)?.slice(0, 80) ?? String(name)}`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SEED) {
    const shown = typeof value === 'number' ? String(value) : typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
    return new RangeError(`lab.seed(${JSON.stringify(name)}, ${shown}): a seed must be a whole number from 0 to ${MAX_SEED} (an unsigned 32-bit integer), got ${shown}`);
  }
  return null;
}

/**
 * The seed `lab.seed(name)` gives when no value was ever set for `name` in this session: FNV-1a
 * of the name, so the same name gives the same seed in every session and on every machine, and
 * two names give different seeds (one fixed default for all would correlate independent draws).
 */
export function defaultSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface SeedsLabApi {
  seed(name: string, value?: number): number;
}

/** `record` tells main about a new or changed seed; it must not throw (recording is best effort). */
export function createSeedsLabApi(record: (name: string, value: number) => void): SeedsLabApi {
  const session = new Map<string, number>();
  return {
    seed(name, value) {
      const chosen = value === undefined ? (typeof name === 'string' ? (session.get(name) ?? defaultSeed(name)) : undefined) : value;
      const error = seedError(name, chosen);
      if (error) throw error;
      const v = chosen as number;
      if (session.get(name) !== v) {
        session.set(name, v);
        record(name, v);
      }
      return v;
    },
  };
}
