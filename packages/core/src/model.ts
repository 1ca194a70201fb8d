import type * as tf from '@tensorflow/tfjs-core';

/**
 * The one model contract (DESIGN.md). Every trainable recsuite model, baseline or method, implements it,
 * so the trainer, the evaluator and the bench app never special-case a model.
 *
 * Item ids are dense integers `1..numItems`; `0` is padding and is never recommended.
 *
 * @typeParam B - the model's training/evaluation batch type (e.g. {@link SeqBatch}).
 */
export interface RecModel<B = SeqBatch> {
  /** Short name as used in reports (`SASRec`, `GRU4Rec`, ...). */
  readonly name: string;
  /** Every trainable variable, in a stable order (the optimizer and checkpoints rely on it). */
  variables(): tf.Variable[];
  /** Scalar training loss for a batch. Called inside the optimizer's gradient scope. */
  loss(batch: B): tf.Scalar;
  /** Scores `[batch, C]` for given candidate item ids `[batch, C]` (sampled evaluation, CTR). */
  score(batch: B, candidates: tf.Tensor2D): tf.Tensor2D;
  /**
   * Scores `[batch, numItems + 1]` for every item id (column 0 is padding). Callers evaluate one batch at
   * a time, so no more than one batch of `[users, items]` is materialised.
   */
  scoreAll(batch: B): tf.Tensor2D;
  /** Top-`k` item ids for one user history, excluding items in `history` unless `includeSeen`. */
  recommend(history: ArrayLike<number>, k: number, opts?: { includeSeen?: boolean }): Promise<number[]>;
  /** Writes weights, config and whatever is needed to use the model again into `dir` (atomically). */
  save(dir: string): Promise<void>;
  /** Switches dropout and other training-only behaviour on or off. */
  setTraining(training: boolean): void;
  /** Frees every tensor the model owns. */
  dispose(): void;
}

/**
 * A batch of left-padded sequences: the input of every next-item model.
 * `seqs` is `[B, L]` row-major, `0` = padding on the left, the most recent item last.
 */
export interface SeqBatch {
  /** Dense user indices `[B]` (row of each sequence). */
  users: Int32Array;
  /** Left-padded item ids, `[B * L]`, row-major. */
  seqs: Int32Array;
  /** Next-item targets aligned with `seqs` (training only), `[B * L]`, `0` where there is none. */
  targets?: Int32Array;
  /** Sampled negatives aligned with `targets` (training only), `[B * L * nNeg]`. */
  negatives?: Int32Array;
  /** Number of rows. */
  batchSize: number;
  /** Sequence length `L`. */
  maxLen: number;
}
