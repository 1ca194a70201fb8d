/**
 * Evaluation metrics: CTR (AUC, GAUC, LogLoss), ranking from target ranks (HR, NDCG, MRR, Recall,
 * Precision @K) with pessimistic ties, full-ranking and sampled evaluation on tensors, top-k for
 * recommendation, per-group accumulation, and aggregation over seeds and between models.
 * @packageDocumentation
 */
export { auc, gauc, gaucDetailed, type GaucResult } from './auc.js';
export { logLoss } from './logloss.js';
export {
  rankInRow,
  hitAt,
  ndcgAt,
  reciprocalRank,
  hitRateAtK,
  ndcgAtK,
  mrr,
  recallAtK,
  precisionAtK,
  ndcgMultiAtK,
  idealDcg,
  targetRanksInList,
} from './ranking.js';
export type { ExcludeLists } from './exclude.js';
export { fullRanks, fullRanksMulti, type FullRankOptions } from './full.js';
export { sampledRanks } from './sampled.js';
export { topK, type TopKResult } from './topk.js';
export {
  RankingAccumulator,
  ALL_GROUP,
  type RankingMetric,
  type RankingAccumulatorOptions,
  type GroupLabels,
} from './accumulator.js';
export { meanStd, aggregateRuns, formatMeanStd, type MeanStd } from './aggregate.js';
export { pairedBootstrap, type PairedBootstrapOptions, type PairedBootstrapResult } from './bootstrap.js';
