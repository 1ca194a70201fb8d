/**
 * Factories of the next-item sequence models: SASRec (BCE with one sampled negative per position, as in
 * the paper, or full-softmax CE), GRU4Rec (CE over all items by default) and BERT4Rec (cloze CE), each
 * trained on core's `trainSequenceBatches` with Adam.
 * @module
 */
import { BERT4Rec, GRU4Rec, SASRec } from '@recsuite/baselines';
import { Adam, trainSequenceBatches, type Rng } from '@recsuite/core';
import type { BuiltModel, ModelFactory, RankingHyper, RankingTask } from './types.js';

/** Batches per epoch: users with at least two training items, `batchSize` at a time. */
export function seqSteps(t: RankingTask): number {
  let n = 0;
  for (const s of t.train) if (s.length >= 2) n++;
  return Math.ceil(n / t.hyper.batchSize);
}

/**
 * How a sequence model trains here: `trainSequenceBatches` of the task's training sequences (length-bucketed
 * when `hyper.lengthBuffer` > 0) with `numNegatives` sampled negatives per position (0: none, the model's loss needs none), Adam (β₂ 0.98), and
 * the random streams `rngs` checkpointed by the trainer (a model's dropout stream, `{ model: rng }`).
 */
export function seqTrain(t: RankingTask, numNegatives: number, rngs: Record<string, Rng>): BuiltModel['train'] {
  return {
    batches: (_epoch, r) =>
      trainSequenceBatches(t.train, { maxLen: t.hyper.maxLen, batchSize: t.hyper.batchSize, numItems: t.numItems, rng: r, numNegatives, lengthBuffer: t.hyper.lengthBuffer ?? 0 }),
    steps: seqSteps(t),
    optimizer: new Adam({ lr: t.hyper.lr, beta2: 0.98 }),
    rngs,
  };
}

/** The protocol line of the sequence models' training batches. */
export function seqBatchingDetail(h: Pick<RankingHyper, 'batchSize' | 'maxLen' | 'lengthBuffer'>): string {
  return h.lengthBuffer
    ? `sequence models' training batches: ${h.batchSize} users, shuffled, then sorted by length within ${h.lengthBuffer} batches, batch order shuffled, each batch cut to its longest sequence (≤ ${h.maxLen}; the cut changes no model's loss on the same rows and masks, only which users share a batch)`
    : `sequence models' training batches: ${h.batchSize} shuffled users, every sequence padded to ${h.maxLen}`;
}

/** The task's item count, Transformer sizes and seed, as SASRec, BERT4Rec and models built on them take them. */
export function transformerSizes(t: RankingTask) {
  const h = t.hyper;
  return { numItems: t.numItems, maxLen: h.maxLen, dim: h.dim, blocks: h.blocks, heads: h.heads, dropout: h.dropout, seed: t.seed };
}

/** SASRec (Kang & McAuley 2018). */
export const sasrecFactory: ModelFactory = (t) => {
  const loss = t.hyper.sasrecLoss ?? 'bce';
  const model = new SASRec({ ...transformerSizes(t), loss });
  return { model, train: seqTrain(t, loss === 'bce' ? 1 : 0, { model: model.rng }) };
};

/** GRU4Rec (Hidasi et al. 2016). */
export const gru4recFactory: ModelFactory = (t) => {
  const loss = t.hyper.gru4recLoss ?? 'ce';
  const model = new GRU4Rec({ numItems: t.numItems, maxLen: t.hyper.maxLen, dim: t.hyper.dim, hidden: t.hyper.dim, dropout: t.hyper.dropout, loss, seed: t.seed });
  return { model, train: seqTrain(t, loss === 'ce' ? 0 : (t.hyper.numNegatives ?? 32), { model: model.rng }) };
};

/** BERT4Rec (Sun et al. 2019). */
export const bert4recFactory: ModelFactory = (t) => {
  const model = new BERT4Rec({ ...transformerSizes(t), maskProb: t.hyper.maskProb });
  return { model, train: seqTrain(t, 0, { model: model.rng }) };
};
