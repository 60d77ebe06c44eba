/**
 * Which of a cell's live tensors the notebook still holds: reachable from a top-level variable
 * (`const w = tf.ones(...)`, an array of tensors, a model's weights, an optimizer's slots). The
 * others are leaks in the plain sense: alive, and nothing can reach them to dispose them.
 *
 * The walk follows own data properties, array elements and Map/Set entries, never getters or
 * proxies, so looking never runs the user's code. It is bounded (MAX_STEPS values looked at,
 * MAX_DEPTH levels), since a variable may hold millions of numbers; when the budget runs out the
 * tensors not yet found count as held, so a leak is never reported that might not be one.
 */
import { types } from 'node:util';

/** About 10 ms on this project's reference machine (two shared cores): a cell's footer must not cost more. */
const MAX_STEPS = 300_000;
const MAX_DEPTH = 10;

/** What the walk is looking for: live tensors by id (the objects TensorFlow.js tracks). */
export type LiveTensors = ReadonlyMap<number, object>;

/** The ids of the tensors in `live` reachable from `roots`. */
export function heldTensors(roots: Iterable<unknown>, live: LiveTensors): Set<number> {
  const held = new Set<number>();
  if (live.size === 0) return held;
  const seen = new WeakSet<object>();
  let steps = 0;
  let level: unknown[] = [...roots];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (++steps > MAX_STEPS) return new Set(live.keys());
      // a module namespace (`import * as tf`) leads into the engine, which holds every variable
      if (typeof v !== 'object' || v === null || seen.has(v) || types.isProxy(v) || types.isModuleNamespaceObject(v)) continue;
      seen.add(v);
      const id = ownValue(v, 'id');
      if (typeof id === 'number' && live.get(id) === v) {
        held.add(id);
        if (held.size === live.size) return held;
      }
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
      if (Array.isArray(v)) {
        // numbers need no visit; only count them against the budget
        for (const x of v) {
          if (typeof x === 'object' && x !== null) next.push(x);
          else if (++steps > MAX_STEPS) return new Set(live.keys());
        }
      } else if (v instanceof Map) {
        Map.prototype.forEach.call(v, (x: unknown, k: unknown) => next.push(x, k));
      } else if (v instanceof Set) {
        Set.prototype.forEach.call(v, (x: unknown) => next.push(x));
      } else {
        for (const key of Object.keys(v)) {
          const d = Object.getOwnPropertyDescriptor(v, key);
          if (d && 'value' in d && typeof d.value === 'object' && d.value !== null) next.push(d.value);
        }
      }
    }
    level = next;
  }
  return held;
}

/** An own data property, read without running a getter. */
function ownValue(o: object, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(o, key);
  return d && 'value' in d ? d.value : undefined;
}
