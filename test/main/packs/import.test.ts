import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PackImportResult, PackTrustInfo, TrustedKey } from '../../../main/api/packs';
import type { LibraryApi } from '../../../main/api/library';
import { buildLabpack, signPackFolder } from '../../../main/packs/author';
import { readPackFolder } from '../../../main/packs/folder-source';
import { DEFAULT_LIMITS } from '../../../main/packs/limits';
import { generateSigningKey } from '../../../main/packs/signature';
import { builtinLabsDir } from '../../../main/paths';
import { createPacksService } from '../../../main/packs/register';
import { trustGatedKernels } from '../../../main/packs/trust-gate';
import { createWorkspace, type Workspace } from '../../../main/workspace';
import { notebook, packZip, tempDir, writePackFolder } from './fixtures';

let root: string;
let ws: Workspace;
beforeEach(() => {
  root = tempDir();
  ws = createWorkspace({ workspaceDir: join(root, 'workspace'), labsDir: builtinLabsDir(), mode: 'browser', log: () => {} });
});
afterEach(async () => {
  await ws.dispose();
  rmSync(root, { recursive: true, force: true });
});

const call = <T>(method: string, ...args: unknown[]) => ws.dispatcher.call(method, args) as Promise<T>;
const list = () => call<Awaited<ReturnType<LibraryApi['list']>>>('library.list');

async function buildPack(dir: string, spec: Parameters<typeof writePackFolder>[1], sign?: string): Promise<string> {
  writePackFolder(dir, spec);
  if (sign) await signPackFolder(dir, sign, 'key');
  const { bytes } = await buildLabpack(await readPackFolder(dir, DEFAULT_LIMITS));
  const file = `${dir}.labpack`;
  writeFileSync(file, bytes);
  return file;
}

