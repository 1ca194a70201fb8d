/**
 * Multi-interest users (IaCN's claim): items fall into clusters; each user holds several interests
 * (clusters) and each event comes from one of them, staying with the current interest with probability
 * `stay` and otherwise switching to another of the user's interests. A single user vector averages the
 * interests; capsule-style multi-interest models can separate them.
 * @module
 */
import { Rng } from '../../tensor/rng.js';
import type { ItemAttributes } from '../schema.js';
import { clusterItems, distinct, intBetween, pick, singleAttribute } from './common.js';
import { checkInts, checkProbs, drawSequence, withDefaults } from './sequenceGenerator.js';

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

/** Option defaults (as documented on the options). */
const DEFAULTS = { numUsers: 1000, numItems: 400, numClusters: 20, minInterests: 2, maxInterests: 4, minLength: 20, maxLength: 50, stay: 0.7, noise: 0.05 };

/** Generates multi-interest sequences (see module doc); deterministic under `seed`. */
export function multiInterestSequences(opts: MultiInterestOptions): MultiInterestData {
  const o = withDefaults(opts, DEFAULTS);
  checkInts(o, { numUsers: 1, numClusters: 1, minInterests: 1, maxInterests: o.minInterests });
  if (o.maxInterests > o.numClusters) throw new RangeError('maxInterests must be <= numClusters');
  checkInts(o, { minLength: 1, maxLength: o.minLength });
  checkProbs(o, ['stay', 'noise']);
  const { numItems, numClusters } = o;
  const rng = new Rng(opts.seed);
  const { itemCluster, members } = clusterItems(rng, numItems, numClusters);
  const sequences: Int32Array[] = [];
  const userInterests: Int32Array[] = [];
  for (let u = 0; u < o.numUsers; u++) {
    const interests = distinct(rng, numClusters, intBetween(rng, o.minInterests, o.maxInterests));
    userInterests.push(interests);
    let cur = -1;
    const s = drawSequence(rng, o, (t) => {
      if (t === 0) cur = pick(rng, interests); // the starting interest, drawn after the length
      else if (interests.length > 1 && rng.float() >= o.stay) {
        let next = cur;
        while (next === cur) next = pick(rng, interests);
        cur = next;
      }
      return rng.float() < o.noise ? 1 + rng.int(numItems) : pick(rng, members[cur]);
    });
    sequences.push(s);
  }
  return { sequences, numItems, itemCluster, userInterests, itemAttributes: singleAttribute(itemCluster, numClusters, numItems) };
}
