import { describe, expect, it } from 'vitest';
import { createSeedsLabApi, defaultSeed, MAX_SEED } from '../../../kernels/lab/seeds';

describe('lab.seed', () => {
  it('returns the seed it is given and tells main once per new or changed value', () => {
    const told: [string, number][] = [];
    const lab = createSeedsLabApi((name, value) => told.push([name, value]));
    expect(lab.seed('shuffle', 3)).toBe(3);
    expect(lab.seed('shuffle', 3)).toBe(3);
    expect(lab.seed('shuffle', 7)).toBe(7);
    expect(lab.seed('edge', MAX_SEED)).toBe(MAX_SEED);
    expect(lab.seed('zero', 0)).toBe(0);
    expect(told).toEqual([['shuffle', 3], ['shuffle', 7], ['edge', MAX_SEED], ['zero', 0]]);
  });

  it('without a value gives the session value of the name, or a seed fixed by the name', () => {
    const told: [string, number][] = [];
    const lab = createSeedsLabApi((name, value) => told.push([name, value]));
    lab.seed('split', 11);
    expect(lab.seed('split')).toBe(11);
    const a = lab.seed('init');
    expect(a).toBe(defaultSeed('init'));
    expect(createSeedsLabApi(() => {}).seed('init')).toBe(a); // another session, the same default
    expect(lab.seed('init 2')).not.toBe(a);
    expect(Number.isInteger(a) && a >= 0 && a <= MAX_SEED).toBe(true);
    expect(told).toEqual([['split', 11], ['init', a], ['init 2', defaultSeed('init 2')]]);
  });

  it('refuses a seed that is not a whole number from 0 to 2^32-1 with a RangeError naming it, and a missing name with a TypeError', () => {
    const told: unknown[] = [];
    const lab = createSeedsLabApi((...args) => told.push(args));
    for (const [bad, shown] of [[1.5, '1.5'], [-1, '-1'], [2 ** 32, '4294967296'], [NaN, 'NaN'], [Infinity, 'Infinity'], ['3', '"3"']] as const) {
      expect(() => lab.seed('noise', bad as number)).toThrow(RangeError);
      expect(() => lab.seed('noise', bad as number)).toThrow(`lab.seed("noise", ${shown}): a seed must be a whole number from 0 to 4294967295 (an unsigned 32-bit integer), got ${shown}`);
    }
    expect(() => lab.seed('', 1)).toThrow(TypeError);
    expect(() => lab.seed(undefined as unknown as string)).toThrow(/lab.seed needs a name/);
    expect(told).toEqual([]);
  });
});
