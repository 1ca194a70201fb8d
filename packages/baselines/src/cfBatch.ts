/**
 * Collaborative-filtering inputs and helpers shared by the CF baselines (Pop, BPR-MF, LightGCN): the
 * training interactions as per-user item sets, the pairwise training batch `{ users, pos, neg }`, the
 * user-indexed evaluation batch, an epoch sampler with uniform negatives, and dot-product scoring of
 * user and item tables.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { scoreAgainst, type Rng } from '@recsuite/core';

/**
 * A pairwise (BPR) training batch: row `r` says user `users[r]` prefers item `pos[r]` (a training
 * interaction) to item `neg[r]` (an item the user has no training interaction with). All `[B]`.
 */
export interface CFBatch {
  /** Dense user indices `0..numUsers-1`. */
  users: Int32Array;
  /** Positive item ids `1..numItems`. */
  pos: Int32Array;
  /** Negative item ids `1..numItems`. */
  neg: Int32Array;
}

/**
 * The evaluation input of CF models: only the users matter. Any `SeqBatch` qualifies (its `users` field
 * is the user's dense index), so one evaluator drives sequential and CF models alike.
 */
export interface UserBatch {
  /** Dense user indices `0..numUsers-1`. */
  users: Int32Array;
}

/** Training interactions of a CF model: per user, the distinct items, sorted ascending. */
export interface CFInteractions {
  /** Number of users (dense ids `0..numUsers-1`). */
  readonly numUsers: number;
  /** Number of items (dense ids `1..numItems`, `0` = padding). */
  readonly numItems: number;
  /** `userItems[u]`: user `u`'s distinct training items, ascending. Length `numUsers`. */
  readonly userItems: readonly Int32Array[];
}

/** Bad CF input (ids out of range, a user with no negative left, an inconsistent batch). */
export class CFInputError extends RangeError {
  override readonly name: string = 'CFInputError';
}

/**
 * Builds {@link CFInteractions} from parallel `(user, item)` columns; duplicates are merged (the
 * interaction matrix is binary).
 * @param numUsers - number of users.
 * @param numItems - number of items.
 * @param users - dense user id per interaction.
 * @param items - dense item id per interaction (`1..numItems`).
 * @throws {@link CFInputError} naming the first interaction out of range.
 */
export function cfInteractions(
  numUsers: number,
  numItems: number,
  users: ArrayLike<number>,
  items: ArrayLike<number>,
): CFInteractions {
  if (!Number.isInteger(numUsers) || numUsers < 1) throw new CFInputError(`cfInteractions: numUsers must be a positive integer, got ${numUsers}`);
  if (!Number.isInteger(numItems) || numItems < 1) throw new CFInputError(`cfInteractions: numItems must be a positive integer, got ${numItems}`);
  if (users.length !== items.length) {
    throw new CFInputError(`cfInteractions: users (${users.length}) and items (${items.length}) must have one entry per interaction`);
  }
  const lists: number[][] = Array.from({ length: numUsers }, () => []);
  for (let k = 0; k < users.length; k++) {
    const u = users[k];
    const i = items[k];
    if (!Number.isInteger(u) || u < 0 || u >= numUsers) throw new CFInputError(`cfInteractions: users[${k}] = ${u} is outside 0..${numUsers - 1}`);
    if (!Number.isInteger(i) || i < 1 || i > numItems) throw new CFInputError(`cfInteractions: items[${k}] = ${i} is outside 1..${numItems}`);
    lists[u].push(i);
  }
  const userItems = lists.map((l) => {
    const a = Int32Array.from(l).sort();
    let n = 0;
    for (let k = 0; k < a.length; k++) if (k === 0 || a[k] !== a[k - 1]) a[n++] = a[k];
    return a.slice(0, n);
  });
  return { numUsers, numItems, userItems };
}

/** Number of distinct `(user, item)` training pairs. */
export function numPairs(data: CFInteractions): number {
  let n = 0;
  for (const l of data.userItems) n += l.length;
  return n;
}

