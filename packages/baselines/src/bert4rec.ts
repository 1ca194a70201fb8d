import * as tf from '@tensorflow/tfjs-core';
import { Dense, LayerNorm, Rng, loadSavedModel, gelu, matMulFast, type SeqBatch } from '@recsuite/core';
import { sampledSoftmaxLoss, softmaxLoss, targetRows } from './nextItemLoss.js';
import {
  TransformerEncoder,
  checkBatch,
  checkEnumKey,
  checkIntKey,
  checkRangeKey,
  configError,
  historyBatch,
  lastPosition,
  topItems,
  withDefaults,
} from './sequenceEncoder.js';
import { SequentialModel } from './sequentialModel.js';

// BERT4Rec: Sun et al., "BERT4Rec: Sequential Recommendation with Bidirectional Encoder Representations from Transformer", CIKM 2019.

/** Training loss of {@link BERT4Rec} at the masked positions. */
export type BERT4RecLoss = 'ce' | 'sampled';

/** Configuration of {@link BERT4Rec}: a plain, JSON-serialisable object. */
export interface BERT4RecConfig {
  /** Number of items (ids `1..numItems`; 0 is padding, `numItems + 1` the [mask] token). */
  numItems: number;
  /** Longest sequence, [mask] included. Default 50. */
  maxLen: number;
  /** Width `d`. Default 64. */
  dim: number;
  /** Transformer layers. Default 2. */
  blocks: number;
  /** Heads per layer. Default 2. */
  heads: number;
  /** Feed-forward hidden width. Default `4 · dim`. */
  inner: number;
  /** Dropout rate. Default 0.2. */
  dropout: number;
  /** Probability of masking each item of a training sequence (cloze task, §3.6). Default 0.2. */
  maskProb: number;
  /** Probability that a training sequence instead has only its last item masked (§3.6, matching the test task). Default 0.1. */
  lastMaskProb: number;
  /** `ce`: softmax over all items (§3.6 eq. 7); `sampled`: softmax over the target and `numNegatives` uniform negatives. Default `ce`. */
  loss: BERT4RecLoss;
  /** Negatives per masked position for the `sampled` loss. Default 100. */
  numNegatives: number;
  /** LayerNorm epsilon. Default 1e-12 (BERT). */
  eps: number;
  /** Seed of the initial weights and of the dropout/masking stream. Default 0. */
  seed: number;
}

/** Defaults of {@link BERT4RecConfig} (`inner` defaults to `4 · dim`). */
export const BERT4REC_DEFAULTS: Readonly<Omit<BERT4RecConfig, 'numItems' | 'inner'>> = Object.freeze({
  maxLen: 50,
  dim: 64,
  blocks: 2,
  heads: 2,
  dropout: 0.2,
  maskProb: 0.2,
  lastMaskProb: 0.1,
  loss: 'ce',
  numNegatives: 100,
  eps: 1e-12,
  seed: 0,
});

/** Fills defaults into a partial config and validates every key (errors name the key). */
export function bert4recConfig(cfg: Partial<BERT4RecConfig> & { numItems: number }): BERT4RecConfig {
  const dim = cfg.dim ?? BERT4REC_DEFAULTS.dim;
  const c = withDefaults<BERT4RecConfig>({ ...BERT4REC_DEFAULTS, inner: 4 * dim }, cfg);
  const M = 'BERT4Rec';
  checkIntKey(M, c, 'numItems', 1);
  checkIntKey(M, c, 'maxLen', 2);
  checkIntKey(M, c, 'dim', 1);
  checkIntKey(M, c, 'blocks', 0);
  checkIntKey(M, c, 'heads', 1);
  if (c.dim % c.heads !== 0) throw configError(M, 'heads', `a divisor of dim (${c.dim})`, c.heads);
  checkIntKey(M, c, 'inner', 1);
  checkRangeKey(M, c, 'dropout', 0, 1);
  checkRangeKey(M, c, 'maskProb', 0, 1, true);
  checkRangeKey(M, c, 'lastMaskProb', 0, 1, true);
  checkEnumKey(M, c, 'loss', ['ce', 'sampled']);
  checkIntKey(M, c, 'numNegatives', 1);
  checkRangeKey(M, c, 'eps', 0, 1);
  checkIntKey(M, c, 'seed', Number.MIN_SAFE_INTEGER);
  return c;
}

/** A cloze training sample: masked inputs and the original items at the masked positions. */
export interface ClozeBatch {
  /** Inputs `[B·L]` with masked positions replaced by the [mask] id. */
  inputs: Int32Array;
  /** Flat positions that were masked. */
  index: Int32Array;
  /** The original items there. */
  labels: Int32Array;
}

