/**
 * i2VAE batches: per row the target-domain history, the other-domain sequence and the augmented
 * (real ⧺ pseudo, interleaved) target-domain sequence, each left-padded; for training one positive (the
 * target) and one negative from the target domain.
 * @module
 */
import { crossDomainHistory, crossDomainOther, crossDomainTarget, leftPad, type CrossDomainRow, type Rng } from '@recsuite/core';

/** Pseudo items of one row: the top items of domain 0 and of domain 1 from the pseudo-sequence generator. */
export type PseudoItems = [Int32Array, Int32Array];

/** A batch of cross-domain rows. Sequences are `[B·L]` row-major, left-padded with 0, most recent last. */
export interface I2VAEBatch {
  /** Rows. */
  batchSize: number;
  /** Length of `target` and `other` rows (official 20). */
  maxLen: number;
  /** Length of `aug` rows (official 40). */
  augLen: number;
  /** Target domain of each row (0 or 1). */
  domain: Int32Array;
  /** Target-domain history (target excluded), `[B·maxLen]`. */
  target: Int32Array;
  /** Other-domain sequence, `[B·maxLen]`. */
  other: Int32Array;
  /** Augmented target-domain sequence, `[B·augLen]`. */
  aug: Int32Array;
  /** Target-domain history length before truncation, `[B]` (denoising weight; 0 = cold-start). */
  histLen: Int32Array;
  /** Positive item (the target) per row, training only. */
  pos?: Int32Array;
  /** One negative per row from the target domain, training only. */
  neg?: Int32Array;
}

/**
 * The augmented sequence: the pseudo items (at most `augLen`) and the last `augLen − #pseudo` real items,
 * interleaved from the right as `… r₂ p₁ r₁`, i.e. reading right to left `r₁ p₁ r₂ p₂ …` (r₁ the latest
 * real item, p₁ the top pseudo item); whichever runs out first, the other continues to the left. Returns
 * the unpadded sequence (oldest first), at most `augLen` long. (With 20 real and 20 pseudo: 40.)
 */
export function augmentedSequence(history: ArrayLike<number>, pseudo: ArrayLike<number>, augLen: number): Int32Array {
  const nP = Math.min(pseudo.length, augLen);
  const nR = Math.min(history.length, augLen - nP);
  const rev: number[] = [];
  for (let j = 0; j < Math.max(nR, nP); j++) {
    if (j < nR) rev.push(history[history.length - 1 - j]);
    if (j < nP) rev.push(pseudo[j]);
  }
  return Int32Array.from(rev.reverse());
}

/** Options of the batch builders. */
export interface I2VAEBatchOptions {
  /** History length (official 20). */
  maxLen: number;
  /** Augmented length (official 40). */
  augLen: number;
  /** Rows per batch. */
  batchSize: number;
}

/**
 * The batch of `rows[idx]`. `pseudo[k]` are row `k`'s pseudo items (`null`: no pseudo-sequence, the
 * augmented sequence is the real history alone — the `no-psg` ablation).
 */
export function rowsBatch(rows: readonly CrossDomainRow[], idx: ArrayLike<number>, pseudo: readonly PseudoItems[] | null, o: Pick<I2VAEBatchOptions, 'maxLen' | 'augLen'>): I2VAEBatch {
  const B = idx.length;
  const L = o.maxLen;
  const A = o.augLen;
  const b: I2VAEBatch = {
    batchSize: B,
    maxLen: L,
    augLen: A,
    domain: new Int32Array(B),
    target: new Int32Array(B * L),
    other: new Int32Array(B * L),
    aug: new Int32Array(B * A),
    histLen: new Int32Array(B),
  };
  for (let j = 0; j < B; j++) {
    const k = idx[j];
    const r = rows[k];
    if (!r) throw new RangeError(`i2VAE batch: row index ${k} is outside 0..${rows.length - 1}`);
    const h = crossDomainHistory(r);
    b.domain[j] = r.domain;
    b.histLen[j] = h.length;
    leftPad(h, L, b.target, j * L);
    leftPad(crossDomainOther(r), L, b.other, j * L);
    const ps = pseudo ? pseudo[k]?.[r.domain] : undefined;
    if (pseudo && !ps) throw new RangeError(`i2VAE batch: no pseudo items for row ${k}`);
    leftPad(ps ? augmentedSequence(h, ps, A) : h, A, b.aug, j * A);
  }
  return b;
}

/** One negative from `pool` that is not in `own` (rejection; a pool the sequence covers is an error). */
function sampleFromPool(pool: Int32Array, own: Int32Array, rng: Rng, row: number): number {
  for (let t = 0; t < 1000; t++) {
    const c = pool[rng.int(pool.length)];
    if (!own.includes(c)) return c;
  }
  const left = Array.from(pool).filter((c) => !own.includes(c));
  if (left.length === 0) throw new RangeError(`i2VAE batch: row ${row}'s target-domain sequence covers its whole negative pool`);
  return left[rng.int(left.length)];
}

/**
 * One training epoch: rows shuffled by `rng`, batches of `batchSize`, the target as positive and one
 * negative per row drawn from `pools[domain]` (the items of the target domain's column) minus the row's
 * target-domain sequence.
 */
export function* i2vaeTrainBatches(
  rows: readonly CrossDomainRow[],
  pseudo: readonly PseudoItems[] | null,
  o: I2VAEBatchOptions & { rng: Rng; pools: readonly [Int32Array, Int32Array] },
): Generator<I2VAEBatch> {
  const order = o.rng.permutation(rows.length);
  for (let s = 0; s < order.length; s += o.batchSize) {
    const idx = order.subarray(s, Math.min(order.length, s + o.batchSize));
    const b = rowsBatch(rows, idx, pseudo, o);
    b.pos = Int32Array.from(idx, (k) => crossDomainTarget(rows[k]));
    b.neg = Int32Array.from(idx, (k) => sampleFromPool(o.pools[rows[k].domain], rows[k].seqs[rows[k].domain], o.rng, k));
    yield b;
  }
}

/** Evaluation batches in row order, with the index of their first row. */
export function* i2vaeEvalBatches(rows: readonly CrossDomainRow[], pseudo: readonly PseudoItems[] | null, o: I2VAEBatchOptions): Generator<{ batch: I2VAEBatch; start: number }> {
  for (let s = 0; s < rows.length; s += o.batchSize) {
    const idx = Int32Array.from({ length: Math.min(o.batchSize, rows.length - s) }, (_, j) => s + j);
    yield { batch: rowsBatch(rows, idx, pseudo, o), start: s };
  }
}
