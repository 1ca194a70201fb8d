import { checkK, checkRank } from './check.js';
import { idealDcg } from './ranking.js';

/** Metric families a {@link RankingAccumulator} reports. */
export type RankingMetric = 'HR' | 'NDCG' | 'MRR' | 'Recall' | 'Precision';

/** Options for {@link RankingAccumulator}. */
export interface RankingAccumulatorOptions {
  /** Cut-offs K. Default `[5, 10, 20]`. */
  ks?: readonly number[];
  /** Metric families, in report order. Default `['HR', 'NDCG', 'MRR']`. */
  metrics?: readonly RankingMetric[];
  /** Also report `MRR@K` for every K (besides the uncut `MRR`). Default `false`. */
  mrrAtK?: boolean;
}

/**
 * Group labels of the rows passed to {@link RankingAccumulator.add}: one label for all of them, or one
 * entry per row (a label, several labels, or `null` for none). Every row is always in group `'all'`,
 * which is therefore reserved.
 */
export type GroupLabels = string | ArrayLike<string | readonly string[] | null | undefined>;

/** The group every row belongs to. */
export const ALL_GROUP = 'all';

const KEY = /^(HR|NDCG|MRR|Recall|Precision)(?:@(\d+))?$/;

/**
 * Collects target ranks batch by batch (from `fullRanks`, `fullRanksMulti` or `sampledRanks`) and reports
 * ranking metrics, overall and per user group (cold-start, long-tail, ...).
 *
 * Per row with target ranks `R` (one rank for next-item evaluation, several for a held-out set),
 * ranks 0-based and pessimistic about ties (see `fullRanks`):
 * - `HR@K` = 1 if some `r < K`;
 * - `NDCG@K` = `Σ_{r<K} 1/log2(r+2)` / ideal DCG over `min(|R|, K)` positions (`1/log2(r+2)` for one target);
 * - `MRR` = `1/(min R + 1)` (`MRR@K`: 0 when `min R ≥ K`);
 * - `Recall@K` = `#{r<K} / |R|`; `Precision@K` = `#{r<K} / K` (LightGCN).
 *
 * Each group's value is the plain mean over its rows (users). Keys look like `'HR@10'`, `'NDCG@10'`,
 * `'MRR'`. Rows are kept in insertion order, so {@link RankingAccumulator.values} gives per-user values
 * aligned across models evaluated on the same rows (for `pairedBootstrap`).
 */
export class RankingAccumulator {
  /** The cut-offs, ascending. */
  readonly ks: readonly number[];
  /** The metric families, in report order. */
  readonly metrics: readonly RankingMetric[];
  private readonly mrrAtK: boolean;
  private ranks: Float64Array = new Float64Array(1024);
  private nRanks = 0;
  private rowStart: Int32Array = new Int32Array(1024 + 1);
  private nRows = 0;
  private groupRows = new Map<string, { rows: Int32Array; n: number }>();

  /** @param opts - cut-offs and metric families. */
  constructor(opts: RankingAccumulatorOptions = {}) {
    const ks = [...(opts.ks ?? [5, 10, 20])].sort((a, b) => a - b);
    for (const k of ks) checkK('RankingAccumulator', k);
    this.ks = [...new Set(ks)];
    this.metrics = [...(opts.metrics ?? ['HR', 'NDCG', 'MRR'])];
    for (const m of this.metrics) {
      if (!KEY.test(m) || m.includes('@')) throw new RangeError(`RankingAccumulator: unknown metric '${m}'`);
    }
    this.mrrAtK = opts.mrrAtK ?? false;
  }

  /**
   * Adds single-target rows.
   * @param ranks - one 0-based target rank per row.
   * @param groups - the rows' group labels (besides `'all'`).
   */
  add(ranks: ArrayLike<number>, groups?: GroupLabels): void {
    this.checkGroups(groups, ranks.length);
    for (let i = 0; i < ranks.length; i++) checkRank('RankingAccumulator.add', ranks[i], `ranks[${i}]`);
    for (let i = 0; i < ranks.length; i++) this.pushRow([ranks[i]], groupOf(groups, i));
  }

  /**
   * Adds multi-target rows (a held-out set per user).
   * @param ranks - per row, the 0-based rank of each target (non-empty).
   * @param groups - the rows' group labels (besides `'all'`).
   */
  addMulti(ranks: ReadonlyArray<ArrayLike<number>>, groups?: GroupLabels): void {
    this.checkGroups(groups, ranks.length);
    for (let i = 0; i < ranks.length; i++) {
      if (ranks[i].length === 0) throw new RangeError(`RankingAccumulator.addMulti: ranks[${i}] is empty (a row needs a target)`);
      for (let j = 0; j < ranks[i].length; j++) checkRank('RankingAccumulator.addMulti', ranks[i][j], `ranks[${i}][${j}]`);
    }
    for (let i = 0; i < ranks.length; i++) this.pushRow(ranks[i], groupOf(groups, i));
  }

  /** The metric keys reported, in order (e.g. `['HR@5', 'HR@10', 'NDCG@5', 'NDCG@10', 'MRR']`). */
  keys(): string[] {
    const out: string[] = [];
    for (const m of this.metrics) {
      if (m === 'MRR') {
        out.push('MRR');
        if (this.mrrAtK) for (const k of this.ks) out.push(`MRR@${k}`);
      } else {
        for (const k of this.ks) out.push(`${m}@${k}`);
      }
    }
    return out;
  }

