/**
 * model.fit and model.fitDataset under interrupts: an interrupt stops every running fit, and a
 * model whose training was interrupted can train again in the next cell.
 *
 * - On interrupt, every running fit gets `stopTraining`, and ends through its own path at the end
 *   of the batch it is in: `model.isTraining` is reset and its tensors are disposed.
 * - A new fit on a model whose last fit began before an interrupt first waits for that fit to end.
 *   Otherwise the new fit, finding `isTraining` still set, fails with "another fit() call is
 *   ongoing"; or, when the flag is already down, clears `stopTraining` as it starts, and the old
 *   loop carries on alongside it.
 * - A fit whose cell was terminated (it blocked the thread, e.g. in a synchronous callback) was
 *   unwound with it: its promise never settles and it never resets `isTraining`. When the wait
 *   above runs out, the new fit clears the flag itself.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { interruptEpoch } from './execution-context';

type Tf = typeof tfjs;

interface TrainingModel {
  isTraining: boolean;
  stopTraining: boolean;
}

interface RunningFit {
  ended: Promise<void>;
  /** interruptEpoch() when the fit started. */
  epoch: number;
}

/** How long a new fit waits for an interrupted one to end before deciding it died with its cell. */
const SETTLE_MS = 300;

/** `fit(x, y, args)` and `fitDataset(dataset, args)`. */
const FIT_METHODS = ['fit', 'fitDataset'] as const;

/** Fits that have not ended, by model (a fit unwound by a terminated cell stays until replaced). */
const running = new Map<TrainingModel, RunningFit>();

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Asks every running fit to stop at the end of its current batch (called on interrupt). */
export function stopAllTraining(): void {
  for (const model of running.keys()) model.stopTraining = true;
}

async function awaitInterruptedFit(model: TrainingModel): Promise<void> {
  const prior = running.get(model);
  if (!prior || prior.epoch === interruptEpoch() || !model.isTraining) return;
  const ended = await Promise.race([prior.ended.then(() => true), sleep(SETTLE_MS).then(() => false)]);
  // still not ended after an interrupt and a wait: it was unwound with a terminated cell
  if (!ended && model.isTraining) model.isTraining = false;
  if (running.get(model) === prior) running.delete(model);
}

/** Wraps LayersModel.fit and fitDataset (once per TensorFlow.js module). */
export function trackTraining(tf: Tf): void {
  const proto = tf.LayersModel.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const method of FIT_METHODS) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    proto[method] = async function (this: TrainingModel, ...args: unknown[]) {
      await awaitInterruptedFit(this);
      const run = original.apply(this, args);
      const fit: RunningFit = {
        epoch: interruptEpoch(),
        ended: run.then(
          () => {},
          () => {},
        ),
      };
      // a second fit while this one runs fails inside tfjs and must not take this one's place
      if (!running.has(this)) {
        running.set(this, fit);
        void fit.ended.then(() => {
          if (running.get(this) === fit) running.delete(this);
        });
      }
      return run;
    };
  }
}