/**
 * BERT4Rec: item + learned position embeddings, LayerNorm, dropout, `blocks` bidirectional Transformer
 * layers (post-LN, GELU feed-forward), trained on the cloze task: random items of a sequence are replaced by
 * [mask] (`numItems + 1`) and predicted from both sides through a projection head
 * `GELU(h W_P + b_P)`, LayerNorm, and the shared item table plus an output bias (§3.5 eq. 7). At test time a
 * [mask] is appended to the history and its prediction ranks the items.
 *
 * Training batches: core's `trainSequenceBatches` (no negatives needed); the whole training sequence
 * (`seqs` followed by the last target) is masked by the model itself, from its seeded {@link BERT4Rec.rng}.
 * `setTraining` switches dropout only: masking always happens in `loss`.
 */
export class BERT4Rec extends SequentialModel<SeqBatch, BERT4RecConfig> {
  /** `'BERT4Rec'`. */
  readonly name = 'BERT4Rec';
  /** The bidirectional encoder (`encode`, `userVector` of the last position), usable as a backbone. */
  readonly encoder: TransformerEncoder;
  /** Output head: projection `d → d` (then GELU and LayerNorm). */
  readonly head: Dense;
  /** LayerNorm of the output head. */
  readonly headLn: LayerNorm;
  /** Output bias per item `[numItems + 1]`. */
  readonly outBias: tf.Variable<tf.Rank.R1>;
  /** The dropout and masking stream. */
  readonly rng: Rng;

  /** @param config partial config; see {@link BERT4REC_DEFAULTS} */
  constructor(config: Partial<BERT4RecConfig> & { numItems: number }) {
    super(bert4recConfig(config));
    const c = this.config;
    const init = new Rng(c.seed);
    this.encoder = new TransformerEncoder(
      {
        vocab: c.numItems + 2,
        dim: c.dim,
        maxLen: c.maxLen,
        blocks: c.blocks,
        heads: c.heads,
        inner: c.inner,
        dropout: c.dropout,
        norm: 'post',
        causal: false,
        activation: 'gelu',
        eps: c.eps,
        scaleEmbedding: false,
        inputNorm: true,
        finalNorm: false,
      },
      init,
    );
    this.head = new Dense(c.dim, c.dim, init);
    this.headLn = new LayerNorm(c.dim, { eps: c.eps });
    this.outBias = tf.tidy(() => tf.variable(tf.zeros([c.numItems + 1]), true)) as tf.Variable<tf.Rank.R1>;
    this.rng = init.fork();
  }

  /** The [mask] token id, `numItems + 1`. */
  get maskId(): number {
    return this.config.numItems + 1;
  }

