/**
 * @recsuite/core: tensors, layers, data, metrics and the training loop shared by every recsuite model.
 * @packageDocumentation
 */
export type { RecModel, SeqBatch } from './model.js';
export * from './tensor/index.js';
export * from './nn/index.js';
export * from './metrics/index.js';
export * from './train/index.js';
export * from './data/index.js';
