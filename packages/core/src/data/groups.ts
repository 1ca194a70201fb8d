/**
 * User groups for per-group evaluation (cold-start, long-tailed), each returned with its rule as a string so
 * that reports state exactly who is in it.
 * @module
 */
import { Rng } from '../tensor/rng.js';
import { crossDomainOther, type CrossDomainRow } from './loaders/crossDomainCsv.js';

/** A named set of members (user ids, case indices or row indices, as the producing function says). */
export interface UserGroup {
  /** Short name, e.g. `cold-start:0`. */
  name: string;
  /** The membership rule in words, with its numbers. */
  rule: string;
  /** Member indices, ascending. */
  members: Int32Array;
}

/** Members `k` whose `lengths[k]` is at most `maxLength` (e.g. cold-start: history length ≤ 0 or ≤ 5). */
export function lengthAtMostGroup(lengths: ArrayLike<number>, maxLength: number, name: string, what = 'history length'): UserGroup {
  const m: number[] = [];
  for (let k = 0; k < lengths.length; k++) if (lengths[k] <= maxLength) m.push(k);
  return { name, rule: `${what} <= ${maxLength}`, members: Int32Array.from(m) };
}

/**
 * The i2VAE long-tail threshold (official `__return_tailed_length__`): take the lengths greater than
 * `minExclusive` (2), sort them, drop the longest `floor(count·(1−keep))` (keep = 0.8), and return the
 * integer part of the mean of the rest. On the Cloth×Sport files it is 4 for both domains.
 */
export function longTailThreshold(lengths: ArrayLike<number>, opts: { minExclusive?: number; keep?: number } = {}): number {
  const lo = opts.minExclusive ?? 2;
  const keep = opts.keep ?? 0.8;
  const xs: number[] = [];
  for (let k = 0; k < lengths.length; k++) if (lengths[k] > lo) xs.push(lengths[k]);
  if (xs.length === 0) return lo;
  xs.sort((a, b) => b - a);
  const rest = xs.slice(Math.floor(xs.length * (1 - keep) + 1e-9));
  let s = 0;
  for (const x of rest) s += x;
  return Math.trunc(s / rest.length);
}

/** Options of {@link crossDomainGroups}. */
export interface CrossDomainGroupOptions {
  /** Long-tail thresholds per domain; default: {@link longTailThreshold} of each domain's column over all rows. */
  thresholds?: [number, number];
}

/**
 * The i2VAE evaluation groups over cross-domain rows, per target domain `d` (members are row indices):
 * `all:d`; `cold-start:d` (target-domain history empty: the sequence holds only the target), split into
 * `cold-start-overlapping:d` (the other domain is non-empty) and `cold-start-no-history:d`; and
 * `long-tailed:d` (target-domain length, target included, ≤ the threshold, which includes every cold-start
 * row). On the Cloth×Sport test file: cold-start 319/297 (overlapping 150/158), long-tailed 1,595/1,090.
 */
export function crossDomainGroups(rows: readonly CrossDomainRow[], opts: CrossDomainGroupOptions = {}): UserGroup[] {
  const thresholds = opts.thresholds ?? ([0, 1] as const).map((d) => longTailThreshold(rows.map((r) => r.seqs[d].length))) as [number, number];
  const groups: UserGroup[] = [];
  for (const d of [0, 1] as const) {
    const all: number[] = [];
    const cold: number[] = [];
    const coldOverlap: number[] = [];
    const coldNone: number[] = [];
    const tail: number[] = [];
    rows.forEach((r, k) => {
      if (r.domain !== d) return;
      all.push(k);
      const len = r.seqs[d].length;
      if (len === 1) {
        cold.push(k);
        (crossDomainOther(r).length > 0 ? coldOverlap : coldNone).push(k);
      }
      if (len <= thresholds[d]) tail.push(k);
    });
    const th = thresholds[d];
    groups.push(
      { name: `all:${d}`, rule: `rows with target domain ${d}`, members: Int32Array.from(all) },
      { name: `cold-start:${d}`, rule: `target domain ${d}, empty target-domain history (sequence = target only)`, members: Int32Array.from(cold) },
      { name: `cold-start-overlapping:${d}`, rule: `cold-start:${d} rows whose other-domain sequence is non-empty`, members: Int32Array.from(coldOverlap) },
      { name: `cold-start-no-history:${d}`, rule: `cold-start:${d} rows whose other-domain sequence is empty`, members: Int32Array.from(coldNone) },
      {
        name: `long-tailed:${d}`,
        rule: `target domain ${d}, target-domain length (target included) <= ${th} = int(mean of the shortest 80% of domain-${d} lengths > 2 over all rows)`,
        members: Int32Array.from(tail),
      },
    );
  }
  return groups;
}

/** Result of {@link crossDomainValidationSplit}. */
export interface CrossDomainValidationSplit {
  /** Training rows (users not held out). */
  train: CrossDomainRow[];
  /** Validation rows, some cut to cold-start (new row objects; the input is not modified). */
  valid: CrossDomainRow[];
  /** Raw ids of the held-out users, ascending. */
  validUsers: number[];
  /** Indices into `valid` of the rows cut to cold-start. */
  madeColdStart: number[];
  /** The rule, for the record. */
  rule: string;
}

/**
 * Validation for i2VAE (ours; the official code selects on test): hold out `validFraction` (0.1) of the
 * distinct users with all their rows, then, like the test file was made, cut the target-domain history of
 * `coldStartFraction` (0.2) of the overlapping validation rows (both domains non-empty, target-domain
 * history non-empty) to the target alone. Deterministic under `seed`.
 */
export function crossDomainValidationSplit(
  rows: readonly CrossDomainRow[],
  opts: { seed: number; validFraction?: number; coldStartFraction?: number },
): CrossDomainValidationSplit {
  const vf = opts.validFraction ?? 0.1;
  const cf = opts.coldStartFraction ?? 0.2;
  const rng = new Rng(opts.seed);
  const users = [...new Set(rows.map((r) => r.user))].sort((a, b) => a - b);
  const perm = rng.permutation(users.length);
  const nValid = Math.round(users.length * vf);
  const held = new Set<number>();
  for (let k = 0; k < nValid; k++) held.add(users[perm[k]]);
  const train: CrossDomainRow[] = [];
  const valid: CrossDomainRow[] = [];
  for (const r of rows) {
    if (held.has(r.user)) valid.push({ ...r, seqs: [r.seqs[0], r.seqs[1]] });
    else train.push(r);
  }
  const candidates: number[] = [];
  valid.forEach((r, k) => {
    if (r.seqs[r.domain].length >= 2 && crossDomainOther(r).length > 0) candidates.push(k);
  });
  const pick = rng.permutation(candidates.length);
  const nCold = Math.round(candidates.length * cf);
  const madeColdStart = Array.from(pick.subarray(0, nCold), (p) => candidates[p]).sort((a, b) => a - b);
  for (const k of madeColdStart) {
    const r = valid[k];
    const s = r.seqs[r.domain];
    r.seqs[r.domain] = s.slice(s.length - 1);
  }
  return {
    train,
    valid,
    validUsers: [...held].sort((a, b) => a - b),
    madeColdStart,
    rule: `seed ${opts.seed}: ${nValid} of ${users.length} users (round(${vf}·users)) held out with all their rows; target-domain history cut to the target in ${nCold} of ${candidates.length} overlapping validation rows (round(${cf}·rows))`,
  };
}
