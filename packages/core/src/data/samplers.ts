/**
 * Negative samplers: uniform and popularity-weighted, excluding a user's seen items by rejection (fast:
 * a user has seen few of the items), with an exact fallback when most items are excluded.
 * @module
 */
import type { Rng } from '../tensor/rng.js';

/** A set of item ids. `Set<number>` satisfies it, and so does {@link SortedItemSet}. */
export interface ItemSet {
  /** True when `item` is in the set. */
  has(item: number): boolean;
  /** Number of distinct items in the set. */
  readonly size: number;
}

/** An immutable item set over a sorted, de-duplicated `Int32Array` (binary search; 4 bytes per item). */
export class SortedItemSet implements ItemSet {
  /** The items, ascending, without duplicates. */
  readonly items: Int32Array;
  /** @param items any item ids (duplicates are dropped). */
  constructor(items: ArrayLike<number>) {
    const s = Int32Array.from(items).sort();
    let n = 0;
    for (let k = 0; k < s.length; k++) if (k === 0 || s[k] !== s[k - 1]) s[n++] = s[k];
    this.items = s.slice(0, n);
  }
  /** Number of distinct items. */
  get size(): number {
    return this.items.length;
  }
  /** Iterates the items in ascending order. */
  [Symbol.iterator](): Iterator<number> {
    return this.items[Symbol.iterator]();
  }
  /** Binary search. */
  has(item: number): boolean {
    const a = this.items;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid];
      if (v === item) return true;
      if (v < item) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/** An empty {@link ItemSet}. */
export const EMPTY_ITEM_SET: ItemSet = Object.freeze({ has: () => false, size: 0 });

/** Draws item ids from `1..numItems`, never one in `exclude`. */
export interface NegativeSampler {
  /** Number of items (ids `1..numItems`). */
  readonly numItems: number;
  /** One item not in `exclude`; throws a `RangeError` when every item with positive weight is excluded. */
  sample(exclude: ItemSet): number;
}

const MAX_REJECTIONS = 64;

/** Uniform over `1..numItems`. */
export class UniformSampler implements NegativeSampler {
  /** @param numItems item count; @param rng the random stream (seeded). */
  constructor(
    readonly numItems: number,
    private readonly rng: Rng,
  ) {
    if (!(numItems >= 1)) throw new RangeError(`UniformSampler: numItems must be >= 1, got ${numItems}`);
  }

  /** Rejection sampling; exact enumeration after 64 rejections. */
  sample(exclude: ItemSet): number {
    for (let t = 0; t < MAX_REJECTIONS; t++) {
      const c = 1 + this.rng.int(this.numItems);
      if (!exclude.has(c)) return c;
    }
    const free: number[] = [];
    for (let i = 1; i <= this.numItems; i++) if (!exclude.has(i)) free.push(i);
    if (free.length === 0) throw new RangeError('UniformSampler: every item is excluded');
    return free[this.rng.int(free.length)];
  }
}

/**
 * Popularity-weighted: item `i` is drawn with probability ∝ `counts[i]^power` (DIEN draws negatives from
 * the item list with repeats, i.e. ∝ count, power 1). Alias method: O(1) per draw.
 */
export class PopularitySampler implements NegativeSampler {
  readonly numItems: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  private readonly weights: Float64Array;

  /**
   * @param counts `counts[i]` for item `i` (index 0 ignored), e.g. from {@link itemPopularity}.
   * @param rng the random stream.
   * @param opts `power` (default 1); `smoothing` added to every count before the power (default 0; items
   *   with weight 0 are never drawn).
   */
  constructor(
    counts: ArrayLike<number>,
    private readonly rng: Rng,
    opts: { power?: number; smoothing?: number } = {},
  ) {
    const power = opts.power ?? 1;
    const smooth = opts.smoothing ?? 0;
    const n = counts.length - 1;
    if (n < 1) throw new RangeError('PopularitySampler: need counts for at least one item');
    this.numItems = n;
    const w = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const c = counts[i + 1] + smooth;
      if (!(c >= 0)) throw new RangeError(`PopularitySampler: negative or NaN count for item ${i + 1}`);
      w[i] = c === 0 ? 0 : Math.pow(c, power);
      total += w[i];
    }
    if (!(total > 0)) throw new RangeError('PopularitySampler: all weights are zero');
    this.weights = w;
    // Vose's alias method.
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = Float64Array.from(w, (x) => (x * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  private draw(): number {
    const k = this.rng.int(this.numItems);
    return 1 + (this.rng.float() < this.prob[k] ? k : this.alias[k]);
  }

  /** Rejection sampling; exact weighted draw over the remaining items after 64 rejections. */
  sample(exclude: ItemSet): number {
    for (let t = 0; t < MAX_REJECTIONS; t++) {
      const c = this.draw();
      if (!exclude.has(c)) return c;
    }
    let total = 0;
    for (let i = 1; i <= this.numItems; i++) if (!exclude.has(i)) total += this.weights[i - 1];
    if (!(total > 0)) throw new RangeError('PopularitySampler: every item with positive weight is excluded');
    let x = this.rng.float() * total;
    let last = -1;
    for (let i = 1; i <= this.numItems; i++) {
      if (exclude.has(i) || this.weights[i - 1] === 0) continue;
      last = i;
      x -= this.weights[i - 1];
      if (x < 0) return i;
    }
    return last;
  }
}

/** Interaction counts per item (`counts[i]`, length `numItems + 1`) over per-user sequences. */
export function itemPopularity(sequences: readonly ArrayLike<number>[], numItems: number): Float64Array {
  const c = new Float64Array(numItems + 1);
  for (const s of sequences) for (let k = 0; k < s.length; k++) c[s[k]]++;
  c[0] = 0;
  return c;
}

/**
 * `n` distinct items from `sampler`, none in `exclude`. Throws a `RangeError` if fewer than `n` items are
 * available.
 */
export function sampleDistinct(sampler: NegativeSampler, n: number, exclude: ItemSet): Int32Array {
  const out = new Int32Array(n);
  const taken = new Set<number>();
  const both: ItemSet = { has: (i) => taken.has(i) || exclude.has(i), get size() { return taken.size + exclude.size; } };
  for (let k = 0; k < n; k++) {
    const c = sampler.sample(both);
    taken.add(c);
    out[k] = c;
  }
  return out;
}
