/**
 * CASM's evaluation protocol on top of core's `evaluateRanking`: core builds plain {@link SeqBatch}es from
 * the cases' item histories, so a behaviour-aware model is wrapped to find each row's behaviours by its
 * case; and full ranking leaves out the items a history holds under the target behaviour (never the
 * case's own target), for CASM and the behaviour-blind baselines alike.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  evaluateRanking,
  leftPad,
  targetBehaviourItems,
  type BehaviourEvalCase,
  type EvalCase,
  type EvaluateRankingOptions,
  type RankingEvaluation,
  type RecModel,
  type SeqBatch,
} from '@recsuite/core';
import type { BehaviourBatch } from './batch.js';

/** The part of the model contract the ranking evaluation uses. */
export type RankingModel<B = SeqBatch> = Pick<RecModel<B>, 'score' | 'scoreAll' | 'setTraining'>;

function byUser<C extends EvalCase>(fn: string, cases: readonly C[]): Map<number, C> {
  const m = new Map<number, C>();
  for (const c of cases) {
    if (m.has(c.user)) throw new RangeError(`${fn}: user ${c.user} has more than one case (evaluate validation and test cases separately)`);
    m.set(c.user, c);
  }
  return m;
}

/**
 * A behaviour-aware model as a plain {@link SeqBatch} model for `evaluateRanking(…, cases, …)`: each batch
 * row's behaviours are taken from its case (one case per user; the row's items are checked against the
 * case's history).
 */
export function withCaseBehaviours(model: RankingModel<BehaviourBatch>, cases: readonly BehaviourEvalCase[]): RankingModel {
  const map = byUser('withCaseBehaviours', cases);
  const attach = (batch: SeqBatch): BehaviourBatch => {
    const { batchSize: B, maxLen: L } = batch;
    const behaviours = new Int32Array(B * L);
    const items = new Int32Array(L);
    for (let r = 0; r < B; r++) {
      const c = map.get(batch.users[r]);
      if (!c) throw new RangeError(`withCaseBehaviours: batch row ${r} is user ${batch.users[r]}, who has no case`);
      leftPad(c.history, L, items);
      for (let j = 0; j < L; j++) {
        if (items[j] !== batch.seqs[r * L + j]) throw new RangeError(`withCaseBehaviours: batch row ${r} does not hold user ${c.user}'s case history`);
      }
      leftPad(c.historyBehaviours, L, behaviours, r * L);
    }
    return { ...batch, behaviours };
  };
  return {
    score: (batch, candidates) => model.score(attach(batch), candidates),
    scoreAll: (batch) => model.scoreAll(attach(batch)),
    setTraining: (t) => model.setTraining(t),
  };
}

/**
 * A model whose full-ranking scores are `−∞` at the items `exclude[k]` of case `k` (matched to batch rows
 * by user), except the case's own target: with `evaluateRanking(…, { excludeHistory: false })` those items
 * drop out of the ranking. Sampled scores pass through unchanged.
 */
export function withFullRankingExclusion(model: RankingModel, cases: readonly EvalCase[], exclude: readonly ArrayLike<number>[]): RankingModel {
  if (exclude.length !== cases.length) throw new RangeError(`withFullRankingExclusion: ${exclude.length} exclusion lists for ${cases.length} cases`);
  const map = byUser('withFullRankingExclusion', cases);
  const lists = new Map<number, ArrayLike<number>>();
  cases.forEach((c, k) => lists.set(c.user, exclude[k]));
  return {
    score: (batch, candidates) => model.score(batch, candidates),
    scoreAll: (batch) =>
      tf.tidy(() => {
        let s = model.scoreAll(batch);
        const N = s.shape[1];
        const pairs: number[] = [];
        for (let r = 0; r < batch.batchSize; r++) {
          const u = batch.users[r];
          const c = map.get(u);
          const list = lists.get(u);
          if (!c || !list) throw new RangeError(`withFullRankingExclusion: batch row ${r} is user ${u}, who has no case`);
          for (let j = 0; j < list.length; j++) {
            const i = list[j];
            if (i !== c.target && i > 0 && i < N) pairs.push(r, i);
          }
        }
        if (pairs.length === 0) return s;
        if (tf.getBackend() === 'cpu') s = tf.mul(s, 1); // cpu's tensorScatterUpdate writes into its input
        const n = pairs.length / 2;
        return tf.tensorScatterUpdate(s, tf.tensor2d(pairs, [n, 2], 'int32'), tf.fill([n], -Infinity)) as tf.Tensor2D;
      }),
    setTraining: (t) => model.setTraining(t),
  };
}

/** Options of {@link evaluateTargetBehaviour}. */
export type TargetBehaviourEvalOptions = Omit<EvaluateRankingOptions, 'excludeHistory'> & {
  /** Code of the target behaviour (full ranking leaves out items the history holds under it). */
  targetBehaviour: number;
};

/**
 * CASM's protocol for a behaviour-aware model: sampled (`negatives`, all candidates scored with the target
 * behaviour by the model) or full ranking that leaves out the items each history holds under the target
 * behaviour, never the target itself.
 */
export function evaluateTargetBehaviour(
  model: RankingModel<BehaviourBatch>,
  cases: readonly BehaviourEvalCase[],
  opts: TargetBehaviourEvalOptions,
): Promise<RankingEvaluation> {
  const { targetBehaviour, ...rest } = opts;
  let m = withCaseBehaviours(model, cases);
  if (!opts.negatives) m = withFullRankingExclusion(m, cases, cases.map((c) => targetBehaviourItems(c, targetBehaviour)));
  return evaluateRanking(m, cases, { ...rest, excludeHistory: false });
}

/**
 * The same protocol for a behaviour-blind model evaluated on `cases` (e.g. the all-interaction or
 * target-only histories of the same users and targets): full ranking leaves out `exclude[k]` for case `k`
 * (pass the behaviour-aware cases' target-behaviour items so every model ranks the same candidates).
 */
export function evaluateWithExclusion(
  model: RankingModel,
  cases: readonly EvalCase[],
  exclude: readonly ArrayLike<number>[],
  opts: Omit<EvaluateRankingOptions, 'excludeHistory'>,
): Promise<RankingEvaluation> {
  const m = opts.negatives ? model : withFullRankingExclusion(model, cases, exclude);
  return evaluateRanking(m, cases, { ...opts, excludeHistory: false });
}
