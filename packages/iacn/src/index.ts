/**
 * @recsuite/iacn: IaCN, the interest-aware capsule network as a model-agnostic auxiliary task for CTR
 * models (Jaiswal & Xiong, arXiv 2308.09202), on TensorFlow.js.
 * @packageDocumentation
 */
export { IaCN } from './iacn.js';
export type { IacnBase, IacnBaseConfigs, IacnConfig, IacnLossPart } from './iacn.js';
export { IACN_DEFAULTS, IacnConfigError, iacnSettings } from './config.js';
export type { IacnAuxLoss, IacnOptions, IacnSettings } from './config.js';
export { InterestCapsules } from './interestCapsules.js';
export type { InterestCapsulesOptions, Interests } from './interestCapsules.js';
export { squash } from './layers/squash.js';
export { capsuleMaskOf, dynamicCapsuleCount, dynamicRouting } from './layers/routing.js';
export type { RoutingOptions } from './layers/routing.js';
export { labelAwareAttention } from './layers/labelAwareAttention.js';
export { GradientMixOptimizer, disposeGrads, gradientsOf, mixedGradients } from './gradientMix.js';
export type { GradMap, MixedGradients, VariableGrad } from './gradientMix.js';