/** The distinct training pairs as flat `(user, item)` columns, users ascending, then items ascending. */
export function interactionPairs(data: CFInteractions): { users: Int32Array; items: Int32Array } {
  const n = numPairs(data);
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  let k = 0;
  data.userItems.forEach((list, u) => {
    for (const i of list) {
      users[k] = u;
      items[k++] = i;
    }
  });
  return { users, items };
}

/** True when sorted `items` contains `x` (binary search). */
export function sortedHas(items: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = items[mid];
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * A uniform item in `1..numItems` that is not in `seen` (sorted), by rejection.
 * @throws {@link CFInputError} when `seen` covers every item.
 */
export function sampleNegative(seen: Int32Array, numItems: number, rng: Rng): number {
  if (seen.length >= numItems) throw new CFInputError(`sampleNegative: the user has interacted with all ${numItems} items; no negative exists`);
  for (;;) {
    const j = 1 + rng.int(numItems);
    if (!sortedHas(seen, j)) return j;
  }
}

/** Options of {@link cfTrainBatches}. */
export interface CFBatchOptions {
  /** Rows per batch (the last batch may be smaller). */
  batchSize: number;
  /** Seeded generator for the order and the negatives. */
  rng: Rng;
}

/**
 * One training epoch of BPR batches: every distinct `(user, item)` training pair once, in a shuffled
 * order, each with one negative drawn uniformly from the items the user has no training interaction
 * with (Rendle et al. 2009, Sec. 4.2: sampling of `(u, i, j)` triples).
 * @param data - the training interactions.
 * @param opts - batch size and generator.
 */
export function* cfTrainBatches(data: CFInteractions, opts: CFBatchOptions): Generator<CFBatch> {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) {
    throw new CFInputError(`cfTrainBatches: batchSize must be a positive integer, got ${opts.batchSize}`);
  }
  const { users: pu, items: pi } = interactionPairs(data);
  const n = pu.length;
  const order = opts.rng.permutation(n);
  for (let s = 0; s < n; s += opts.batchSize) {
    const b = Math.min(opts.batchSize, n - s);
    const users = new Int32Array(b);
    const pos = new Int32Array(b);
    const neg = new Int32Array(b);
    for (let r = 0; r < b; r++) {
      const p = order[s + r];
      users[r] = pu[p];
      pos[r] = pi[p];
      neg[r] = sampleNegative(data.userItems[pu[p]], data.numItems, opts.rng);
    }
    yield { users, pos, neg };
  }
}

/**
 * Checks a {@link CFBatch} against a model's sizes.
 * @throws {@link CFInputError} naming the model, the field and the row.
 */
export function checkCFBatch(who: string, batch: CFBatch, numUsers: number, numItems: number): void {
  const b = batch.users.length;
  if (batch.pos.length !== b || batch.neg.length !== b) {
    throw new CFInputError(`${who}: batch.users, batch.pos and batch.neg must have the same length (${b}, ${batch.pos.length}, ${batch.neg.length})`);
  }
  if (b === 0) throw new CFInputError(`${who}: empty batch`);
  checkUsers(who, batch.users, numUsers);
  for (const [field, ids] of [['pos', batch.pos], ['neg', batch.neg]] as const) {
    for (let r = 0; r < b; r++) {
      const i = ids[r];
      if (!(i >= 1 && i <= numItems)) throw new CFInputError(`${who}: batch.${field}[${r}] = ${i} is outside 1..${numItems}`);
    }
  }
}

/**
 * Checks user indices against a model's user count.
 * @throws {@link CFInputError} naming the model and the row.
 */
export function checkUsers(who: string, users: Int32Array, numUsers: number): void {
  if (!(users instanceof Int32Array)) throw new CFInputError(`${who}: batch.users must be an Int32Array of dense user indices`);
  for (let r = 0; r < users.length; r++) {
    const u = users[r];
    if (!(u >= 0 && u < numUsers)) throw new CFInputError(`${who}: batch.users[${r}] = ${u} is outside 0..${numUsers - 1}`);
  }
}

