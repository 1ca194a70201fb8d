/**
 * Splits: leave-one-out with validation (per user, on sequences), leave-one-out on a target behaviour,
 * per-user random ratio split, and a global time split.
 * @module
 */
import type { Rng } from '../tensor/rng.js';
import type { InteractionTable } from './schema.js';

/** One evaluation case: rank `target` given the user's `history` (chronological, most recent last). */
export interface EvalCase {
  /** Dense user id. */
  user: number;
  /** Items before the target (a view: do not modify). */
  history: Int32Array;
  /** The held-out item. */
  target: number;
}

/** A leave-one-out split of per-user sequences. */
export interface SeqSplit {
  /** Number of users (`train.length`). */
  numUsers: number;
  /** Number of items (dense ids `1..numItems`). */
  numItems: number;
  /** Per-user training sequence, chronological, without the validation and test items (views). */
  train: Int32Array[];
  /** Validation cases: history = `train[u]`, target = the second-last item. */
  valid: EvalCase[];
  /** Test cases: history = everything before the last item (validation item included), target = the last. */
  test: EvalCase[];
}

/**
 * Leave-one-out with validation, as in SASRec and S3-Rec: for a user with sequence `s` of length ≥ 3, the
 * last item is the test target (history `s[:-1]`), the second-last the validation target (history
 * `s[:-2]`), and `s[:-2]` is the training sequence. **Users with fewer than 3 items** keep their whole
 * sequence for training and get no validation or test case (SASRec's `data_partition` rule); Beauty's
 * minimum length is 5, so every one of its 22,363 users is tested. Cases are in user order.
 */
export function leaveOneOut(sequences: readonly Int32Array[], numItems: number): SeqSplit {
  const train: Int32Array[] = [];
  const valid: EvalCase[] = [];
  const test: EvalCase[] = [];
  for (let u = 0; u < sequences.length; u++) {
    const s = sequences[u];
    const n = s.length;
    if (n < 3) {
      train.push(s);
      continue;
    }
    train.push(s.subarray(0, n - 2));
    valid.push({ user: u, history: s.subarray(0, n - 2), target: s[n - 2] });
    test.push({ user: u, history: s.subarray(0, n - 1), target: s[n - 1] });
  }
  return { numUsers: sequences.length, numItems, train, valid, test };
}

/** An {@link EvalCase} carrying the behaviour of every history event. */
export interface BehaviourEvalCase extends EvalCase {
  /** Behaviour code of each history event (aligned with `history`). */
  historyBehaviours: Uint8Array;
}

/** A leave-one-out split on a target behaviour (see {@link leaveOneOutByBehaviour}). */
export interface BehaviourSeqSplit {
  /** Number of users. */
  numUsers: number;
  /** Number of items. */
  numItems: number;
  /** Target behaviour code. */
  targetBehaviour: number;
  /** Per-user training events (items), ending before the validation event. */
  train: Int32Array[];
  /** Behaviour codes aligned with `train`. */
  trainBehaviours: Uint8Array[];
  /** Validation: the second-last target-behaviour event, history = `train[u]`. */
  valid: BehaviourEvalCase[];
  /** Test: the last target-behaviour event, history = every event before it (validation included). */
  test: BehaviourEvalCase[];
}

/**
 * Leave-one-out on a target behaviour (CASM protocol): the user's last event with behaviour `target` is the
 * test event, the target-behaviour event before it the validation event; training events end before the
 * validation event; the test history holds every event before the test event (with its own behaviour,
 * including earlier interactions with the test item). Users with fewer than 2 target events are
 * train-only (all their events). Events after the test event are in no split.
 */
export function leaveOneOutByBehaviour(
  sequences: readonly Int32Array[],
  behaviours: readonly Uint8Array[],
  target: number,
  numItems: number,
): BehaviourSeqSplit {
  const train: Int32Array[] = [];
  const trainBehaviours: Uint8Array[] = [];
  const valid: BehaviourEvalCase[] = [];
  const test: BehaviourEvalCase[] = [];
  for (let u = 0; u < sequences.length; u++) {
    const s = sequences[u];
    const b = behaviours[u];
    if (b.length !== s.length) throw new RangeError(`leaveOneOutByBehaviour: user ${u} has ${s.length} items but ${b.length} behaviours`);
    let t = -1;
    let v = -1;
    for (let k = s.length - 1; k >= 0; k--) {
      if (b[k] !== target) continue;
      if (t < 0) t = k;
      else {
        v = k;
        break;
      }
    }
    if (v < 0) {
      train.push(s);
      trainBehaviours.push(b);
      continue;
    }
    train.push(s.subarray(0, v));
    trainBehaviours.push(b.subarray(0, v));
    valid.push({ user: u, history: s.subarray(0, v), historyBehaviours: b.subarray(0, v), target: s[v] });
    test.push({ user: u, history: s.subarray(0, t), historyBehaviours: b.subarray(0, t), target: s[t] });
  }
  return { numUsers: sequences.length, numItems, targetBehaviour: target, train, trainBehaviours, valid, test };
}

