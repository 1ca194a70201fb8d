/**
 * @recsuite/irl4rec
 * @packageDocumentation
 */
export { Irl4Rec } from './irl4rec.js';
export { Backbone } from './backbone.js';
export type { BackboneSizes, PreparedBatch } from './backbone.js';
export { IRL4REC_DEFAULTS, Irl4RecConfigError, irl4recConfig } from './config.js';
export type { AdjustmentHeadKind, BackboneKind, ConfounderKind, IndependenceKind, Irl4RecConfig, ItemSide, RankingLossKind, TestScoreKind } from './config.js';
export { hsic, pairwiseSquaredDistances } from './hsic.js';
export type { HsicOptions } from './hsic.js';
export { Club } from './club.js';
export { backboneRankingLoss, randomScorerLoss, rankingLoss } from './objective.js';
export type { ObjectiveTerms } from './objective.js';
export { stopGradient } from './stopGradient.js';
export { AttributeConfounder } from './attributeConfounder.js';
export { measureShift, shiftModel } from './spuriousShift.js';
export type { ShiftOptions, ShiftResult, ShiftVariant } from './spuriousShift.js';
