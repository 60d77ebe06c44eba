import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { buildLabpack, refreshManifest, signPackFolder } from '../../packs/author';
import { openPackSource } from '../../packs/pack-source';
import { readPackFolder } from '../../packs/folder-source';
import { DEFAULT_LIMITS } from '../../packs/limits';
import { sha256Hex, verifyPack } from '../../packs/verify-pack';
import { writeFileAtomic } from '../../util/atomic-write';
import type { PackSubcommand } from './pack';
import { parsePackArgs } from './pack-args';

export const packValidate: PackSubcommand = {
  name: 'validate',
  usage: 'validate PACK [--update]',
  summary: 'Check the manifest, the file list, every SHA-256 and the signature; --update rewrites the hashes of a folder',
  async run(argv) {
    const { values, positionals } = parsePackArgs(argv, this.usage, { update: { type: 'boolean' } }, { min: 1, max: 1 });
    const path = resolve(positionals[0]);
    if ((await stat(path)).isDirectory()) {
      const r = await refreshManifest(path, { dryRun: !values.update });
      if (r.changed && !values.update) {
        const what = [...r.added.map((p) => `${p} (not listed)`), ...r.removed.map((p) => `${p} (listed, missing)`), ...r.updated.map((p) => `${p} (hash differs)`)];
        console.error(`${path}/labpack.json is out of date: ${what.join(', ') || 'its formatting differs'}.\nRun "mlsys-lab pack validate ${positionals[0]} --update" (or "pack build") to refresh it.`);
        return 1;
      }
      if (r.changed) console.log(`Updated ${path}/labpack.json: ${r.added.length} added, ${r.removed.length} removed, ${r.updated.length} changed.`);
      if (r.signatureStale) {
        console.error(`${path}/labpack.sig no longer matches labpack.json; sign again with "mlsys-lab pack sign ${positionals[0]} --key KEY".`);
        return 1;
      }
    }
    const pack = await verifyPack(await openPackSource(path));
    const m = pack.manifest;
    console.log(`OK ${m.id} ${m.version}: ${Object.keys(m.files).length} files verified, ${pack.signer ? `signed by key ${pack.signer.keyId}` : 'unsigned'}.`);
    return 0;
  },
};

export const packBuild: PackSubcommand = {
  name: 'build',
  usage: 'build DIR [--out FILE.labpack] [--sign KEY]',
  summary: 'Refresh the hashes, verify, and write a deterministic .labpack (the same folder gives the same bytes)',
  async run(argv) {
    const { values, positionals } = parsePackArgs(argv, this.usage, { out: { type: 'string', short: 'o' }, sign: { type: 'string' } }, { min: 1, max: 1 });
    const dir = resolve(positionals[0]);
    const r = await refreshManifest(dir);
    if (r.changed) console.log(`Updated labpack.json: ${r.added.length} added, ${r.removed.length} removed, ${r.updated.length} changed.`);
    if (values.sign) {
      const sig = await signPackFolder(dir, await readFile(values.sign, 'utf8'), values.sign);
      console.log(`Signed with key ${sig.keyId}.`);
    } else if (r.signatureStale) {
      console.error(`${dir}/labpack.sig no longer matches labpack.json: build with --sign KEY to sign again, or delete labpack.sig to ship the pack unsigned.`);
      return 1;
    }
    const { bytes, pack } = await buildLabpack(await readPackFolder(dir, DEFAULT_LIMITS));
    const out = resolve(values.out ?? `${pack.manifest.id}-${pack.manifest.version}.labpack`);
    await writeFileAtomic(out, bytes);
    console.log(`Built ${basename(out)}: ${Object.keys(pack.manifest.files).length} files, ${bytes.length} bytes, ${pack.signer ? `signed by ${pack.signer.keyId}` : 'unsigned'}.`);
    console.log(`sha256 ${sha256Hex(bytes)}  ${out}`);
    return 0;
  },
};
