import * as tf from '@tensorflow/tfjs-core';
import { Dense, Embedding, GRUCell, Rng, loadSavedModel, dropout, gruScan, type ForwardOptions, type SeqBatch } from '@recsuite/core';
import { bprMaxLoss, negativesAt, sampledSoftmaxLoss, softmaxLoss, targetPositions, targetRows } from './nextItemLoss.js';
import { checkEnumKey, checkIntKey, checkRangeKey, lastPosition, paddingMask, type SequenceEncoder, withDefaults } from './sequenceEncoder.js';
import { EncoderModel } from './sequentialModel.js';

// GRU4Rec: Hidasi et al., "Session-based Recommendations with Recurrent Neural Networks", ICLR 2016.

/** Training loss of {@link GRU4Rec}. */
export type GRU4RecLoss = 'ce' | 'bprMax' | 'sampled';

/** Configuration of {@link GRU4Rec}: a plain, JSON-serialisable object. */
export interface GRU4RecConfig {
  /** Number of items (ids `1..numItems`; 0 is padding). */
  numItems: number;
  /** Longest history used. Default 50. */
  maxLen: number;
  /** Item embedding width `d` (also the output width). Default 64. */
  dim: number;
  /** GRU state width; a `hidden → d` projection is added when it differs from `dim`. Default 64. */
  hidden: number;
  /** Dropout on the input embeddings and on the GRU output. Default 0.2. */
  dropout: number;
  /**
   * `ce`: softmax over all items; `bprMax`: BPR-max over the batch's sampled negatives (Hidasi &
   * Karatzoglou 2018); `sampled`: softmax over the target and the batch's negatives. Default `ce`.
   */
  loss: GRU4RecLoss;
  /** BPR-max score regularisation λ. Default 1. */
  bpreg: number;
  /** Seed of the initial weights and of the dropout stream. Default 0. */
  seed: number;
}

/** Defaults of {@link GRU4RecConfig}. */
export const GRU4REC_DEFAULTS: Readonly<Omit<GRU4RecConfig, 'numItems'>> = Object.freeze({
  maxLen: 50,
  dim: 64,
  hidden: 64,
  dropout: 0.2,
  loss: 'ce',
  bpreg: 1,
  seed: 0,
});

/** Fills defaults into a partial config and validates every key (errors name the key). */
export function gru4recConfig(cfg: Partial<GRU4RecConfig> & { numItems: number }): GRU4RecConfig {
  const c = withDefaults<GRU4RecConfig>(GRU4REC_DEFAULTS, cfg);
  const M = 'GRU4Rec';
  checkIntKey(M, c, 'numItems', 1);
  checkIntKey(M, c, 'maxLen', 1);
  checkIntKey(M, c, 'dim', 1);
  checkIntKey(M, c, 'hidden', 1);
  checkRangeKey(M, c, 'dropout', 0, 1);
  checkEnumKey(M, c, 'loss', ['ce', 'bprMax', 'sampled']);
  checkRangeKey(M, c, 'bpreg', 0, Infinity);
  checkIntKey(M, c, 'seed', Number.MIN_SAFE_INTEGER);
  return c;
}

/**
 * GRU4Rec's encoder: item embedding, dropout, one GRU layer over the sequence (core's `gruScan`; the state
 * is carried unchanged over left padding, so padding never changes it), dropout, and a `hidden → d`
 * projection when the widths differ. The state after the last item is the user vector.
 */
export class GRUEncoder implements SequenceEncoder {
  /** Item table `[numItems + 1, d]` (row 0 = padding), sparse-gradient mode. */
  readonly items: Embedding;
  /** The GRU cell (core's `GRUCell`). */
  readonly cell: GRUCell;
  /** `hidden → d` projection when the widths differ. */
  readonly proj: Dense | null;

  /**
   * @param vocab rows of the item table (`numItems + 1`)
   * @param dim embedding and output width
   * @param hidden GRU state width
   * @param dropoutRate dropout on embeddings and GRU outputs
   * @param rng seeded generator for the initial weights
   */
  constructor(
    vocab: number,
    readonly dim: number,
    readonly hidden: number,
    readonly dropoutRate: number,
    rng: Rng,
  ) {
    this.items = new Embedding(vocab, dim, { rng, grad: 'sparse', paddingIdx: 0, name: 'items' });
    this.cell = new GRUCell(dim, hidden, rng);
    this.proj = hidden === dim ? null : new Dense(hidden, dim, rng);
  }

