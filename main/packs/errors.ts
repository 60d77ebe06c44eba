/**
 * The errors a pack can fail with. Each has a stable code (it crosses the API as `code`) and a
 * message that names the file, entry or field at fault and says what to do.
 */
export type PackErrorCode =
  /** labpack.json is missing, not JSON, or a field is wrong. */
  | 'E_PACK_MANIFEST'
  /** A file is missing, extra, or its SHA-256 differs from the manifest. */
  | 'E_PACK_INTEGRITY'
  /** The signature file is malformed or does not verify. */
  | 'E_PACK_SIGNATURE'
  /** An entry would escape the pack or is not a plain file: `..`, absolute, symlink, duplicate. */
  | 'E_PACK_UNSAFE'
  /** The archive is over a size or compression-ratio limit (a zip bomb, or simply too big). */
  | 'E_PACK_TOO_LARGE'
  /** The archive is not a readable zip. */
  | 'E_PACK_CORRUPT'
  /** The pack needs another version of the app, or an older version than the one installed. */
  | 'E_PACK_VERSION'
  /** The pack is not trusted, so its cells may not run. */
  | 'E_PACK_RESTRICTED';

export class PackError extends Error {
  constructor(
    readonly code: PackErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PackError';
  }
}

export class ManifestError extends PackError {
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super('E_PACK_MANIFEST', `${file}: field "${field}" ${problem}`);
    this.name = 'ManifestError';
  }
}