describe('importing a lab pack', () => {
  it('installs into <workspace>/packs/<id>, lists it as imported, and restricts an unsigned pack until trusted', async () => {
    const file = await buildPack(join(root, 'demo'), {});
    const r = await call<PackImportResult>('packs.import', file);
    expect(r).toMatchObject({ id: 'demo-lab', version: '1.0.0', status: 'installed', trusted: false, trustReason: 'unsigned', signerKeyId: null, kept: [] });
    expect(readFileSync(join(root, 'workspace/packs/demo-lab/data/points.csv'), 'utf8')).toBe('x,y\n1,2\n3,4\n');
    // its dataset is in the workspace database, through the datasets service
    expect(r.datasets).toEqual([expect.objectContaining({ path: 'data/points.csv', status: 'imported', name: 'demo-lab-points', samples: 2 })]);
    expect((await call<{ name: string; sampleCount: number }[]>('datasets.list')).map((d) => [d.name, d.sampleCount])).toEqual([['demo-lab-points', 2]]);

    const { packs, problems } = await list();
    expect(problems).toEqual([]);
    expect(packs.find((p) => p.id === 'demo-lab')).toMatchObject({ source: 'imported', trusted: false });
    expect(packs.find((p) => p.id === 'software-2')).toMatchObject({ source: 'builtin', trusted: true });
    // the built-in labs in curriculum order (their folders' numbers), then the imported ones
    expect(packs.map((p) => p.id).slice(0, 2)).toEqual(['software-2', 'data-prep-tax']);
    expect(packs.at(-1)?.id).toBe('demo-lab');

    expect(await call<PackTrustInfo>('packs.trust', 'demo-lab')).toMatchObject({ trusted: true, reason: 'trusted-by-user' });
    expect((await list()).packs.find((p) => p.id === 'demo-lab')?.trusted).toBe(true);

    // trust is remembered in the workspace: a new workspace object (an app restart) still knows it
    await ws.dispose();
    ws = createWorkspace({ workspaceDir: join(root, 'workspace'), labsDir: builtinLabsDir(), mode: 'browser', log: () => {} });
    expect((await list()).packs.find((p) => p.id === 'demo-lab')?.trusted).toBe(true);

    // an unsigned pack's trust covers exactly that manifest: a changed version is restricted again
    const v2 = await buildPack(join(root, 'demo2'), { version: '1.1.0' });
    expect(await call<PackImportResult>('packs.import', v2)).toMatchObject({ status: 'updated', previousVersion: '1.0.0', trusted: false, trustReason: 'unsigned' });
  });

  it('trusts a pack signed by a trusted key, and keeps trust given to a signer across versions', async () => {
    const key = generateSigningKey();
    const file = await buildPack(join(root, 'signed'), {}, key.privateKeyPem);
    expect(await call<PackImportResult>('packs.import', file)).toMatchObject({ trusted: false, trustReason: 'unknown-key', signerKeyId: key.keyId });

    await call<PackTrustInfo>('packs.trust', 'demo-lab');
    const v2 = await buildPack(join(root, 'signed2'), { version: '1.1.0' }, key.privateKeyPem);
    expect(await call<PackImportResult>('packs.import', v2)).toMatchObject({ trusted: true, trustReason: 'trusted-by-user' });

    // a pack by another author with a trusted key: trusted from the start
    const other = generateSigningKey();
    expect(await call<TrustedKey>('packs.addTrustedKey', `${other.publicKey} workshop key`, 'Workshop')).toMatchObject({ keyId: other.keyId, name: 'Workshop' });
    const third = await buildPack(join(root, 'third'), { id: 'third-lab' }, other.privateKeyPem);
    expect(await call<PackImportResult>('packs.import', third)).toMatchObject({ id: 'third-lab', trusted: true, trustReason: 'trusted-key' });
    expect((await call<TrustedKey[]>('packs.trustedKeys')).map((k) => k.keyId)).toEqual([other.keyId]);
    await call('packs.removeTrustedKey', other.keyId);
    expect((await call<PackTrustInfo>('packs.trustInfo', 'third-lab')).trusted).toBe(false);
  });

  it('a newer version keeps the attendee’s edited notebook beside the new one, and their own files', async () => {
    await call('packs.import', await buildPack(join(root, 'v1'), { files: { 'demo-lab.ipynb': notebook('v1'), 'untouched.ipynb': notebook('u') } }));
    const installed = join(root, 'workspace/packs/demo-lab');
    writeFileSync(join(installed, 'demo-lab.ipynb'), notebook('v1', 'my answer = 42'));
    writeFileSync(join(installed, 'scratch.ipynb'), notebook('mine'));

    const v2 = await buildPack(join(root, 'v2'), { version: '2.0.0', files: { 'demo-lab.ipynb': notebook('v2'), 'untouched.ipynb': notebook('u2') } });
    const r = await call<PackImportResult>('packs.import', v2);
    expect(r.status).toBe('updated');
    expect(r.kept).toEqual([
      { path: 'demo-lab.ipynb', keptAs: 'demo-lab.mine-v1.0.0.ipynb' },
      { path: 'scratch.ipynb', keptAs: 'scratch.ipynb' },
    ]);
    expect(readFileSync(join(installed, 'demo-lab.ipynb'), 'utf8')).toBe(notebook('v2'));
    expect(readFileSync(join(installed, 'demo-lab.mine-v1.0.0.ipynb'), 'utf8')).toBe(notebook('v1', 'my answer = 42'));
    expect(readFileSync(join(installed, 'scratch.ipynb'), 'utf8')).toBe(notebook('mine'));
    expect(readFileSync(join(installed, 'untouched.ipynb'), 'utf8')).toBe(notebook('u2'));

    // importing the same file again changes nothing; an older version is refused and changes nothing
    expect((await call<PackImportResult>('packs.import', v2)).status).toBe('unchanged');
    const v1again = await buildPack(join(root, 'v1b'), { files: { 'demo-lab.ipynb': notebook('v1'), 'untouched.ipynb': notebook('u') } });
    await expect(call('packs.import', v1again)).rejects.toThrow(/"Demo lab" 2\.0\.0 is installed, and this pack is the older version 1\.0\.0; nothing was changed/);
    expect(readFileSync(join(installed, 'demo-lab.mine-v1.0.0.ipynb'), 'utf8')).toBe(notebook('v1', 'my answer = 42'));
  });

  it('an upgrade keeps the attendee’s edited copy of a changed notebook beside it, and refreshes untouched copies', async () => {
    const files1 = { 'demo-lab.ipynb': notebook('v1'), 'second.ipynb': notebook('s1'), 'same.ipynb': notebook('same') };
    await call('packs.import', await buildPack(join(root, 'v1'), { files: files1 }));
    // the attendee opens all three (the notebook service copies them into notebooks/demo-lab/), edits two, saves
    type Doc = { path: string; cells: { id: string; source: string }[] };
    const docs: Record<string, Doc> = {};
    for (const nb of Object.keys(files1)) docs[nb] = await call<Doc>('notebooks.open', { pack: 'demo-lab', notebook: nb });
    for (const nb of ['demo-lab.ipynb', 'same.ipynb']) {
      await call('notebooks.edit', docs[nb].path, [{ kind: 'source', cellId: 'work', source: 'my answer = 42' }], 'test');
      await call('notebooks.save', docs[nb].path);
      await call('notebooks.close', docs[nb].path);
    }
    await call('notebooks.close', docs['second.ipynb'].path);

    const v2 = await buildPack(join(root, 'v2'), { version: '1.1.0', files: { 'demo-lab.ipynb': notebook('v2'), 'second.ipynb': notebook('s2'), 'same.ipynb': notebook('same') } });
    const r = await call<PackImportResult>('packs.import', v2);
    expect(r.kept).toEqual([{ path: 'notebooks/demo-lab/demo-lab.ipynb', keptAs: 'notebooks/demo-lab/demo-lab.mine-v1.0.0.ipynb' }]);
    const nbDir = join(root, 'workspace/notebooks/demo-lab');
    expect(readdirSync(nbDir).sort()).toEqual(['demo-lab.mine-v1.0.0.ipynb', 'same.ipynb']);
    expect(readFileSync(join(nbDir, 'demo-lab.mine-v1.0.0.ipynb'), 'utf8')).toContain('my answer = 42');
    expect(readFileSync(join(nbDir, 'same.ipynb'), 'utf8')).toContain('my answer = 42');
    // opening the pack's notebooks now gives the new version
    const fresh = await call<Doc>('notebooks.open', { pack: 'demo-lab', notebook: 'demo-lab.ipynb' });
    expect(fresh.cells.map((c) => c.source)).toContain('# v2');
    const second = await call<Doc>('notebooks.open', { pack: 'demo-lab', notebook: 'second.ipynb' });
    expect(second.cells.map((c) => c.source)).toContain('# s2');
  });

  it('imports a pack uploaded in chunks through the API (the file picker and drag and drop)', async () => {
    const bytes = packZip();
    const id = await call<string>('packs.beginUpload', 'demo.labpack', bytes.length);
    for (let at = 0; at < bytes.length; at += 100) await call('packs.uploadChunk', id, bytes.subarray(at, at + 100).toString('base64'));
    expect(await call<PackImportResult>('packs.finishUpload', id)).toMatchObject({ id: 'demo-lab', status: 'installed' });
    await expect(call('packs.finishUpload', id)).rejects.toThrow(/No import in progress/);

    const short = await call<string>('packs.beginUpload', 'short.labpack', bytes.length);
    await call('packs.uploadChunk', short, bytes.subarray(0, 10).toString('base64'));
    await expect(call('packs.finishUpload', short)).rejects.toThrow(/ended after 10 of \d+ bytes/);
    await expect(call('packs.beginUpload', 'huge.labpack', 2 ** 40)).rejects.toThrow(/over the 1 GiB limit for a pack/);
  });

  it('lists a damaged installed pack as a problem, naming the file, and keeps the others', async () => {
    await call('packs.import', await buildPack(join(root, 'demo'), {}));
    writeFileSync(join(root, 'workspace/packs/demo-lab/labpack.json'), '{"schemaVersion": 1, "id": "demo-lab"');
    const { packs, problems } = await list();
    expect(packs.map((p) => p.id)).toContain('software-2');
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/packs\/demo-lab\/labpack\.json: field "\(root\)" is not valid JSON/);
    expect(existsSync(join(root, 'workspace/packs/demo-lab/demo-lab.ipynb'))).toBe(true);
  });
});

