/**
 * Dense integer ids in both directions: raw id (as written in a file) → dense id, and back.
 *
 * recsuite convention: users are dense `0..numUsers-1`, items dense `1..numItems` (`0` is padding), so an
 * item map has `base = 1` and a user map `base = 0`.
 * @module
 */

/** Serialised form of an {@link IdMap} (see {@link IdMap.toJSON}). */
export type IdMapJSON =
  | { base: number; identity: { first: number; count: number } }
  | { base: number; raw: (string | number)[] };

const CANONICAL_INT = /^(0|-?[1-9][0-9]{0,14})$/;

/** True when `s` is an integer written the way `String(n)` writes it (so the string and number round-trip). */
export function isCanonicalInt(s: string): boolean {
  return CANONICAL_INT.test(s);
}

/**
 * A bijection between raw ids and dense ids `base..base+size-1`.
 *
 * Three storage modes, chosen automatically and invisible to callers: `identity` (raw integer `r` ↔
 * `r - first + base`, no memory per id: sequence files whose ids are already dense), `numeric` (raw ids
 * are canonical integers, stored in a `Float64Array`), and `strings` (anything else). Raw ids are always
 * reported as strings by {@link IdMap.raw}.
 */
export class IdMap {
  /** The first dense id (`0` for users, `1` for items). */
  readonly base: number;
  private mode: 'identity' | 'numeric' | 'strings';
  // identity
  private first = 0;
  private count = 0;
  // numeric
  private nums: Float64Array = new Float64Array(0);
  private numIndex: Map<number, number> | null = null;
  // strings
  private strs: string[] = [];
  private strIndex: Map<string, number> = new Map();

  /** An empty map assigning dense ids from `base` in order of first appearance (raw ids kept as strings). */
  constructor(base = 0) {
    this.base = base;
    this.mode = 'strings';
  }

  /**
   * An empty map for integer raw ids, stored in a `Float64Array` (8 bytes per id instead of a string and a
   * hash-map entry); it switches to string storage by itself if a non-integer id arrives.
   */
  static numeric(base = 0): IdMap {
    const m = new IdMap(base);
    m.mode = 'numeric';
    return m;
  }

  /**
   * A map where raw integer `first + k` is dense id `base + k`, for `k < count`. Used when a file's ids are
   * already dense (Beauty.txt: `IdMap.identity(12101, 1, 1)`; 0-based ids: `IdMap.identity(n, 1, 0)`).
   * It grows when {@link IdMap.getOrAdd} sees a larger integer.
   */
  static identity(count: number, base = 1, first = base): IdMap {
    const m = new IdMap(base);
    m.mode = 'identity';
    m.first = first;
    m.count = count;
    return m;
  }

  /** A map from a list of raw ids, in dense order (duplicates throw). */
  static fromRaw(raw: readonly (string | number)[], base = 0): IdMap {
    const m = new IdMap(base);
    for (const r of raw) {
      const before = m.size;
      m.getOrAdd(String(r));
      if (m.size === before) throw new RangeError(`IdMap.fromRaw: duplicate raw id ${JSON.stringify(r)}`);
    }
    return m;
  }

  /** Rebuilds a map from {@link IdMap.toJSON}. */
  static fromJSON(json: IdMapJSON): IdMap {
    if ('identity' in json) return IdMap.identity(json.identity.count, json.base, json.identity.first);
    const m = json.raw.every((r) => typeof r === 'number') ? IdMap.numeric(json.base) : new IdMap(json.base);
    for (const r of json.raw) m.getOrAdd(String(r));
    if (m.size !== json.raw.length) throw new RangeError('IdMap.fromJSON: duplicate raw ids');
    return m;
  }

  /** Number of ids. */
  get size(): number {
    if (this.mode === 'identity') return this.count;
    if (this.mode === 'numeric') return this.numSize;
    return this.strs.length;
  }

  /** Largest dense id (`base + size - 1`); `base - 1` when empty. */
  get maxDense(): number {
    return this.base + this.size - 1;
  }

  /** True when the map stores nothing per id (raw integers offset from dense ids). */
  get isIdentity(): boolean {
    return this.mode === 'identity';
  }

  private numSize = 0;

  /** Dense id of a raw id, or `undefined` if unknown. */
  get(raw: string | number): number | undefined {
    if (this.mode === 'strings') return this.strIndex.get(String(raw));
    let n: number;
    if (typeof raw === 'number') {
      if (!Number.isInteger(raw)) return undefined;
      n = raw;
    } else {
      if (!isCanonicalInt(raw)) return undefined;
      n = Number(raw);
    }
    if (this.mode === 'identity') {
      const k = n - this.first;
      return k >= 0 && k < this.count ? this.base + k : undefined;
    }
    return this.numericIndex().get(n);
  }

