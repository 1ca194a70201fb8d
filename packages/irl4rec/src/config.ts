/**
 * Configuration of {@link Irl4Rec}. Every choice the withdrawn paper leaves open is a key here, with the
 * default the spec marks (DIB lineage, Liu et al. RecSys 2021) and the alternatives as options.
 * @module
 */

/** Backbone sequence encoder from `@recsuite/baselines`. */
export type BackboneKind = 'sasrec' | 'gru4rec' | 'bert4rec';

/**
 * Where the confounder representation `s` comes from.
 * - `parallel` (default, DIB lineage): a second backbone encoder of the same kind over the same input.
 * - `head` (ours): a linear head on the adjustment backbone's states (shared encoder, cheaper).
 * - `attributes` (ours, the spec's option): `s` from the item attributes of the sequence (causal prefix mean
 *   of attribute embeddings, then a linear map), and `e^s_i` the embedding of item `i`'s attribute, so the
 *   confounder part can only express attribute-driven preference. Needs `itemAttributes`.
 * - `none`: no confounder branch (ablation; the objective reduces to `L(t) + β‖μ_t‖²`).
 */
export type ConfounderKind = 'parallel' | 'head' | 'attributes' | 'none';

/**
 * Item side. `split` (default, DIB): `e_i = [e_i^t ‖ e_i^s]`, training scores `⟨t, e^t⟩ + ⟨s, e^s⟩`, test
 * scores `⟨t, e^t⟩`. `shared` (ours): one table, training scores `⟨t + s, e_i⟩`, test `⟨t, e_i⟩`.
 */
export type ItemSide = 'split' | 'shared';

/**
 * Ranking loss `L` applied to each score set: BCE or BPR with the batch's sampled negatives, or `ce`,
 * cross-entropy over all items (full softmax; the loss GRU4Rec and BERT4Rec train with, and SASRec's
 * RecBole default). With `ce` the score sets `t`, `[t‖s]` and `s` are each a softmax over every item.
 */
export type RankingLossKind = 'bce' | 'bpr' | 'ce';

/**
 * What test scores use. `adjustment` (Irl4Rec): `⟨μ_t, e^t⟩` only. `joint` (a control, not Irl4Rec): the
 * training score `⟨μ_t, e^t⟩ + ⟨s, e^s⟩`, so the confounder branch's input is used at test too; with
 * `confounder: 'attributes'`, `alpha: 1`, `gamma: 0` and `beta: 0` it is the spec's "backbone + the same
 * attributes" control, which shows what the side information alone is worth.
 */
export type TestScoreKind = 'adjustment' | 'joint';

/** Independence penalty `D(t, s)` added to the objective (ours; default none, as in DIB's practical form). */
export type IndependenceKind = 'none' | 'hsic' | 'club';

/** Mean of the adjustment encoder: a linear layer on `h` (`linear`) or `h` itself (`identity`). */
export type AdjustmentHeadKind = 'linear' | 'identity';

