import * as tf from '@tensorflow/tfjs-core';
import { Rng, loadSavedModel, type SeqBatch } from '@recsuite/core';
import { bceLoss, negativesAt, softmaxLoss, targetPositions, targetRows } from './nextItemLoss.js';
import { TransformerEncoder, checkEnumKey, checkIntKey, checkRangeKey, configError, withDefaults } from './sequenceEncoder.js';
import { EncoderModel } from './sequentialModel.js';

// SASRec: Kang & McAuley, "Self-Attentive Sequential Recommendation", ICDM 2018.

/** Training loss of {@link SASRec}: the paper's BCE with sampled negatives, or full-softmax cross-entropy. */
export type SASRecLoss = 'bce' | 'ce';

/** Configuration of {@link SASRec}: a plain, JSON-serialisable object. */
export interface SASRecConfig {
  /** Number of items (ids `1..numItems`; 0 is padding). */
  numItems: number;
  /** Longest history used (positional table size). Default 50. */
  maxLen: number;
  /** Width `d`. Default 64. */
  dim: number;
  /** Self-attention blocks. Default 2. */
  blocks: number;
  /** Heads per block. Default 1. */
  heads: number;
  /** Dropout rate (embeddings, attention weights, feed-forward). Default 0.2. */
  dropout: number;
  /** `bce` (the paper: one sampled negative per position, from `batch.negatives`) or `ce` (RecBole). Default `bce`. */
  loss: SASRecLoss;
  /** LayerNorm epsilon. Default 1e-8 (the reference code). */
  eps: number;
  /** Seed of the initial weights and of the dropout stream. Default 0. */
  seed: number;
}

/** Defaults of {@link SASRecConfig} (Beauty settings of the paper / reference code). */
export const SASREC_DEFAULTS: Readonly<Omit<SASRecConfig, 'numItems'>> = Object.freeze({
  maxLen: 50,
  dim: 64,
  blocks: 2,
  heads: 1,
  dropout: 0.2,
  loss: 'bce',
  eps: 1e-8,
  seed: 0,
});

/** Fills defaults into a partial config and validates every key (errors name the key). */
export function sasrecConfig(cfg: Partial<SASRecConfig> & { numItems: number }): SASRecConfig {
  const c = withDefaults<SASRecConfig>(SASREC_DEFAULTS, cfg);
  const M = 'SASRec';
  checkIntKey(M, c, 'numItems', 1);
  checkIntKey(M, c, 'maxLen', 1);
  checkIntKey(M, c, 'dim', 1);
  checkIntKey(M, c, 'blocks', 0);
  checkIntKey(M, c, 'heads', 1);
  if (c.dim % c.heads !== 0) throw configError(M, 'heads', `a divisor of dim (${c.dim})`, c.heads);
  checkRangeKey(M, c, 'dropout', 0, 1);
  checkEnumKey(M, c, 'loss', ['bce', 'ce']);
  checkRangeKey(M, c, 'eps', 0, 1);
  checkIntKey(M, c, 'seed', Number.MIN_SAFE_INTEGER);
  return c;
}

/**
 * SASRec: item embedding × √d + learned positions, dropout, `blocks` causal self-attention blocks in the
 * reference code's pre-LN order, final LayerNorm; the score of item `i` after a history is
 * `⟨F_last, E_i⟩` with the input item table shared as output layer (§III-E). Weights are Glorot-initialised
 * (with N(0, 1) embeddings the BCE logits saturate and training stalls).
 *
 * Training batches come from core's `trainSequenceBatches` (targets at every position; for `bce`, one or
 * more negatives per position). The encoder is reusable as a backbone: {@link SASRec.encoder}.
 */
export class SASRec extends EncoderModel<SASRecConfig, TransformerEncoder> {
  /** `'SASRec'`. */
  readonly name = 'SASRec';
  /** The causal self-attention encoder (`encode`, `userVector`), usable as a backbone. */
  readonly encoder: TransformerEncoder;
  /** The dropout stream (checkpoint it with the trainer's `rngs` option to resume exactly). */
  readonly rng: Rng;

  /** @param config partial config; see {@link SASREC_DEFAULTS} */
  constructor(config: Partial<SASRecConfig> & { numItems: number }) {
    super(sasrecConfig(config));
    const c = this.config;
    const init = new Rng(c.seed);
    this.encoder = new TransformerEncoder(
      {
        vocab: c.numItems + 1,
        dim: c.dim,
        maxLen: c.maxLen,
        blocks: c.blocks,
        heads: c.heads,
        inner: c.dim,
        dropout: c.dropout,
        norm: 'pre',
        causal: true,
        activation: 'relu',
        eps: c.eps,
        scaleEmbedding: true,
        inputNorm: false,
        finalNorm: true,
      },
      init,
    );
    this.rng = init.fork();
  }

  /** BCE with the batch's negatives (eq. 5) or full-softmax CE, over every position with a target. */
  loss(batch: SeqBatch): tf.Scalar {
    const targets = this.trainingTargets(batch);
    const negatives = batch.negatives;
    const pos = targetPositions(targets);
    if (this.config.loss === 'bce' && !negatives) {
      throw new RangeError("SASRec.loss: loss 'bce' needs batch.negatives (trainSequenceBatches with numNegatives >= 1)");
    }
    return tf.tidy(() => {
      const h = targetRows(this.encode(batch, this.training), pos.index);
      const items = this.encoder.items;
      if (this.config.loss === 'bce') {
        return bceLoss(h, items, pos.targets, negativesAt(negatives as Int32Array, pos.index, targets.length));
      }
      return softmaxLoss(h, items.all(), pos.targets, this.config.numItems);
    });
  }

  /** Loads a model written by {@link SASRec.save} onto the active backend. */
  static async load(dir: string): Promise<SASRec> {
    return loadSavedModel(dir, 'SASRec', (c: SASRecConfig) => new SASRec(c));
  }
}
