import * as tf from '@tensorflow/tfjs-core';
import { evalSequenceBatches } from '../data/batchers.js';
import type { EvalCase } from '../data/splits.js';
import { RankingAccumulator, type RankingMetric } from '../metrics/accumulator.js';
import { fullRanks } from '../metrics/full.js';
import { sampledRanks } from '../metrics/sampled.js';
import type { RecModel, SeqBatch } from '../model.js';

/** Options for {@link evaluateRanking}. */
export interface EvaluateRankingOptions {
  /** Sequence length fed to the model (the last `maxLen` history items). */
  maxLen: number;
  /** Cases per batch (bounds the `[batch, numItems + 1]` score tensor). */
  batchSize: number;
  /** Cut-offs K for HR/NDCG (and Recall/Precision when asked). */
  ks: number[];
  /**
   * Sampled protocol: per case, the negatives (drawn once from a seed, all of the same length); each case
   * is ranked among `[target, ...negatives]`. Without it: full ranking over every item except the
   * case's history items (the target is always kept) and padding.
   */
  negatives?: readonly Int32Array[];
  /** Group labels of a case (besides `'all'`), e.g. `'cold'`, `'long-tail'`. */
  groups?: (caseIndex: number) => string | readonly string[] | null | undefined;
  /** Metric families; default `['HR', 'NDCG', 'MRR']`. */
  metrics?: RankingMetric[];
  /** Full ranking only: leave the history items out of the ranking. Default true. */
  excludeHistory?: boolean;
}

/** Result of {@link evaluateRanking}. */
export interface RankingEvaluation {
  /** Means over all cases: `{ 'HR@10': .., 'NDCG@10': .., 'MRR': .. }`. */
  metrics: Record<string, number>;
  /** The same per group (`'all'` included): `{ all: {...}, cold: {...} }`. */
  groups: Record<string, Record<string, number>>;
  /** Number of cases per group (`'all'` included). */
  counts: Record<string, number>;
  /** Protocol used. */
  protocol: 'full' | 'sampled';
  /** The 0-based pessimistic target rank of every case, in case order. */
  ranks: Int32Array;
  /** User of every case, in case order. */
  users: Int32Array;
  /**
   * Per-case values of one metric (case order, so aligned across models evaluated on the same cases: the
   * input of `pairedBootstrap`). Restricted to a group's cases when `group` is given.
   */
  perUser(key: string, group?: string): Float64Array;
  /** The underlying accumulator. */
  accumulator: RankingAccumulator;
}

/**
 * Ranking evaluation of a next-item model on held-out cases, batch by batch (never more than one
 * `[batch, numItems + 1]` score tensor alive; `tf.memory().numTensors` unchanged on return).
 *
 * - **Full ranking** (default): `model.scoreAll(batch)`, the target ranked against every item except
 *   padding and the case's history items (`fullRanks`; the target is kept even if it is in the history).
 * - **Sampled** (`negatives`): `model.score(batch, [target, ...negatives])`, the target ranked among its
 *   candidates (`sampledRanks`).
 *
 * Ranks count ties pessimistically (a tied item is placed ahead of the target). Metrics come from a
 * {@link RankingAccumulator}: HR@K, NDCG@K = `1/log2(rank + 2)` when `rank < K`, MRR = `1/(rank + 1)`.
 * The model is put in evaluation mode (`setTraining(false)`).
 *
 * @param model - a next-item model.
 * @param cases - evaluation cases (`EvalCase` from the data layer's splits).
 * @param opts - batching, cut-offs, protocol and groups.
 */
export async function evaluateRanking(
  model: Pick<RecModel<SeqBatch>, 'score' | 'scoreAll' | 'setTraining'>,
  cases: readonly EvalCase[],
  opts: EvaluateRankingOptions,
): Promise<RankingEvaluation> {
  const { maxLen, batchSize, negatives } = opts;
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new RangeError(`evaluateRanking: maxLen must be a positive integer, got ${maxLen}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`evaluateRanking: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (!Array.isArray(opts.ks) || opts.ks.length === 0) throw new RangeError('evaluateRanking: ks must list at least one cut-off');
  if (cases.length === 0) throw new RangeError('evaluateRanking: no cases to evaluate');
  cases.forEach((c, i) => {
    if (!Number.isInteger(c.target) || c.target < 1) throw new RangeError(`evaluateRanking: cases[${i}].target must be an item id >= 1, got ${c.target}`);
  });
  let nNeg = 0;
  if (negatives) {
    if (negatives.length !== cases.length) {
      throw new RangeError(`evaluateRanking: negatives must have one list per case (${cases.length}), got ${negatives.length}`);
    }
    nNeg = negatives[0].length;
    if (nNeg === 0) throw new RangeError('evaluateRanking: negatives[0] is empty');
    negatives.forEach((n, i) => {
      if (n.length !== nNeg) throw new RangeError(`evaluateRanking: negatives[${i}] has ${n.length} items, negatives[0] has ${nNeg} (all must be equal)`);
    });
  }
  const excludeHistory = opts.excludeHistory ?? true;
  const acc = new RankingAccumulator({ ks: opts.ks, metrics: opts.metrics });
  const allRanks = new Int32Array(cases.length);
  const users = Int32Array.from(cases, (c) => c.user);
  model.setTraining(false);

  let start = 0;
  for (const { batch, cases: batchCases } of evalSequenceBatches(cases, maxLen, batchSize)) {
    const B = batch.batchSize;
    const targets = Int32Array.from(batchCases, (c) => c.target);
    let ranks: Int32Array;
    if (negatives) {
      const cand = new Int32Array(B * (1 + nNeg));
      for (let r = 0; r < B; r++) {
        cand[r * (1 + nNeg)] = targets[r];
        cand.set(negatives[start + r], r * (1 + nNeg) + 1);
      }
      const scores = tf.tidy(() => model.score(batch, tf.tensor2d(cand, [B, 1 + nNeg], 'int32')));
      try {
        checkShape('score', scores, [B, 1 + nNeg]);
        ranks = await sampledRanks(scores);
      } finally {
        scores.dispose();
      }
    } else {
      const scores = tf.tidy(() => model.scoreAll(batch));
      try {
        if (scores.rank !== 2 || scores.shape[0] !== B) checkShape('scoreAll', scores, [B, NaN]);
        ranks = await fullRanks(scores, targets, excludeHistory ? batchCases.map((c) => c.history) : undefined);
      } finally {
        scores.dispose();
      }
    }
    allRanks.set(ranks, start);
    acc.add(ranks, opts.groups ? batchCases.map((_, r) => opts.groups!(start + r)) : undefined);
    start += B;
  }

  const groups = acc.results();
  const counts: Record<string, number> = {};
  for (const g of acc.groups()) counts[g] = acc.count(g);
  return {
    metrics: groups.all,
    groups,
    counts,
    protocol: negatives ? 'sampled' : 'full',
    ranks: allRanks,
    users,
    perUser: (key, group) => acc.values(key, group),
    accumulator: acc,
  };
}

function checkShape(fn: string, t: tf.Tensor, expected: number[]): void {
  const ok = t.rank === expected.length && expected.every((d, i) => Number.isNaN(d) || t.shape[i] === d);
  if (!ok) {
    throw new RangeError(`evaluateRanking: model.${fn} returned shape [${t.shape}], expected [${expected.map((d) => (Number.isNaN(d) ? 'numItems + 1' : d))}]`);
  }
}
