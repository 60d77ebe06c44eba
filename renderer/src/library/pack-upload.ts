import type { LabApi, PackImportResult } from '../../../main/api';

/** 4 MiB of file per message: well under the transport's message limit once base64-encoded. */
const CHUNK_BYTES = 4 * 1024 * 1024;

function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file'));
    reader.readAsDataURL(blob);
  });
}

/**
 * Sends a picked or dropped `.labpack` to main in chunks; main verifies it completely (hashes,
 * signature, limits) before it writes anything. The renderer never sees a path on disk, so the
 * same code works in Electron and in browser mode.
 */
export async function uploadPack(api: LabApi, file: File, onProgress: (fraction: number) => void): Promise<PackImportResult> {
  const id = await api.packs.beginUpload(file.name, file.size);
  try {
    for (let at = 0; at < file.size; at += CHUNK_BYTES) {
      await api.packs.uploadChunk(id, await blobToBase64(file.slice(at, at + CHUNK_BYTES)));
      onProgress(Math.min(1, (at + CHUNK_BYTES) / file.size));
    }
  } catch (err) {
    void api.packs.cancelUpload(id).catch(() => {});
    throw err;
  }
  return api.packs.finishUpload(id);
}
