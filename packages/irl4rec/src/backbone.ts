import * as tf from '@tensorflow/tfjs-core';
import { gelu, type Embedding, type Rng, type SeqBatch } from '@recsuite/core';
import { BERT4Rec, GRU4Rec, SASRec, lastPosition, negativesAt, targetPositions, targetRows, type BERT4RecConfig, type SASRecConfig } from '@recsuite/baselines';
import type { BackboneKind } from './config.js';

/**
 * Sizes a {@link Backbone} is built with: the keys the baselines' configs share (`blocks` and `heads` are
 * used by SASRec and BERT4Rec, `maskProb` by BERT4Rec); every key is required here.
 */
export type BackboneSizes = Pick<SASRecConfig, 'numItems' | 'maxLen' | 'dim' | 'blocks' | 'heads' | 'dropout'> & Pick<BERT4RecConfig, 'maskProb'>;

/**
 * A training batch prepared once for every branch: the encoder input (BERT4Rec: the cloze-masked
 * sequence), the flat positions that carry a target, the targets there and `k` negatives per target.
 */
export interface PreparedBatch {
  /** Encoder input. */
  input: SeqBatch;
  /** Flat positions `[M]` with a target. */
  index: Int32Array;
  /** Targets `[M]`. */
  targets: Int32Array;
  /** Negatives `[M·k]`, row-major per target. */
  negatives: Int32Array;
}

/**
 * A backbone sequence encoder from `@recsuite/baselines` seen through what Irl4Rec needs: the states `h`
 * of the training positions and the test-time query state. SASRec and GRU4Rec are trained at every
 * position with the batch's negatives (next item); BERT4Rec keeps its cloze task (a bidirectional encoder
 * would see the next item otherwise) and its projection head; its output bias is not used.
 */
export class Backbone {
  /** The baseline model whose encoder (and, for BERT4Rec, head) is used. */
  readonly model: SASRec | GRU4Rec | BERT4Rec;

  /**
   * @param kind which baseline
   * @param sizes layer sizes
   * @param seed seed of the baseline's weights and dropout/masking stream
   */
  constructor(
    readonly kind: BackboneKind,
    readonly sizes: BackboneSizes,
    seed: number,
  ) {
    const { numItems, maxLen, dim, blocks, heads, dropout, maskProb } = sizes;
    if (kind === 'sasrec') this.model = new SASRec({ numItems, maxLen, dim, blocks, heads, dropout, seed });
    else if (kind === 'gru4rec') this.model = new GRU4Rec({ numItems, maxLen, dim, hidden: dim, dropout, seed });
    else this.model = new BERT4Rec({ numItems, maxLen, dim, blocks, heads, dropout, maskProb, seed });
  }

  /** Width `d` of the states. */
  get dim(): number {
    return this.sizes.dim;
  }

  /** The item table (input embedding; Irl4Rec's `e^t` for the adjustment backbone). */
  get items(): Embedding {
    return this.model.encoder.items;
  }

  /**
   * Targets and negatives of a training batch. SASRec/GRU4Rec: every position with a target and the
   * batch's own negatives (`batch.negatives` is required). BERT4Rec: the baseline's cloze sample, with
   * `numNegatives` uniform negatives per masked position drawn from `rng`.
   */
  prepare(batch: SeqBatch, rng: Rng, numNegatives: number): PreparedBatch {
    const { targets, negatives } = batch;
    if (!targets) throw new RangeError('Irl4Rec.loss: batch.targets is required for training');
    if (targets.length !== batch.batchSize * batch.maxLen) {
      throw new RangeError(`Irl4Rec.loss: batch.targets has ${targets.length} ids, expected batchSize·maxLen = ${batch.batchSize * batch.maxLen}`);
    }
    if (this.model instanceof BERT4Rec) {
      const cz = this.model.cloze(batch);
      if (cz.index.length === 0) throw new RangeError('Irl4Rec.loss: the batch has no item to mask');
      const neg = new Int32Array(cz.labels.length * numNegatives);
      for (let i = 0; i < neg.length; i++) neg[i] = 1 + rng.int(this.sizes.numItems);
      return { input: { ...batch, seqs: cz.inputs, targets: undefined, negatives: undefined }, index: cz.index, targets: cz.labels, negatives: neg };
    }
    if (!negatives) throw new RangeError('Irl4Rec.loss: batch.negatives is required (trainSequenceBatches with numNegatives >= 1)');
    const pos = targetPositions(targets);
    if (pos.index.length === 0) throw new RangeError('Irl4Rec.loss: the batch has no target position');
    return { input: batch, index: pos.index, targets: pos.targets, negatives: negativesAt(negatives, pos.index, targets.length) };
  }

  /** States `[M, d]` at the prepared positions (dropout when `training`). */
  rows(p: PreparedBatch, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const states = this.model.encoder.encode(p.input, { training, rng: this.model.rng });
      const h = targetRows(states, p.index);
      return this.model instanceof BERT4Rec ? this.project(h) : h;
    });
  }

  /** The test-time input for a batch of histories (BERT4Rec: shifted, with [mask] appended). */
  queryInput(batch: SeqBatch): SeqBatch {
    return this.model instanceof BERT4Rec ? this.model.withMask(batch) : batch;
  }

  /** The query states `[B, d]` of a {@link Backbone.queryInput} (inference mode). */
  query(input: SeqBatch): tf.Tensor2D {
    return tf.tidy(() => {
      const h = lastPosition(this.model.encoder.encode(input));
      return this.model instanceof BERT4Rec ? this.project(h) : h;
    });
  }

  private project(h: tf.Tensor2D): tf.Tensor2D {
    const m = this.model as BERT4Rec;
    return tf.tidy(() => m.headLn.apply(gelu(m.head.apply(h))) as tf.Tensor2D);
  }

  /** Variables by name (encoder; BERT4Rec adds its head). */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { ...this.model.encoder.namedVariables() };
    if (this.model instanceof BERT4Rec) {
      this.model.head.variables().forEach((v, k) => (out[`head.${k}`] = v));
      this.model.headLn.variables().forEach((v, k) => (out[`headLn.${k}`] = v));
    }
    return out;
  }

  /** The trained variables, in a stable order. */
  variables(): tf.Variable[] {
    return Object.values(this.namedVariables());
  }

  /** Frees the baseline model. */
  dispose(): void {
    this.model.dispose();
  }
}
