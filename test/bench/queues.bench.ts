/** How fast the strategies rank a large pool: 1,000,000 samples x 10 classes, embeddings of 64. */
import { performance } from 'node:perf_hooks';
import { scoreSamples, seededRandom, topK, type StrategyName } from '../../main/queues/strategies';
import { report } from './report';

const n = 1_000_000;
const k = 10;
const dim = 64;
const rand = seededRandom(1);
const probabilities = new Float32Array(n * k);
for (let i = 0; i < n; i++) {
  let sum = 0;
  for (let c = 0; c < k; c++) sum += probabilities[i * k + c] = rand() ** 4;
  for (let c = 0; c < k; c++) probabilities[i * k + c] /= sum;
}
const embeddings = Float32Array.from({ length: n * dim }, () => rand());
const labeled = new Uint8Array(n);
for (let i = 0; i < n; i += 1000) labeled[i] = 1;

function best(fn: () => void, repeats = 3): number {
  let min = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

for (const strategy of ['least-confidence', 'margin', 'entropy', 'k-center'] as StrategyName[]) {
  const ms = best(() => scoreSamples(strategy, { count: n, probabilities, numClasses: k, embeddings, dim, labeled, batchSize: 32 }));
  report(`queues.score_1m.${strategy}_ms`, ms, 'ms', { samples: n, classes: k, dim });
}
const scores = scoreSamples('entropy', { count: n, probabilities, numClasses: k });
report('queues.top32_of_1m_ms', best(() => topK(scores, 32, { exclude: labeled })), 'ms');
