/**
 * Multi-interest users (IaCN's claim): items fall into clusters; each user holds several interests
 * (clusters) and each event comes from one of them, staying with the current interest with probability
 * `stay` and otherwise switching to another of the user's interests. A single user vector averages the
 * interests; capsule-style multi-interest models can separate them.
 * @module
 */
import { Rng } from '../../tensor/rng.js';
import type { ItemAttributes } from '../schema.js';
import { checkInt, checkProb, clusterItems, distinct, intBetween, singleAttribute } from './common.js';

/** Options of {@link multiInterestSequences}. */
export interface MultiInterestOptions {
  /** Users (default 1000). */
  numUsers?: number;
  /** Items (default 400). */
  numItems?: number;
  /** Item clusters (default 20). */
  numClusters?: number;
  /** Fewest interests per user (default 2). */
  minInterests?: number;
  /** Most interests per user (default 4). */
  maxInterests?: number;
  /** Shortest sequence (default 20). */
  minLength?: number;
  /** Longest sequence (default 50). */
  maxLength?: number;
  /** Probability of staying with the current interest at each step (default 0.7). */
  stay?: number;
  /** Probability that an event ignores the interests (uniform item) (default 0.05). */
  noise?: number;
  /** Seed. */
  seed: number;
}

/** Output of {@link multiInterestSequences}. */
export interface MultiInterestData {
  /** Per-user chronological sequences. */
  sequences: Int32Array[];
  /** Number of items. */
  numItems: number;
  /** Cluster of each item (index 0 = -1). */
  itemCluster: Int32Array;
  /** Each user's interests (cluster ids). */
  userInterests: Int32Array[];
  /** The cluster as a one-valued item attribute (ids `1..numClusters`). */
  itemAttributes: ItemAttributes;
}

/** Generates multi-interest sequences (see module doc); deterministic under `seed`. */
export function multiInterestSequences(opts: MultiInterestOptions): MultiInterestData {
  const numUsers = opts.numUsers ?? 1000;
  const numItems = opts.numItems ?? 400;
  const numClusters = opts.numClusters ?? 20;
  const minI = opts.minInterests ?? 2;
  const maxI = opts.maxInterests ?? 4;
  const minLength = opts.minLength ?? 20;
  const maxLength = opts.maxLength ?? 50;
  const stay = opts.stay ?? 0.7;
  const noise = opts.noise ?? 0.05;
  checkInt('numUsers', numUsers, 1);
  checkInt('numClusters', numClusters, 1);
  checkInt('minInterests', minI, 1);
  checkInt('maxInterests', maxI, minI);
  if (maxI > numClusters) throw new RangeError('maxInterests must be <= numClusters');
  checkInt('minLength', minLength, 1);
  checkInt('maxLength', maxLength, minLength);
  checkProb('stay', stay);
  checkProb('noise', noise);
  const rng = new Rng(opts.seed);
  const { itemCluster, members } = clusterItems(rng, numItems, numClusters);
  const sequences: Int32Array[] = [];
  const userInterests: Int32Array[] = [];
  for (let u = 0; u < numUsers; u++) {
    const interests = distinct(rng, numClusters, intBetween(rng, minI, maxI));
    userInterests.push(interests);
    const n = intBetween(rng, minLength, maxLength);
    const s = new Int32Array(n);
    let cur = interests[rng.int(interests.length)];
    for (let t = 0; t < n; t++) {
      if (t > 0 && interests.length > 1 && rng.float() >= stay) {
        let next = cur;
        while (next === cur) next = interests[rng.int(interests.length)];
        cur = next;
      }
      if (rng.float() < noise) s[t] = 1 + rng.int(numItems);
      else {
        const m = members[cur];
        s[t] = m[rng.int(m.length)];
      }
    }
    sequences.push(s);
  }
  return { sequences, numItems, itemCluster, userInterests, itemAttributes: singleAttribute(itemCluster, numClusters, numItems) };
}