/** Per-user item lists of a {@link ratioSplit}. */
export interface RatioSplit {
  /** Training items per user. */
  train: Int32Array[];
  /** Validation items per user. */
  valid: Int32Array[];
  /** Test items per user. */
  test: Int32Array[];
  /** The rule, for the record. */
  rule: string;
}

/**
 * Per-user random split by ratio (LightGCN/RecBole style): each user's items are shuffled with `rng` and cut
 * at `floor(n·train)` and `floor(n·(train+valid))`; so a user with 5 items and 0.8/0.1/0.1 gets 4/0/1, and
 * with 10 items 8/1/1. Every user keeps at least one training item when they have any.
 */
export function ratioSplit(
  userItems: readonly ArrayLike<number>[],
  opts: { ratios?: readonly [number, number, number]; rng: Rng },
): RatioSplit {
  const [a, b, c] = opts.ratios ?? [0.8, 0.1, 0.1];
  if (!(a > 0 && b >= 0 && c >= 0) || Math.abs(a + b + c - 1) > 1e-9) throw new RangeError(`ratioSplit: ratios must be ≥ 0, train > 0, and sum to 1, got ${a},${b},${c}`);
  const train: Int32Array[] = [];
  const valid: Int32Array[] = [];
  const test: Int32Array[] = [];
  for (const items of userItems) {
    const s = opts.rng.shuffle(Int32Array.from(items)) as Int32Array;
    const n = s.length;
    const t1 = n === 0 ? 0 : Math.max(1, Math.floor(n * a + 1e-9));
    const t2 = Math.max(t1, Math.floor(n * (a + b) + 1e-9));
    train.push(s.slice(0, t1));
    valid.push(s.slice(t1, t2));
    test.push(s.slice(t2));
  }
  return { train, valid, test, rule: `per user, shuffled, cut at floor(n*${a}) and floor(n*${a + b}) (at least one train item)` };
}

/** Row indices of a {@link timeSplit}. */
export interface TimeSplit {
  /** Rows with timestamp < `validCut`, in time order. */
  train: Int32Array;
  /** Rows with `validCut` ≤ timestamp < `testCut`, in time order. */
  valid: Int32Array;
  /** Rows with timestamp ≥ `testCut`, in time order. */
  test: Int32Array;
  /** First validation timestamp. */
  validCut: number;
  /** First test timestamp. */
  testCut: number;
  /** The rule, for the record. */
  rule: string;
}

/**
 * Global time split. With `validCut`/`testCut` the cuts are given; with fractions (`valid`, `test`, default
 * 0.1 each) the cuts are the timestamps at positions `floor(n·(1−test))` and `floor(n·(1−test−valid))` of
 * the rows sorted by (timestamp, row). Rows whose timestamp equals a cut go to the later part, so no
 * training interaction is later than, or simultaneous with, any validation or test one.
 */
export function timeSplit(
  table: InteractionTable,
  opts: { valid?: number; test?: number; validCut?: number; testCut?: number } = {},
): TimeSplit {
  const n = table.length;
  const ts = table.timestamp;
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((x, y) => ts[x] - ts[y] || table.row[x] - table.row[y]);
  let testCut: number;
  let validCut: number;
  let rule: string;
  if (opts.testCut !== undefined) {
    testCut = opts.testCut;
    validCut = opts.validCut ?? testCut;
    if (validCut > testCut) throw new RangeError(`timeSplit: validCut ${validCut} > testCut ${testCut}`);
    rule = `train: t < ${validCut}; valid: ${validCut} <= t < ${testCut}; test: t >= ${testCut}`;
  } else {
    const fv = opts.valid ?? 0.1;
    const ft = opts.test ?? 0.1;
    if (!(fv >= 0 && ft > 0 && fv + ft < 1)) throw new RangeError(`timeSplit: need valid >= 0, test > 0, valid + test < 1`);
    if (n === 0) throw new RangeError('timeSplit: empty table');
    testCut = ts[order[Math.min(n - 1, Math.floor(n * (1 - ft)))]];
    validCut = ts[order[Math.min(n - 1, Math.floor(n * (1 - ft - fv)))]];
    rule = `global time cuts at the ${(1 - ft - fv).toFixed(3)} and ${(1 - ft).toFixed(3)} quantiles of (timestamp, row) order; ties go to the later part (validCut ${validCut}, testCut ${testCut})`;
  }
  const train: number[] = [];
  const valid: number[] = [];
  const test: number[] = [];
  for (let k = 0; k < n; k++) {
    const r = order[k];
    const t = ts[r];
    if (t >= testCut) test.push(r);
    else if (t >= validCut) valid.push(r);
    else train.push(r);
  }
  return { train: Int32Array.from(train), valid: Int32Array.from(valid), test: Int32Array.from(test), validCut, testCut, rule };
}
