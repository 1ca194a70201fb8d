/**
 * @recsuite/baselines: standard recommenders on recsuite's model contract.
 * @packageDocumentation
 */
export { LightGCN } from './lightgcn.js';
export type { LightGCNConfig, LightGCNOptions } from './lightgcn.js';
export { BPRMF } from './bprmf.js';
export type { BPRMFConfig, BPRMFOptions } from './bprmf.js';
export { Pop, NotTrainableError } from './pop.js';
export type { PopOptions, PopTieBreak } from './pop.js';
export { itemNode, bipartiteAdjacency, numNodes, propagate } from './graph.js';
export { bprLoss, bprObjective, l2Penalty } from './bprLoss.js';
export {
  CFInputError,
  cfInteractions,
  cfTrainBatches,
  checkCFBatch,
  checkUsers,
  dotScoresAll,
  dotScoresCandidates,
  foldInScores,
  interactionPairs,
  numPairs,
  sampleNegative,
  sortedHas,
  topKItems,
} from './cfBatch.js';
export type { CFBatch, CFBatchOptions, CFInteractions, UserBatch } from './cfBatch.js';
export { CtrModelBase, bceWithLogits, checkCtrBatch } from './ctrModel.js';
export type { CtrBaseConfig, CtrBatch, CtrForward, CtrHooks, CtrModel, ItemContext, ItemExtra, MlpExtra } from './ctrModel.js';
export { CtrBatchError, CtrFeatures, makeCtrBatch, withHistoryNegatives } from './ctrFeatures.js';
export type { AttributeLists, CtrExample, CtrFeatureConfig, MakeCtrBatchOptions } from './ctrFeatures.js';
export { DIN, DinAttention, maskedSoftmax } from './din.js';
export type { DINConfig, DinAttentionNorm, DinAttentionOptions } from './din.js';
export { DIEN } from './dien.js';
export type { DIENConfig, DienInterest } from './dien.js';
export { WideDeep } from './wideDeep.js';
export type { WideCrosses, WideDeepConfig, WideFeatures } from './wideDeep.js';
export { SASRec, SASREC_DEFAULTS, sasrecConfig } from './sasrec.js';
export type { SASRecConfig, SASRecLoss } from './sasrec.js';
export { BERT4Rec, BERT4REC_DEFAULTS, bert4recConfig } from './bert4rec.js';
export type { BERT4RecConfig, BERT4RecLoss, ClozeBatch } from './bert4rec.js';
export { GRU4Rec, GRU4REC_DEFAULTS, GRUEncoder, gru4recConfig } from './gru4rec.js';
export type { GRU4RecConfig, GRU4RecLoss } from './gru4rec.js';
export { EncoderModel, ItemDotModel, SequentialModel } from './sequentialModel.js';
export { TransformerEncoder, lastPosition, paddingMask } from './sequenceEncoder.js';
export type { SequenceEncoder, TransformerEncoderConfig } from './sequenceEncoder.js';
export { bceLoss, bprMaxLoss, logSumExpRows, negativesAt, sampledSoftmaxLoss, softmaxLoss, softmaxLossOfScores, softmaxScores, targetPositions, targetRows } from './nextItemLoss.js';
