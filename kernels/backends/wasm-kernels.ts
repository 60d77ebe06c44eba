/**
 * Kernels for the wasm backend of TensorFlow.js 4.22:
 * - gradient kernels it lacks, so that model.fit trains convolutional and embedding models there
 *   too; each is composed from kernels wasm has (conv2d, matMul, pad, transpose), so XNNPACK does
 *   the arithmetic, and each is registered only where wasm has none of its own;
 * - replacements for kernels it has but runs far off its own fast path (see FASTER).
 */
import * as tf from '@tensorflow/tfjs';

type Attrs = Record<string, unknown>;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: Attrs };
type Kernel = (args: KernelArgs) => tf.TensorInfo;

/**
 * A Tensor view of a kernel input, so the kernel can be written with ops. It holds a reference of
 * its own on the data (makeTensorFromTensorInfo alone does not), so the surrounding tidy disposing
 * the view leaves the caller's tensor intact.
 */
function asTensor(info: tf.TensorInfo | undefined): tf.Tensor {
  if (!info) throw new TypeError('A gradient kernel was called without one of its inputs');
  const engine = tf.engine();
  const t = engine.makeTensorFromTensorInfo(info);
  engine.backend.incRef(info.dataId);
  return t;
}

function toNhwc(t: tf.Tensor4D, dataFormat: unknown): tf.Tensor4D {
  return dataFormat === 'NCHW' ? tf.transpose(t, [0, 2, 3, 1]) : t;
}

/**
 * The input patches that meet each filter tap, as one [batch*outH*outW, fh*fw*inChannels] matrix
 * (im2col) whose column order is the filter's own [fh, fw, inChannels] layout.
 */
function im2col(x: tf.Tensor4D, conv: tf.backend_util.Conv2DInfo): tf.Tensor2D {
  const { padInfo: p, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = conv;
  const { dilationHeight: dh, dilationWidth: dw, outHeight: oh, outWidth: ow, batchSize: b, inChannels: c } = conv;
  const padded = p.top || p.bottom || p.left || p.right
    ? tf.pad(x, [[0, 0], [Math.max(p.top, 0), Math.max(p.bottom, 0)], [Math.max(p.left, 0), Math.max(p.right, 0)], [0, 0]])
    : x;
  const taps: tf.Tensor4D[] = [];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const begin = [0, i * dh, j * dw, 0];
      taps.push(sh === 1 && sw === 1
        ? tf.slice(padded, begin, [b, oh, ow, c])
        : tf.stridedSlice(padded, begin, [b, i * dh + (oh - 1) * sh + 1, j * dw + (ow - 1) * sw + 1, c], [1, sh, sw, 1]) as tf.Tensor4D);
    }
  }
  const patches = taps.length === 1 ? taps[0] : tf.concat(taps, 3);
  return tf.reshape(patches, [b * oh * ow, fh * fw * c]);
}

type ConvAttrs = {
  strides: [number, number] | number; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function padSpatial(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    x = tf.slice(x, [0, Math.max(-top, 0), Math.max(-left, 0), 0],
      [-1, x.shape[1] - Math.max(-top, 0) - Math.max(-bottom, 0), x.shape[2] - Math.max(-left, 0) - Math.max(-right, 0), -1]);
  }
  const p = [Math.max(top, 0), Math.max(bottom, 0), Math.max(left, 0), Math.max(right, 0)];
  return p.some((v) => v > 0) ? tf.pad(x, [[0, 0], [p[0], p[1]], [p[2], p[3]], [0, 0]]) : x;
}

/**
 * dL/dfilter of conv2d as one forward conv (XNNPACK's fast path): with batch and channels swapped,
 * x^T [inC, H, W, batch] convolved with dy^T [outH, outW, batch, outC], dilated by the stride,
 * gives [inC, fh, fw, outC]: dW[i,j,c,o] = sum over b,y,x of x[b, y*s+i, x*s+j, c] * dy[b,y,x,o].
 */