  /** Variables by name: the encoder's, `head.*`, `headLn.*`, `outBias`. */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { ...this.encoder.namedVariables() };
    this.head.variables().forEach((v, k) => (out[`head.${k}`] = v));
    this.headLn.variables().forEach((v, k) => (out[`headLn.${k}`] = v));
    out.outBias = this.outBias;
    return out;
  }

  /** Encoder states `[B, L, d]` of `batch.seqs` (which may contain [mask] ids). */
  encode(batch: SeqBatch, training = false): tf.Tensor3D {
    checkBatch(this.name, batch, this.config.maxLen, this.config.numItems + 2);
    return this.encoder.encode(batch, { training, rng: this.rng });
  }

  /** The head's output `GELU(h W_P + b_P)` after LayerNorm, for states `[..., d]`. */
  private project(h: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.headLn.apply(gelu(this.head.apply(h))));
  }

  /**
   * The query vector `[B, d]` for the next item: `batch.seqs` should end with a [mask] (as
   * {@link BERT4Rec.withMask} builds); the head's output at the last position.
   */
  userVector(batch: SeqBatch): tf.Tensor2D {
    return tf.tidy(() => this.project(lastPosition(this.encode(batch))) as tf.Tensor2D);
  }

  /**
   * The test-time input: each history shifted left by one and [mask] appended (the oldest item drops out
   * when the row is full).
   */
  withMask(batch: SeqBatch): SeqBatch {
    checkBatch(this.name, batch, this.config.maxLen, this.config.numItems + 1);
    const { batchSize: B, maxLen: L, seqs } = batch;
    const out = new Int32Array(B * L);
    for (let b = 0; b < B; b++) {
      out.set(seqs.subarray(b * L + 1, (b + 1) * L), b * L);
      out[(b + 1) * L - 1] = this.maskId;
    }
    return { ...batch, seqs: out, targets: undefined, negatives: undefined };
  }

  /**
   * The cloze sample of a training batch (§3.6): each row's full training sequence (`seqs` then its last
   * target, left-padded; the oldest item drops out if it does not fit), with every item masked with
   * probability `maskProb` (at least one per row), or, with probability `lastMaskProb`, only the last.
   */
  cloze(batch: SeqBatch): ClozeBatch {
    const targets = this.trainingTargets(batch);
    const { batchSize: B, maxLen: L, seqs } = batch;
    const { maskProb, lastMaskProb } = this.config;
    const inputs = new Int32Array(B * L);
    const index: number[] = [];
    const labels: number[] = [];
    const row = new Int32Array(L + 1);
    for (let b = 0; b < B; b++) {
      // Full sequence: the first item of seqs, then the targets (= seqs shifted by one, plus the last item).
      let n = 0;
      let first = -1;
      for (let t = 0; t < L; t++) if (seqs[b * L + t] !== 0) { first = t; break; }
      if (first >= 0) {
        row[n++] = seqs[b * L + first];
        for (let t = first; t < L; t++) if (targets[b * L + t] !== 0) row[n++] = targets[b * L + t];
      } else {
        for (let t = 0; t < L; t++) if (targets[b * L + t] !== 0) row[n++] = targets[b * L + t];
      }
      const keep = Math.min(n, L);
      const from = n - keep;
      const base = b * L + (L - keep);
      for (let j = 0; j < keep; j++) inputs[base + j] = row[from + j];
      if (keep === 0) continue;
      const mark = (p: number) => {
        index.push(p);
        labels.push(inputs[p]);
        inputs[p] = this.maskId;
      };
      if (this.rng.float() < lastMaskProb) {
        mark(base + keep - 1);
        continue;
      }
      let any = false;
      for (let j = 0; j < keep; j++) {
        if (this.rng.float() < maskProb) {
          mark(base + j);
          any = true;
        }
      }
      if (!any) mark(base + Math.floor(this.rng.float() * keep));
    }
    // index must be ascending for a stable gather; it is, row by row.
    return { inputs, index: Int32Array.from(index), labels: Int32Array.from(labels) };
  }

  /** Cross-entropy of the masked items (§3.6 eq. 7), over all items or a sampled set. */
  loss(batch: SeqBatch): tf.Scalar {
    checkBatch(this.name, batch, this.config.maxLen, this.config.numItems + 1);
    const cz = this.cloze(batch);
    if (cz.index.length === 0) throw new RangeError('BERT4Rec.loss: the batch has no item to mask');
    const input: SeqBatch = { ...batch, seqs: cz.inputs, targets: undefined, negatives: undefined };
    return tf.tidy(() => {
      const states = this.encoder.encode(input, { training: this.training, rng: this.rng });
      const h = this.project(targetRows(states, cz.index)) as tf.Tensor2D;
      if (this.config.loss === 'ce') {
        return softmaxLoss(h, this.encoder.items.all(), cz.labels, this.config.numItems, this.outBias);
      }
      const K = this.config.numNegatives;
      const neg = new Int32Array(cz.labels.length * K);
      for (let i = 0; i < neg.length; i++) neg[i] = 1 + this.rng.int(this.config.numItems);
      return sampledSoftmaxLoss(h, this.encoder.items, cz.labels, neg);
    });
  }

  /** Scores `[B, C]` of candidate ids `[B, C]` for the item after each history in `batch.seqs`. */
  score(batch: SeqBatch, candidates: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const u = this.userVector(this.withMask(batch));
      const ids = tf.cast(candidates, 'int32');
      const e = tf.gather(this.encoder.items.table, ids) as unknown as tf.Tensor3D; // [B, C, d]
      const dot = tf.squeeze(tf.matMul(e, tf.expandDims(u, 2)), [2]);
      return tf.add(dot, tf.gather(this.outBias, ids)) as tf.Tensor2D;
    });
  }

  /** Scores `[B, numItems + 1]` of every item after each history in `batch.seqs` (column 0 is padding). */
  scoreAll(batch: SeqBatch): tf.Tensor2D {
    return tf.tidy(() => {
      const u = this.userVector(this.withMask(batch));
      const n = this.config.numItems + 1;
      const table = tf.slice(this.encoder.items.table, [0, 0], [n, this.config.dim]) as tf.Tensor2D;
      return tf.add(matMulFast(u, table, false, true), this.outBias) as tf.Tensor2D;
    });
  }

  /** Top-`k` items after `history`, never padding or [mask], never a seen item unless `includeSeen`. */
  async recommend(history: ArrayLike<number>, k: number, opts: { includeSeen?: boolean } = {}): Promise<number[]> {
    const L = Math.min(this.config.maxLen, history.length + 1);
    const batch = historyBatch(this.name, history, L, this.config.numItems);
    return topItems(this.scoreAll(batch), history, k, opts.includeSeen ?? false);
  }

  /** Loads a model written by {@link BERT4Rec.save} onto the active backend. */
  static async load(dir: string): Promise<BERT4Rec> {
    return loadSavedModel(dir, 'BERT4Rec', (c: BERT4RecConfig) => new BERT4Rec(c));
  }

  /** Frees every tensor. */
  dispose(): void {
    this.encoder.dispose();
    this.head.dispose();
    this.headLn.dispose();
    this.outBias.dispose();
  }
}
