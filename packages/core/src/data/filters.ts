/**
 * Filters over an {@link InteractionDataset}: row filters, k-core, rating thresholds, rating → behaviour
 * mapping, id compaction, and chronological per-user sequences ordered by (timestamp, row order).
 * @module
 */
import { selectRows, type InteractionDataset, type InteractionTable, type ItemAttributes, type UserField } from './schema.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Keeps the rows for which `keep(row)` is true (or `keep[row] !== 0`); ids and maps are unchanged. */
export function filterRows(ds: InteractionDataset, keep: ((row: number) => boolean) | Uint8Array): InteractionDataset {
  const t = ds.interactions;
  const rows: number[] = [];
  for (let k = 0; k < t.length; k++) if (typeof keep === 'function' ? keep(k) : keep[k] !== 0) rows.push(k);
  return { ...ds, interactions: selectRows(t, rows) };
}

/**
 * Drops users and items without interactions and renumbers the rest densely, keeping their relative
 * order; id maps, item attributes and user profile follow.
 */
export function compactIds(ds: InteractionDataset): InteractionDataset {
  const t = ds.interactions;
  const userNew = new Int32Array(t.numUsers).fill(-1);
  const itemNew = new Int32Array(t.numItems + 1).fill(-1);
  for (let k = 0; k < t.length; k++) {
    userNew[t.user[k]] = 0;
    itemNew[t.item[k]] = 0;
  }
  const keptUsers: number[] = [];
  const keptItems: number[] = [];
  for (let u = 0; u < userNew.length; u++) if (userNew[u] === 0) userNew[u] = keptUsers.push(u) - 1;
  for (let i = 1; i < itemNew.length; i++) if (itemNew[i] === 0) itemNew[i] = keptItems.push(i);
  const user = new Int32Array(t.length);
  const item = new Int32Array(t.length);
  for (let k = 0; k < t.length; k++) {
    user[k] = userNew[t.user[k]];
    item[k] = itemNew[t.item[k]];
  }
  const interactions: InteractionTable = { ...t, user, item, numUsers: keptUsers.length, numItems: keptItems.length };
  const out: Mutable<InteractionDataset> = {
    ...ds,
    interactions,
    users: ds.users.subset(keptUsers),
    items: ds.items.subset(keptItems),
  };
  if (ds.itemAttributes) {
    const attrs: Record<string, ItemAttributes> = {};
    for (const [name, a] of Object.entries(ds.itemAttributes)) {
      attrs[name] = { ...a, values: [new Int32Array(0), ...keptItems.map((i) => a.values[i])] };
    }
    out.itemAttributes = attrs;
  }
  if (ds.itemNumeric) {
    const num: Record<string, Float32Array[]> = {};
    for (const [name, v] of Object.entries(ds.itemNumeric)) num[name] = [new Float32Array(0), ...keptItems.map((i) => v[i])];
    out.itemNumeric = num;
  }
  if (ds.userProfile) {
    const fields: Record<string, UserField> = {};
    for (const [name, f] of Object.entries(ds.userProfile.fields)) fields[name] = { ...f, values: Int32Array.from(keptUsers, (u) => f.values[u]) };
    out.userProfile = { numUsers: keptUsers.length, fields };
  }
  return out;
}

/** Options of {@link kCore}. */
export interface KCoreOptions {
  /** Minimum interactions per user (default 0: no constraint). */
  user?: number;
  /** Minimum interactions per item (default 0). */
  item?: number;
}

/**
 * Iterative k-core: removes interactions of users with fewer than `user` and items with fewer than `item`
 * interactions until every remaining user and item meets its bound (interactions are counted with
 * repeats), then compacts ids.
 */
export function kCore(ds: InteractionDataset, opts: KCoreOptions): InteractionDataset {
  const t = ds.interactions;
  const ku = opts.user ?? 0;
  const ki = opts.item ?? 0;
  const alive = new Uint8Array(t.length).fill(1);
  const uc = new Int32Array(t.numUsers);
  const ic = new Int32Array(t.numItems + 1);
  for (let k = 0; k < t.length; k++) {
    uc[t.user[k]]++;
    ic[t.item[k]]++;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = 0; k < t.length; k++) {
      if (!alive[k]) continue;
      const u = t.user[k];
      const i = t.item[k];
      if (uc[u] < ku || ic[i] < ki) {
        alive[k] = 0;
        uc[u]--;
        ic[i]--;
        changed = true;
      }
    }
  }
  return compactIds(filterRows(ds, alive));
}

/** Keeps rows whose rating is within `[min, max]` (both optional, inclusive). Needs a rating column. */
export function filterByRating(ds: InteractionDataset, range: { min?: number; max?: number }): InteractionDataset {
  const r = ds.interactions.rating;
  if (!r) throw new RangeError('filterByRating: the interactions have no rating column');
  const lo = range.min ?? -Infinity;
  const hi = range.max ?? Infinity;
  return filterRows(ds, (k) => r[k] >= lo && r[k] <= hi);
}

/** One rating → behaviour rule: ratings in `[min, max]` (inclusive, each optional) get behaviour `name`. */
export interface BehaviourRule {
  /** Behaviour name. */
  name: string;
  /** Smallest rating (inclusive). */
  min?: number;
  /** Largest rating (inclusive). */
  max?: number;
}

