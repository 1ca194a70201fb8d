/**
 * Full-ranking evaluation of held-out item *sets* (LightGCN protocol): every item is ranked for the user,
 * the items to exclude (training, and validation at test time) are left out, and each held-out item's
 * pessimistic rank feeds Recall@K, NDCG@K (ideal DCG over min(|targets|, K)), Precision@K and HR@K.
 * @module
 */
import { fullRanksMulti, RankingAccumulator, type RankingMetric } from '@recsuite/core';
import * as tf from '@tensorflow/tfjs-core';

/** A model that scores every item for dense user ids (CF models; any `RecModel` given `{ users }`). */
export interface UserScorer {
  scoreAll(batch: { users: Int32Array }): tf.Tensor2D;
  setTraining(training: boolean): void;
}

/** One user's held-out set and the items to exclude. */
export interface SetCase {
  user: number;
  targets: Int32Array;
  exclude: readonly Int32Array[];
}

/**
 * Evaluates `cases` batch by batch (one `[batch, numItems + 1]` score tensor alive at a time; tensor
 * count unchanged on return).
 * @returns metric means over the cases (`Recall@20`, `NDCG@20`, ...).
 */
export async function evaluateSets(
  model: UserScorer,
  cases: readonly SetCase[],
  opts: { ks: number[]; batchSize: number; metrics?: RankingMetric[] },
): Promise<Record<string, number>> {
  const acc = new RankingAccumulator({ ks: opts.ks, metrics: opts.metrics ?? ['Recall', 'NDCG', 'Precision', 'HR'] });
  model.setTraining(false);
  for (let start = 0; start < cases.length; start += opts.batchSize) {
    const part = cases.slice(start, start + opts.batchSize);
    const users = Int32Array.from(part, (c) => c.user);
    const scores = tf.tidy(() => model.scoreAll({ users }));
    try {
      const ranks = await fullRanksMulti(
        scores,
        part.map((c) => c.targets),
        part.map((c) => (c.exclude.length === 1 ? c.exclude[0] : c.exclude.flatMap((x) => [...x]))),
      );
      acc.addMulti(ranks);
    } finally {
      scores.dispose();
    }
  }
  return acc.result();
}
