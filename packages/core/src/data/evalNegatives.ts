/**
 * Evaluation negatives drawn once from a seed and stored with the results (never re-drawn per epoch), in a
 * small binary file written atomically (temp file, then rename). The same inputs and seed give the same
 * bytes.
 *
 * File layout: 8-byte magic `RSEVNEG1`, uint32 LE header length, UTF-8 JSON header
 * `{version, numCases, n, numItems, seed, sampler, note}`, then int32 LE `users[numCases]`,
 * `targets[numCases]`, `negatives[numCases × n]`.
 * @module
 */
import fs from 'node:fs';
import { Rng } from '../tensor/rng.js';
import { writeFileAtomic } from '../train/atomic.js';
import { DataFileNotFoundError, DataFormatError } from './errors.js';
import { PopularitySampler, type ItemSet, type NegativeSampler } from './samplers.js';
import type { EvalCase } from './splits.js';

/** Options of {@link drawEvalNegatives}. */
export interface EvalNegativesOptions {
  /**
   * Items each user has seen, by user id (e.g. the user's whole sequence, validation and test included):
   * any iterable of item ids (`Int32Array`, `Set<number>`, {@link SortedItemSet}). Always excluded, together
   * with the case's history and target.
   */
  seen?: readonly (Iterable<number> | undefined)[];
  /** Popularity counts `counts[i]` (index 0 ignored): draw ∝ count instead of uniformly. */
  popularity?: ArrayLike<number>;
  /** Restrict candidates to these items (e.g. i2VAE: items of the target domain's column). */
  candidates?: ArrayLike<number>;
}

/**
 * For each case, `n` distinct negatives from `1..numItems` that are neither the target, nor in the history,
 * nor in `seen[case.user]`; uniform unless `popularity` or `candidates` is given. Deterministic under `seed`
 * (cases are processed in order). Throws a `RangeError` when a case has fewer than `n` eligible items.
 */
export function drawEvalNegatives(
  cases: readonly EvalCase[],
  numItems: number,
  n: number,
  seed: number,
  opts: EvalNegativesOptions = {},
): Int32Array[] {
  const rng = new Rng(seed);
  let sampler: NegativeSampler | null = null;
  if (opts.candidates) {
    const counts = new Float64Array(numItems + 1);
    for (let k = 0; k < opts.candidates.length; k++) {
      const i = opts.candidates[k];
      if (!(i >= 1 && i <= numItems)) throw new RangeError(`drawEvalNegatives: candidate ${i} outside 1..${numItems}`);
      counts[i] = opts.popularity ? opts.popularity[i] : 1;
    }
    sampler = new PopularitySampler(counts, rng);
  } else if (opts.popularity) {
    sampler = new PopularitySampler(opts.popularity, rng);
  }
  // stamp[i] === cur marks item i as excluded for the current case: O(1) checks, no allocation per case.
  const stamp = new Uint32Array(numItems + 1);
  let cur = 0;
  let marked = 0;
  const mark = (i: number) => {
    if (i >= 1 && i <= numItems && stamp[i] !== cur) {
      stamp[i] = cur;
      marked++;
    }
  };
  const excluded: ItemSet = {
    has: (i) => !(i >= 1 && i <= numItems) || stamp[i] === cur,
    get size() {
      return marked;
    },
  };
  return cases.map((c) => {
    cur++;
    marked = 0;
    for (let k = 0; k < c.history.length; k++) mark(c.history[k]);
    mark(c.target);
    const seen = opts.seen?.[c.user];
    if (seen) for (const i of seen) mark(i);
    if (!sampler && numItems - marked < n) throw new RangeError(`drawEvalNegatives: user ${c.user} has ${numItems - marked} eligible negatives, fewer than ${n}`);
    const out = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      let v: number;
      if (sampler) {
        try {
          v = sampler.sample(excluded);
        } catch (err) {
          throw new RangeError(`drawEvalNegatives: user ${c.user} has fewer than ${n} eligible negatives`, { cause: err });
        }
      } else {
        do v = 1 + rng.int(numItems);
        while (stamp[v] === cur);
      }
      out[k] = v;
      mark(v);
    }
    return out;
  });
}

/** Everything stored in an evaluation-negatives file. */
export interface StoredEvalNegatives {
  /** User of each case. */
  users: Int32Array;
  /** Target of each case. */
  targets: Int32Array;
  /** Negatives per case. */
  negatives: Int32Array[];
  /** Negatives per case (all cases have the same count). */
  n: number;
  /** Number of items when drawn. */
  numItems: number;
  /** Seed used. */
  seed: number;
  /** Sampler description, e.g. `uniform`. */
  sampler: string;
  /** Free text: the protocol, dataset and split. */
  note: string;
}

