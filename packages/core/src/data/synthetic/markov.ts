/**
 * Plain sequential data with strong first-order Markov structure: every item has one successor (a random
 * cyclic permutation of the items), and each next item is that successor with probability `follow`, else
 * uniform. Since the successor map is a permutation and starts are uniform, every item is equally popular:
 * a popularity ranker scores near chance (HR@10 ≈ 10/numItems) while a sequence model that learns
 * "next = successor(last)" reaches HR@1 ≈ `follow`. The bench's default experiment.
 * @module
 */
import { Rng } from '../../tensor/rng.js';
import { checkInts, checkProbs, drawSequence, withDefaults } from './sequenceGenerator.js';

/** Options of {@link markovSequences}. */
export interface MarkovOptions {
  /** Users (default 1000). */
  numUsers?: number;
  /** Items (default 200). */
  numItems?: number;
  /** Shortest sequence (default 10). */
  minLength?: number;
  /** Longest sequence (default 30). */
  maxLength?: number;
  /** Probability that the next item is the successor of the previous one (default 0.9). */
  follow?: number;
  /** Seed. */
  seed: number;
}

/** Output of {@link markovSequences}. */
export interface MarkovData {
  /** Per-user sequences (dense items `1..numItems`). */
  sequences: Int32Array[];
  /** Number of items. */
  numItems: number;
  /** `successor[i]`: the planted next item of item `i` (index 0 unused). */
  successor: Int32Array;
  /** The `follow` probability used. */
  follow: number;
}

/** Option defaults (as documented on the options). */
const DEFAULTS = { numUsers: 1000, numItems: 200, minLength: 10, maxLength: 30, follow: 0.9 };

/** Generates Markov sequences (see module doc); deterministic under `seed`. */
export function markovSequences(opts: MarkovOptions): MarkovData {
  const o = withDefaults(opts, DEFAULTS);
  checkInts(o, { numUsers: 1, numItems: 2, minLength: 1, maxLength: o.minLength });
  checkProbs(o, ['follow']);
  const { numItems, follow } = o;
  const rng = new Rng(opts.seed);
  const cycle = rng.permutation(numItems);
  const successor = new Int32Array(numItems + 1);
  for (let k = 0; k < numItems; k++) successor[cycle[k] + 1] = cycle[(k + 1) % numItems] + 1;
  // A uniform first item, then the successor of the previous item with probability `follow`.
  const sequences = Array.from({ length: o.numUsers }, () =>
    drawSequence(rng, o, (t, s) => (t > 0 && rng.float() < follow ? successor[s[t - 1]] : 1 + rng.int(numItems))),
  );
  return { sequences, numItems, successor, follow };
}
