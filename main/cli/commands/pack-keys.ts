import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { signPackFolder, zipVerifiedPack } from '../../packs/author';
import { openPackSource } from '../../packs/pack-source';
import { generateSigningKey, parsePublicKey, serializeSignature, signManifest } from '../../packs/signature';
import { verifyPack } from '../../packs/verify-pack';
import { writeFileAtomic } from '../../util/atomic-write';
import { UsageError } from '../command';
import type { PackSubcommand } from './pack';
import { parsePackArgs } from './pack-args';

export const packKeygen: PackSubcommand = {
  name: 'keygen',
  usage: 'keygen [NAME]',
  summary: 'Make an ed25519 signing key: NAME.key (private: keep it secret) and NAME.pub (give it to attendees)',
  async run(argv) {
    const { positionals } = parsePackArgs(argv, this.usage, {}, { min: 0, max: 1 });
    const name = resolve(positionals[0] ?? 'labpack-signing');
    const key = generateSigningKey();
    // 'wx': never overwrite a key, losing it would orphan every pack it signed
    await writeFile(`${name}.key`, key.privateKeyPem, { flag: 'wx', mode: 0o600 });
    await chmod(`${name}.key`, 0o600);
    await writeFile(`${name}.pub`, `${key.publicKey} ${key.keyId}\n`, { flag: 'wx' });
    console.log(`Wrote ${name}.key (private, mode 600) and ${name}.pub.`);
    console.log(`Key id ${key.keyId}; public key ${key.publicKey}`);
    return 0;
  },
};

export const packSign: PackSubcommand = {
  name: 'sign',
  usage: 'sign PACK --key NAME.key',
  summary: 'Sign the manifest: a folder gets labpack.sig; a .labpack is rewritten with it',
  async run(argv) {
    const { values, positionals } = parsePackArgs(argv, this.usage, { key: { type: 'string' } }, { min: 1, max: 1 });
    if (!values.key) return usageFail(this.usage);
    const path = resolve(positionals[0]);
    const pem = await readFile(values.key, 'utf8');
    if ((await stat(path)).isDirectory()) {
      await verifyPack(await openPackSource(path)); // never sign a pack whose hashes are stale
      const sig = await signPackFolder(path, pem, values.key);
      console.log(`Signed ${path}/labpack.json with key ${sig.keyId}.`);
      return 0;
    }
    const pack = await verifyPack(await openPackSource(path), { keepData: true });
    const sig = signManifest(pack.manifestBytes, pem, values.key);
    await writeFileAtomic(path, zipVerifiedPack({ ...pack, signatureBytes: Buffer.from(serializeSignature(sig)) }));
    console.log(`Signed ${path} with key ${sig.keyId}.`);
    return 0;
  },
};

export const packVerify: PackSubcommand = {
  name: 'verify',
  usage: 'verify PACK [--key NAME.pub]',
  summary: 'Verify files, hashes and signature; fails when unsigned, or (with --key) signed by another key',
  async run(argv) {
    const { values, positionals } = parsePackArgs(argv, this.usage, { key: { type: 'string' } }, { min: 1, max: 1 });
    const pack = await verifyPack(await openPackSource(resolve(positionals[0])));
    if (!pack.signer) {
      console.error(`${positionals[0]} is not signed (no labpack.sig). Sign it with "mlsys-lab pack sign ${positionals[0]} --key KEY".`);
      return 1;
    }
    if (values.key) {
      const expected = parsePublicKey(await readFile(values.key, 'utf8'), values.key).publicKey;
      if (expected !== pack.signer.publicKey) {
        console.error(`${positionals[0]} is signed by key ${pack.signer.keyId}, not by the key in ${values.key}.`);
        return 1;
      }
    }
    console.log(`OK ${pack.manifest.id} ${pack.manifest.version}: signed by key ${pack.signer.keyId} (${pack.signer.publicKey}); ${Object.keys(pack.manifest.files).length} files verified.`);
    return 0;
  },
};

function usageFail(usage: string): never {
  throw new UsageError(`Usage: mlsys-lab pack ${usage}`);
}
