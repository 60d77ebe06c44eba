import { describe, expect, it } from 'vitest';
import { heldTensors } from '../../kernels/runtime/held-tensors';

/** Stand-ins for tracked tensors: what the walk matches is the object TensorFlow.js tracks, by its own `id`. */
const tensor = (id: number) => ({ id, dataId: {} });

describe('tensors held by the notebook', () => {
  it('finds tensors in variables, arrays, objects, Maps and Sets, through cycles, but not behind getters or in a look-alike', () => {
    const [a, b, c, d, e, f] = [1, 2, 3, 4, 5, 6].map(tensor);
    const live = new Map([a, b, c, d, e, f].map((t) => [t.id, t]));
    const cyclic: Record<string, unknown> = { c };
    cyclic.self = cyclic;
    const behindGetter = Object.defineProperty({}, 'e', { get: () => { throw new Error('the walk ran a getter'); }, enumerable: true });
    const roots = [a, [[{ b }]], cyclic, new Map([['k', new Set([d])]]), behindGetter, { id: 6, dataId: {} }];
    expect([...heldTensors(roots, live)].sort()).toEqual([1, 2, 3, 4]);
  });

  it('stops at its budget and then counts every live tensor as held, never reporting a leak it could not check', () => {
    const t = tensor(1);
    const huge = new Array(400_000).fill(0);
    expect([...heldTensors([huge, { t: tensor(9) }], new Map([[1, t]]))]).toEqual([1]);
    expect([...heldTensors([[1, 2, 3], { t: tensor(9) }], new Map([[1, t]]))]).toEqual([]);
  });
});