describe('restricted mode at the kernel', () => {
  it('starts no kernel for a notebook of an untrusted pack until it is trusted; other notebooks are not affected', async () => {
    await call('packs.import', await buildPack(join(root, 'demo'), {}));
    const started: string[] = [];
    const kernel = { execute: async () => {}, interrupt: async () => {}, restart: async () => {}, variables: async () => [], onStatus: () => ({ dispose() {} }), dispose: async () => {} };
    const gated = trustGatedKernels(async (path) => {
      started.push(path);
      return kernel;
    }, ws.packs);
    await expect(gated('notebooks/demo-lab/demo-lab.ipynb')).rejects.toThrow(/"Demo lab" is in restricted mode \(unsigned\): you can read and edit its notebooks, but cells run only after you trust the pack/);
    expect(started).toEqual([]);
    await gated('notebooks/software-2/software-2.ipynb'); // built-in: trusted
    await gated('scratch/mine.ipynb'); // the attendee's own notebook: no pack
    await call('packs.trust', 'demo-lab');
    await gated('notebooks/demo-lab/demo-lab.ipynb');
    expect(started).toEqual(['notebooks/software-2/software-2.ipynb', 'scratch/mine.ipynb', 'notebooks/demo-lab/demo-lab.ipynb']);
  });
});