/** Configuration of {@link Irl4Rec}: a plain, JSON-serialisable object. */
export interface Irl4RecConfig {
  /** Number of items (ids `1..numItems`; 0 is padding). */
  numItems: number;
  /** Backbone encoder. Default `sasrec`. */
  backbone: BackboneKind;
  /** Longest history. Default 50. */
  maxLen: number;
  /** Backbone width `d` (also the width of `t` and of `e^t`). Default 64. */
  dim: number;
  /** Width of `s` and of `e^s` (must equal `dim` when `itemSide` is `shared`). Default `dim`. */
  confounderDim: number;
  /** Transformer blocks (SASRec, BERT4Rec). Default 2. */
  blocks: number;
  /** Attention heads (SASRec, BERT4Rec). Default 1. */
  heads: number;
  /** Dropout inside the backbone. Default 0.2. */
  dropout: number;
  /** BERT4Rec cloze masking probability. Default 0.2. */
  maskProb: number;
  /** Confounder branch. Default `parallel`. */
  confounder: ConfounderKind;
  /**
   * One attribute id per item, index `0..numItems` (`itemAttributes[0]` = 0; 0 = no attribute), for
   * `confounder: 'attributes'` (e.g. Beauty's first category, a synthetic property). Default null.
   */
  itemAttributes: number[] | null;
  /** Largest attribute id in `itemAttributes` (attribute table rows = `numAttributes + 1`). Default 0. */
  numAttributes: number;
  /** Item side. Default `split`. */
  itemSide: ItemSide;
  /** Ranking loss. Default `bce`. */
  rankingLoss: RankingLossKind;
  /** Negatives per position drawn by the model for BERT4Rec's cloze positions. Default 1. */
  numNegatives: number;
  /**
   * Adjustment encoder noise: a fixed `σ` (default 0.1, ours) with compression `β‖μ_t‖²`, or `'learned'`
   * (log-variance head) with the full `β·KL(N(μ_t, σ_t²) ‖ N(0, I))` as compression.
   */
  sigma: number | 'learned';
  /**
   * Mean of the adjustment encoder: `linear` (default; `μ_t = W h + b`, core's `GaussianHead`) or
   * `identity` (`μ_t = h`, ours: the backbone's state is the mean, so the score scale stays the backbone's;
   * with a learned σ the log-variance head still reads `h`). On Beauty with full-softmax CE the linear mean
   * overfits (see the package README).
   */
  adjustmentHead: AdjustmentHeadKind;
  /** Weight α of the joint term `L([t‖s])` (DIB tuned 0.1–0.2). Default 0.2. */
  alpha: number;
  /** Weight β of the compression term. Default 1e-3. */
  beta: number;
  /** Weight γ of the negative-weight term `−γ·L(s)` (DIB tuned 0.01–0.1). Default 0.05. */
  gamma: number;
  /**
   * Guard of the negative-weight term: `L(s)` is clipped at its value for a random scorer (all scores 0),
   * so `−γ·L(s)` stops pushing once `s` alone ranks no better than chance. Default true.
   */
  clipConfounderLoss: boolean;
  /** Independence penalty between `t` and `s`. Default `none`. */
  independence: IndependenceKind;
  /** Weight λ of the independence penalty. Default 0.1. */
  independenceWeight: number;
  /** Sign of the penalty: `1` penalises dependence (default), `-1` rewards it. */
  independenceSign: 1 | -1;
  /** Rows of `t`, `s` used by the penalty per batch (HSIC is O(n²)). Default 128. */
  independenceRows: number;
  /** What test scores use (see {@link TestScoreKind}). Default `adjustment`. */
  testScore: TestScoreKind;
  /** Seed of the initial weights, dropout, masking and noise. Default 0. */
  seed: number;
}

/** Defaults of {@link Irl4RecConfig} (`confounderDim` defaults to `dim`). */
export const IRL4REC_DEFAULTS: Readonly<Omit<Irl4RecConfig, 'numItems' | 'confounderDim'>> = Object.freeze({
  backbone: 'sasrec',
  maxLen: 50,
  dim: 64,
  blocks: 2,
  heads: 1,
  dropout: 0.2,
  maskProb: 0.2,
  confounder: 'parallel',
  itemAttributes: null,
  numAttributes: 0,
  itemSide: 'split',
  rankingLoss: 'bce',
  numNegatives: 1,
  sigma: 0.1,
  adjustmentHead: 'linear',
  alpha: 0.2,
  beta: 1e-3,
  gamma: 0.05,
  clipConfounderLoss: true,
  independence: 'none',
  independenceWeight: 0.1,
  independenceSign: 1,
  independenceRows: 128,
  testScore: 'adjustment',
  seed: 0,
});

/** A configuration error naming the key, the expectation and the value. */
export class Irl4RecConfigError extends RangeError {
  constructor(
    readonly key: string,
    expected: string,
    got: unknown,
  ) {
    super(`Irl4Rec config.${key} must be ${expected}, got ${JSON.stringify(got)}`);
    this.name = 'Irl4RecConfigError';
  }
}

const isInt = (v: unknown, min: number): boolean => Number.isInteger(v) && (v as number) >= min;
const inRange = (v: unknown, lo: number, hi: number): boolean => typeof v === 'number' && v >= lo && v <= hi;

