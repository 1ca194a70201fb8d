/**
 * Cross-domain evaluation helpers for the i2VAE protocol, over the rows of the cross-domain CSV
 * ({@link CrossDomainRow}). The group rules and the validation split live in `groups.ts`
 * (`crossDomainGroups`, `crossDomainValidationSplit`); this module adds what the protocol needs around
 * them: per-row group labels (per domain and pooled, and the same for the rows whose user has no training
 * row), the per-domain item pools, evaluation cases and the stored negatives drawn from the pools.
 * @module
 */
import { crossDomainHistory, crossDomainTarget, type CrossDomainRow } from './loaders/crossDomainCsv.js';
import { drawEvalNegatives } from './evalNegatives.js';
import { crossDomainGroups, type CrossDomainGroupOptions } from './groups.js';
import type { EvalCase } from './splits.js';

/** Prefix of the groups restricted to rows whose user has no training row. */
export const FRESH_PREFIX = 'fresh/';

/**
 * Indices of the rows of `rows` whose raw user id has no row in `reference` (e.g. the test rows of users
 * absent from the training file: the rows free of the files' leakage).
 */
export function rowsWithoutUser(rows: readonly CrossDomainRow[], reference: readonly CrossDomainRow[]): Int32Array {
  const known = new Set(reference.map((r) => r.user));
  const out: number[] = [];
  rows.forEach((r, k) => {
    if (!known.has(r.user)) out.push(k);
  });
  return Int32Array.from(out);
}

/** Options of {@link crossDomainRowLabels}. */
export interface CrossDomainLabelOptions extends CrossDomainGroupOptions {
  /** Rows whose user has no training row (see {@link rowsWithoutUser}): they also get `fresh/…` labels. */
  fresh?: ArrayLike<number>;
}

/**
 * Group labels of every row (besides `all`, which every evaluator adds): the groups of
 * `crossDomainGroups` per domain (`all:0`, `cold-start:0`, `cold-start-overlapping:0`,
 * `cold-start-no-history:0`, `long-tailed:0`, and `:1`), the same pooled over both domains (`cold-start`,
 * `cold-start-overlapping`, `cold-start-no-history`, `long-tailed`), and, for the rows in `opts.fresh`, every
 * label again prefixed with {@link FRESH_PREFIX} (`fresh/all` included). Also returns the rules.
 */
export function crossDomainRowLabels(rows: readonly CrossDomainRow[], opts: CrossDomainLabelOptions = {}): { labels: string[][]; rules: Record<string, string> } {
  const labels: string[][] = rows.map(() => []);
  const rules: Record<string, string> = {};
  for (const g of crossDomainGroups(rows, opts)) {
    rules[g.name] = g.rule;
    const pooled = g.name.slice(0, g.name.lastIndexOf(':'));
    for (const k of g.members) {
      labels[k].push(g.name);
      if (pooled !== 'all') labels[k].push(pooled);
    }
    if (pooled !== 'all') rules[pooled] ??= `${pooled} rows of both domains`;
  }
  if (opts.fresh) {
    rules[`${FRESH_PREFIX}all`] = 'rows whose user has no training row (free of the files\' leakage)';
    for (let j = 0; j < opts.fresh.length; j++) {
      const k = opts.fresh[j];
      if (!(k >= 0 && k < rows.length)) throw new RangeError(`crossDomainRowLabels: fresh[${j}] = ${k} is not a row index in [0, ${rows.length})`);
      labels[k] = [...labels[k], `${FRESH_PREFIX}all`, ...labels[k].map((l) => FRESH_PREFIX + l)];
    }
  }
  return { labels, rules };
}

/**
 * The items occurring in each domain's column of `rows` (targets included), ascending: the candidate pools
 * of evaluation negatives ("items that occur in that domain's column of the evaluated file") and of
 * training negatives.
 */
export function crossDomainItemPools(rows: readonly CrossDomainRow[]): [Int32Array, Int32Array] {
  const sets = [new Set<number>(), new Set<number>()];
  for (const r of rows) for (const d of [0, 1] as const) for (const i of r.seqs[d]) sets[d].add(i);
  return sets.map((s) => Int32Array.from(s).sort()) as [Int32Array, Int32Array];
}

/**
 * One evaluation case per row: `user` = the row index (so cases stay distinct when a user has two rows),
 * `history` = the target-domain history, `target` = the row's target.
 */
export function crossDomainEvalCases(rows: readonly CrossDomainRow[]): EvalCase[] {
  return rows.map((r, k) => ({ user: k, history: crossDomainHistory(r), target: crossDomainTarget(r) }));
}

/**
 * For each row, `n` distinct negatives drawn uniformly from its target domain's pool (`pools[domain]`,
 * default {@link crossDomainItemPools} of `rows`) minus the row's target-domain sequence (history and
 * target). Deterministic under `seed` (domain 0's rows first, then domain 1's, each in row order).
 */
export function drawCrossDomainNegatives(
  rows: readonly CrossDomainRow[],
  numItems: number,
  n: number,
  seed: number,
  pools: readonly [ArrayLike<number>, ArrayLike<number>] = crossDomainItemPools(rows),
): Int32Array[] {
  const cases = crossDomainEvalCases(rows);
  const out: Int32Array[] = new Array(rows.length);
  for (const d of [0, 1] as const) {
    const idx: number[] = [];
    rows.forEach((r, k) => {
      if (r.domain === d) idx.push(k);
    });
    if (idx.length === 0) continue;
    const negs = drawEvalNegatives(
      idx.map((k) => cases[k]),
      numItems,
      n,
      seed + d,
      { candidates: pools[d] },
    );
    idx.forEach((k, j) => (out[k] = negs[j]));
  }
  return out;
}
