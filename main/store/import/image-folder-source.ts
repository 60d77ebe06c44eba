import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { ColumnInfo } from '../../api/datasets';
import { type ImportSource, type SourceItem, type SourceOptions } from './import-source';
import { StoreError } from '../store-errors';

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };
const BATCH_IMAGES = 500;

/** Decodes a PNG or JPEG to RGBA pixels. */
function decode(bytes: Buffer, mime: string): { width: number; height: number; rgba: Uint8Array } {
  if (mime === 'image/png') {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, rgba: png.data };
  }
  const img = jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 256 });
  return { width: img.width, height: img.height, rgba: img.data };
}

/**
 * A folder of images, labelled by the name of the folder each one is in (root/cat/1.png is a
 * "cat"); images directly in the root are unlabeled. The file bytes are kept for display and
 * the pixels become the features (grey or RGB, decided by the first image); an image whose size
 * differs from the first one's is rejected with both sizes.
 */
export async function imageFolderSource(root: string, _options: SourceOptions): Promise<ImportSource> {
  const files: { path: string; label: string | null }[] = [];
  const walk = (dir: string, label: string | null) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p, relative(root, p).split(/[\\/]/)[0]);
      else if (MIME[extname(entry.name).toLowerCase()]) files.push({ path: p, label });
    }
  };
  walk(root, null);
  if (!files.length) throw new StoreError('E_IMPORT', `Cannot import "${root}": it holds no .png, .jpg or .jpeg files (looked in it and its subfolders).`);
  let shape: [number, number, number] | undefined;
  let done = 0;

  async function* batches(): AsyncGenerator<SourceItem[]> {
    for (let start = 0; start < files.length; start += BATCH_IMAGES) {
      const out: SourceItem[] = [];
      for (const f of files.slice(start, start + BATCH_IMAGES)) {
        const at = relative(root, f.path);
        const mime = MIME[extname(f.path).toLowerCase()];
        const bytes = await readFile(f.path);
        let img: ReturnType<typeof decode>;
        try {
          img = decode(bytes, mime);
        } catch (err) {
          out.push({ rejected: { at, reason: `${at} cannot be decoded as ${mime} (${(err as Error).message})` } });
          continue;
        }
        if (!shape) shape = [img.height, img.width, isGrey(img.rgba) ? 1 : 3];
        if (img.height !== shape[0] || img.width !== shape[1]) {
          out.push({ rejected: { at, reason: `${at} is ${img.width}x${img.height} pixels, the first image was ${shape[1]}x${shape[0]}` } });
          continue;
        }
        out.push({ features: toFeatures(img.rgba, shape[2]), rawType: mime, raw: bytes, label: f.label });
      }
      done = Math.min(files.length, start + BATCH_IMAGES);
      yield out;
    }
  }

  return {
    kind: 'image',
    format: 'images',
    batches,
    fraction: () => done / files.length,
    meta: () => ({
      columns: files.some((f) => f.label !== null) ? [{ name: 'label', type: 'string', role: 'label', missing: files.filter((f) => f.label === null).length } satisfies ColumnInfo] : [],
      featureNames: [],
      shape: shape ?? null,
      classes: null,
    }),
  };
}

function isGrey(rgba: Uint8Array): boolean {
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
  return true;
}

function toFeatures(rgba: Uint8Array, channels: number): Float32Array {
  const n = rgba.length / 4;
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    if (channels === 1) out[i] = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
    else for (let c = 0; c < 3; c++) out[3 * i + c] = rgba[4 * i + c];
  }
  return out;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
