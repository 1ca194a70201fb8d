/**
 * Sequence batchers producing {@link SeqBatch}: left-padded (0 = padding, most recent item last),
 * next-item targets at every position, negatives sampled per position excluding the user's items.
 * @module
 */
import type { SeqBatch } from '../model.js';
import type { Rng } from '../tensor/rng.js';
import { lengthBucketPlan } from './lengthBuckets.js';
import type { ItemSet, NegativeSampler } from './samplers.js';
import type { EvalCase } from './splits.js';

/**
 * Copies the last `maxLen` items of `seq[0..len)` into `out[offset..offset+maxLen)`, left-padded with 0.
 * Returns the number of items copied.
 */
export function leftPad(seq: ArrayLike<number>, maxLen: number, out: Int32Array, offset = 0, len = seq.length): number {
  const n = Math.min(len, maxLen);
  const pad = maxLen - n;
  for (let k = 0; k < pad; k++) out[offset + k] = 0;
  const from = len - n;
  for (let k = 0; k < n; k++) out[offset + pad + k] = seq[from + k];
  return n;
}

/** Options of {@link trainSequenceBatches}. */
export interface TrainBatchOptions {
  /** Sequence length `L`. */
  maxLen: number;
  /** Rows per batch (the last batch may be smaller unless `dropLast`). */
  batchSize: number;
  /** Number of items (ids `1..numItems`). */
  numItems: number;
  /** Random stream for the user order and the negatives. */
  rng: Rng;
  /** Negatives per target position (default 1; 0 for none). */
  numNegatives?: number;
  /** Custom negative sampler (default uniform over `1..numItems`); it receives the user's items as exclusions. */
  negativeSampler?: NegativeSampler;
  /** Drop a last, smaller batch (default false). */
  dropLast?: boolean;
  /** Shuffle the users (default true). */
  shuffle?: boolean;
  /**
   * Length bucketing (as core's CTR batches, after DIEN's released iterator): take the shuffled users
   * `lengthBuffer` batches at a time, sort them by input length, cut them into batches and visit those in
   * random order; each batch is then cut to its longest input (`batch.maxLen ≤ maxLen`), so short
   * sequences do not pay for padded positions. For models whose padding never changes a real position's
   * output (positions counted from the most recent item, as in this library), this only changes which users
   * share a batch. Default 0: every batch `maxLen` long, users in (shuffled) order.
   */
  lengthBuffer?: number;
}

/**
 * One epoch of training batches over the users (shuffled by `rng`), as a generator of {@link SeqBatch}.
 * For a user's training sequence `s` (users with fewer than 2 items are skipped): input `s[:-1]`, targets
 * `s[1:]`, both keeping the most recent `maxLen` and left-padded; `negatives[(b·L + t)·nNeg + j]` are drawn
 * uniformly (or by `negativeSampler`) from the items the user never had in `s`, 0 at padded positions.
 */
export function* trainSequenceBatches(train: readonly Int32Array[], opts: TrainBatchOptions): Generator<SeqBatch> {
  const { maxLen: L, batchSize, numItems, rng } = opts;
  const nNeg = opts.numNegatives ?? 1;
  if (!(L >= 1 && batchSize >= 1 && numItems >= 1 && nNeg >= 0)) throw new RangeError('trainSequenceBatches: maxLen, batchSize, numItems must be >= 1 and numNegatives >= 0');
  const users: number[] = [];
  for (let u = 0; u < train.length; u++) if (train[u].length >= 2) users.push(u);
  const order = Int32Array.from(users);
  if (opts.shuffle ?? true) rng.shuffle(order);
  // Seen-item marks: stamp[item] === current user's stamp means "seen". O(1) membership, no allocation.
  const stamp = new Uint32Array(numItems + 1);
  let cur = 0;
  let seenCount = 0;
  const seen: ItemSet = {
    has: (i) => i >= 0 && i <= numItems && stamp[i] === cur,
    get size() {
      return seenCount;
    },
  };
  const sampler = opts.negativeSampler;
  // input length of user u once cut to maxLen
  const inputLength = (u: number) => Math.min(L, train[u].length - 1);
  const plan = lengthBucketPlan(order, inputLength, batchSize, opts.lengthBuffer ?? 0, (opts.shuffle ?? true) ? rng : undefined, 'trainSequenceBatches');
  let start = 0;
  for (const [i, end] of plan.ends.entries()) {
    const B = end - start;
    const first = start;
    start = end;
    if (B < batchSize && opts.dropLast) continue;
    const Lb = plan.longest?.[i] ?? L;
    const batchUsers = new Int32Array(B);
    const seqs = new Int32Array(B * Lb);
    const targets = new Int32Array(B * Lb);
    const negatives = nNeg > 0 ? new Int32Array(B * Lb * nNeg) : undefined;
    for (let b = 0; b < B; b++) {
      const u = plan.order[first + b];
      const s = train[u];
      batchUsers[b] = u;
      leftPad(s, Lb, seqs, b * Lb, s.length - 1);
      const n = leftPad(s.subarray(1), Lb, targets, b * Lb);
      if (!negatives) continue;
      cur++;
      seenCount = 0;
      for (let k = 0; k < s.length; k++) {
        const it = s[k];
        if (it >= 0 && it <= numItems && stamp[it] !== cur) {
          stamp[it] = cur;
          seenCount++;
        }
      }
      if (seenCount >= numItems && !sampler) throw new RangeError(`trainSequenceBatches: user ${u} has seen every item; no negative can be drawn`);
      const base = (b * Lb + (Lb - n)) * nNeg;
      for (let k = 0; k < n * nNeg; k++) {
        if (sampler) {
          negatives[base + k] = sampler.sample(seen);
        } else {
          let c: number;
          do c = 1 + rng.int(numItems);
          while (stamp[c] === cur);
          negatives[base + k] = c;
        }
      }
    }
    const batch: SeqBatch = { users: batchUsers, seqs, targets, batchSize: B, maxLen: Lb };
    if (negatives) batch.negatives = negatives;
    yield batch;
  }
}

/**
 * Evaluation batches over `cases` in order: `seqs` = each case's history (most recent `maxLen`,
 * left-padded), no targets; the cases of the batch are yielded beside it.
 */
export function* evalSequenceBatches(
  cases: readonly EvalCase[],
  maxLen: number,
  batchSize: number,
): Generator<{ batch: SeqBatch; cases: EvalCase[] }> {
  if (!(maxLen >= 1 && batchSize >= 1)) throw new RangeError('evalSequenceBatches: maxLen and batchSize must be >= 1');
  for (let start = 0; start < cases.length; start += batchSize) {
    const part = cases.slice(start, start + batchSize);
    const B = part.length;
    const users = new Int32Array(B);
    const seqs = new Int32Array(B * maxLen);
    part.forEach((c, b) => {
      users[b] = c.user;
      leftPad(c.history, maxLen, seqs, b * maxLen);
    });
    yield { batch: { users, seqs, batchSize: B, maxLen }, cases: part };
  }
}
