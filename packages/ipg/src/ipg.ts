/**
 * IPG: Iterative Preference Guidance (Bi et al., WWW 2024 companion, arXiv 2403.07571), a post-processor
 * over a trained sequential recommender that, round after round, recommends the item whose interaction
 * most increases the user's affinity to a target item, weighted by how likely the user is to interact.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeqBatch } from '@recsuite/core';
import type { GuidanceBackbone } from './backbone.js';
import { IpgConfigError } from './errors.js';
import { encodeHistories } from './encode.js';

/**
 * `paper`: the paper's form with raw inner products, `g = (1 − γ)(e_jᵀe_i − e_jᵀh_u)`;
 * `cos`: the released code's form, `g = cos(e_i, e_j) − cos(h_u, e_j)`.
 */
export type IpgForm = 'paper' | 'cos';

/** Options of the IPG score. */
export interface IpgOptions {
  /** Which `g` (default `cos`, the released code's). */
  form?: IpgForm;
  /** Memory of the assumed user update `ê_u ← γ ê_u + (1 − γ) ê_i`, in `[0, 1)`; paper form only. It scales `g` by `1 − γ` and never changes the ranking. Default 0.5. */
  gamma?: number;
}

function resolve(opts: IpgOptions): { form: IpgForm; gamma: number } {
  const form = opts.form ?? 'cos';
  const gamma = opts.gamma ?? 0.5;
  if (form !== 'paper' && form !== 'cos') throw new IpgConfigError('IPG', 'form', "'paper' or 'cos'", form);
  if (!(typeof gamma === 'number' && gamma >= 0 && gamma < 1)) throw new IpgConfigError('IPG', 'gamma', 'a number in [0, 1)', gamma);
  return { form, gamma };
}

/** Rows of `x` `[n, d]` divided by their L2 norms (a zero row stays zero). */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D);
}

/**
 * The guidance gain `g(u, i, j)` `[B, N]`: the increase of the user's affinity to target `j` if `u`
 * interacts with `i`, under `ê_u^(t+1) = γ ê_u^(t) + (1 − γ) ê_i`:
 * `g = ê_jᵀê_u^(t+1) − ê_jᵀê_u^(t) = (1 − γ)(ê_jᵀê_i − ê_jᵀê_u)` (paper form, raw vectors), or
 * `cos(e_i, e_j) − cos(h_u, e_j)` (cos form).
 * @param h - user representations `[B, d]`.
 * @param items - candidate item embeddings `[N, d]`.
 * @param target - the target's embedding `[d]`.
 */
export function ipgGain(h: tf.Tensor2D, items: tf.Tensor2D, target: tf.Tensor1D, opts: IpgOptions = {}): tf.Tensor2D {
  const { form, gamma } = resolve(opts);
  return tf.tidy(() => {
    const ej = tf.reshape(target, [-1, 1]) as tf.Tensor2D; // [d, 1]
    if (form === 'paper') {
      const itemTarget = tf.reshape(tf.matMul(items, ej), [1, -1]); // ê_jᵀê_i  [1, N]
      const userTarget = tf.matMul(h, ej); // ê_jᵀê_u  [B, 1]
      return tf.mul(tf.sub(itemTarget, userTarget), 1 - gamma) as tf.Tensor2D;
    }
    const ejn = l2Normalize(tf.reshape(target, [1, -1]) as tf.Tensor2D);
    const itemTarget = tf.reshape(tf.matMul(l2Normalize(items), ejn, false, true), [1, -1]); // cos(e_i, e_j)
    const userTarget = tf.matMul(l2Normalize(h), ejn, false, true); // cos(h_u, e_j)
    return tf.sub(itemTarget, userTarget) as tf.Tensor2D;
  });
}

/**
 * The IPG score `r(u, i, j) = p̂(u, i) · g(u, i, j)` `[B, N]`, with `p̂ = σ(h_uᵀe_i)` the backbone's
 * interaction probability (the paper's eq. for the guidance objective). Recommend the argmax over the
 * candidates, with no clipping even when every `g < 0`.
 * @param h - user representations `[B, d]`.
 * @param items - candidate item embeddings `[N, d]`.
 * @param target - the target's embedding `[d]`.
 */
export function ipgScores(h: tf.Tensor2D, items: tf.Tensor2D, target: tf.Tensor1D, opts: IpgOptions = {}): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sigmoid(tf.matMul(h, items, false, true)), ipgGain(h, items, target, opts)) as tf.Tensor2D);
}

