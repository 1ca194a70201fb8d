/**
 * A data probe for sequence files whose sequences follow one global item order rather than time (the
 * Cloth×Sport files of i2VAE): how much of a next-item metric does that order alone give? `Order` is not a
 * recommender method; it learns nothing and is reported beside the models, labelled, so that their
 * all-row numbers can be read against what the file order gives for free.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeqBatch } from '@recsuite/core';

/** The score of a candidate that does not come after the history's last item (all such candidates tie). */
const NOT_AFTER = -1e9;

/** A total order of item ids consistent with every sequence given. */
export interface GlobalItemOrder {
  /** Position of every item id `0..numItems` in the order; -1 for ids in no sequence (and padding 0). */
  position: Int32Array;
  /** Items left in precedence cycles (placed after all others, by id); 0 when the sequences agree on one order. */
  cyclic: number;
}

/**
 * Orders the items of `sequences` so that every consecutive pair `(a, b)` of every sequence has `a` before
 * `b` (Kahn's topological sort, the smallest id first among the ready items). Items that only sit on
 * precedence cycles cannot be ordered so; they follow all others by id and are counted in `cyclic`.
 * @param sequences - item-id sequences (ids `1..numItems`; 0 is skipped as padding).
 * @param numItems - largest item id.
 */
export function globalItemOrder(sequences: Iterable<ArrayLike<number>>, numItems: number): GlobalItemOrder {
  const succ: Array<Set<number> | undefined> = new Array(numItems + 1);
  const indeg = new Int32Array(numItems + 1);
  const seen = new Uint8Array(numItems + 1);
  for (const s of sequences) {
    for (let i = 0; i < s.length; i++) {
      const b = s[i];
      if (!(Number.isInteger(b) && b >= 0 && b <= numItems)) throw new RangeError(`globalItemOrder: item id ${b} outside [0, ${numItems}]`);
      if (b === 0) continue;
      seen[b] = 1;
      const a = i > 0 ? s[i - 1] : 0;
      if (a === 0 || a === b) continue;
      const out = (succ[a] ??= new Set());
      if (!out.has(b)) {
        out.add(b);
        indeg[b]++;
      }
    }
  }
  const position = new Int32Array(numItems + 1).fill(-1);
  // ready items as a binary min-heap of ids
  const heap: number[] = [];
  const push = (x: number) => {
    heap.push(x);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (heap[p] <= heap[i]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l] < heap[m]) m = l;
        if (r < heap.length && heap[r] < heap[m]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  for (let i = 1; i <= numItems; i++) if (seen[i] && indeg[i] === 0) push(i);
  let next = 0;
  while (heap.length) {
    const x = pop();
    position[x] = next++;
    for (const y of succ[x] ?? []) if (--indeg[y] === 0) push(y);
  }
  let cyclic = 0;
  for (let i = 1; i <= numItems; i++) {
    if (seen[i] && position[i] < 0) {
      position[i] = next++;
      cyclic++;
    }
  }
  return { position, cyclic };
}

/**
 * Scores a candidate by how soon it follows the history's last item in a {@link GlobalItemOrder}:
 * `−(pos[c] − pos[last])` when `c` comes after `last`, else one tied low score (so, with pessimistic ties,
 * a target that does not follow its history ranks last). A row without history scores every candidate
 * alike. Implements the evaluation side of the model contract (`score`, `scoreAll`, `setTraining`).
 */
export class OrderProbe {
  /** `'Order'`. */
  readonly name = 'Order';

  /** @param order - from {@link globalItemOrder}. */
  constructor(readonly order: GlobalItemOrder) {}

  /** Candidate scores `[B, C]` for `candidates [B, C]` after each row's history. */
  score(batch: SeqBatch, candidates: tf.Tensor2D): tf.Tensor2D {
    const [B, C] = candidates.shape;
    const cand = candidates.dataSync();
    const out = new Float32Array(B * C);
    for (let r = 0; r < B; r++) {
      const last = batch.seqs[(r + 1) * batch.maxLen - 1];
      for (let j = 0; j < C; j++) out[r * C + j] = this.follows(last, cand[r * C + j]);
    }
    return tf.tensor2d(out, [B, C]);
  }

  /** Scores of every item id `[B, numItems + 1]` (column 0, padding, scores like an item that does not follow). */
  scoreAll(batch: SeqBatch): tf.Tensor2D {
    const N = this.order.position.length;
    const out = new Float32Array(batch.batchSize * N);
    for (let r = 0; r < batch.batchSize; r++) {
      const last = batch.seqs[(r + 1) * batch.maxLen - 1];
      for (let c = 0; c < N; c++) out[r * N + c] = this.follows(last, c);
    }
    return tf.tensor2d(out, [batch.batchSize, N]);
  }

  /** Nothing to switch: the probe has no dropout or other training-time behaviour. */
  setTraining(_training: boolean): void {}

  /** Nothing to free: the probe holds no tensors. */
  dispose(): void {}

  private follows(last: number, c: number): number {
    const pos = this.order.position;
    if (last === 0 || c === 0) return NOT_AFTER;
    const d = pos[c] - pos[last];
    return pos[c] >= 0 && pos[last] >= 0 && d > 0 ? -d : NOT_AFTER;
  }
}
