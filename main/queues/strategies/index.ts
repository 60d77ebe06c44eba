export { STRATEGIES, scoreSamples, type ScoreInput, type StrategyName } from './score-samples';
export { entropy, leastConfidence, margin } from './uncertainty';
export { kCenterGreedy, type KCenterOptions } from './k-center-greedy';
export { topK } from './top-k';
export { seededRandom, shuffledIndices } from './seeded-random';