describe('progress per lab', () => {
  it('puts the pack’s data files beside the attendee’s notebooks, and an upgrade refreshes them keeping edited ones beside', async () => {
    const v1 = { 'demo-lab.ipynb': notebook('v1'), 'data/a.csv': 'x\n1\n', 'data/b.csv': 'y\n1\n', 'data/same.csv': 'z\n1\n' };
    await call('packs.import', await buildPack(join(root, 'v1'), { files: v1 }));
    const nbDir = join(root, 'workspace/notebooks/demo-lab');
    expect((await ws.packs.prepareFiles('demo-lab')).sort()).toEqual(['data/a.csv', 'data/b.csv', 'data/same.csv']);
    expect(await ws.packs.prepareFiles('demo-lab')).toEqual([]); // never overwritten
    writeFileSync(join(nbDir, 'data/b.csv'), 'y\n1\n2 (my row)\n');
    const r = await call<PackImportResult>('packs.import', await buildPack(join(root, 'v2'), { version: '2.0.0', files: { ...v1, 'data/a.csv': 'x\n2\n', 'data/b.csv': 'y\n2\n' } }));
    expect(r.kept).toEqual([{ path: 'notebooks/demo-lab/data/b.csv', keptAs: 'notebooks/demo-lab/data/b.mine-v1.0.0.csv' }]);
    expect(await ws.packs.prepareFiles('demo-lab')).toEqual(['data/a.csv', 'data/b.csv']);
    expect(['a.csv', 'b.csv', 'b.mine-v1.0.0.csv', 'same.csv'].map((f) => readFileSync(join(nbDir, 'data', f), 'utf8'))).toEqual(['x\n2\n', 'y\n2\n', 'y\n1\n2 (my row)\n', 'z\n1\n']);
  });

  it('counts the lab.check calls of check cells as the total, takes results and activity from the progress source, and keeps them across a reinstall', async () => {
    const recorded = new Map([['demo-lab', [{ checkId: 'check 0', status: 'passed' as const }, { checkId: 'check 1', status: 'failed' as const }]]]);
    const packs = createPacksService({
      workspaceDir: join(root, 'p-ws'),
      labsDir: builtinLabsDir(),
      progress: { checks: (id) => recorded.get(id) ?? [], activity: (id) => (id === 'demo-lab' ? { lastOpened: '2026-11-28T10:00:00.000Z', timeSpentMs: 90_000 } : { lastOpened: null, timeSpentMs: 0 }) },
    });
    await packs.import(await buildPack(join(root, 'demo'), { files: { 'demo-lab.ipynb': notebook('x', '1', 3) } }));
    const expected = { packId: 'demo-lab', checksPassed: 1, checksTotal: 3, lastOpened: '2026-11-28T10:00:00.000Z', timeSpentMs: 90_000 };
    expect((await packs.progress()).find((p) => p.packId === 'demo-lab')).toEqual(expected);
    expect((await packs.progress()).find((p) => p.packId === 'software-2')).toMatchObject({ checksPassed: 0, lastOpened: null });
    await packs.import(await buildPack(join(root, 'demo2'), { version: '1.0.1', files: { 'demo-lab.ipynb': notebook('x', '2', 3) } }));
    expect((await packs.progress()).find((p) => p.packId === 'demo-lab')).toEqual(expected);
  });
});

describe('an interrupted import', () => {
  it('is tidied when the workspace opens: staging dropped, a pack moved aside put back', async () => {
    await call('packs.import', await buildPack(join(root, 'demo'), {}));
    await ws.dispose();
    const packsDir = join(root, 'workspace/packs');
    // as if the app died between moving the old version aside and renaming the new one in
    mkdirSync(join(packsDir, '.replaced-x'));
    renameSync(join(packsDir, 'demo-lab'), join(packsDir, '.replaced-x', 'demo-lab'));
    mkdirSync(join(packsDir, '.incoming-y'));
    writeFileSync(join(packsDir, '.incoming-y', 'labpack.json'), '{}');
    ws = createWorkspace({ workspaceDir: join(root, 'workspace'), labsDir: builtinLabsDir(), mode: 'browser', log: () => {} });
    await call('packs.trustInfo', 'software-2');
    expect(readdirSync(packsDir)).toEqual(['demo-lab']);
    expect((await list()).packs.map((p) => p.id)).toContain('demo-lab');
  });
});

describe('the built-in labs', () => {
  it('load through the same verification as an import: a wrong hash in labs/ is reported, not listed', async () => {
    const labs = join(root, 'labs');
    writePackFolder(join(labs, '01-demo'), {});
    writeFileSync(join(labs, '01-demo', 'data', 'points.csv'), 'tampered');
    const w = createWorkspace({ workspaceDir: join(root, 'w2'), labsDir: labs, mode: 'browser', log: () => {} });
    const { packs, problems } = (await w.dispatcher.call('library.list', [])) as Awaited<ReturnType<LibraryApi['list']>>;
    expect(packs).toEqual([]);
    expect(problems[0].message).toMatch(/01-demo\/data\/points\.csv: SHA-256 is [0-9a-f]+, but labpack\.json says/);
    await w.dispose();
  });
});
