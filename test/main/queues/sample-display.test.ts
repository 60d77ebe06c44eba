import { describe, expect, it } from 'vitest';
import { inOverlap } from '../../../main/queues/queue-service';
import { greyscaleBmp, sampleDisplay } from '../../../main/queues/sample-display';

const sample = (over: Partial<Parameters<typeof sampleDisplay>[0]>) => ({ id: 1, position: 0, rawType: null, raw: null, features: null, ...over });

describe('sampleDisplay', () => {
  it('shows raw images as images, texts as text and JSON rows as a table', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47]);
    expect(sampleDisplay(sample({ rawType: 'image/png', raw: png }), { shape: null })).toEqual({ kind: 'image', src: 'data:image/png;base64,iVBORw==' });
    expect(sampleDisplay(sample({ rawType: 'text/plain', raw: Buffer.from('great film') }), { shape: null })).toEqual({ kind: 'text', text: 'great film' });
    expect(sampleDisplay(sample({ rawType: 'application/json', raw: Buffer.from('{"island":"Dream","mass":3800,"sex":null}') }), { shape: null })).toEqual({
      kind: 'table',
      cells: { island: 'Dream', mass: 3800, sex: null },
    });
  });

  it('draws features as a greyscale image when the dataset says they are one', () => {
    const f = Float32Array.from({ length: 64 }, (_, i) => i % 17);
    const d = sampleDisplay(sample({ features: f, rawType: 'application/json', raw: Buffer.from('{}') }), { shape: [8, 8, 1] });
    expect(d.kind).toBe('image');
    const bmp = Buffer.from((d as { src: string }).src.split(',')[1], 'base64');
    expect(bmp.toString('latin1', 0, 2)).toBe('BM');
    expect(bmp.readInt32LE(18)).toBe(8);
    expect(bmp.readInt32LE(22)).toBe(-8);
    expect(bmp.length).toBe(14 + 40 + 1024 + 8 * 8);
  });

  it('scales pixel values from their range to black..white, and keeps rows 4-byte aligned', () => {
    const bmp = greyscaleBmp(Float32Array.from([0, 8, 16]), 3, 1);
    const offset = bmp.readUInt32LE(10);
    expect([...bmp.subarray(offset, offset + 4)]).toEqual([0, 128, 255, 0]);
  });
});

describe('inOverlap', () => {
  it('puts about the configured share of samples in the overlap, the same way every time', () => {
    let n = 0;
    for (let id = 1; id <= 20_000; id++) if (inOverlap(3, id, 0.1)) n++;
    expect(n / 20_000).toBeGreaterThan(0.09);
    expect(n / 20_000).toBeLessThan(0.11);
    expect(inOverlap(3, 17, 0.1)).toBe(inOverlap(3, 17, 0.1));
    expect([...Array(1000).keys()].some((id) => inOverlap(1, id, 0))).toBe(false);
  });
});