  /** Group names seen so far, `'all'` first. */
  groups(): string[] {
    return [ALL_GROUP, ...this.groupRows.keys()];
  }

  /**
   * Number of rows in a group.
   * @param group - group name; default `'all'`.
   */
  count(group: string = ALL_GROUP): number {
    if (group === ALL_GROUP) return this.nRows;
    return this.groupRows.get(group)?.n ?? 0;
  }

  /**
   * Mean of every metric over a group's rows: `{ 'HR@10': .., 'NDCG@10': .., 'MRR': .., ... }`.
   * Values are `NaN` for a group with no rows.
   * @param group - group name; default `'all'`.
   */
  result(group: string = ALL_GROUP): Record<string, number> {
    const out: Record<string, number> = {};
    for (const key of this.keys()) {
      const v = this.values(key, group);
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i];
      out[key] = s / v.length;
    }
    return out;
  }

  /** {@link RankingAccumulator.result} for every group: `{ all: {...}, cold: {...}, ... }`. */
  results(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const g of this.groups()) out[g] = this.result(g);
    return out;
  }

  /**
   * Per-row values of one metric over a group, in insertion order (e.g. per-user NDCG@10 for
   * `pairedBootstrap`). Any valid key works, configured or not (`'Recall@50'`).
   * @param key - `'HR@K'`, `'NDCG@K'`, `'MRR'`, `'MRR@K'`, `'Recall@K'` or `'Precision@K'`.
   * @param group - group name; default `'all'`.
   */
  values(key: string, group: string = ALL_GROUP): Float64Array {
    const m = KEY.exec(key);
    if (!m || (m[1] !== 'MRR' && m[2] === undefined)) {
      throw new RangeError(`RankingAccumulator.values: unknown metric key '${key}' (expected e.g. 'HR@10', 'NDCG@10', 'MRR')`);
    }
    const name = m[1] as RankingMetric;
    const k = m[2] === undefined ? Infinity : Number(m[2]);
    if (k !== Infinity) checkK('RankingAccumulator.values', k);
    const rows = this.rowsOf(group);
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      out[i] = rowMetric(name, k, this.ranks.subarray(this.rowStart[r], this.rowStart[r + 1]));
    }
    return out;
  }

  /** Forgets every row (keeps the configuration). */
  reset(): void {
    this.nRanks = 0;
    this.nRows = 0;
    this.groupRows.clear();
  }

  private rowsOf(group: string): Int32Array {
    if (group === ALL_GROUP) {
      const all = new Int32Array(this.nRows);
      for (let i = 0; i < all.length; i++) all[i] = i;
      return all;
    }
    const g = this.groupRows.get(group);
    return g ? g.rows.subarray(0, g.n) : new Int32Array(0);
  }

  private checkGroups(groups: GroupLabels | undefined, n: number): void {
    if (groups === undefined) return;
    const bad = (g: string) => {
      if (g === ALL_GROUP) throw new RangeError(`RankingAccumulator: group '${ALL_GROUP}' is reserved (every row is in it)`);
    };
    if (typeof groups === 'string') return bad(groups);
    if (groups.length !== n) throw new RangeError(`RankingAccumulator: groups must have one entry per row (${n}), got ${groups.length}`);
    for (let i = 0; i < n; i++) {
      const g = groups[i];
      if (typeof g === 'string') bad(g);
      else if (g != null) for (const x of g) bad(x);
    }
  }

  private pushRow(ranks: ArrayLike<number>, groups: readonly string[]): void {
    if (this.nRanks + ranks.length > this.ranks.length) {
      this.ranks = grow(this.ranks, this.nRanks + ranks.length) as Float64Array;
    }
    if (this.nRows + 2 > this.rowStart.length) this.rowStart = grow(this.rowStart, this.nRows + 2) as Int32Array;
    for (let j = 0; j < ranks.length; j++) this.ranks[this.nRanks++] = ranks[j];
    const row = this.nRows++;
    this.rowStart[this.nRows] = this.nRanks;
    for (const g of groups) {
      let e = this.groupRows.get(g);
      if (!e) this.groupRows.set(g, (e = { rows: new Int32Array(256), n: 0 }));
      if (e.n === e.rows.length) e.rows = grow(e.rows, e.n + 1) as Int32Array;
      e.rows[e.n++] = row;
    }
  }
}

function groupOf(groups: GroupLabels | undefined, i: number): readonly string[] {
  if (groups === undefined) return [];
  if (typeof groups === 'string') return [groups];
  const g = groups[i];
  if (g == null) return [];
  return typeof g === 'string' ? [g] : [...new Set(g)];
}

function grow(a: Float64Array | Int32Array, need: number): Float64Array | Int32Array {
  const b = new (a.constructor as Float64ArrayConstructor | Int32ArrayConstructor)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** One row's value of a metric family at cut-off `k` (`Infinity` = none), given its target ranks. */
function rowMetric(name: RankingMetric, k: number, ranks: Float64Array): number {
  let hits = 0;
  let dcg = 0;
  let best = Infinity;
  for (let j = 0; j < ranks.length; j++) {
    const r = ranks[j];
    if (r < best) best = r;
    if (r < k) {
      hits++;
      dcg += 1 / Math.log2(r + 2);
    }
  }
  switch (name) {
    case 'HR':
      return hits > 0 ? 1 : 0;
    case 'NDCG':
      return dcg / idealDcg(ranks.length, k);
    case 'MRR':
      return best < k ? 1 / (best + 1) : 0;
    case 'Recall':
      return hits / ranks.length;
    case 'Precision':
      return hits / k;
  }
}
