import { mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PackError, type PackErrorCode } from '../../../main/packs/errors';
import { DEFAULT_LIMITS, type PackLimits } from '../../../main/packs/limits';
import { createPacksService } from '../../../main/packs/register';
import { notebook, packZip, rawZip, sha256, tempDir, writePackFolder } from './fixtures';

let root: string;
let workspace: string;
beforeEach(() => {
  root = tempDir();
  workspace = join(root, 'workspace');
  mkdirSync(join(root, 'in'));
  writeFileSync(join(root, 'sentinel.txt'), 'outside');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Every path under `dir` with its size: what "nothing was written" is checked against. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      out.push(`${p}:${e.isDirectory() ? 'dir' : statSync(join(dir, p)).size}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk('');
  return out.sort();
}

/** Imports `input` and expects a refusal with `code` and `message`, having written nothing anywhere. */
async function expectRefused(input: Buffer | string, code: PackErrorCode, message: RegExp, limits?: PackLimits) {
  const path = typeof input === 'string' ? input : join(root, 'in', 'hostile.labpack');
  if (typeof input !== 'string') writeFileSync(path, input);
  const before = snapshot(root);
  const packs = createPacksService({ workspaceDir: workspace, labsDir: join(root, 'no-labs'), limits });
  const error = await packs.import(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the import should have been refused').toBeInstanceOf(PackError);
  expect((error as PackError).message).toMatch(message);
  expect((error as PackError).code).toBe(code);
  // not a byte anywhere: no pack folder, no staging folder, nothing beside the sentinel
  expect(snapshot(root).filter((p) => !p.startsWith('workspace/packs:'))).toEqual(before);
}

const zeros = (n: number) => Buffer.alloc(n);

describe('a hostile or broken .labpack is refused with a clear message and nothing written', () => {
  it('an entry that climbs out with ..', async () => {
    await expectRefused(packZip({}, (e) => [...e, { name: '../evil.txt', data: 'x' }]), 'E_PACK_UNSAFE', /entry "\.\.\/evil\.txt" is not a safe path: it contains "\.\." \(it would point outside the pack\)/);
  });

  it('an entry with an absolute path', async () => {
    await expectRefused(packZip({}, (e) => [...e, { name: '/tmp/evil.txt', data: 'x' }]), 'E_PACK_UNSAFE', /entry "\/tmp\/evil\.txt" is not a safe path: it is an absolute path/);
  });

  it('an entry with a Windows drive or backslashes', async () => {
    await expectRefused(packZip({}, (e) => [...e, { name: 'C:/evil.txt', data: 'x' }]), 'E_PACK_UNSAFE', /starts with a drive letter/);
    await expectRefused(packZip({}, (e) => [...e, { name: '..\\evil.txt', data: 'x' }]), 'E_PACK_UNSAFE', /contains a backslash/);
  });

  it('a symbolic link entry (Unix mode bits in the zip)', async () => {
    await expectRefused(packZip({}, (e) => [...e, { name: 'passwd', data: '/etc/passwd', mode: 0o120777, method: 0 }]), 'E_PACK_UNSAFE', /entry "passwd" is a symbolic link/);
  });

  it('a device or other special file entry', async () => {
    await expectRefused(packZip({}, (e) => [...e, { name: 'fifo', data: '', mode: 0o010644, method: 0 }]), 'E_PACK_UNSAFE', /entry "fifo" is not a plain file/);
  });

  it('two entries with the same name', async () => {
    await expectRefused(packZip({}, (e) => [...e, { name: 'demo-lab.ipynb', data: 'evil' }]), 'E_PACK_UNSAFE', /entry "demo-lab\.ipynb" appears twice/);
  });

  it('two entries whose names differ only in case', async () => {
    await expectRefused(packZip({}, (e) => [...e, { name: 'Demo-Lab.ipynb', data: 'evil' }]), 'E_PACK_UNSAFE', /differ only in letter case/);
  });

  it('a file the manifest lists but the archive lacks', async () => {
    await expectRefused(packZip({}, (e) => e.filter((x) => x.name !== 'data/points.csv')), 'E_PACK_INTEGRITY', /labpack\.json lists 1 file\(s\) that are not in the pack: "data\/points\.csv"/);
  });

  it('a file in the archive that the manifest does not list', async () => {
    await expectRefused(packZip({}, (e) => [...e, { name: 'run-me.sh', data: 'rm -rf ~' }]), 'E_PACK_INTEGRITY', /has 1 file\(s\) that labpack\.json does not list: "run-me\.sh"/);
  });

  it('a file whose content does not match its SHA-256', async () => {
    const zip = packZip({}, (e) => e.map((x) => (x.name === 'data/points.csv' ? { ...x, data: 'x,y\n1,2\n3,5\n' } : x)));
    await expectRefused(zip, 'E_PACK_INTEGRITY', /hostile\.labpack:data\/points\.csv: SHA-256 is [0-9a-f]{64}, but labpack\.json says [0-9a-f]{64}/);
  });

  it('a zip bomb over the compression-ratio limit', async () => {
    const bomb = zeros(20 * 1024 * 1024);
    const zip = packZip({ files: { 'demo-lab.ipynb': notebook('x'), 'data/zeros.bin': bomb } });
    await expectRefused(zip, 'E_PACK_TOO_LARGE', /entry "data\/zeros\.bin" expands more than 100:1 .* over the compression-ratio limit/);
  });

  it('a zip bomb whose header lies about its size: stopped while inflating, not trusted from the header', async () => {
    const bomb = zeros(20 * 1024 * 1024);
    const zip = packZip({ files: { 'demo-lab.ipynb': notebook('x'), 'data/zeros.bin': bomb } }, (e) => e.map((x) => (x.name === 'data/zeros.bin' ? { ...x, declaredSize: 10 } : x)));
    await expectRefused(zip, 'E_PACK_TOO_LARGE', /entry "data\/zeros\.bin" expands more than 100:1/);
  });

  it('a file over the per-file limit, even with a lying header and a modest ratio', async () => {
    const limits = { ...DEFAULT_LIMITS, maxFileBytes: 256 * 1024, maxRatio: 1e6 };
    const big = zeros(1024 * 1024);
    const zip = packZip({ files: { 'demo-lab.ipynb': notebook('x'), 'big.bin': big } }, (e) => e.map((x) => (x.name === 'big.bin' ? { ...x, declaredSize: 100 } : x)));
    await expectRefused(zip, 'E_PACK_TOO_LARGE', /entry "big\.bin" inflates to more than 256 KiB, the limit for one file/, limits);
  });

  it('files that together pass the total limit, even with lying headers', async () => {
    const limits = { ...DEFAULT_LIMITS, maxTotalBytes: 600 * 1024, maxRatio: 1e6 };
    const files = { 'demo-lab.ipynb': notebook('x'), 'a.bin': zeros(400 * 1024), 'b.bin': zeros(400 * 1024) };
    const zip = packZip({ files }, (e) => e.map((x) => (x.name === 'b.bin' ? { ...x, declaredSize: 10 } : x)));
    await expectRefused(zip, 'E_PACK_TOO_LARGE', /takes the pack past 600 KiB, the limit for a whole pack/, limits);
  });

  it('headers that declare more than the limits are refused before inflating anything', async () => {
    const zip = packZip({}, (e) => [...e, { name: 'huge.bin', data: 'x', declaredSize: 0xfffffff0 }]);
    await expectRefused(zip, 'E_PACK_TOO_LARGE', /entry "huge\.bin" declares 4\.0 GiB, over the 256 MiB limit for one file/);
  });

  it('entries whose data overlap (the non-recursive zip bomb)', async () => {
    const zip = packZip({}, (e) => e.map((x) => (x.name === 'demo-lab.ipynb' ? { ...x, centralCompressedSize: deflateRawSync(Buffer.from(x.data ?? '')).length + 20 } : x)));
    await expectRefused(zip, 'E_PACK_UNSAFE', /entry "data\/points\.csv" overlaps the data of "demo-lab\.ipynb" \(a zip-bomb construction\)/);
  });

  it('a corrupt zip: not a zip, truncated, bad CRC, bad deflate data', async () => {
    await expectRefused(Buffer.from('this is not a zip file at all, just text'.repeat(10)), 'E_PACK_CORRUPT', /is not a readable \.labpack \(zip\) file: no end-of-central-directory record/);
    const good = packZip();
    await expectRefused(good.subarray(0, good.length - 30), 'E_PACK_CORRUPT', /not a readable \.labpack/);
    await expectRefused(packZip({}, (e) => e.map((x) => (x.name === 'data/points.csv' ? { ...x, crc: 1234 } : x))), 'E_PACK_CORRUPT', /entry "data\/points\.csv" fails its CRC-32 check/);
    await expectRefused(
      packZip({}, (e) => e.map((x) => (x.name === 'data/points.csv' ? { ...x, body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00]) } : x))),
      'E_PACK_CORRUPT',
      /entry "data\/points\.csv" does not inflate/,
    );
  });

  it('a manifest with an unknown schema version', async () => {
    await expectRefused(packZip({ manifest: { schemaVersion: 2 } }), 'E_PACK_MANIFEST', /labpack\.json: field "schemaVersion" is 2, an unknown manifest schema version: this app reads version 1/);
  });

  it('an archive without a manifest, or with the pack nested in a folder', async () => {
    await expectRefused(rawZip([{ name: 'notes.txt', data: 'hi' }]), 'E_PACK_MANIFEST', /is not a lab pack: it has no labpack\.json at its root/);
    await expectRefused(
      packZip({}, (e) => e.map((x) => ({ ...x, name: `demo/${x.name}` }))),
      'E_PACK_MANIFEST',
      /there is one at "demo\/labpack\.json"/,
    );
  });

  it('a pack that needs a newer app', async () => {
    await expectRefused(packZip({ manifest: { app: '>=99.0.0' } }), 'E_PACK_VERSION', /needs mlsys-lab >=99\.0\.0, and this is \d+\.\d+\.\d+; update mlsys-lab/);
  });

  it('a signature that does not match the manifest', async () => {
    const sig = { schemaVersion: 1, algorithm: 'ed25519', publicKey: `ed25519:${Buffer.alloc(32, 7).toString('base64url')}`, keyId: 'x', signature: Buffer.alloc(64, 1).toString('base64') };
    await expectRefused(packZip({}, (e) => [...e, { name: 'labpack.sig', data: JSON.stringify(sig) }]), 'E_PACK_SIGNATURE', /labpack\.sig: the signature does not match labpack\.json/);
  });
});

describe('a hostile pack folder is refused too', () => {
  it('a symbolic link to a file outside', async () => {
    const dir = writePackFolder(join(root, 'in', 'pack'));
    symlinkSync(join(root, 'sentinel.txt'), join(dir, 'sentinel.txt'));
    await expectRefused(dir, 'E_PACK_UNSAFE', /"sentinel\.txt" is a symbolic link; a pack may only contain plain files and folders/);
  });

  it('a symbolic link to a folder', async () => {
    const dir = writePackFolder(join(root, 'in', 'pack'));
    symlinkSync(root, join(dir, 'data', 'everything'));
    await expectRefused(dir, 'E_PACK_UNSAFE', /"data\/everything" is a symbolic link/);
  });

  it('a file whose content changed after the manifest was written', async () => {
    const dir = writePackFolder(join(root, 'in', 'pack'));
    writeFileSync(join(dir, 'data', 'points.csv'), 'x,y\n9,9\n');
    await expectRefused(dir, 'E_PACK_INTEGRITY', /data\/points\.csv: SHA-256 is [0-9a-f]{64}, but labpack\.json says/);
    expect(sha256('x')).toHaveLength(64);
  });

  it('a dataset with other rows than its manifest declares', async () => {
    const files = { 'demo-lab.ipynb': notebook('x'), 'data/points.csv': 'x,y\n1,2\n3,4\n5,6\n' };
    await expectRefused(packZip({ files, manifest: { datasets: [{ path: 'data/points.csv', format: 'csv', rows: 2 }] } }), 'E_PACK_INTEGRITY', /^Pack "demo-lab": data\/points\.csv has 3 rows, the manifest says 2\. Correct datasets\[0\]\.rows in labpack\.json/);
    // as a folder too, and a quoted newline is not a row
    const quoted = { 'demo-lab.ipynb': notebook('x'), 'data/points.csv': 'x,note\n1,"two\nlines"\n' };
    await expectRefused(writePackFolder(join(root, 'in', 'quoted'), { files: quoted, manifest: { datasets: [{ path: 'data/points.csv', format: 'csv', rows: 2 }] } }), 'E_PACK_INTEGRITY', /data\/points\.csv has 1 row, the manifest says 2/);
  });

  it('a gzipped dataset that inflates past the pack limit, or is not gzip at all', async () => {
    // 24 MiB of one-digit rows gzip to ~25 KiB: small in the archive, a bomb once counted
    const bomb = gzipSync(Buffer.from('1\n'.repeat(12 * 1024 * 1024)), { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const limits = { ...DEFAULT_LIMITS, maxTotalBytes: 8 * 1024 * 1024 };
    const big = { 'demo-lab.ipynb': notebook('x'), 'data/digits.csv.gz': bomb };
    await expectRefused(packZip({ files: big, manifest: { datasets: [{ path: 'data/digits.csv.gz', format: 'csv', rows: 12 * 1024 * 1024 - 1 }] } }), 'E_PACK_TOO_LARGE', /hostile\.labpack:data\/digits\.csv\.gz inflates to more than 8 MiB, the limit for a pack/, limits);
    const broken = { 'demo-lab.ipynb': notebook('x'), 'data/digits.csv.gz': Buffer.concat([bomb.subarray(0, 10), Buffer.from('not deflate at all')]) };
    await expectRefused(packZip({ files: broken, manifest: { datasets: [{ path: 'data/digits.csv.gz', format: 'csv', rows: 1 }] } }), 'E_PACK_CORRUPT', /data\/digits\.csv\.gz is not readable gzip/);
  });

  it('a deflate stream is never trusted over the limits (sanity of the fixture)', () => {
    // the ratio fixture really is a bomb: 20 MiB of zeros deflate to well under 1% of that
    expect(deflateRawSync(zeros(20 * 1024 * 1024)).length).toBeLessThan(200 * 1024);
  });
});
