/** Lab packs: the manifest format, verification, import, trust and the instructor's tools. */
export { MANIFEST_FILE, SIGNATURE_FILE, MANIFEST_SCHEMA_VERSION, parseManifest, validateManifest, serializeManifest, type PackManifest, type PackDataset } from './manifest';
export { PackError, ManifestError, type PackErrorCode } from './errors';
export { DEFAULT_LIMITS, type PackLimits } from './limits';
export { openPackSource, packSourceFromBytes, type PackSource, type PackSourceFile } from './pack-source';
export { verifyPack, sha256Hex, type VerifiedPack } from './verify-pack';
export { installPack, type InstallResult } from './install';
export { generateSigningKey, signManifest, verifyManifestSignature, parsePublicKey, keyIdOf, type Signer } from './signature';
export { TrustStore } from './trust-store';
export { PacksService, MAX_UPLOAD_CHUNK_CHARS, type ProgressSource, type DatasetImporter, type PacksServiceOptions } from './packs-service';
export { initPack, refreshManifest, signPackFolder, buildLabpack, zipVerifiedPack } from './author';