/**
 * The best `k` items of one score row (`scores[j]` = item `j`, column 0 = padding, never returned),
 * leaving out `exclude`. Order: score descending, then item id ascending (a fixed tie rule). `NaN`
 * scores rank last.
 * @param scores - `numItems + 1` scores.
 * @param k - how many (fewer when fewer candidates remain).
 * @param exclude - item ids to leave out.
 */
export function topKItems(scores: ArrayLike<number>, k: number, exclude: Iterable<number> = []): number[] {
  if (!Number.isInteger(k) || k < 0) throw new CFInputError(`topKItems: k must be a non-negative integer, got ${k}`);
  const skip = new Set<number>(exclude);
  const cand: number[] = [];
  for (let j = 1; j < scores.length; j++) if (!skip.has(j)) cand.push(j);
  const key = (j: number) => (Number.isNaN(scores[j]) ? -Infinity : scores[j]);
  cand.sort((a, b) => key(b) - key(a) || a - b);
  return cand.slice(0, k);
}

/**
 * Full-ranking scores `users @ itemsᵀ` for a batch of user indices: `[B, numItems + 1]`, column `j` =
 * item `j` (column 0 scores against the padding row). Not differentiable through `users` (evaluation).
 * @param userTable - `[numUsers, d]` user vectors.
 * @param itemTable - `[numItems + 1, d]` item vectors.
 * @param users - dense user indices `[B]` (checked by the caller).
 * @param itemTableT - optional `[d, numItems + 1]` transposed table (the fast path on wasm).
 */
export function dotScoresAll(userTable: tf.Tensor2D, itemTable: tf.Tensor2D, users: Int32Array, itemTableT?: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => scoreAgainst(tf.gather(userTable, tf.tensor1d(users, 'int32')), itemTable, itemTableT));
}

/**
 * Scores `[B, C]` of given candidates: `⟨user_b, item_{candidates[b, c]}⟩`.
 * @param userTable - `[numUsers, d]`.
 * @param itemTable - `[numItems + 1, d]`.
 * @param users - dense user indices `[B]`.
 * @param candidates - item ids `[B, C]` int32.
 */
export function dotScoresCandidates(userTable: tf.Tensor2D, itemTable: tf.Tensor2D, users: Int32Array, candidates: tf.Tensor2D): tf.Tensor2D {
  if (candidates.rank !== 2 || candidates.shape[0] !== users.length) {
    throw new CFInputError(`score: candidates must be [${users.length}, C] (one row per user), got [${candidates.shape}]`);
  }
  return tf.tidy(() => {
    const u = tf.gather(userTable, tf.tensor1d(users, 'int32')); // [B, d]
    const c = tf.gather(itemTable, tf.cast(candidates, 'int32')); // [B, C, d]
    return tf.sum(tf.mul(tf.expandDims(u, 1), c), 2) as tf.Tensor2D;
  });
}

/**
 * Fold-in scores for a user known only by a history: the mean of the history items' vectors, dotted
 * with every item vector. Returns `numItems + 1` scores on the host.
 * @param itemTable - `[numItems + 1, d]`.
 * @param history - item ids (at least one, `1..numItems`).
 * @param who - the model name for messages.
 */
export async function foldInScores(itemTable: tf.Tensor2D, history: ArrayLike<number>, who: string): Promise<Float32Array> {
  const n = itemTable.shape[0] - 1;
  const ids = Int32Array.from(history);
  if (ids.length === 0) {
    throw new CFInputError(`${who}.recommend: the history is empty, so there is nothing to fold in; for a known user call recommendForUser(user, k, exclude)`);
  }
  ids.forEach((i, r) => {
    if (!(i >= 1 && i <= n)) throw new CFInputError(`${who}.recommend: history[${r}] = ${i} is outside 1..${n}`);
  });
  const t = tf.tidy(() => {
    const u = tf.mean(tf.gather(itemTable, tf.tensor1d(ids, 'int32')), 0, true) as tf.Tensor2D;
    return tf.reshape(scoreAgainst(u, itemTable), [-1]);
  });
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}
