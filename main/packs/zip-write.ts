/**
 * Writes a zip deterministically: the same files in give the same bytes out, on any machine, so
 * a pack's SHA-256 identifies its content. Every entry has the same timestamp (1980-01-01, the
 * zip epoch), Unix mode 0644, UTF-8 names, and is deflated by fflate at a fixed level (pure
 * JavaScript, so no zlib version can change the output), or stored when deflate would not help.
 */
import { deflateSync } from 'fflate';
import { crc32 } from 'node:zlib';

export interface ZipInput {
  path: string;
  data: Uint8Array;
}

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const VERSION = 20;
const MADE_BY_UNIX = (3 << 8) | VERSION;
const FLAG_UTF8 = 0x0800;
const MODE_FILE = 0o100644;
export const DEFLATE_LEVEL = 6;

/** Zips `files` in the order given; callers sort them. */
export function writeZip(files: readonly ZipInput[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.path, 'utf8');
    const deflated = deflateSync(file.data, { level: DEFLATE_LEVEL });
    const store = deflated.length >= file.data.length;
    const body = store ? file.data : deflated;
    const crc = crc32(file.data);

    // the local header and the central record share the same run of fields, 2 bytes apart
    const shared = (buf: Buffer, at: number) => {
      buf.writeUInt16LE(VERSION, at);
      buf.writeUInt16LE(FLAG_UTF8, at + 2);
      buf.writeUInt16LE(store ? 0 : 8, at + 4);
      buf.writeUInt16LE(0, at + 6);
      buf.writeUInt16LE(DOS_DATE_1980_01_01, at + 8);
      buf.writeUInt32LE(crc, at + 10);
      buf.writeUInt32LE(body.length, at + 14);
      buf.writeUInt32LE(file.data.length, at + 18);
      buf.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    shared(local, 4);

    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(MADE_BY_UNIX, 4);
    shared(entry, 6);
    entry.writeUInt32LE((MODE_FILE << 16) >>> 0, 38);
    entry.writeUInt32LE(offset, 42);

    parts.push(local, name, Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    central.push(entry, name);
    offset += local.length + name.length + body.length;
    if (offset > 0xffffffff) throw new RangeError('The pack is larger than 4 GiB, which a .labpack cannot hold');
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}
