/**
 * Guidance policies compared in the IPG paper: IPG (paper and released cosine form), the backbone's own
 * top-1, the target heuristic, rec2inf and random. Each scoring policy ranks every item from the user
 * representation and the target; the choice of one item per user and round is made from that ranking,
 * skipping the items already recommended in the episode.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { IpgConfigError } from './errors.js';
import { ipgScores, type IpgForm } from './ipg.js';

/** A guidance policy. */
export type GuidanceMethod =
  /** The backbone's top-1 by logit `h_uᵀe_i` (ignores the target). */
  | { kind: 'sasrec' }
  /** `h_uᵀe_i + α · e_jᵀe_i` (the paper's target heuristic; α = 10 by default in the paper's code). */
  | { kind: 'heuristic'; alpha: number }
  /** rec2inf (from IRN): the `k` best items by logit (excluded items removed), then the one most similar to the target by `e_cᵀe_j`. */
  | { kind: 'rec2inf'; k: number }
  /** IPG, `p̂ · g`, in the paper's form (`paper`, label `IPG`) or the released cosine form (`cos`, label `IPG:cos`). */
  | { kind: 'ipg'; form: IpgForm; gamma?: number }
  /** A uniform item among those not yet recommended to the user this episode. */
  | { kind: 'random' };

/** Report label: `SASRec`, `Heuristic(α=10)`, `rec2inf(k=50)`, `IPG`, `IPG:cos`, `Random`. */
export function methodLabel(m: GuidanceMethod): string {
  switch (m.kind) {
    case 'sasrec':
      return 'SASRec';
    case 'heuristic':
      return `Heuristic(α=${m.alpha})`;
    case 'rec2inf':
      return `rec2inf(k=${m.k})`;
    case 'ipg':
      return m.form === 'cos' ? 'IPG:cos' : 'IPG';
    case 'random':
      return 'Random';
  }
}

/** Validates a method (errors name the key). */
export function checkMethod(m: GuidanceMethod, numItems: number): void {
  switch (m.kind) {
    case 'sasrec':
    case 'random':
      return;
    case 'heuristic':
      if (!(typeof m.alpha === 'number' && Number.isFinite(m.alpha))) throw new IpgConfigError('heuristic', 'alpha', 'a finite number', m.alpha);
      return;
    case 'rec2inf':
      if (!(Number.isInteger(m.k) && m.k >= 1 && m.k <= numItems)) throw new IpgConfigError('rec2inf', 'k', `an integer in [1, ${numItems}]`, m.k);
      return;
    case 'ipg':
      if (m.form !== 'paper' && m.form !== 'cos') throw new IpgConfigError('ipg', 'form', "'paper' or 'cos'", m.form);
      if (m.gamma !== undefined && !(m.gamma >= 0 && m.gamma < 1)) throw new IpgConfigError('ipg', 'gamma', 'a number in [0, 1)', m.gamma);
      return;
    default:
      throw new IpgConfigError('guidance', 'method.kind', "'sasrec', 'heuristic', 'rec2inf', 'ipg' or 'random'", (m as { kind: unknown }).kind);
  }
}

/** Whether the method's ranking depends on the target (the rankings of other methods are shared across targets). */
export function dependsOnTarget(m: GuidanceMethod): boolean {
  return m.kind === 'heuristic' || m.kind === 'ipg';
}

/**
 * How many top-ranked items must be kept per user so that the choice stays exact while at most
 * `excluded` of them may be excluded later: 1 + excluded for argmax policies, k + excluded for rec2inf.
 */
export function rankingDepth(m: GuidanceMethod, excluded: number, numItems: number): number {
  const need = m.kind === 'rec2inf' ? m.k : 1;
  return Math.min(numItems, need + excluded);
}

/**
 * The policy's scores `[B, N]` over candidate items (higher = preferred; rec2inf returns the logits it
 * shortlists by).
 * @param m - a scoring method (not `random`).
 * @param h - user representations `[B, d]`.
 * @param items - candidate embeddings `[N, d]`.
 * @param target - the target's embedding `[d]`.
 */
export function methodScores(m: GuidanceMethod, h: tf.Tensor2D, items: tf.Tensor2D, target: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    switch (m.kind) {
      case 'sasrec':
      case 'rec2inf':
        return tf.matMul(h, items, false, true);
      case 'heuristic': {
        const sim = tf.reshape(tf.matMul(items, tf.reshape(target, [-1, 1])), [1, -1]); // e_jᵀe_i
        return tf.add(tf.matMul(h, items, false, true), tf.mul(sim, m.alpha)) as tf.Tensor2D;
      }
      case 'ipg':
        return ipgScores(h, items, target, { form: m.form, gamma: m.gamma });
      case 'random':
        throw new RangeError('methodScores: the random policy has no scores');
    }
  });
}

/** Whether `item` is among the first `n` entries of `list[off..]`. */
function among(list: Int32Array, off: number, n: number, item: number): boolean {
  for (let k = 0; k < n; k++) if (list[off + k] === item) return true;
  return false;
}

/**
 * One user's choice from a ranked list `ranked[off .. off + depth)` (item ids, best first), skipping the
 * `nExcluded` items in `excluded[exOff ..]`: the first remaining item, or for rec2inf, among the first `k`
 * remaining, the one with the largest `targetSim[item]` (earliest on ties). Returns 0 when nothing remains.
 */
export function chooseFromRanking(
  m: GuidanceMethod,
  ranked: Int32Array,
  off: number,
  depth: number,
  excluded: Int32Array,
  exOff: number,
  nExcluded: number,
  targetSim?: Float32Array,
): number {
  if (m.kind === 'rec2inf') {
    if (!targetSim) throw new RangeError('chooseFromRanking: rec2inf needs targetSim');
    let seen = 0;
    let best = 0;
    let bestSim = -Infinity;
    for (let c = 0; c < depth && seen < m.k; c++) {
      const item = ranked[off + c];
      if (among(excluded, exOff, nExcluded, item)) continue;
      seen++;
      if (targetSim[item] > bestSim) {
        bestSim = targetSim[item];
        best = item;
      }
    }
    return best;
  }
  for (let c = 0; c < depth; c++) {
    const item = ranked[off + c];
    if (!among(excluded, exOff, nExcluded, item)) return item;
  }
  return 0;
}
