/**
 * @recsuite/casm: CASM, the context-aware sequential model for multi-behaviour recommendation
 * (Elsayed, Rashed, Schmidt-Thieme, arXiv 2312.09684), on TensorFlow.js.
 * @packageDocumentation
 */
export { CASM } from './casm.js';
export type { CASMRecommendOptions } from './casm.js';
export {
  CASM_DEFAULTS,
  CASM_VARIANTS,
  CASMConfigError,
  MOVIELENS_ALPHA,
  RETAIL_ALPHA,
  alphaByCode,
  casmConfig,
  casmName,
  variantConfig,
} from './config.js';
export type { CASMBlockKind, CASMConfig, CASMConfigInput, CASMVariant } from './config.js';
export { BehaviourCodeError, behaviourEvalBatch, behaviourTrainBatches, checkBehaviours } from './batch.js';
export type { BehaviourBatch } from './batch.js';
export { CASMBlock } from './layers/casmBlock.js';
export type { CASMBlockOptions } from './layers/casmBlock.js';
export { BehaviourContext, ContextFusion } from './layers/contextFusion.js';
export { weightedBce } from './weightedBce.js';
export { evaluateTargetBehaviour, evaluateWithExclusion, withCaseBehaviours, withFullRankingExclusion } from './evaluation.js';
export type { RankingModel, TargetBehaviourEvalOptions } from './evaluation.js';
