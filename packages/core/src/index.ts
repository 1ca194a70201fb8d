/**
 * @recsuite/core: tensors, layers, data, metrics and the training loop shared by every recsuite model.
 * @packageDocumentation
 */
export type { RecModel, SeqBatch } from './model.js';
export * from './tensor/index.js';
