import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsService } from '../../../main/settings/settings-service';

const file = () => join(mkdtempSync(join(tmpdir(), 'mlsys-settings-')), 'settings.json');

describe('settings', () => {
  it('starts from defaults and persists updates to disk', async () => {
    const path = file();
    const s = new SettingsService(path);
    expect(await s.get()).toEqual(DEFAULT_SETTINGS);
    await s.update({ 'kernel.backend': 'cpu', 'energy.gridIntensity': 56 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ 'kernel.backend': 'cpu', 'energy.gridIntensity': 56 });
    expect((await new SettingsService(path).get())['kernel.backend']).toBe('cpu');
  });

  it('refuses a bad value and names the setting', async () => {
    const s = new SettingsService(file());
    await expect(s.update({ 'kernel.backend': 'tpu' as never })).rejects.toThrow(/Setting "kernel.backend" must be one of .*"tpu"/);
    await expect(s.update({ 'kernel.wasmThreads': 1.5 })).rejects.toThrow(/Setting "kernel.wasmThreads" must be a whole number of threads from 1 to 8/);
  });

  it('never overwrites a settings file it cannot parse', async () => {
    const path = file();
    writeFileSync(path, '{ "kernel.backend": "cpu", oops }');
    const s = new SettingsService(path);
    expect((await s.get())['kernel.backend']).toBe('auto');
    await expect(s.update({ 'energy.gridIntensity': 100 })).rejects.toThrow(/is not valid settings.*Fix or delete it/);
    expect(readFileSync(path, 'utf8')).toBe('{ "kernel.backend": "cpu", oops }');
  });
});
