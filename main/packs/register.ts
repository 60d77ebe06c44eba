/**
 * Builds the packs service for a workspace and registers the `packs` API group with its argument
 * checks. Shared by the composition root and the CLI's `open`, which imports without the app.
 */
import { join } from 'node:path';
import type { Dispatcher } from '../rpc/dispatcher';
import { t } from '../rpc/schema';
import { appVersion } from '../paths';
import { MAX_UPLOAD_CHUNK_CHARS, PacksService, type PacksServiceOptions } from './packs-service';
import { TrustStore } from './trust-store';
import { recoverInterruptedImports } from './install';

export function createPacksService(
  options: { workspaceDir: string; labsDir: string; log?: (m: string) => void } & Pick<PacksServiceOptions, 'onDidChange' | 'onDidImport' | 'progress' | 'importDatasets' | 'limits' | 'environment'>,
): PacksService {
  const { workspaceDir, labsDir, log, ...rest } = options;
  const packsDir = join(workspaceDir, 'packs');
  // construction stays synchronous; imports and library loads wait on `ready`
  const ready = recoverInterruptedImports(packsDir, log).catch((err: Error) => log?.(`could not tidy ${packsDir}: ${err.message}`));
  return new PacksService({
    ready,
    packsDir,
    notebooksDir: join(workspaceDir, 'notebooks'),
    submissionsDir: join(workspaceDir, 'submissions'),
    labsDir,
    trust: new TrustStore(join(workspaceDir, 'trust.json'), log),
    appVersion: appVersion(),
    ...rest,
  });
}

const packId = () => t.string({ minLength: 1, maxLength: 64 });

export function registerPacks(dispatcher: Dispatcher, packs: PacksService): void {
  dispatcher.register(
    'packs',
    {
      import: { args: [t.string({ minLength: 1, maxLength: 4096 })], run: (path) => packs.import(path) },
      beginUpload: { args: [t.string({ minLength: 1, maxLength: 255 }), t.number({ integer: true, min: 1 })], run: (name, size) => packs.beginUpload(name, size) },
      uploadChunk: { args: [t.string({ maxLength: 64 }), t.string({ maxLength: MAX_UPLOAD_CHUNK_CHARS })], run: (id, chunk) => packs.uploadChunk(id, chunk) },
      finishUpload: { args: [t.string({ maxLength: 64 })], run: (id) => packs.finishUpload(id) },
      cancelUpload: { args: [t.string({ maxLength: 64 })], run: (id) => packs.cancelUpload(id) },
      trustInfo: { args: [packId()], run: (id) => packs.trustInfo(id) },
      trust: { args: [packId()], run: (id) => packs.trust(id) },
      untrust: { args: [packId()], run: (id) => packs.untrust(id) },
      trustedKeys: { args: [], run: () => packs.trustedKeys() },
      addTrustedKey: { args: [t.string({ minLength: 1, maxLength: 200 }), t.string({ maxLength: 200 })], run: (key, name) => packs.addTrustedKey(key, name) },
      removeTrustedKey: { args: [t.string({ minLength: 1, maxLength: 64 })], run: (id) => packs.removeTrustedKey(id) },
      progress: { args: [], run: () => packs.progress() },
      exportSubmission: { args: [packId(), t.string({ minLength: 1, maxLength: 200 })], run: (id, attendee) => packs.exportSubmission(id, attendee) },
      readHandIns: { args: [t.string({ minLength: 1, maxLength: 4096 })], run: (folder) => packs.readHandIns(folder) },
    },
    ['onDidImport'],
  );
}
