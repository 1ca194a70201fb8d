/**
 * The small interface IPG needs from a trained sequential recommender: a user representation after a
 * history and the item embeddings it scores against.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { SeqBatch } from '@recsuite/core';
import type { SASRec, SequenceEncoder } from '@recsuite/baselines';
import { lastStateVector } from './lastState.js';

/**
 * A sequential model IPG can post-process: `h_u` = {@link GuidanceBackbone.userVector}, `e_i` = row `i` of
 * {@link GuidanceBackbone.itemEmbeddings}, and the model's interaction logit for `(u, i)` is `h_u · e_i`.
 */
export interface GuidanceBackbone {
  /** Number of items (ids `1..numItems`). */
  readonly numItems: number;
  /** Longest history the model reads (older items are dropped). */
  readonly maxLen: number;
  /**
   * User representations `[B, d]` of a left-padded batch, in inference mode (the caller disposes them).
   * Padding must not change the result, so a batch may be shorter than `maxLen`.
   */
  userVector(batch: SeqBatch): tf.Tensor2D;
  /** The item table `[numItems + 1, d]`, row 0 = padding (owned by the model: never dispose it). */
  itemEmbeddings(): tf.Tensor2D;
}

/** Checks a batch's shape and ids (`0..numItems`), naming the first bad position. */
function checkIds(batch: SeqBatch, maxLen: number, numItems: number): void {
  const { batchSize: B, maxLen: L, seqs } = batch;
  if (!(Number.isInteger(B) && B >= 1 && Number.isInteger(L) && L >= 1 && L <= maxLen) || seqs.length !== B * L) {
    throw new RangeError(`SASRec backbone: batch must be [batchSize >= 1, 1 <= maxLen <= ${maxLen}] with batchSize·maxLen ids, got ${B}×${L} and ${seqs.length} ids`);
  }
  for (let k = 0; k < seqs.length; k++) {
    const v = seqs[k];
    if (!(v >= 0 && v <= numItems)) throw new RangeError(`SASRec backbone: batch.seqs[${k}] (row ${Math.floor(k / L)}, position ${k % L}) is ${v}, expected an item id in [0, ${numItems}]`);
  }
}

/** Options of {@link sasrecBackbone}. */
export interface SASRecBackboneOptions {
  /** Compute the last block at the last position only ({@link lastStateVector}). Default true. */
  lastBlockShortcut?: boolean;
}

/**
 * SASRec as a backbone: `h_u` is the last position's output after the final LayerNorm, `e_i` the item
 * table row (the table SASRec scores against). Puts the model in evaluation mode.
 */
export function sasrecBackbone(model: SASRec, opts: SASRecBackboneOptions = {}): GuidanceBackbone {
  model.setTraining(false);
  const fast = opts.lastBlockShortcut ?? true;
  return {
    numItems: model.config.numItems,
    maxLen: model.config.maxLen,
    userVector: (batch) => {
      if (!fast) return model.userVector(batch);
      checkIds(batch, model.config.maxLen, model.config.numItems);
      return lastStateVector(model.encoder, batch);
    },
    itemEmbeddings: () => model.encoder.items.table as tf.Tensor2D,
  };
}

/**
 * Any {@link SequenceEncoder} of `@recsuite/baselines` (SASRec's, GRU4Rec's, BERT4Rec's) as a backbone.
 * @param encoder - the trained encoder (its item table is the output layer).
 * @param numItems - number of items.
 * @param maxLen - longest history the encoder reads.
 */
export function encoderBackbone(encoder: SequenceEncoder, numItems: number, maxLen: number): GuidanceBackbone {
  return {
    numItems,
    maxLen,
    userVector: (batch) => encoder.userVector(batch, { training: false }),
    itemEmbeddings: () => encoder.items.table as tf.Tensor2D,
  };
}