const MAGIC = 'RSEVNEG1';

/**
 * Stores the negatives drawn for `cases` (their users and targets are stored too, so a later load can check
 * it is used with the same cases).
 */
export async function saveEvalNegatives(
  file: string,
  cases: readonly Pick<EvalCase, 'user' | 'target'>[],
  negatives: readonly Int32Array[],
  info: { numItems: number; seed: number; sampler?: string; note?: string },
): Promise<void> {
  if (negatives.length !== cases.length) throw new RangeError(`saveEvalNegatives: ${negatives.length} negative lists for ${cases.length} cases`);
  const n = negatives.length > 0 ? negatives[0].length : 0;
  for (const neg of negatives) if (neg.length !== n) throw new RangeError('saveEvalNegatives: every case must have the same number of negatives');
  const header = Buffer.from(
    JSON.stringify({ version: 1, numCases: cases.length, n, numItems: info.numItems, seed: info.seed, sampler: info.sampler ?? 'uniform', note: info.note ?? '' }),
    'utf8',
  );
  const c = cases.length;
  const buf = Buffer.alloc(8 + 4 + header.length + 4 * (2 * c + c * n));
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(header.length, 8);
  header.copy(buf, 12);
  let p = 12 + header.length;
  for (const x of cases) p = buf.writeInt32LE(x.user, p);
  for (const x of cases) p = buf.writeInt32LE(x.target, p);
  for (const neg of negatives) for (let k = 0; k < n; k++) p = buf.writeInt32LE(neg[k], p);
  await writeFileAtomic(file, buf);
}

/**
 * Reads a file written by {@link saveEvalNegatives}. With `cases`, checks that they are the stored cases
 * (same count, users and targets), raising a {@link DataFormatError} otherwise.
 */
export async function loadEvalNegatives(file: string, cases?: readonly Pick<EvalCase, 'user' | 'target'>[]): Promise<StoredEvalNegatives> {
  let buf: Buffer;
  try {
    buf = await fs.promises.readFile(file);
  } catch (err) {
    throw new DataFileNotFoundError(file, err);
  }
  const bad = (field: string, expected: string, got: string): never => {
    throw new DataFormatError({ file, line: 0, field, expected, got });
  };
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) bad('magic', `a recsuite evaluation-negatives file (starting with ${MAGIC})`, buf.toString('latin1', 0, Math.min(8, buf.length)));
  const h = buf.readUInt32LE(8);
  if (12 + h > buf.length) bad('header', `${h} header bytes`, `${buf.length - 12} bytes`);
  let header: { version: number; numCases: number; n: number; numItems: number; seed: number; sampler: string; note: string };
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + h));
  } catch (err) {
    return bad('header', 'a JSON header', String(err));
  }
  const { numCases: c, n } = header;
  if (header.version !== 1 || !Number.isInteger(c) || !Number.isInteger(n) || c < 0 || n < 0) bad('header', 'version 1 with integer numCases and n', JSON.stringify(header));
  const expectedBytes = 12 + h + 4 * (2 * c + c * n);
  if (buf.length !== expectedBytes) bad('negatives', `${expectedBytes} bytes for ${c} cases × ${n} negatives`, `${buf.length} bytes (truncated or padded file)`);
  let p = 12 + h;
  const users = new Int32Array(c);
  const targets = new Int32Array(c);
  for (let k = 0; k < c; k++, p += 4) users[k] = buf.readInt32LE(p);
  for (let k = 0; k < c; k++, p += 4) targets[k] = buf.readInt32LE(p);
  const negatives: Int32Array[] = [];
  for (let k = 0; k < c; k++) {
    const neg = new Int32Array(n);
    for (let j = 0; j < n; j++, p += 4) {
      neg[j] = buf.readInt32LE(p);
      if (neg[j] < 1 || neg[j] > header.numItems) bad('negatives', `item ids in 1..${header.numItems}`, `${neg[j]} for case ${k}`);
    }
    negatives.push(neg);
  }
  if (cases) {
    if (cases.length !== c) bad('cases', `${c} cases as stored`, `${cases.length} cases`);
    for (let k = 0; k < c; k++) {
      if (cases[k].user !== users[k] || cases[k].target !== targets[k]) {
        bad('cases', `case ${k} to be user ${users[k]} with target ${targets[k]} as stored`, `user ${cases[k].user}, target ${cases[k].target}`);
      }
    }
  }
  return { users, targets, negatives, n, numItems: header.numItems, seed: header.seed, sampler: header.sampler, note: header.note };
}
