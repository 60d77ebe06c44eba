import { cpSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildLabpack, refreshManifest, signPackFolder } from '../../../main/packs/author';
import { readPackFolder } from '../../../main/packs/folder-source';
import { DEFAULT_LIMITS } from '../../../main/packs/limits';
import { packSourceFromBytes } from '../../../main/packs/pack-source';
import { generateSigningKey } from '../../../main/packs/signature';
import { verifyPack } from '../../../main/packs/verify-pack';
import { builtinLabsDir } from '../../../main/paths';
import { sha256, tempDir, writePackFolder } from './fixtures';

let root: string;
beforeEach(() => (root = tempDir()));
afterEach(() => rmSync(root, { recursive: true, force: true }));

const build = async (dir: string) => (await buildLabpack(await readPackFolder(dir, DEFAULT_LIMITS))).bytes;

describe('building a .labpack', () => {
  it('gives byte-identical output for the same folder, whatever the timestamps or the order files were written', async () => {
    const a = writePackFolder(join(root, 'a'), { files: { 'z.ipynb': '{}', 'a.ipynb': '{"x":1}', 'data/m.csv': 'x\n1\n', 'data/b.csv': 'y\n2\n' } });
    const first = await build(a);
    expect(sha256(await build(a))).toBe(sha256(first));

    const b = join(root, 'b');
    cpSync(a, b, { recursive: true });
    utimesSync(join(b, 'z.ipynb'), new Date('2031-05-05'), new Date('2031-05-05'));
    utimesSync(join(b, 'data'), new Date('2001-01-01'), new Date('2001-01-01'));
    expect(Buffer.compare(await build(b), first)).toBe(0);
  });

  it('writes a standard zip that another implementation reads back to the same files', async () => {
    const dir = writePackFolder(join(root, 'p'));
    const bytes = await build(dir);
    const files = unzipSync(bytes);
    expect(Object.keys(files)).toEqual(['labpack.json', 'data/points.csv', 'demo-lab.ipynb']);
    expect(Buffer.from(files['data/points.csv']).toString()).toBe(readFileSync(join(dir, 'data/points.csv'), 'utf8'));
    const pack = await verifyPack(packSourceFromBytes(bytes, 'p.labpack'), { keepData: true });
    expect([...pack.files.keys()]).toEqual(['data/points.csv', 'demo-lab.ipynb']);
  });

  it('builds the built-in lab, and the build is stable', async () => {
    const dir = join(builtinLabsDir(), '01-software-2');
    expect(sha256(await build(dir))).toBe(sha256(await build(dir)));
  });

  it('refreshes the manifest’s file list and hashes, keeping every other field', async () => {
    const dir = writePackFolder(join(root, 'p'));
    writeFileSync(join(dir, 'data/points.csv'), 'x,y\n5,6\n7,8\n'); // as many rows as the manifest declares
    writeFileSync(join(dir, 'notes.md'), '# notes');
    const dry = await refreshManifest(dir, { dryRun: true });
    expect(dry).toMatchObject({ changed: true, added: ['notes.md'], removed: [], updated: ['data/points.csv'] });
    await expect(verifyPack(await readPackFolder(dir, DEFAULT_LIMITS))).rejects.toThrow(/has 1 file\(s\) that labpack\.json does not list: "notes\.md"/);

    const r = await refreshManifest(dir);
    expect(r.changed).toBe(true);
    const m = JSON.parse(readFileSync(join(dir, 'labpack.json'), 'utf8'));
    expect(m.files['notes.md']).toBe(sha256('# notes'));
    expect(m.title).toBe('Demo lab');
    expect((await refreshManifest(dir)).changed).toBe(false);
    await verifyPack(await readPackFolder(dir, DEFAULT_LIMITS));
  });

  it('signs the manifest; any change to a file or the manifest afterwards is caught', async () => {
    const key = generateSigningKey();
    const dir = writePackFolder(join(root, 'p'));
    await signPackFolder(dir, key.privateKeyPem, 'k.key');
    const bytes = await build(dir);
    const pack = await verifyPack(packSourceFromBytes(bytes, 'p.labpack'));
    expect(pack.signer).toEqual({ publicKey: key.publicKey, keyId: key.keyId });

    // refreshing after an edit makes the signature stale, and says so
    writeFileSync(join(dir, 'data/points.csv'), 'x,y\n0,0\n');
    expect((await refreshManifest(dir)).signatureStale).toBe(true);
    await expect(build(dir)).rejects.toThrow(/labpack\.sig: the signature does not match labpack\.json/);
  });
});