function conv2DBackpropFilter({ inputs, attrs = {} }: KernelArgs): tf.TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as ConvAttrs & { filterShape: [number, number, number, number] };
  return tf.tidy(() => {
    const x = toNhwc(asTensor(inputs.x) as tf.Tensor4D, dataFormat);
    const dy = toNhwc(asTensor(inputs.dy) as tf.Tensor4D, dataFormat);
    const conv = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const { padInfo: p, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = conv;
    const xp = padSpatial(x, p.top, p.bottom, p.left, p.right);
    const out = tf.conv2d(tf.transpose(xp, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid', 'NHWC', [sh, sw]);
    const cropped = out.shape[1] === fh && out.shape[2] === fw ? out : tf.slice(out, [0, 0, 0, 0], [-1, fh, fw, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

/**
 * dL/dx of conv2d as one forward conv: dy, spread out by the stride (zeros between rows and
 * columns) and padded by filter-1-pad, convolved with the filter rotated 180 degrees and with its
 * channel axes swapped. wasm's own Conv2DBackpropInput is a scalar C++ loop, several times slower
 * than XNNPACK's conv on the same shapes.
 */
function conv2DBackpropInput({ inputs, attrs = {} }: KernelArgs): tf.TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as ConvAttrs & { inputShape: [number, number, number, number] };
  return tf.tidy(() => {
    let dy = toNhwc(asTensor(inputs.dy) as tf.Tensor4D, dataFormat);
    const filter = asTensor(inputs.filter) as tf.Tensor4D;
    const xShape = (dataFormat === 'NCHW'
      ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]]
      : inputShape) as [number, number, number, number];
    const conv = tf.backend_util.computeConv2DInfo(xShape, filter.shape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const { padInfo: p, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = conv;
    const [b, oh, ow, o] = dy.shape;
    if (sh > 1 || sw > 1) {
      dy = tf.reshape(tf.pad(tf.reshape(dy, [b, oh, 1, ow, 1, o]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]), [b, oh * sh, ow * sw, o]);
    }
    const top = fh - 1 - p.top;
    const left = fw - 1 - p.left;
    const dyp = padSpatial(dy, top, xShape[1] + fh - 1 - top - dy.shape[1], left, xShape[2] + fw - 1 - left - dy.shape[2]);
    const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    const dx = tf.conv2d(dyp, rotated, 1, 'valid');
    return dataFormat === 'NCHW' ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

/**
 * Depthwise conv as a regular conv whose filter is block-diagonal over channels: exact, and lets the
 * input gradient reuse wasm's Conv2DBackpropInput. Costs inChannels times the arithmetic of a
 * depthwise kernel, acceptable for the small channel counts of the labs' models.
 */
function blockDiagonalFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [fh, fw, c, m] = filter.shape;
  const eye = tf.reshape(tf.eye(c), [1, 1, c, c, 1]);
  const full = tf.mul(tf.reshape(filter, [fh, fw, c, 1, m]), eye); // [fh, fw, c, c, m]
  return tf.reshape(full, [fh, fw, c, c * m]);
}

function depthwiseAttrs(attrs: Attrs) {
  const { strides, pad, dilations, dimRoundingMode, filterShape, inputShape } = attrs as {
    strides: [number, number] | number; pad: 'valid' | 'same' | number; dilations: [number, number] | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape?: [number, number, number, number]; inputShape?: [number, number, number, number];
  };
  const d = typeof dilations === 'number' ? [dilations, dilations] : dilations ?? [1, 1];
  if (d[0] !== 1 || d[1] !== 1) {
    throw new Error(`Depthwise conv gradient on wasm: dilations ${JSON.stringify(dilations)} are not supported; use dilations 1 or the cpu backend`);
  }
  return { strides, pad, dimRoundingMode, filterShape, inputShape };
}

/** dL/dfilter of depthwiseConv2d: per tap, sum over batch and positions of x_c * dy_(c,m). */
function depthwiseConv2dNativeBackpropFilter({ inputs, attrs = {} }: KernelArgs): tf.TensorInfo {
  const { strides, pad, dimRoundingMode, filterShape } = depthwiseAttrs(attrs);
  return tf.tidy(() => {
    const x = asTensor(inputs.x) as tf.Tensor4D;
    const dy = asTensor(inputs.dy) as tf.Tensor4D;
    const conv = tf.backend_util.computeConv2DInfo(x.shape, filterShape!, strides, 1, pad, dimRoundingMode, true);
    const [fh, fw, c, m] = filterShape!;
    const cols = tf.reshape(im2col(x, conv), [-1, fh * fw, c, 1]);
    const g = tf.reshape(dy, [-1, 1, c, m]);
    return tf.reshape(tf.sum(tf.mul(cols, g), 0), filterShape!);
  });
}

/** dL/dx of depthwiseConv2d through the equivalent regular conv. */
function depthwiseConv2dNativeBackpropInput({ inputs, attrs = {} }: KernelArgs): tf.TensorInfo {
  const { strides, pad, dimRoundingMode, inputShape } = depthwiseAttrs(attrs);
  return tf.tidy(() => {
    const dy = asTensor(inputs.dy) as tf.Tensor4D;
    const filter = asTensor(inputs.filter) as tf.Tensor4D;
    return tf.conv2dTranspose(dy, blockDiagonalFilter(filter), inputShape!, strides, pad as 'valid' | 'same', dimRoundingMode);
  });
}

/** The gradient of gather (embeddings): rows of data summed into their segment, as oneHot^T @ data. */
function unsortedSegmentSum({ inputs, attrs = {} }: KernelArgs): tf.TensorInfo {
  const { numSegments } = attrs as { numSegments: number };
  return tf.tidy(() => {
    const data = asTensor(inputs.x);
    const segmentIds = asTensor(inputs.segmentIds);
    const ids = tf.reshape(segmentIds, [-1]) as tf.Tensor1D;
    // data is [...segmentIds.shape, ...rowShape]
    const rowShape = data.shape.slice(segmentIds.rank);
    const rows = tf.reshape(data, [ids.shape[0], -1]);
    const oneHot = tf.cast(tf.oneHot(tf.cast(ids, 'int32'), numSegments), data.dtype);
    const summed = tf.matMul(oneHot, tf.cast(rows, 'float32'), true, false);
    return tf.cast(tf.reshape(summed, [numSegments, ...rowShape]), data.dtype);
  });
}

/**
 * wasm's matMul hands only untransposed 2-D products to XNNPACK; any transposeA/transposeB (which
 * every dense layer's backward pass uses: dW = x^T dy, dx = dy W^T) falls to a scalar triple loop
 * several times slower. So transposed operands are transposed explicitly (O(n^2)) and the product
 * re-dispatched untransposed, which reaches wasm's own kernel on XNNPACK.
 */
function transposedOperands(inputs: tf.NamedTensorInfoMap, attrs: Attrs): { a: tf.Tensor; b: tf.Tensor } {
  const a = asTensor(inputs.a);
  const b = asTensor(inputs.b);
  // swap the last two axes
  const t = (x: tf.Tensor) => {
    const perm = [...x.shape.keys()];
    perm.splice(-2, 2, x.rank - 1, x.rank - 2);
    return tf.transpose(x, perm);
  };
  return { a: attrs.transposeA ? t(a) : a, b: attrs.transposeB ? t(b) : b };
}

/**
 * XNNPACK's GEMM in this build walks all of b for every few rows of a, so once b outgrows the
 * cache each pass streams it from memory: an n = 2048 product runs at 10-14 GFLOPS per CPU-second
 * against 20-25 for the same product in column blocks of 512 (the slicing and concat included;
 * measured with `npm run bench -- kernel`, the plain_wasm peer runs it unblocked). Below this size
 * of b (n = 1024 is exactly 4 MiB) blocking showed no gain.
 */
const B_BLOCK_BYTES = 4 * 1024 * 1024;

/** Columns per block for a [k, n] float32 b: n when b fits in B_BLOCK_BYTES. */
export function matMulColumnBlock(k: number, n: number): number {
  if (k * n * 4 <= B_BLOCK_BYTES) return n;
  return Math.max(64, Math.floor(B_BLOCK_BYTES / (4 * k) / 64) * 64);
}

/** a @ b, untransposed, as column blocks of b (each re-dispatched: it fits, so it runs unblocked). */
function blockedMatMul(args: KernelArgs, original: tf.KernelFunc): tf.TensorInfo {
  const bInfo = args.inputs.b!;
  const rank = bInfo.shape.length;
  const n = bInfo.shape[rank - 1];
  const cols = matMulColumnBlock(bInfo.shape[rank - 2], n);
  if (cols >= n) return original(args as never) as tf.TensorInfo;
  return tf.tidy(() => {
    const a = asTensor(args.inputs.a);
    const b = asTensor(bInfo);
    const parts: tf.Tensor[] = [];
    for (let c = 0; c < n; c += cols) {
      const begin = [...new Array<number>(rank - 1).fill(0), c];
      const size = [...new Array<number>(rank - 1).fill(-1), Math.min(cols, n - c)];
      parts.push(tf.matMul(a, tf.slice(b, begin, size)));
    }
    return tf.concat(parts, -1);
  });
}

function batchMatMulVia(original: tf.KernelFunc): Kernel {
  return (args) => {
    const attrs = args.attrs ?? {};
    if (!attrs.transposeA && !attrs.transposeB) return blockedMatMul(args, original);
    return tf.tidy(() => {
      const { a, b } = transposedOperands(args.inputs, attrs);
      return tf.matMul(a, b);
    });
  };
}

function fusedMatMulVia(original: tf.KernelFunc): Kernel {
  return (args) => {
    const attrs = args.attrs ?? {};
    if (!attrs.transposeA && !attrs.transposeB) return original(args as never) as tf.TensorInfo;
    return tf.tidy(() => {
      const { a, b } = transposedOperands(args.inputs, attrs);
      const { bias, preluActivationWeights } = args.inputs;
      return tf.fused.matMul({
        a, b,
        bias: bias ? asTensor(bias) : undefined,
        preluActivationWeights: preluActivationWeights ? asTensor(preluActivationWeights) : undefined,
        activation: attrs.activation as tf.fused.Activation,
        leakyreluAlpha: attrs.leakyreluAlpha as number | undefined,
      });
    });
  };
}

/** The parts of tfjs-backend-wasm's BackendWasm that a kernel writing to its heap needs. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * wasm's Slice first copies its whole input out of the heap (readSync), so taking one batch of 128
 * rows from a 60,000-row dataset copies all 188 MB of it: model.fit's batching, and every slice in
 * a training loop, pay for the full tensor. This copies only the rows the slice keeps, straight
 * from heap to heap.
 */
function sliceVia(original: tf.KernelFunc): Kernel {
  return (args) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string') return original(args as never) as tf.TensorInfo;
    const { begin, size } = args.attrs as { begin: number | number[]; size?: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const backend = args.backend as WasmHeapBackend;
    // allocate before taking views: growing the heap would invalidate them
    const out = backend.makeOutput(s, x.dtype);
    const count = tf.util.sizeFromShape(s);
    if (count === 0) return out;
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, b, s)) {
      const offset = tf.slice_util.computeFlatOffset(b, strides);
      to.set(from.subarray(offset, offset + count));
      return out;
    }
    // copy innermost rows, walking the outer indices like an odometer
    const rank = s.length;
    const row = s[rank - 1];
    const index = new Array<number>(rank - 1).fill(0);
    for (let o = 0; ; o += row) {
      let offset = b[rank - 1];
      for (let d = 0; d < rank - 1; d++) offset += (b[d] + index[d]) * strides[d];
      to.set(from.subarray(offset, offset + row), o);
      let d = rank - 2;
      while (d >= 0 && ++index[d] === s[d]) index[d--] = 0;
      if (d < 0) break;
    }
    return out;
  };
}

/**
 * wasm's Gather walks every output element through generic strides in C++ (about 30 ms to pick
 * 128 rows of 784 floats here), and model.fit gathers every shuffled batch with it. Rows are
 * contiguous, so this copies whole rows heap to heap.
 */
function gatherVia(original: tf.KernelFunc): Kernel {
  return (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    if (x.dtype === 'string') return original(args as never) as tf.TensorInfo;
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0];
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
      x as tf.Tensor, indices as tf.Tensor, parsedAxis, batchDims);
    const backend = args.backend as WasmHeapBackend;
    const out = backend.makeOutput(info.outputShape, x.dtype);
    if (tf.util.sizeFromShape(x.shape) === 0 || tf.util.sizeFromShape(info.outputShape) === 0) return out;
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    const ids = backend.typedArrayFromHeap(indices);
    const { batchSize, outerSize, dimSize, sliceSize } = info;
    const perBatch = ids.length / batchSize;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= dimSize) {
        throw new RangeError(`GatherV2: the index value ${ids[i]} is not in [0, ${dimSize - 1}]`);
      }
    }
    let o = 0;
    for (let b = 0; b < batchSize; b++) {
      for (let r = 0; r < outerSize; r++) {
        const base = (b * outerSize + r) * dimSize;
        for (let i = 0; i < perBatch; i++, o += sliceSize) {
          const start = (base + ids[b * perBatch + i]) * sliceSize;
          if (sliceSize === 1) to[o] = from[start];
          else to.set(from.subarray(start, start + sliceSize), o);
        }
      }
    }
    return out;
  };
}

/**
 * MaxPool's gradient: each dy goes to the first maximum of its window (the cpu backend's rule),
 * scattered straight into dx on the heap. wasm's own kernel takes ~15 ms for a 64x26x26x16 input
 * where its forward pass takes 0.6; this loop is a few times the forward.
 */
function maxPoolGrad({ inputs, attrs = {}, backend }: KernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as {
    filterSize: [number, number] | number; strides: [number, number] | number;
    pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const conv = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const heap = backend as WasmHeapBackend;
  const out = heap.makeOutput(input.shape, 'float32');
  const dx = heap.typedArrayFromHeap(out) as Float32Array;
  const x = heap.typedArrayFromHeap(input) as Float32Array;
  const g = heap.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth } = conv;
  const { dilationHeight, dilationWidth, effectiveFilterHeight, effectiveFilterWidth, padInfo } = conv;
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const xb = b * inHeight * inWidth * C;
    for (let yr = 0; yr < outHeight; yr++) {
      const rCorner = yr * strideHeight - padInfo.top;
      const rMin = Math.max(0, rCorner);
      const rMax = Math.min(inHeight, effectiveFilterHeight + rCorner);
      for (let yc = 0; yc < outWidth; yc++) {
        const cCorner = yc * strideWidth - padInfo.left;
        const cMin = Math.max(0, cCorner);
        const cMax = Math.min(inWidth, effectiveFilterWidth + cCorner);
        for (let ch = 0; ch < C; ch++, o++) {
          let best = -Infinity;
          let at = -1;
          for (let r = rMin; r < rMax; r += dilationHeight) {
            for (let c = cMin; c < cMax; c += dilationWidth) {
              const i = xb + (r * inWidth + c) * C + ch;
              if (x[i] > best) { best = x[i]; at = i; }
            }
          }
          if (at >= 0) dx[at] += g[o];
        }
      }
    }
  }
  return out;
}

/**
 * Kernels wasm has but runs far off its fast path, registered over wasm's own; `make` gets the
 * original to delegate the cases it already handles well.
 */
const FASTER: { kernelName: string; make: (original: tf.KernelFunc) => Kernel }[] = [
  { kernelName: 'Conv2DBackpropInput', make: () => conv2DBackpropInput },
  { kernelName: 'MaxPoolGrad', make: () => maxPoolGrad },
  { kernelName: 'BatchMatMul', make: batchMatMulVia },
  { kernelName: '_FusedMatMul', make: fusedMatMulVia },
  { kernelName: 'Slice', make: sliceVia },
  { kernelName: 'GatherV2', make: gatherVia },
];

const MISSING: { kernelName: string; kernelFunc: Kernel }[] = [
  { kernelName: 'Conv2DBackpropFilter', kernelFunc: conv2DBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', kernelFunc: depthwiseConv2dNativeBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', kernelFunc: depthwiseConv2dNativeBackpropInput },
  { kernelName: 'UnsortedSegmentSum', kernelFunc: unsortedSegmentSum },
];

const REPLACED = new Set<unknown>();

/**
 * Registers the missing kernels for `backendName`, and (with `replaceSlow`) ours over wasm's slow
 * ones; returns the names it registered.
 */
export function registerWasmKernels(backendName = 'wasm', options: { replaceSlow?: boolean } = {}): string[] {
  const added: string[] = [];
  for (const k of MISSING) {
    if (tf.getKernel(k.kernelName, backendName)) continue;
    tf.registerKernel({ kernelName: k.kernelName, backendName, kernelFunc: k.kernelFunc as unknown as tf.KernelFunc });
    added.push(k.kernelName);
  }
  for (const k of options.replaceSlow ?? true ? FASTER : []) {
    const original = tf.getKernel(k.kernelName, backendName);
    if (!original || REPLACED.has(original.kernelFunc)) continue;
    const kernelFunc = k.make(original.kernelFunc) as unknown as tf.KernelFunc;
    REPLACED.add(kernelFunc);
    tf.unregisterKernel(k.kernelName, backendName);
    // keep the original's setupFunc: the wrapped kernel needs wasm's cwrap bindings made at init
    tf.registerKernel({ kernelName: k.kernelName, backendName, kernelFunc, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc });
    added.push(k.kernelName);
  }
  return added;
}