/**
 * The MovieLens multi-behaviour rule used by CASM (ML10M in the paper, ml-100k here):
 * rating ≥ 4 → `pos`, 3 → `neutral`, ≤ 2 → `neg`. Codes in this order: `pos` 0, `neutral` 1, `neg` 2.
 */
export const MOVIELENS_BEHAVIOURS: readonly BehaviourRule[] = Object.freeze([
  { name: 'pos', min: 4 },
  { name: 'neutral', min: 3, max: 3 },
  { name: 'neg', max: 2 },
]);

/**
 * Sets the behaviour column from the ratings by the first matching rule (rule `k` → code `k`). A rating
 * no rule matches (e.g. 3.5 under {@link MOVIELENS_BEHAVIOURS}) throws a `RangeError` naming it.
 */
export function ratingsToBehaviours(ds: InteractionDataset, rules: readonly BehaviourRule[] = MOVIELENS_BEHAVIOURS): InteractionDataset {
  const t = ds.interactions;
  const r = t.rating;
  if (!r) throw new RangeError('ratingsToBehaviours: the interactions have no rating column');
  if (rules.length === 0 || rules.length > 255) throw new RangeError('ratingsToBehaviours: need 1..255 rules');
  const behaviour = new Uint8Array(t.length);
  for (let k = 0; k < t.length; k++) {
    const v = r[k];
    const code = rules.findIndex((rule) => v >= (rule.min ?? -Infinity) && v <= (rule.max ?? Infinity));
    if (code < 0) throw new RangeError(`ratingsToBehaviours: rating ${v} (row ${t.row[k]}) matches no rule`);
    behaviour[k] = code;
  }
  return { ...ds, interactions: { ...t, behaviour, behaviourNames: rules.map((x) => x.name) } };
}

/** The code of behaviour `name` in a table; throws a `RangeError` if the table has no such behaviour. */
export function behaviourCode(table: InteractionTable, name: string): number {
  const k = table.behaviourNames?.indexOf(name) ?? -1;
  if (k < 0) throw new RangeError(`behaviour "${name}" not in [${(table.behaviourNames ?? []).join(', ')}]`);
  return k;
}

/**
 * Row indices grouped by user (ascending) and, within a user, in time order: by timestamp, ties broken by
 * the row order in the source (ml-100k has many equal timestamps).
 */
export function chronologicalOrder(table: InteractionTable): Int32Array {
  const starts = userStarts(table);
  const fill = starts.slice(0, table.numUsers);
  const order = new Int32Array(table.length);
  for (let k = 0; k < table.length; k++) order[fill[table.user[k]]++] = k;
  const ts = table.timestamp;
  const row = table.row;
  for (let u = 0; u < table.numUsers; u++) {
    const seg = order.subarray(starts[u], starts[u + 1]);
    seg.sort((a, b) => ts[a] - ts[b] || row[a] - row[b]);
  }
  return order;
}

/** Per-user chronological sequences (see {@link userSequences}). */
export interface UserSequences {
  /** Items per user in time order (`sequences[u]`), possibly empty. */
  sequences: Int32Array[];
  /** Behaviour codes aligned with `sequences` (when the table has behaviours). */
  behaviours?: Uint8Array[];
  /** Timestamps aligned with `sequences`. */
  timestamps: Float64Array[];
  /** Table row indices aligned with `sequences`. */
  rows: Int32Array[];
  /** Number of items (dense ids `1..numItems`). */
  numItems: number;
}

/**
 * Each user's interactions in time order (timestamp, then row order). With `behaviour`, only rows with that
 * behaviour code are kept.
 */
export function userSequences(table: InteractionTable, opts: { behaviour?: number } = {}): UserSequences {
  const order = chronologicalOrder(table);
  const starts = userStarts(table);
  const sequences: Int32Array[] = [];
  const timestamps: Float64Array[] = [];
  const rows: Int32Array[] = [];
  const behaviours: Uint8Array[] | undefined = table.behaviour ? [] : undefined;
  for (let u = 0; u < table.numUsers; u++) {
    let seg = order.subarray(starts[u], starts[u + 1]);
    if (opts.behaviour !== undefined) {
      const b = table.behaviour;
      if (!b) throw new RangeError('userSequences: the table has no behaviour column');
      seg = seg.filter((k) => b[k] === opts.behaviour);
    }
    sequences.push(Int32Array.from(seg, (k) => table.item[k]));
    timestamps.push(Float64Array.from(seg, (k) => table.timestamp[k]));
    rows.push(Int32Array.from(seg));
    if (behaviours) behaviours.push(Uint8Array.from(seg, (k) => table.behaviour![k]));
  }
  return { sequences, timestamps, rows, numItems: table.numItems, ...(behaviours ? { behaviours } : {}) };
}

function userStarts(table: InteractionTable): Int32Array {
  const starts = new Int32Array(table.numUsers + 1);
  for (let k = 0; k < table.length; k++) starts[table.user[k] + 1]++;
  for (let u = 0; u < table.numUsers; u++) starts[u + 1] += starts[u];
  return starts;
}
