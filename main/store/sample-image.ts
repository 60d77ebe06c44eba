import { PNG } from 'pngjs';

/**
 * A PNG data: URL drawn from an image sample's features (pixel values 0..255, [h, w, c] with c
 * 1 or 3). Datasets imported from IDX keep their pixels only as features, so the browser's
 * images are drawn from them on demand, a page at a time.
 */
export function featuresToPngDataUrl(features: Float32Array, shape: readonly number[]): string {
  const [height, width, channels] = shape;
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) png.data[4 * i + c] = clamp(features[channels === 1 ? i : 3 * i + c]);
    png.data[4 * i + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

function clamp(v: number): number {
  return Number.isNaN(v) ? 0 : Math.max(0, Math.min(255, Math.round(v)));
}
