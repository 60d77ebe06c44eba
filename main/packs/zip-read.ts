/**
 * Reads a `.labpack` zip defensively. We parse the central directory ourselves rather than trust
 * a general unzip library, because the decisions that keep an import safe live in fields those
 * libraries hide: Unix mode bits (symbolic links), overlapping entries (the "non-recursive" zip
 * bomb), declared sizes that lie. Inflation runs in zlib with `maxOutputLength`, so a limit stops
 * the inflater itself as soon as the real output passes it.
 */
import { crc32, inflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import { PackError } from './errors';
import { formatBytes, type PackLimits } from './limits';
import { comparePaths, packPathProblem, pathCollisionKey } from './pack-path';
import type { PackSource, PackSourceFile } from './pack-source';

const inflateRawAsync = promisify(inflateRaw);

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;
const HOST_UNIX = 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

interface CentralEntry {
  path: string;
  isDir: boolean;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  dataStart: number;
}

export function readZipSource(bytes: Buffer, origin: string, limits: PackLimits): PackSource {
  // hand-ins (.labsub) are read by this reader too, and their errors should say so
  const kind = /\.labsub$/i.test(origin) ? '.labsub' : '.labpack';
  const corrupt = (why: string): never => {
    throw new PackError('E_PACK_CORRUPT', `${origin} is not a readable ${kind} (zip) file: ${why}`);
  };
  const unsafe = (path: string, why: string): never => {
    throw new PackError('E_PACK_UNSAFE', `${origin}: entry ${JSON.stringify(path)} ${why}; the pack was not imported`);
  };
  const u16 = (at: number) => (at + 2 <= bytes.length ? bytes.readUInt16LE(at) : corrupt(`it ends early (at byte ${at})`));
  const u32 = (at: number) => (at + 4 <= bytes.length ? bytes.readUInt32LE(at) : corrupt(`it ends early (at byte ${at})`));

  // The end-of-central-directory record: the last 22 bytes, unless a comment follows it.
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === EOCD && at + 22 + bytes.readUInt16LE(at + 20) === bytes.length) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) corrupt('no end-of-central-directory record (truncated, or not a zip at all)');
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) corrupt('it spans several disks');
  const count = u16(eocd + 10);
  const cdSize = u32(eocd + 12);
  const cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) corrupt('it is a ZIP64 archive, which packs never need (they are limited in size)');
  if (u16(eocd + 8) !== count) corrupt('the entry counts disagree');
  if (count > limits.maxEntries) throw new PackError('E_PACK_TOO_LARGE', `${origin} has ${count} entries, over the limit of ${limits.maxEntries}`);
  if (cdOffset + cdSize > eocd) corrupt('the central directory runs past its end record');

  const entries: CentralEntry[] = [];
  const seen = new Map<string, string>();
  let declaredTotal = 0;
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== CENTRAL) corrupt(`central directory entry ${i + 1} has a bad signature`);
    const madeBy = u16(at + 4);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    const compressedSize = u32(at + 20);
    const size = u32(at + 24);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    const commentLen = u16(at + 32);
    const external = u32(at + 38);
    const localOffset = u32(at + 42);
    if (at + 46 + nameLen > cdOffset + cdSize) corrupt(`central directory entry ${i + 1} runs past the directory`);
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLen);
    at += 46 + nameLen + extraLen + commentLen;

    let name: string;
    if (flags & FLAG_UTF8) {
      try {
        name = new TextDecoder('utf-8', { fatal: true }).decode(nameBytes);
      } catch {
        return corrupt(`entry ${i + 1} has a name that is not valid UTF-8`);
      }
    } else {
      // without the UTF-8 flag a name is CP437; only its ASCII subset means the same everywhere
      if (nameBytes.some((b) => b >= 0x80)) corrupt(`entry ${i + 1} has a non-ASCII name without the UTF-8 flag; rebuild the pack with "mlsys-lab pack build"`);
      name = nameBytes.toString('latin1');
    }
    const isDir = name.endsWith('/');
    const path = isDir ? name.slice(0, -1) : name;
    const problem = packPathProblem(path);
    if (problem) unsafe(name, `is not a safe path: it ${problem}`);

    const mode = external >>> 16;
    if (madeBy >> 8 === HOST_UNIX && mode !== 0) {
      const type = mode & S_IFMT;
      if (type === S_IFLNK) unsafe(name, 'is a symbolic link; a pack may only contain plain files');
      if (type === S_IFDIR ? !isDir : type !== S_IFREG) unsafe(name, `is not a plain file (Unix mode ${mode.toString(8)})`);
    }
    if (flags & FLAG_ENCRYPTED) unsafe(name, 'is encrypted');
    if (method !== 0 && method !== 8) corrupt(`entry ${JSON.stringify(name)} uses compression method ${method}; packs use deflate (8) or none (0)`);

    const key = pathCollisionKey(path);
    const other = seen.get(key);
    if (other !== undefined) {
      unsafe(name, other.replace(/\/$/, '') === path ? 'appears twice' : `and ${JSON.stringify(other)} differ only in letter case; they would be the same file on macOS and Windows`);
    }
    seen.set(key, name);
    if (isDir) {
      if (size !== 0) corrupt(`folder entry ${JSON.stringify(name)} has content`);
      continue;
    }

    if (size > limits.maxFileBytes) throw new PackError('E_PACK_TOO_LARGE', `${origin}: entry ${JSON.stringify(name)} declares ${formatBytes(size)}, over the ${formatBytes(limits.maxFileBytes)} limit for one file`);
    declaredTotal += size;
    if (declaredTotal > limits.maxTotalBytes) throw new PackError('E_PACK_TOO_LARGE', `${origin} declares more than ${formatBytes(limits.maxTotalBytes)} of files, the limit for a pack`);

    if (u32(localOffset) !== LOCAL) corrupt(`entry ${JSON.stringify(name)} has no local header where the directory says`);
    const localNameLen = u16(localOffset + 26);
    const localExtraLen = u16(localOffset + 28);
    if (!bytes.subarray(localOffset + 30, localOffset + 30 + localNameLen).equals(nameBytes)) corrupt(`entry ${JSON.stringify(name)} has a different name in its local header`);
    if (u16(localOffset + 8) !== method) corrupt(`entry ${JSON.stringify(name)} has a different compression method in its local header`);
    const dataStart = localOffset + 30 + localNameLen + localExtraLen;
    if (dataStart + compressedSize > cdOffset) corrupt(`entry ${JSON.stringify(name)} runs past the end of the file data`);
    entries.push({ path, isDir, method, crc, compressedSize, size, localOffset, dataStart });
  }

  // Entries that share bytes are how a small zip inflates to terabytes; a real zip never does it.
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1];
    if (byOffset[i].localOffset < prev.dataStart + prev.compressedSize) {
      unsafe(byOffset[i].path, `overlaps the data of ${JSON.stringify(prev.path)} (a zip-bomb construction)`);
    }
  }

  let inflatedTotal = 0;
  const read = async (e: CentralEntry): Promise<Buffer> => {
    const raw = bytes.subarray(e.dataStart, e.dataStart + e.compressedSize);
    const byRatio = Math.max(limits.ratioFloorBytes, e.compressedSize * limits.maxRatio);
    const left = limits.maxTotalBytes - inflatedTotal;
    const cap = Math.min(limits.maxFileBytes, left, byRatio);
    const overCap = (): PackError => {
      const why =
        cap === byRatio
          ? `expands more than ${limits.maxRatio}:1 (from ${formatBytes(e.compressedSize)}), over the compression-ratio limit`
          : cap === limits.maxFileBytes
            ? `inflates to more than ${formatBytes(limits.maxFileBytes)}, the limit for one file`
            : `takes the pack past ${formatBytes(limits.maxTotalBytes)}, the limit for a whole pack`;
      return new PackError('E_PACK_TOO_LARGE', `${origin}: entry ${JSON.stringify(e.path)} ${why} (a zip bomb?); the pack was not imported`);
    };
    if (e.size > cap) throw overCap();
    let data: Buffer;
    if (e.method === 0) {
      if (e.compressedSize !== e.size) corrupt(`stored entry ${JSON.stringify(e.path)} has different stored and real sizes`);
      data = Buffer.from(raw);
    } else {
      try {
        data = await inflateRawAsync(raw, { maxOutputLength: Math.max(1, cap) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw overCap();
        return corrupt(`entry ${JSON.stringify(e.path)} does not inflate (${(err as Error).message})`);
      }
    }
    if (data.length !== e.size) corrupt(`entry ${JSON.stringify(e.path)} inflates to ${data.length} bytes, but its header says ${e.size}`);
    if (crc32(data) !== e.crc) corrupt(`entry ${JSON.stringify(e.path)} fails its CRC-32 check (the file is damaged)`);
    inflatedTotal += data.length;
    return data;
  };

  const files: PackSourceFile[] = entries.map((e) => ({ path: e.path, size: e.size, read: () => read(e) }));
  files.sort((a, b) => comparePaths(a.path, b.path));
  return { kind: 'zip', origin, files };
}
