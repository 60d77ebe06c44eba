import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDLE_GAP_MS } from '../../../main/store/lab-activity';
import { Store } from '../../../main/store/store';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlsys-activity-'));
  store = Store.open(join(dir, 'lab.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const MIN = 60_000;

describe('lab activity', () => {
  it('counts the time between actions as time spent, and a pause longer than the idle gap as a break', () => {
    const t0 = Date.UTC(2026, 10, 28, 9, 0);
    store.activity.opened('lab-a', t0);
    store.activity.touched('lab-a', t0 + 3 * MIN); // an edit 3 minutes in
    store.activity.touched('lab-a', t0 + 5 * MIN); // a run
    // left open over lunch: the hour away adds nothing
    store.activity.touched('lab-a', t0 + 65 * MIN);
    store.activity.touched('lab-a', t0 + 66 * MIN);
    expect(store.activity.get('lab-a')).toEqual({ firstOpenedAt: t0, lastOpenedAt: t0, lastActiveAt: t0 + 66 * MIN, activeMs: 6 * MIN });
    expect(IDLE_GAP_MS).toBeLessThan(60 * MIN);
  });

  it('counts a long cell run for as long as it ran, even past the idle gap', () => {
    const t0 = Date.UTC(2026, 10, 28, 9, 0);
    store.activity.opened('lab-a', t0);
    store.activity.touched('lab-a', t0 + MIN); // run requested
    store.activity.touched('lab-a', t0 + 31 * MIN, 30 * MIN); // the training cell ended after 30 minutes
    // a short run after a break counts its run time only
    store.activity.touched('lab-a', t0 + 90 * MIN, 2000);
    expect(store.activity.get('lab-a').activeMs).toBe(31 * MIN + 2000);
  });

  it('keeps each lab apart, the first and the last opening, and ignores a clock that went back', () => {
    const t0 = Date.UTC(2026, 10, 28, 9, 0);
    store.activity.opened('lab-a', t0);
    store.activity.opened('lab-b', t0 + MIN);
    store.activity.opened('lab-a', t0 + 2 * MIN);
    store.activity.touched('lab-a', t0 + MIN);
    expect(store.activity.get('lab-a')).toMatchObject({ firstOpenedAt: t0, lastOpenedAt: t0 + 2 * MIN, activeMs: 2 * MIN });
    expect(store.activity.get('lab-b')).toMatchObject({ firstOpenedAt: t0 + MIN, activeMs: 0 });
    expect(store.activity.get('never-opened')).toEqual({ firstOpenedAt: null, lastOpenedAt: null, lastActiveAt: null, activeMs: 0 });
  });

  it('remembers where the lab ran, adding seeds by name, across reopening the database', () => {
    store.activity.recordEnvironment('lab-a', { backend: 'wasm', device: 'CPU (WebAssembly SIMD)', seeds: { 'split iris': 42 } });
    store.activity.recordEnvironment('lab-a', { backend: 'tensorflow', seeds: { 'split digits': 7 }, energyMethod: 'cpu: estimate (estimated)' });
    store.close();
    store = Store.open(join(dir, 'lab.db'));
    expect(store.activity.environment('lab-a')).toEqual({
      backend: 'tensorflow',
      device: 'CPU (WebAssembly SIMD)',
      seeds: { 'split iris': 42, 'split digits': 7 },
      energyMethod: 'cpu: estimate (estimated)',
    });
    expect(store.activity.environment('lab-b')).toEqual({});
  });
});
