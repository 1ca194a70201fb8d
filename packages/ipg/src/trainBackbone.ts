/**
 * Training the guidance backbone (SASRec from @recsuite/baselines) on the logged clicks, with the official
 * settings as defaults and each user's last logged click held out for model selection.
 * @module
 */
import { Adam, evaluateRanking, fit, trainSequenceBatches, type EpochLog, type EvalCase, type FitResult, type Rng, type SeqBatch } from '@recsuite/core';
import { SASRec } from '@recsuite/baselines';
import { checkInt, checkNum } from './errors.js';

/** Options of {@link trainBackbone} (defaults: the released code's SASRec settings). */
export interface BackboneTrainOptions {
  /** Width. Default 48. */
  dim?: number;
  /** Self-attention blocks. Default 4. */
  blocks?: number;
  /** Heads. Default 8. */
  heads?: number;
  /** Dropout. Default 0.5. */
  dropout?: number;
  /** Longest history. Default 70. */
  maxLen?: number;
  /** Users per batch. Default 128. */
  batchSize?: number;
  /** Adam learning rate (β = (0.9, 0.98), dense Adam like PyTorch's, no L2). Default 1e-3. */
  lr?: number;
  /** Maximum epochs. Default 200 (the released code trains 200 and keeps the last). */
  epochs?: number;
  /** Validate (NDCG@10 of the held-out last click, full ranking) every this many epochs. Default 5. */
  validateEvery?: number;
  /** Stop after this many validations without improvement. Default 6. */
  patience?: number;
  /** Seed of the initial weights, batch order, negatives and dropout. */
  seed: number;
  /** Called after every epoch. */
  onEpoch?: (log: EpochLog) => void;
  /** Stops training after the current step. */
  signal?: AbortSignal;
}

/** A trained backbone and how its training went. */
export interface TrainedBackbone {
  /** The model, in evaluation mode, with the best validated weights. */
  model: SASRec;
  /** The trainer's result (best epoch, history, seconds per epoch). */
  fit: FitResult;
  /** Users with a held-out click (at least 2 logged clicks). */
  validationCases: number;
}

/**
 * Holds out each user's last click when they have at least two: training sequence `s[:-1]`, validation
 * case `(s[:-1] → s[-1])`; users with fewer clicks train on what they have (the batcher skips sequences
 * shorter than 2).
 */
export function holdOutLastClick(sequences: readonly Int32Array[]): { train: Int32Array[]; valid: EvalCase[] } {
  const train: Int32Array[] = [];
  const valid: EvalCase[] = [];
  sequences.forEach((s, u) => {
    if (s.length >= 2) {
      train.push(s.subarray(0, s.length - 1));
      valid.push({ user: u, history: s.subarray(0, s.length - 1), target: s[s.length - 1] });
    } else train.push(s);
  });
  return { train, valid };
}

/**
 * One epoch of length-bucketed training batches: users shuffled, then sorted by length within windows of
 * 50 batches, cut into batches padded only to their own longest sequence (at most `maxLen`), batch order
 * shuffled. Each user with at least 2 items appears exactly once; targets and one uniform negative per
 * position as in core's `trainSequenceBatches` (which builds each batch).
 */
export function* bucketedBatches(train: readonly Int32Array[], opts: { maxLen: number; batchSize: number; numItems: number; rng: Rng }): Generator<SeqBatch> {
  const { maxLen, batchSize, numItems, rng } = opts;
  const users: number[] = [];
  for (let u = 0; u < train.length; u++) if (train[u].length >= 2) users.push(u);
  const order = Array.from(rng.shuffle(Int32Array.from(users)) as Int32Array);
  const window = batchSize * 50;
  const batches: number[][] = [];
  for (let s = 0; s < order.length; s += window) {
    const chunk = order.slice(s, s + window).sort((a, b) => train[a].length - train[b].length);
    for (let k = 0; k < chunk.length; k += batchSize) batches.push(chunk.slice(k, k + batchSize));
  }
  rng.shuffle(batches);
  for (const b of batches) {
    const seqs = b.map((u) => train[u]);
    const L = Math.min(maxLen, Math.max(...seqs.map((x) => x.length)) - 1);
    for (const batch of trainSequenceBatches(seqs, { maxLen: L, batchSize: seqs.length, numItems, rng, numNegatives: 1, shuffle: false })) {
      yield { ...batch, users: Int32Array.from(b) };
    }
  }
}

/**
 * Trains SASRec (BCE with one uniform negative per position, Glorot initialisation, embeddings × √d) on the
 * logged click sequences, selecting the epoch by validation NDCG@10 on the held-out last clicks (the
 * released code has no validation and keeps epoch 200). Batches are padded only to the longest
 * sequence of their batch ({@link bucketedBatches}). `tf.memory().numTensors` grows only by the model's variables.
 */
export async function trainBackbone(sequences: readonly Int32Array[], numItems: number, opts: BackboneTrainOptions): Promise<TrainedBackbone> {
  const o = { dim: 48, blocks: 4, heads: 8, dropout: 0.5, maxLen: 70, batchSize: 128, lr: 1e-3, epochs: 200, validateEvery: 5, patience: 6, ...opts };
  const M = 'trainBackbone';
  for (const k of ['dim', 'blocks', 'heads', 'maxLen', 'batchSize', 'epochs', 'validateEvery', 'patience'] as const) checkInt(M, o, k, 1);
  checkNum(M, o, 'lr', 0);
  checkNum(M, o, 'dropout', 0, 0.99);
  const { train, valid } = holdOutLastClick(sequences);
  const model = new SASRec({ numItems, maxLen: o.maxLen, dim: o.dim, blocks: o.blocks, heads: o.heads, dropout: o.dropout, loss: 'bce', seed: o.seed });
  const optimizer = new Adam({ lr: o.lr, beta1: 0.9, beta2: 0.98, embeddings: 'dense' });
  try {
    const result = await fit(model, {
      optimizer,
      epochs: o.epochs,
      seed: o.seed,
      batches: (_epoch, rng) => bucketedBatches(train, { maxLen: o.maxLen, batchSize: o.batchSize, numItems, rng }),
      validate: valid.length > 0 ? async () => (await evaluateRanking(model, valid, { maxLen: o.maxLen, batchSize: 512, ks: [10] })).metrics : undefined,
      validateEvery: o.validateEvery,
      metric: 'NDCG@10',
      mode: 'max',
      patience: o.patience,
      rngs: { model: model.rng },
      progress: false,
      onEpoch: o.onEpoch,
      signal: o.signal,
    });
    model.setTraining(false);
    return { model, fit: result, validationCases: valid.length };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
}