  /** True when `raw` is known. */
  has(raw: string | number): boolean {
    return this.get(raw) !== undefined;
  }

  /** Dense id of a known raw id; throws a `RangeError` for an unknown one. */
  dense(raw: string | number): number {
    const d = this.get(raw);
    if (d === undefined) throw new RangeError(`IdMap: unknown raw id ${JSON.stringify(raw)}`);
    return d;
  }

  /** Dense id of `raw`, assigning the next dense id if it is new. */
  getOrAdd(raw: string): number {
    if (this.mode === 'strings') return this.addString(raw);
    if (!isCanonicalInt(raw)) {
      this.toStrings();
      return this.addString(raw);
    }
    const n = Number(raw);
    if (this.mode === 'identity') {
      const k = n - this.first;
      if (k < 0) {
        this.toStrings();
        return this.addString(raw);
      }
      if (k >= this.count) this.count = k + 1;
      return this.base + k;
    }
    const idx = this.numericIndex();
    const d = idx.get(n);
    if (d !== undefined) return d;
    return this.appendNumber(n);
  }

  /**
   * A numeric map adopting `raws[0..count)` as the raw ids of dense ids `base..base+count-1` (no copy; the
   * caller guarantees they are distinct integers and gives up the array).
   * @internal
   */
  static adoptNumeric(raws: Float64Array, count: number, base = 0): IdMap {
    const m = IdMap.numeric(base);
    m.nums = raws;
    m.numSize = count;
    return m;
  }

  /**
   * Appends a raw integer without checking whether it is already present (loaders that check duplicates
   * in bulk use this to avoid a per-id hash map). Returns its dense id.
   * @internal
   */
  appendUnchecked(raw: number): number {
    if (this.mode !== 'numeric') return this.getOrAdd(String(raw));
    return this.appendNumber(raw);
  }

  /** Raw id of a dense id; throws a `RangeError` when out of range. */
  raw(dense: number): string {
    const k = dense - this.base;
    if (!Number.isInteger(k) || k < 0 || k >= this.size) {
      throw new RangeError(`IdMap: dense id ${dense} out of range ${this.base}..${this.maxDense}`);
    }
    if (this.mode === 'identity') return String(this.first + k);
    if (this.mode === 'numeric') return String(this.nums[k]);
    return this.strs[k];
  }

  /** All raw ids in dense order. */
  rawValues(): string[] {
    const out = new Array<string>(this.size);
    for (let k = 0; k < out.length; k++) out[k] = this.raw(this.base + k);
    return out;
  }

  /** A JSON-serialisable description (identity maps stay O(1)). */
  toJSON(): IdMapJSON {
    if (this.mode === 'identity') return { base: this.base, identity: { first: this.first, count: this.count } };
    if (this.mode === 'numeric') return { base: this.base, raw: Array.from(this.nums.subarray(0, this.numSize)) };
    return { base: this.base, raw: this.strs.slice() };
  }

  /** A map holding only the given dense ids, renumbered densely in the given order. */
  subset(denseIds: ArrayLike<number>): IdMap {
    const m = new IdMap(this.base);
    for (let i = 0; i < denseIds.length; i++) m.getOrAdd(this.raw(denseIds[i]));
    return m;
  }

  private appendNumber(n: number): number {
    if (this.numSize === this.nums.length) {
      const grown = new Float64Array(Math.max(16, this.nums.length * 2));
      grown.set(this.nums);
      this.nums = grown;
    }
    this.nums[this.numSize] = n;
    const d = this.base + this.numSize;
    this.numSize++;
    if (this.numIndex) this.numIndex.set(n, d);
    return d;
  }

  private numericIndex(): Map<number, number> {
    if (!this.numIndex) {
      const idx = new Map<number, number>();
      for (let k = 0; k < this.numSize; k++) idx.set(this.nums[k], this.base + k);
      this.numIndex = idx;
    }
    return this.numIndex;
  }

  private addString(raw: string): number {
    const d = this.strIndex.get(raw);
    if (d !== undefined) return d;
    const nd = this.base + this.strs.length;
    this.strs.push(raw);
    this.strIndex.set(raw, nd);
    return nd;
  }

  private toStrings(): void {
    const raws = this.rawValues();
    this.mode = 'strings';
    this.strs = [];
    this.strIndex = new Map();
    this.nums = new Float64Array(0);
    this.numIndex = null;
    this.numSize = 0;
    for (const r of raws) this.addString(r);
  }
}
