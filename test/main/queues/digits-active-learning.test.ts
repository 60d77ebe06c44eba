/**
 * Reproduces the classic pool-based result (Lewis & Gale, "A sequential algorithm for training text
 * classifiers", SIGIR 1994; Settles, "Active Learning Literature Survey", 2009): a model that asks
 * for the labels it is least sure about reaches nearly full-data accuracy with a small share of
 * the labels, and beats asking at random for the same budget.
 *
 * Data: the UCI optical digits shipped in data/digits (1,797 samples, 64 features, 10 classes).
 * Model: multinomial logistic regression trained with TensorFlow.js, as a lab would train it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../kernels/backends';
import { scoreSamples, shuffledIndices, topK, type StrategyName } from '../../../main/queues/strategies';
import { loadDigits } from '../../helpers/digits';
import { accuracy, predictSoftmax, trainSoftmax, type SoftmaxModel } from '../../helpers/softmax-regression';

const SEEDS = [1, 2, 3, 4, 5];
const TEST_SHARE = 0.3;
const INITIAL = 20;
const BATCH = 21;
const BUDGET_SHARE = 0.15;
const STEPS = 100; // per round, warm-started from the previous round
const FULL_STEPS = 300;

const digits = loadDigits();
const { dim, classes } = digits;

function gather(indices: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(indices.length * dim);
  const y = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    x.set(digits.x.subarray(i * dim, (i + 1) * dim), r * dim);
    y[r] = digits.y[i];
  }
  return { x, y };
}

interface Run {
  accuracy: number;
  labels: number;
}

/** One active-learning run: INITIAL random labels, then batches chosen by `strategy` until the budget. */
function simulate(strategy: StrategyName, pool: Int32Array, test: { x: Float32Array; y: Int32Array }, seed: number): Run {
  const budget = Math.floor(pool.length * BUDGET_SHARE);
  const poolData = gather(pool);
  const labeled = new Uint8Array(pool.length);
  const order = shuffledIndices(pool.length, seed * 7919);
  for (let i = 0; i < INITIAL; i++) labeled[order[i]] = 1;
  let count = INITIAL;
  let model: SoftmaxModel | undefined;
  for (;;) {
    const chosen = pool.filter((_, i) => labeled[i] === 1);
    const train = gather(chosen);
    model = trainSoftmax(train.x, train.y, { dim, classes, steps: STEPS, init: model });
    const take = Math.min(BATCH, budget - count);
    if (take <= 0) break;
    const probabilities = predictSoftmax(model, poolData.x);
    const scores = scoreSamples(strategy, { count: pool.length, probabilities, numClasses: classes, seed: seed * 31 + count });
    for (const i of topK(scores, take, { exclude: labeled })) labeled[i] = 1;
    count += take;
  }
  return { accuracy: accuracy(predictSoftmax(model, test.x), test.y, classes), labels: count };
}

describe('active learning on the digits data', () => {
  const results: Record<string, number[]> = { full: [], margin: [], random: [] };
  let poolSize = 0;
  let labelsUsed = 0;

  beforeAll(async () => {
    // one thread: the model is tiny, and a thread pool only spins on a shared, busy machine
    await initBackend({ force: 'wasm', threads: 1 });
    for (const seed of SEEDS) {
      const order = shuffledIndices(digits.count, seed);
      const testCount = Math.round(digits.count * TEST_SHARE);
      const test = gather(order.subarray(0, testCount));
      const pool = order.slice(testCount);
      poolSize = pool.length;
      const all = gather(pool);
      results.full.push(accuracy(predictSoftmax(trainSoftmax(all.x, all.y, { dim, classes, steps: FULL_STEPS }), test.x), test.y, classes));
      for (const strategy of ['margin', 'random'] as const) {
        const run = simulate(strategy, pool, test, seed);
        results[strategy].push(run.accuracy);
        labelsUsed = run.labels;
      }
    }
  }, 180_000);

  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

  it('uncertainty sampling reaches 95% of full-data accuracy with at most 15% of the pool, averaged over 5 seeds', () => {
    console.log(
      `[digits] pool ${poolSize}, labels used ${labelsUsed} (${((100 * labelsUsed) / poolSize).toFixed(1)}%); ` +
        `test accuracy: full ${mean(results.full).toFixed(4)}, margin ${mean(results.margin).toFixed(4)}, random ${mean(results.random).toFixed(4)}`,
    );
    expect(labelsUsed / poolSize).toBeLessThanOrEqual(BUDGET_SHARE);
    expect(mean(results.margin)).toBeGreaterThanOrEqual(0.95 * mean(results.full));
  });

  it('random sampling with the same budget scores lower', () => {
    expect(mean(results.random)).toBeLessThan(mean(results.margin));
  });
});
