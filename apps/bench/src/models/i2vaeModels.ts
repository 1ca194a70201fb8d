/**
 * The cross-domain baselines of the i2VAE experiment: SASRec on the target-domain sequence only, and
 * `SASRec:merged` on the other-domain sequence followed by the target-domain sequence. The sequences of the
 * Cloth×Sport files follow one global item order, not time, so next-item targets are taken only inside the
 * target-domain part (no model trains next-item prediction on the non-target column); negatives come from
 * the target domain's items outside the row's target-domain sequence.
 * @module
 */
import { crossDomainHistory, crossDomainOther, crossDomainTarget, leftPad, type CrossDomainRow, type EvalCase, type Rng, type SeqBatch } from '@recsuite/core';

/** How a SASRec baseline reads a cross-domain row. */
export type CrossDomainSeqMode = 'target' | 'merged';

/** The input sequence of a row (target included) and where its target-domain part starts. */
function rowSequence(r: CrossDomainRow, mode: CrossDomainSeqMode): { seq: Int32Array; start: number } {
  const own = r.seqs[r.domain];
  if (mode === 'target') return { seq: own, start: 0 };
  const other = crossDomainOther(r);
  const seq = new Int32Array(other.length + own.length);
  seq.set(other);
  seq.set(own, other.length);
  return { seq, start: other.length };
}

/**
 * One epoch of SASRec batches over cross-domain rows (shuffled by `rng`): input `seq[:-1]`, target
 * `seq[t+1]` only where `seq[t+1]` lies in the target-domain part, one negative per target from
 * `pools[domain]` minus the row's target-domain sequence; the last `maxLen` positions, left-padded.
 */
export function* crossDomainSeqBatches(
  rows: readonly CrossDomainRow[],
  o: { mode: CrossDomainSeqMode; maxLen: number; batchSize: number; pools: readonly [Int32Array, Int32Array]; rng: Rng },
): Generator<SeqBatch> {
  const L = o.maxLen;
  const order = o.rng.permutation(rows.length);
  for (let s = 0; s < order.length; s += o.batchSize) {
    const idx = order.subarray(s, Math.min(order.length, s + o.batchSize));
    const B = idx.length;
    const seqs = new Int32Array(B * L);
    const targets = new Int32Array(B * L);
    const negatives = new Int32Array(B * L);
    idx.forEach((k, b) => {
      const r = rows[k];
      const { seq, start } = rowSequence(r, o.mode);
      const n = seq.length - 1;
      leftPad(seq.subarray(0, n), L, seqs, b * L);
      const tg = new Int32Array(n);
      for (let t = 0; t < n; t++) tg[t] = t + 1 >= start ? seq[t + 1] : 0;
      leftPad(tg, L, targets, b * L);
      const own = r.seqs[r.domain];
      const pool = o.pools[r.domain];
      for (let j = b * L; j < (b + 1) * L; j++) {
        if (targets[j] === 0) continue;
        let c = 0;
        for (let tries = 0; tries < 1000; tries++) {
          c = pool[o.rng.int(pool.length)];
          if (!own.includes(c)) break;
        }
        negatives[j] = c;
      }
    });
    yield { users: Int32Array.from(idx), seqs, targets, negatives, batchSize: B, maxLen: L };
  }
}

/**
 * Evaluation cases of the SASRec baselines, one per row (`user` = row index): history = the target-domain
 * history (`target`) or the other-domain sequence followed by it (`merged`).
 */
export function crossDomainSeqCases(rows: readonly CrossDomainRow[], mode: CrossDomainSeqMode): EvalCase[] {
  return rows.map((r, k) => {
    const h = crossDomainHistory(r);
    if (mode === 'target') return { user: k, history: h, target: crossDomainTarget(r) };
    const o = crossDomainOther(r);
    const history = new Int32Array(o.length + h.length);
    history.set(o);
    history.set(h, o.length);
    return { user: k, history, target: crossDomainTarget(r) };
  });
}
