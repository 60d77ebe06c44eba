/**
 * ed25519 signatures over a pack's manifest (node:crypto, no dependency). The manifest carries
 * the SHA-256 of every file, so signing its exact bytes signs the whole pack. The signature is
 * detached, in labpack.sig, so signing never changes labpack.json and a rebuilt pack stays
 * byte-identical. The signed message is prefixed with a context string, so a signature made for
 * a pack cannot be replayed as a signature over anything else made with the same key.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { PackError } from './errors';

const CONTEXT = Buffer.from('mlsys-lab labpack signature v1\n', 'utf8');
const PUBLIC_PREFIX = 'ed25519:';

/** What labpack.sig holds. */
export interface PackSignatureFile {
  schemaVersion: 1;
  algorithm: 'ed25519';
  /** `ed25519:` followed by the raw 32-byte public key in base64url. */
  publicKey: string;
  keyId: string;
  /** base64 */
  signature: string;
}

export interface Signer {
  publicKey: string;
  keyId: string;
}

/** A short, stable fingerprint of a public key for people to compare: 16 hex digits in groups of 4. */
export function keyIdOf(publicKey: string): string {
  const raw = Buffer.from(publicKey.slice(PUBLIC_PREFIX.length), 'base64url');
  const hex = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return hex.match(/.{4}/g)!.join('-');
}

/** Parses `ed25519:BASE64URL` (surrounding text on the line, like a key's name, is ignored). */
export function parsePublicKey(text: string, where: string): { key: KeyObject; publicKey: string } {
  const token = text.trim().split(/\s+/)[0] ?? '';
  const raw = token.startsWith(PUBLIC_PREFIX) ? Buffer.from(token.slice(PUBLIC_PREFIX.length), 'base64url') : Buffer.alloc(0);
  if (raw.length !== 32) throw new PackError('E_PACK_SIGNATURE', `${where}: not an ed25519 public key (expected "ed25519:" and 32 bytes in base64url, got ${JSON.stringify(token.slice(0, 60))})`);
  const publicKey = PUBLIC_PREFIX + raw.toString('base64url');
  return { key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' }), publicKey };
}

export function generateSigningKey(): { privateKeyPem: string; publicKey: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  const pub = PUBLIC_PREFIX + x;
  return { privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: pub, keyId: keyIdOf(pub) };
}

/** Signs the exact bytes of labpack.json with a PKCS#8 PEM ed25519 private key. */
export function signManifest(manifestBytes: Uint8Array, privateKeyPem: string, where = 'the private key'): PackSignatureFile {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (err) {
    throw new PackError('E_PACK_SIGNATURE', `${where} is not a PEM private key: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new PackError('E_PACK_SIGNATURE', `${where} is a ${key.asymmetricKeyType} key; packs are signed with ed25519 (make one with "mlsys-lab pack keygen")`);
  const publicKey = PUBLIC_PREFIX + createPublicKey(key).export({ format: 'jwk' }).x!;
  const signature = sign(null, Buffer.concat([CONTEXT, manifestBytes]), key).toString('base64');
  return { schemaVersion: 1, algorithm: 'ed25519', publicKey, keyId: keyIdOf(publicKey), signature };
}

export function serializeSignature(sig: PackSignatureFile): string {
  return `${JSON.stringify(sig, null, 2)}\n`;
}

/** Checks labpack.sig against the manifest bytes; returns the signer, or throws naming what failed. */
export function verifyManifestSignature(manifestBytes: Uint8Array, signatureText: string, where: string): Signer {
  const fail = (why: string): never => {
    throw new PackError('E_PACK_SIGNATURE', `${where}: ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(signatureText);
  } catch (err) {
    return fail(`is not valid JSON (${(err as Error).message})`);
  }
  const s = raw as Partial<Record<keyof PackSignatureFile, unknown>>;
  if (typeof raw !== 'object' || raw === null) fail('must be a JSON object');
  if (s.schemaVersion !== 1) fail(`field "schemaVersion" must be 1, got ${JSON.stringify(s.schemaVersion)}`);
  if (s.algorithm !== 'ed25519') fail(`field "algorithm" must be "ed25519", got ${JSON.stringify(s.algorithm)}`);
  if (typeof s.publicKey !== 'string') fail('field "publicKey" must be a string');
  if (typeof s.signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(s.signature)) fail('field "signature" must be base64');
  const { key, publicKey } = parsePublicKey(s.publicKey as string, `${where} field "publicKey"`);
  const signature = Buffer.from(s.signature as string, 'base64');
  if (signature.length !== 64 || !verify(null, Buffer.concat([CONTEXT, manifestBytes]), key, signature)) {
    fail(`the signature does not match labpack.json: the manifest was changed after signing, or signed with another key. The pack was not imported`);
  }
  return { publicKey, keyId: keyIdOf(publicKey) };
}
