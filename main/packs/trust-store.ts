/**
 * Which packs may run code, remembered in <workspace>/trust.json, as Jupyter remembers trusted
 * notebooks and VS Code trusted folders. A pack is trusted when it is signed by a key in the
 * trusted-keys list, or when the user trusted it. Trust given to a signed pack follows its signer
 * to later versions; trust given to an unsigned pack covers exactly that manifest (its SHA-256),
 * so a changed unsigned pack is restricted again.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write';
import { PackError } from './errors';
import { keyIdOf, parsePublicKey, type Signer } from './signature';

export interface TrustedKeyRecord {
  keyId: string;
  publicKey: string;
  name: string;
  addedAt: string;
}

interface PackTrustRecord {
  signerKeyId: string | null;
  manifestSha256: string;
  trustedAt: string;
}

interface TrustFile {
  version: 1;
  keys: TrustedKeyRecord[];
  packs: Record<string, PackTrustRecord>;
}

export type TrustReason = 'builtin' | 'trusted-key' | 'trusted-by-user' | 'unsigned' | 'unknown-key';

export class TrustStore {
  private data: TrustFile = { version: 1, keys: [], packs: {} };
  /** Set when trust.json could not be read: we then trust nothing and refuse to overwrite it. */
  private problem: string | undefined;

  constructor(
    private readonly file: string,
    log: (message: string) => void = () => {},
  ) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.problem = `${file} cannot be read: ${(err as Error).message}`;
      if (this.problem) log(this.problem);
      return;
    }
    try {
      const raw = JSON.parse(text) as TrustFile;
      if (raw.version !== 1 || !Array.isArray(raw.keys) || typeof raw.packs !== 'object' || raw.packs === null) throw new Error('it does not have version 1, keys and packs');
      this.data = raw;
    } catch (err) {
      this.problem = `${file} is damaged (${(err as Error).message}); every imported pack opens restricted until it is fixed or deleted`;
      log(this.problem);
    }
  }

  keys(): TrustedKeyRecord[] {
    return this.data.keys.map((k) => ({ ...k }));
  }

  /** Whether the pack may run code, and why. */
  reason(packId: string, signer: Signer | null, manifestSha256: string): TrustReason {
    if (signer && this.data.keys.some((k) => k.publicKey === signer.publicKey)) return 'trusted-key';
    const rec = Object.hasOwn(this.data.packs, packId) ? this.data.packs[packId] : undefined;
    if (rec && (signer ? rec.signerKeyId === signer.keyId : rec.manifestSha256 === manifestSha256)) return 'trusted-by-user';
    return signer ? 'unknown-key' : 'unsigned';
  }

  async trustPack(packId: string, signer: Signer | null, manifestSha256: string): Promise<void> {
    this.data.packs[packId] = { signerKeyId: signer?.keyId ?? null, manifestSha256, trustedAt: new Date().toISOString() };
    await this.save();
  }

  async untrustPack(packId: string): Promise<void> {
    delete this.data.packs[packId];
    await this.save();
  }

  async addKey(publicKeyText: string, name: string): Promise<TrustedKeyRecord> {
    const { publicKey } = parsePublicKey(publicKeyText, 'the key to trust');
    const keyId = keyIdOf(publicKey);
    const existing = this.data.keys.find((k) => k.keyId === keyId);
    if (existing) return { ...existing };
    const rec = { keyId, publicKey, name: name.trim() || keyId, addedAt: new Date().toISOString() };
    this.data.keys.push(rec);
    await this.save();
    return { ...rec };
  }

  async removeKey(keyId: string): Promise<void> {
    this.data.keys = this.data.keys.filter((k) => k.keyId !== keyId);
    await this.save();
  }

  private async save(): Promise<void> {
    if (this.problem) throw new PackError('E_PACK_SIGNATURE', `Cannot change trust: ${this.problem}`);
    await writeFileAtomic(this.file, `${JSON.stringify(this.data, null, 2)}\n`);
  }
}
