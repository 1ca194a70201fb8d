/**
 * @recsuite/i2vae
 * @packageDocumentation
 */
export { I2VAE, type I2VAELatents } from './i2vae.js';
export { I2VAE_DEFAULTS, I2VAE_VARIANTS, i2vaeConfig, variantSettings, type I2VAEConfig, type I2VAEVariant } from './config.js';
export { augmentedSequence, i2vaeEvalBatches, i2vaeTrainBatches, rowsBatch, type I2VAEBatch, type I2VAEBatchOptions, type PseudoItems } from './batch.js';
export { generatePseudoItems, pseudoGraphEdges, rowEdges, type PseudoOptions, type PseudoResult } from './pseudoSequences.js';
export { evaluateI2VAE, type I2VAEEvalOptions, type I2VAEEvaluation } from './evaluate.js';
export { CROSS_PRIOR_SIGMA, RAW_LOG_SIGMA_MAX, SIGMA_MAX, SIGMA_MIN, klFixedPrior, klGaussian, sigmaLogVar, sigmaOf, type Gaussian } from './sigma.js';
export { DENOISE_CAP, denoiseWeight } from './weights.js';
export { DomainEncoder, maskedMean, type DomainEncoderOptions } from './layers/domainEncoder.js';
export { CrossLatentEncoder, GaussianEncoder, l2Normalize } from './layers/gaussianEncoder.js';
export { PairScorer } from './layers/scorer.js';
