import { checkId } from './check.js';

/**
 * Per-row item ids to leave out of a full ranking (usually the items each user has already interacted
 * with). One entry per row of the score matrix; `null`/`undefined` means nothing to exclude.
 */
export type ExcludeLists = ReadonlyArray<ArrayLike<number> | Iterable<number> | null | undefined>;

/** Flat, deduplicated `(row, item)` pairs (internal). */
export interface ExcludedPairs {
  /** `[M * 2]` int32, row-major `(row, item)` pairs, rows ascending. */
  pairs: Int32Array;
  /** Number of pairs `M`. */
  count: number;
}

/**
 * Builds the excluded `(row, item)` pairs of `rows` rows of an `[rows, numCols]` score matrix: column 0
 * (padding) always, plus `exclude[r]`, minus the row's own targets `keep[r]` (a target is never excluded).
 * Duplicates are dropped. Internal to the metrics module.
 */
export function excludedPairs(
  fn: string,
  rows: number,
  numCols: number,
  exclude: ExcludeLists | undefined,
  keep?: (r: number) => ArrayLike<number>,
): ExcludedPairs {
  if (exclude !== undefined && exclude.length !== rows) {
    throw new RangeError(`${fn}: exclude must have one entry per row (${rows}), got ${exclude.length}`);
  }
  let out = new Int32Array(Math.max(16, rows * 2 * 8));
  let m = 0;
  const push = (r: number, j: number) => {
    if ((m + 1) * 2 > out.length) {
      const bigger = new Int32Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[m * 2] = r;
    out[m * 2 + 1] = j;
    m++;
  };
  const seen = new Set<number>();
  for (let r = 0; r < rows; r++) {
    seen.clear();
    const kept = keep?.(r);
    if (kept) for (let i = 0; i < kept.length; i++) seen.add(kept[i]);
    if (!seen.has(0)) {
      seen.add(0);
      push(r, 0);
    }
    const ex = exclude?.[r];
    if (ex == null) continue;
    const it: Iterable<number> = isIterable(ex) ? ex : Array.from(ex as ArrayLike<number>);
    for (const j of it) {
      checkId(fn, j, 0, numCols, `exclude[${r}] entry`);
      if (seen.has(j)) continue;
      seen.add(j);
      push(r, j);
    }
  }
  return { pairs: out.subarray(0, m * 2), count: m };
}

function isIterable(x: unknown): x is Iterable<number> {
  return x != null && typeof (x as Iterable<number>)[Symbol.iterator] === 'function';
}
