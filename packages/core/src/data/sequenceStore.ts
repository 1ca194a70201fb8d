/**
 * Compact storage for many integer sequences (one per user), built while streaming a file: fixed-size
 * chunks (no copy of the whole when growing), 16-bit while every id fits in `0..65535` and widened to
 * 32-bit the first time one does not. Most sequential benchmarks (Beauty 12,101 items, Sports 18,357,
 * ML-1M 3,706) fit in 16 bits, which halves the memory of a large file.
 * @module
 */
import type { IdMap } from './idmap.js';

const CHUNK = 1 << 22;

/** Growable Int32 column. @internal */
class IntColumn {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const g = new Int32Array(this.data.length * 2);
      g.set(this.data);
      this.data = g;
    }
    this.data[this.length++] = v;
  }
  /** The used part, as a view (no transient copy: peak memory matters more than the slack). */
  trimmed(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Accumulates sequences into a {@link SequenceStore}. */
export class SequenceStoreBuilder {
  private chunks: (Uint16Array | Int32Array)[] = [];
  private cur: Uint16Array | Int32Array | null = null;
  private pos = 0;
  private wide = false;
  private readonly chunkOf = new IntColumn();
  private readonly startOf = new IntColumn();
  private readonly lengthOf = new IntColumn();
  private total = 0;
  private maxId = 0;

  /** Number of sequences added. */
  get size(): number {
    return this.chunkOf.length;
  }

  /** Appends `items[0..n)` as the next sequence (ids must be non-negative and below 2^31). */
  add(items: ArrayLike<number>, n = items.length): void {
    let mx = 0;
    for (let k = 0; k < n; k++) if (items[k] > mx) mx = items[k];
    if (mx > this.maxId) this.maxId = mx;
    if (!this.wide && mx > 0xffff) this.widen();
    if (this.cur === null || this.pos + n > this.cur.length) {
      const size = Math.max(CHUNK, n);
      this.cur = this.wide ? new Int32Array(size) : new Uint16Array(size);
      this.chunks.push(this.cur);
      this.pos = 0;
    }
    const c = this.cur;
    for (let k = 0; k < n; k++) c[this.pos + k] = items[k];
    this.chunkOf.push(this.chunks.length - 1);
    this.startOf.push(this.pos);
    this.lengthOf.push(n);
    this.pos += n;
    this.total += n;
  }

  /** Freezes the store (the last chunk is trimmed to its used length). */
  build(): SequenceStore {
    if (this.cur !== null && this.pos < this.cur.length) {
      const last = this.cur.slice(0, this.pos);
      this.chunks[this.chunks.length - 1] = last;
    }
    return new SequenceStore(this.chunks, this.chunkOf.trimmed(), this.startOf.trimmed(), this.lengthOf.trimmed(), this.total, this.maxId);
  }

  private widen(): void {
    this.wide = true;
    for (let k = 0; k < this.chunks.length; k++) {
      const wideChunk = Int32Array.from(this.chunks[k]);
      if (this.chunks[k] === this.cur) this.cur = wideChunk;
      this.chunks[k] = wideChunk;
    }
  }
}

/** Read-only sequences stored compactly (see module doc). */
export class SequenceStore {
  /** @internal */
  constructor(
    private readonly chunks: (Uint16Array | Int32Array)[],
    private readonly chunkOf: Int32Array,
    private readonly startOf: Int32Array,
    private readonly lengthOf: Int32Array,
    /** Total number of stored ids. */
    readonly total: number,
    /** Largest stored id. */
    readonly maxId: number,
  ) {}

  /** Number of sequences. */
  get size(): number {
    return this.lengthOf.length;
  }

  /** Length of sequence `k`. */
  length(k: number): number {
    return this.lengthOf[k];
  }

  /** Sequence `k` as an `Int32Array` (a view when stored 32-bit, a copy when 16-bit). Do not modify. */
  get(k: number): Int32Array {
    const c = this.chunks[this.chunkOf[k]];
    const s = this.startOf[k];
    const sub = c.subarray(s, s + this.lengthOf[k]);
    return sub instanceof Int32Array ? sub : Int32Array.from(sub);
  }

  /** Every sequence as `Int32Array` views over one freshly allocated buffer. */
  toArrays(): Int32Array[] {
    const flat = new Int32Array(this.total);
    const out = new Array<Int32Array>(this.size);
    let p = 0;
    for (let k = 0; k < this.size; k++) {
      const n = this.lengthOf[k];
      const c = this.chunks[this.chunkOf[k]];
      const s = this.startOf[k];
      flat.set(c.subarray(s, s + n), p);
      out[k] = flat.subarray(p, p + n);
      p += n;
    }
    return out;
  }

  /** Approximate bytes held by the store. */
  get byteLength(): number {
    let b = this.chunkOf.byteLength + this.startOf.byteLength + this.lengthOf.byteLength;
    for (const c of this.chunks) b += c.byteLength;
    return b;
  }
}

/** Per-user item sequences with their id maps: what {@link loadSequenceFile} returns. */
export class SequenceDataset {
  private cached: Int32Array[] | null = null;

  /** @internal */
  constructor(
    /** The stored sequences, user `u` at index `u`. */
    readonly store: SequenceStore,
    /** Raw user id ↔ dense user id (base 0, line order). */
    readonly users: IdMap,
    /** Raw item id ↔ dense item id (base 1). */
    readonly items: IdMap,
    /** Number of items: dense ids are `1..numItems`. */
    readonly numItems: number,
  ) {}

  /** Number of users. */
  get numUsers(): number {
    return this.store.size;
  }

  /** Number of interactions (sum of sequence lengths). */
  get numInteractions(): number {
    return this.store.total;
  }

  /** Sequence of user `u` (chronological). Do not modify. */
  sequence(u: number): Int32Array {
    return this.cached ? this.cached[u] : this.store.get(u);
  }

  /** All sequences as `Int32Array[]` (built on first access, then cached). */
  get sequences(): Int32Array[] {
    if (!this.cached) this.cached = this.store.toArrays();
    return this.cached;
  }
}
