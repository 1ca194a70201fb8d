/**
 * The typed interaction schema shared by every loader, filter and split.
 *
 * An {@link InteractionTable} is columnar (typed arrays, one entry per interaction); users are dense
 * `0..numUsers-1`, items dense `1..numItems` (`0` = padding); `row` keeps each interaction's position in
 * the source so that ties in time are broken by file order.
 * @module
 */
import { IdMap } from './idmap.js';

/** Columnar interactions. Every column has `length` entries. Treat as read-only. */
export interface InteractionTable {
  /** Number of interactions. */
  readonly length: number;
  /** Number of users (dense ids `0..numUsers-1`). */
  readonly numUsers: number;
  /** Number of items (dense ids `1..numItems`). */
  readonly numItems: number;
  /** Dense user id per interaction. */
  readonly user: Int32Array;
  /** Dense item id per interaction. */
  readonly item: Int32Array;
  /** Timestamp per interaction (the row order when the source has none). */
  readonly timestamp: Float64Array;
  /** Position of the interaction in the source (0-based data row), the tie-breaker for equal timestamps. */
  readonly row: Int32Array;
  /** Rating per interaction, when the source has one. */
  readonly rating?: Float32Array;
  /** Behaviour code per interaction (index into `behaviourNames`), when known. */
  readonly behaviour?: Uint8Array;
  /** Behaviour vocabulary: `behaviourNames[code]`. Present exactly when `behaviour` is. */
  readonly behaviourNames?: readonly string[];
}

/**
 * Multi-valued categorical attributes per item (Beauty: brands and categories; ml-100k: genres).
 * `values[item]` lists attribute ids `1..numValues` (`0` is padding); `values[0]` is empty.
 */
export interface ItemAttributes {
  /** Attribute ids per dense item id, length `numItems + 1`. */
  readonly values: Int32Array[];
  /** Number of distinct attribute values (ids `1..numValues`). */
  readonly numValues: number;
  /** Raw attribute value ↔ attribute id (base 1). */
  readonly vocab: IdMap;
}

/** One categorical user field: `values[user]` is a value id `1..numValues`, `0` when missing. */
export interface UserField {
  /** Value id per dense user id, length `numUsers`. */
  readonly values: Int32Array;
  /** Number of distinct values (ids `1..numValues`). */
  readonly numValues: number;
  /** Raw value ↔ value id (base 1). */
  readonly vocab: IdMap;
}

/** Categorical user profile fields (ml-100k: age, gender, occupation, zip code), by field name. */
export interface UserProfile {
  /** Number of users the fields describe. */
  readonly numUsers: number;
  /** Fields by name, in file order. */
  readonly fields: Readonly<Record<string, UserField>>;
}

/** Interactions together with their id maps and optional side information. */
export interface InteractionDataset {
  /** The interactions. */
  readonly interactions: InteractionTable;
  /** Raw user id ↔ dense user id (base 0). */
  readonly users: IdMap;
  /** Raw item id ↔ dense item id (base 1). */
  readonly items: IdMap;
  /** Item attributes by field name (atomic `.item` token fields, item-attribute JSON, ...). */
  readonly itemAttributes?: Readonly<Record<string, ItemAttributes>>;
  /** Numeric item fields by name: `values[item]` (atomic `float`/`float_seq` fields), `values[0]` empty. */
  readonly itemNumeric?: Readonly<Record<string, Float32Array[]>>;
  /** User profile fields. */
  readonly userProfile?: UserProfile;
}

/** Growable typed-array columns; {@link InteractionTableBuilder.build} freezes them into a table. */
export class InteractionTableBuilder {
  private n = 0;
  private cap: number;
  private u: Int32Array;
  private i: Int32Array;
  private t: Float64Array;
  private r: Int32Array;
  private rt: Float32Array | null;
  private b: Uint8Array | null;

  /** @param opts which optional columns to keep, and an initial capacity. */
  constructor(opts: { rating?: boolean; behaviour?: boolean; capacity?: number } = {}) {
    this.cap = Math.max(16, opts.capacity ?? 1024);
    this.u = new Int32Array(this.cap);
    this.i = new Int32Array(this.cap);
    this.t = new Float64Array(this.cap);
    this.r = new Int32Array(this.cap);
    this.rt = opts.rating ? new Float32Array(this.cap) : null;
    this.b = opts.behaviour ? new Uint8Array(this.cap) : null;
  }

  /** Number of rows so far. */
  get length(): number {
    return this.n;
  }

  /** Appends one interaction; `row` defaults to the current length. */
  push(user: number, item: number, timestamp: number, rating = 0, behaviour = 0, row = this.n): void {
    if (this.n === this.cap) this.grow();
    const k = this.n++;
    this.u[k] = user;
    this.i[k] = item;
    this.t[k] = timestamp;
    this.r[k] = row;
    if (this.rt) this.rt[k] = rating;
    if (this.b) this.b[k] = behaviour;
  }

  /** The table, with exact-length columns. */
  build(numUsers: number, numItems: number, behaviourNames?: readonly string[]): InteractionTable {
    const n = this.n;
    const table: InteractionTable = {
      length: n,
      numUsers,
      numItems,
      user: this.u.slice(0, n),
      item: this.i.slice(0, n),
      timestamp: this.t.slice(0, n),
      row: this.r.slice(0, n),
      ...(this.rt ? { rating: this.rt.slice(0, n) } : {}),
      ...(this.b ? { behaviour: this.b.slice(0, n), behaviourNames: [...(behaviourNames ?? [])] } : {}),
    };
    return table;
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Int32Array | Float64Array | Float32Array | Uint8Array>(a: T): T => {
      const c = new (a.constructor as new (n: number) => T)(this.cap);
      c.set(a);
      return c;
    };
    this.u = g(this.u);
    this.i = g(this.i);
    this.t = g(this.t);
    this.r = g(this.r);
    if (this.rt) this.rt = g(this.rt);
    if (this.b) this.b = g(this.b);
  }
}

/** A table of the given rows (indices into `table`, in the order given); ids and counts are unchanged. */
export function selectRows(table: InteractionTable, rows: ArrayLike<number>): InteractionTable {
  const n = rows.length;
  const pick = <T extends Int32Array | Float64Array | Float32Array | Uint8Array>(a: T): T => {
    const c = new (a.constructor as new (n: number) => T)(n);
    for (let k = 0; k < n; k++) c[k] = a[rows[k]];
    return c;
  };
  return {
    length: n,
    numUsers: table.numUsers,
    numItems: table.numItems,
    user: pick(table.user),
    item: pick(table.item),
    timestamp: pick(table.timestamp),
    row: pick(table.row),
    ...(table.rating ? { rating: pick(table.rating) } : {}),
    ...(table.behaviour ? { behaviour: pick(table.behaviour), behaviourNames: table.behaviourNames } : {}),
  };
}

/** Interactions per user (`Int32Array` of length `numUsers`). */
export function userCounts(table: InteractionTable): Int32Array {
  const c = new Int32Array(table.numUsers);
  for (let k = 0; k < table.length; k++) c[table.user[k]]++;
  return c;
}

/** Interactions per item (`Int32Array` of length `numItems + 1`, index 0 unused). */
export function itemCounts(table: InteractionTable): Int32Array {
  const c = new Int32Array(table.numItems + 1);
  for (let k = 0; k < table.length; k++) c[table.item[k]]++;
  return c;
}
