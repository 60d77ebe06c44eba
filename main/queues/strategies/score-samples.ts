import { kCenterGreedy } from './k-center-greedy';
import { seededRandom } from './seeded-random';
import { topK } from './top-k';
import { entropy, leastConfidence, margin } from './uncertainty';

export const STRATEGIES = ['random', 'least-confidence', 'margin', 'entropy', 'k-center'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export interface ScoreInput {
  /** Number of samples in the pool. */
  count: number;
  /** Model probabilities, `count` rows of `numClasses` (not needed by `random`). */
  probabilities?: Float32Array;
  numClasses?: number;
  /** Embeddings (or raw features), `count` rows of `dim`; needed by `k-center`. */
  embeddings?: Float32Array;
  dim?: number;
  /** 1 where a sample already has a label: `k-center` treats those as centres and never picks them. */
  labeled?: Uint8Array;
  /** Size of the diverse batch `k-center` puts first (default 32). */
  batchSize?: number;
  /** `k-center` picks its batch among the `batchSize * poolFactor` most uncertain samples (default 10). */
  poolFactor?: number;
  /** Seed for `random` (default 0). */
  seed?: number;
}

/**
 * Scores every sample for a strategy; a queue asks about the highest score first.
 *
 * Uncertainty strategies give scores in [0, 1]. `k-center` ranks by entropy, then re-orders the
 * top of the queue: among the `batchSize * poolFactor` most uncertain unlabeled samples it picks
 * `batchSize` by k-center greedy in embedding space (labeled samples count as centres), and gives
 * those scores in (1, 2] in pick order, so the first batch is both uncertain and diverse.
 */
export function scoreSamples(strategy: StrategyName, input: ScoreInput): Float32Array {
  const { count } = input;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (strategy === 'random') {
    const rand = seededRandom(input.seed ?? 0);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = rand();
    return out;
  }
  const { probabilities, numClasses } = input;
  if (!probabilities || numClasses === undefined) throw new TypeError(`Strategy "${strategy}" needs model probabilities; publish scores from a model first`);
  if (probabilities.length !== count * numClasses) {
    throw new RangeError(`probabilities has ${probabilities.length} values; expected ${count} samples x ${numClasses} classes`);
  }
  switch (strategy) {
    case 'least-confidence':
      return leastConfidence(probabilities, numClasses);
    case 'margin':
      return margin(probabilities, numClasses);
    case 'entropy':
      return entropy(probabilities, numClasses);
    case 'k-center': {
      const { embeddings, dim } = input;
      if (!embeddings || dim === undefined) throw new TypeError('Strategy "k-center" needs embeddings (or features) and their dim');
      if (embeddings.length !== count * dim) throw new RangeError(`embeddings has ${embeddings.length} values; expected ${count} samples x ${dim} dims`);
      const scores = entropy(probabilities, numClasses);
      const batchSize = input.batchSize ?? 32;
      const candidates = topK(scores, batchSize * (input.poolFactor ?? 10), { exclude: input.labeled });
      const centers: number[] = [];
      if (input.labeled) for (let i = 0; i < count; i++) if (input.labeled[i]) centers.push(i);
      const picked = kCenterGreedy(embeddings, dim, { candidates, centers: Int32Array.from(centers), count: batchSize });
      for (let r = 0; r < picked.length; r++) scores[picked[r]] = 1 + (picked.length - r) / picked.length;
      return scores;
    }
    default:
      throw new RangeError(`Unknown strategy "${String(strategy)}": choose one of ${STRATEGIES.join(', ')}`);
  }
}
