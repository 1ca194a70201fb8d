/**
 * Sampled-ranking evaluation of i2VAE on cross-domain rows: each row's target among its stored negatives,
 * pessimistic ties, metrics overall and per group label.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { RankingAccumulator, sampledRanks, type CrossDomainRow, crossDomainTarget } from '@recsuite/core';
import { i2vaeEvalBatches, type PseudoItems } from './batch.js';
import type { I2VAE } from './i2vae.js';

/** Options of {@link evaluateI2VAE}. */
export interface I2VAEEvalOptions {
  /** Per row, its negatives (drawn once, stored), all of one length. */
  negatives: readonly Int32Array[];
  /** Cut-offs (HR@K, NDCG@K). */
  ks: number[];
  /** Rows per batch (default 256). */
  batchSize?: number;
  /** Per row, its group labels besides `all`. */
  labels?: readonly (readonly string[])[];
}

/** Result of {@link evaluateI2VAE}. */
export interface I2VAEEvaluation {
  /** Metrics by group (`all` included). */
  groups: Record<string, Record<string, number>>;
  /** Rows per group. */
  counts: Record<string, number>;
  /** The 0-based pessimistic rank of every row's target among its candidates, in row order. */
  ranks: Int32Array;
}

/**
 * Ranks each row's target among `[target, ...negatives]` (`rank` = number of negatives scoring ≥ the
 * target), in evaluation mode (`z = μ`, no dropout). `pseudo` as for the batches (`null`: none).
 */
export async function evaluateI2VAE(model: I2VAE, rows: readonly CrossDomainRow[], pseudo: readonly PseudoItems[] | null, opts: I2VAEEvalOptions): Promise<I2VAEEvaluation> {
  if (opts.negatives.length !== rows.length) throw new RangeError(`evaluateI2VAE: negatives has ${opts.negatives.length} lists for ${rows.length} rows`);
  if (opts.labels && opts.labels.length !== rows.length) throw new RangeError(`evaluateI2VAE: labels has ${opts.labels.length} entries for ${rows.length} rows`);
  const n = opts.negatives[0]?.length ?? 0;
  if (n === 0) throw new RangeError('evaluateI2VAE: negatives[0] is empty');
  model.setTraining(false);
  const acc = new RankingAccumulator({ ks: opts.ks });
  const ranks = new Int32Array(rows.length);
  const c = model.config;
  for (const { batch, start } of i2vaeEvalBatches(rows, pseudo, { maxLen: c.maxLen, augLen: c.augLen, batchSize: opts.batchSize ?? 256 })) {
    const B = batch.batchSize;
    const cand = new Int32Array(B * (1 + n));
    for (let j = 0; j < B; j++) {
      const neg = opts.negatives[start + j];
      if (neg.length !== n) throw new RangeError(`evaluateI2VAE: negatives[${start + j}] has ${neg.length} items, negatives[0] has ${n}`);
      cand[j * (1 + n)] = crossDomainTarget(rows[start + j]);
      cand.set(neg, j * (1 + n) + 1);
    }
    const scores = tf.tidy(() => model.score(batch, tf.tensor2d(cand, [B, 1 + n], 'int32')));
    let r: Int32Array;
    try {
      r = await sampledRanks(scores);
    } finally {
      scores.dispose();
    }
    ranks.set(r, start);
    acc.add(r, opts.labels ? Array.from({ length: B }, (_, j) => opts.labels![start + j]) : undefined);
  }
  const counts: Record<string, number> = {};
  for (const g of acc.groups()) counts[g] = acc.count(g);
  return { groups: acc.results(), counts, ranks };
}