/** Options of {@link IPG.recommend}. */
export interface IpgRecommendOptions {
  /** Per user, items never to recommend (e.g. those already recommended this episode). */
  exclude?: readonly ArrayLike<number>[];
  /** Users per encoding/scoring batch. Default 512. */
  batchSize?: number;
}

/**
 * The IPG post-processor over any {@link GuidanceBackbone} (e.g. `sasrecBackbone(sasrec)`).
 *
 * ```ts
 * const ipg = new IPG(sasrecBackbone(model), { form: 'cos' });
 * const [[next]] = await ipg.recommend([history], targetItem, 1);
 * ```
 */
export class IPG {
  /** `form` and `gamma` in use. */
  readonly options: { form: IpgForm; gamma: number };

  /**
   * @param backbone - the trained sequential model.
   * @param opts - the score's form (default `cos`) and `γ`.
   */
  constructor(
    readonly backbone: GuidanceBackbone,
    opts: IpgOptions = {},
  ) {
    this.options = resolve(opts);
  }

  /** Scores `[B, numItems + 1]` of every item for target `target` (column 0, padding, is −∞). */
  scoreAll(batch: SeqBatch, target: number): tf.Tensor2D {
    this.checkTarget(target);
    return tf.tidy(() => {
      const table = this.backbone.itemEmbeddings();
      const N = this.backbone.numItems;
      const items = tf.slice(table, [1, 0], [N, -1]) as tf.Tensor2D;
      const ej = tf.reshape(tf.slice(table, [target, 0], [1, -1]), [-1]) as tf.Tensor1D;
      const h = this.backbone.userVector(batch);
      const r = ipgScores(h, items, ej, this.options);
      return tf.concat([tf.fill([h.shape[0], 1], -Infinity), r], 1) as tf.Tensor2D;
    });
  }

  /**
   * The top-`k` items per history toward `target` (the guidance protocol uses `k = 1`), never padding,
   * never an excluded item. Histories are chronological item ids (most recent last; may be empty).
   */
  async recommend(histories: readonly ArrayLike<number>[], target: number, k = 1, opts: IpgRecommendOptions = {}): Promise<number[][]> {
    this.checkTarget(target);
    const N = this.backbone.numItems;
    if (!(Number.isInteger(k) && k >= 1 && k <= N)) throw new IpgConfigError('IPG.recommend', 'k', `an integer in [1, ${N}]`, k);
    if (opts.exclude && opts.exclude.length !== histories.length) {
      throw new RangeError(`IPG.recommend: exclude has ${opts.exclude.length} lists, expected one per history (${histories.length})`);
    }
    const vecs = await encodeHistories(this.backbone, histories, { batchSize: opts.batchSize });
    const d = vecs.length / Math.max(1, histories.length);
    const out: number[][] = [];
    const bs = opts.batchSize ?? 512;
    let most = 0;
    for (const ex of opts.exclude ?? []) most = Math.max(most, ex.length);
    const depth = Math.min(N, k + most);
    for (let s = 0; s < histories.length; s += bs) {
      const n = Math.min(bs, histories.length - s);
      const ranked = tf.tidy(() => {
        const table = this.backbone.itemEmbeddings();
        const items = tf.slice(table, [1, 0], [N, -1]) as tf.Tensor2D;
        const ej = tf.reshape(tf.slice(table, [target, 0], [1, -1]), [-1]) as tf.Tensor1D;
        const h = tf.tensor2d(vecs.subarray(s * d, (s + n) * d), [n, d]);
        return tf.topk(ipgScores(h, items, ej, this.options), depth).indices;
      });
      const idx = (await ranked.data()) as Int32Array;
      ranked.dispose();
      for (let b = 0; b < n; b++) {
        const ex = new Set<number>(Array.from(opts.exclude?.[s + b] ?? []));
        const picks: number[] = [];
        for (let c = 0; c < depth && picks.length < k; c++) {
          const item = idx[b * depth + c] + 1;
          if (!ex.has(item)) picks.push(item);
        }
        out.push(picks);
      }
    }
    return out;
  }

  private checkTarget(target: number): void {
    const N = this.backbone.numItems;
    if (!(Number.isInteger(target) && target >= 1 && target <= N)) throw new RangeError(`IPG: target ${target} is not an item id in [1, ${N}]`);
  }
}
