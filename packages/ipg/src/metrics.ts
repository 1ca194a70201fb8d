/**
 * The IPG paper's guidance metrics over a {@link GuidanceResult}: IoI@K (increase of interest in the
 * target) and HR@K (click rate), with the released code's variants beside, labelled `official`.
 * @module
 */
import { IpgConfigError } from './errors.js';
import type { GuidanceResult } from './guidance.js';

/** The part of a guidance result the metrics read. */
export type Trajectory = Pick<GuidanceResult, 'targets' | 'rounds' | 'numUsers' | 'affinity' | 'clicks'>;

function checkK(tr: Trajectory, K: number, name: string): void {
  if (!(Number.isInteger(K) && K >= 1 && K <= tr.rounds)) throw new IpgConfigError(name, 'K', `an integer in [1, ${tr.rounds}]`, K);
}

/**
 * IoI@K: mean over targets and users of (true affinity to the target after K rounds − before round 1),
 * affinity = `⟨user, item_j⟩ − bias[u, j]`.
 */
export function ioiAtK(tr: Trajectory, K: number): number {
  checkK(tr, K, 'ioiAtK');
  const R = tr.rounds;
  let s = 0;
  for (let t = 0; t < tr.targets.length; t++) s += tr.affinity[t * (R + 1) + K] - tr.affinity[t * (R + 1)];
  return s / tr.targets.length;
}

/** IoI@K as the released code measures it: after K − 1 rounds (the affinity is logged before each round's step). */
export function ioiAtKOfficial(tr: Trajectory, K: number): number {
  checkK(tr, K, 'ioiAtKOfficial');
  const R = tr.rounds;
  let s = 0;
  for (let t = 0; t < tr.targets.length; t++) s += tr.affinity[t * (R + 1) + K - 1] - tr.affinity[t * (R + 1)];
  return s / tr.targets.length;
}

/** HR@K: the click rate over the first K rounds (mean over targets, users and rounds). */
export function hrAtK(tr: Trajectory, K: number): number {
  checkK(tr, K, 'hrAtK');
  const R = tr.rounds;
  let s = 0;
  for (let t = 0; t < tr.targets.length; t++) for (let r = 0; r < K; r++) s += tr.clicks[t * R + r];
  return s / (tr.targets.length * tr.numUsers * K);
}

/**
 * HR@K as the released code reports it: the click rate over all rounds, averaged over the first K
 * targets (needs at least K targets).
 */
export function hrAtKOfficial(tr: Trajectory, K: number): number {
  const R = tr.rounds;
  if (!(Number.isInteger(K) && K >= 1 && K <= tr.targets.length)) throw new IpgConfigError('hrAtKOfficial', 'K', `an integer in [1, ${tr.targets.length}] (the number of targets)`, K);
  let s = 0;
  for (let t = 0; t < K; t++) for (let r = 0; r < R; r++) s += tr.clicks[t * R + r];
  return s / (K * tr.numUsers * R);
}

/** IoI@K and HR@K (and the official variants when defined) for every K in `ks`. */
export function guidanceMetrics(tr: Trajectory, ks: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const K of ks) {
    out[`IoI@${K}`] = ioiAtK(tr, K);
    out[`HR@${K}`] = hrAtK(tr, K);
    out[`IoI@${K} (official)`] = ioiAtKOfficial(tr, K);
    if (K <= tr.targets.length) out[`HR@${K} (official)`] = hrAtKOfficial(tr, K);
  }
  return out;
}