/** Fills defaults into a partial config (ignoring `undefined` values) and validates every key. */
export function irl4recConfig(cfg: Partial<Irl4RecConfig> & { numItems: number }): Irl4RecConfig {
  const out: Record<string, unknown> = { ...IRL4REC_DEFAULTS };
  for (const [k, v] of Object.entries(cfg)) if (v !== undefined) out[k] = v;
  if (out.confounderDim === undefined) out.confounderDim = out.dim;
  const c = out as unknown as Irl4RecConfig;
  const need = (ok: boolean, key: keyof Irl4RecConfig, expected: string) => {
    if (!ok) throw new Irl4RecConfigError(key, expected, c[key]);
  };
  need(isInt(c.numItems, 1), 'numItems', 'an integer >= 1');
  need(['sasrec', 'gru4rec', 'bert4rec'].includes(c.backbone), 'backbone', "one of 'sasrec', 'gru4rec', 'bert4rec'");
  need(isInt(c.maxLen, c.backbone === 'bert4rec' ? 2 : 1), 'maxLen', `an integer >= ${c.backbone === 'bert4rec' ? 2 : 1}`);
  need(isInt(c.dim, 1), 'dim', 'an integer >= 1');
  need(isInt(c.confounderDim, 1), 'confounderDim', 'an integer >= 1');
  need(isInt(c.blocks, 0), 'blocks', 'an integer >= 0');
  need(isInt(c.heads, 1) && c.dim % c.heads === 0, 'heads', `a positive divisor of dim (${c.dim})`);
  need(inRange(c.dropout, 0, 0.999), 'dropout', 'a number in [0, 1)');
  need(inRange(c.maskProb, 0, 1), 'maskProb', 'a number in [0, 1]');
  need(['parallel', 'head', 'attributes', 'none'].includes(c.confounder), 'confounder', "one of 'parallel', 'head', 'attributes', 'none'");
  if (c.confounder === 'attributes') {
    need(isInt(c.numAttributes, 1), 'numAttributes', "an integer >= 1 with confounder 'attributes'");
    const a = c.itemAttributes;
    need(Array.isArray(a) && a.length === c.numItems + 1, 'itemAttributes', `an array of numItems + 1 = ${c.numItems + 1} attribute ids with confounder 'attributes'`);
    const bad = (a as number[]).findIndex((v) => !(Number.isInteger(v) && v >= 0 && v <= c.numAttributes));
    if (bad >= 0) throw new Irl4RecConfigError('itemAttributes', `attribute ids in [0, ${c.numAttributes}] (item ${bad} has ${(a as number[])[bad]})`, (a as number[])[bad]);
  }
  need(['split', 'shared'].includes(c.itemSide), 'itemSide', "one of 'split', 'shared'");
  need(c.itemSide !== 'shared' || c.confounder !== 'attributes', 'itemSide', "'split' with confounder 'attributes'");
  need(c.itemSide !== 'shared' || c.confounderDim === c.dim, 'confounderDim', `equal to dim (${c.dim}) when itemSide is 'shared'`);
  need(['bce', 'bpr', 'ce'].includes(c.rankingLoss), 'rankingLoss', "one of 'bce', 'bpr', 'ce'");
  need(isInt(c.numNegatives, 1), 'numNegatives', 'an integer >= 1');
  need(c.sigma === 'learned' || (typeof c.sigma === 'number' && c.sigma >= 0 && Number.isFinite(c.sigma)), 'sigma', "a number >= 0 or 'learned'");
  need(['linear', 'identity'].includes(c.adjustmentHead), 'adjustmentHead', "one of 'linear', 'identity'");
  need(inRange(c.alpha, 0, 1), 'alpha', 'a number in [0, 1]');
  need(inRange(c.beta, 0, Infinity), 'beta', 'a number >= 0');
  need(inRange(c.gamma, 0, 1), 'gamma', 'a number in [0, 1]');
  need(typeof c.clipConfounderLoss === 'boolean', 'clipConfounderLoss', 'a boolean');
  need(['none', 'hsic', 'club'].includes(c.independence), 'independence', "one of 'none', 'hsic', 'club'");
  need(c.independence === 'none' || c.confounder !== 'none', 'independence', "'none' when confounder is 'none'");
  need(['adjustment', 'joint'].includes(c.testScore), 'testScore', "one of 'adjustment', 'joint'");
  need(c.testScore === 'adjustment' || c.confounder !== 'none', 'testScore', "'adjustment' when confounder is 'none'");
  need(inRange(c.independenceWeight, 0, Infinity), 'independenceWeight', 'a number >= 0');
  need(c.independenceSign === 1 || c.independenceSign === -1, 'independenceSign', '1 or -1');
  need(isInt(c.independenceRows, 2), 'independenceRows', 'an integer >= 2');
  need(Number.isInteger(c.seed), 'seed', 'an integer');
  return c;
}