  /** States `[B, L, d]`. */
  encode(batch: SeqBatch, opts: ForwardOptions = {}): tf.Tensor3D {
    const { batchSize: B, maxLen: L, seqs } = batch;
    return tf.tidy(() => {
      const mask = paddingMask(seqs, B, L);
      const x = dropout(tf.reshape(this.items.lookup(seqs), [B, L, this.dim]), this.dropoutRate, opts) as tf.Tensor3D;
      let h: tf.Tensor = dropout(gruScan(this.cell, x, mask), this.dropoutRate, opts);
      if (this.proj) h = this.proj.apply(h);
      return h as tf.Tensor3D;
    });
  }

  /** The state after the last item, `[B, d]`. */
  userVector(batch: SeqBatch, opts: ForwardOptions = {}): tf.Tensor2D {
    return tf.tidy(() => lastPosition(this.encode(batch, opts)));
  }

  /** Item table, GRU cell, projection. */
  variables(): tf.Variable[] {
    return Object.values(this.namedVariables());
  }

  /** Variables by name: `items`, `gru.{wx,wh,b}`, `proj.*`. */
  namedVariables(): Record<string, tf.Variable> {
    const [wx, wh, b] = this.cell.variables();
    const out: Record<string, tf.Variable> = { items: this.items.table, 'gru.wx': wx, 'gru.wh': wh, 'gru.b': b };
    this.proj?.variables().forEach((v, k) => (out[`proj.${k}`] = v));
    return out;
  }

  /** Frees every variable. */
  dispose(): void {
    this.items.dispose();
    this.cell.dispose();
    this.proj?.dispose();
  }
}

/**
 * GRU4Rec: item embedding → GRU (one layer) → dot product with the (shared) item embeddings. Trained at
 * every position of the left-padded training sequences (core's `trainSequenceBatches`) with full-softmax
 * cross-entropy, or BPR-max / sampled softmax over the batch's negatives (`numNegatives` of the batcher).
 */
export class GRU4Rec extends EncoderModel<GRU4RecConfig, GRUEncoder> {
  /** `'GRU4Rec'`. */
  readonly name = 'GRU4Rec';
  /** The GRU encoder, usable as a backbone. */
  readonly encoder: GRUEncoder;
  /** The dropout stream. */
  readonly rng: Rng;

  /** @param config partial config; see {@link GRU4REC_DEFAULTS} */
  constructor(config: Partial<GRU4RecConfig> & { numItems: number }) {
    super(gru4recConfig(config));
    const c = this.config;
    const init = new Rng(c.seed);
    this.encoder = new GRUEncoder(c.numItems + 1, c.dim, c.hidden, c.dropout, init);
    this.rng = init.fork();
  }

  /** The configured loss over every position with a target. */
  loss(batch: SeqBatch): tf.Scalar {
    const targets = this.trainingTargets(batch);
    const negatives = batch.negatives;
    const loss = this.config.loss;
    if (loss !== 'ce' && !negatives) {
      throw new RangeError(`GRU4Rec.loss: loss '${loss}' needs batch.negatives (trainSequenceBatches with numNegatives >= 1)`);
    }
    const pos = targetPositions(targets);
    return tf.tidy(() => {
      const h = targetRows(this.encode(batch, this.training), pos.index);
      const items = this.encoder.items;
      if (loss === 'ce') return softmaxLoss(h, items.all(), pos.targets, this.config.numItems);
      const neg = negativesAt(negatives as Int32Array, pos.index, targets.length);
      return loss === 'bprMax' ? bprMaxLoss(h, items, pos.targets, neg, this.config.bpreg) : sampledSoftmaxLoss(h, items, pos.targets, neg);
    });
  }

  /** Loads a model written by {@link GRU4Rec.save} onto the active backend. */
  static async load(dir: string): Promise<GRU4Rec> {
    return loadSavedModel(dir, 'GRU4Rec', (c: GRU4RecConfig) => new GRU4Rec(c));
  }
}
