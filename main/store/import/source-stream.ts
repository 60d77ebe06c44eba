import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** True when the file starts with the gzip magic bytes (whatever its name says). */
export async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

export interface SourceStream {
  /** Decoded text (or bytes) of the file, gunzipped when it is gzip. */
  stream: Readable;
  /** Bytes of the file read so far, over its size: progress for a possibly compressed file. */
  fraction(): number;
}

/** Opens a file for streaming, gunzipping on the fly; progress counts bytes of the file itself. */
export async function openSource(path: string, encoding?: BufferEncoding): Promise<SourceStream> {
  const size = statSync(path).size;
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = (await isGzip(path)) ? file.pipe(createGunzip()) : file;
  if (stream !== file) file.on('error', (e) => stream.destroy(e));
  if (encoding) stream.setEncoding(encoding);
  return { stream, fraction: () => (size === 0 ? 1 : Math.min(1, file.bytesRead / size)) };
}
