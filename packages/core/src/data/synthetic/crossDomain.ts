/**
 * Two domains sharing user taste, with cold-start users (i2VAE's claim). Topics are shared: each domain's
 * items are split over the same `numTopics` topics, and each user likes a few topics in both domains. Rows
 * have the shape of the real cross-domain CSV ({@link CrossDomainRow}): one per (user, target domain), the
 * target the last item of the target-domain sequence. Test rows come from held-out users; a share of them
 * is cold-start (target-domain history emptied), half of those keeping the other domain (overlapping, where
 * the shared taste is recoverable) and half with no history at all, as in the real test file.
 * @module
 */
import { Rng } from '../../tensor/rng.js';
import type { CrossDomainRow } from '../loaders/crossDomainCsv.js';
import { clusterItems, distinct, pick } from './common.js';
import { checkInts, checkProbs, drawSequence, withDefaults } from './sequenceGenerator.js';

/** Options of {@link crossDomainData}. */
export interface CrossDomainSyntheticOptions {
  /** Training users (default 1000). */
  numTrainUsers?: number;
  /** Test users (default 300). */
  numTestUsers?: number;
  /** Items per domain (default 200; domain 0 is `1..n`, domain 1 is `n+1..2n`). */
  itemsPerDomain?: number;
  /** Shared topics (default 10). */
  numTopics?: number;
  /** Topics per user (default 2). */
  tastes?: number;
  /** Shortest sequence per domain, target included (default 3). */
  minLength?: number;
  /** Longest sequence per domain (default 12). */
  maxLength?: number;
  /** Probability that an event is a uniform item of the domain instead of the user's taste (default 0.1). */
  noise?: number;
  /** Share of test rows made cold-start (default 0.4). */
  coldStart?: number;
  /** Seed. */
  seed: number;
}

/** Output of {@link crossDomainData}. */
export interface CrossDomainSynthetic {
  /** Training rows: every training user has one row per domain, both domains non-empty. */
  train: CrossDomainRow[];
  /** Test rows (one per test user, target domain alternating), some cold-start. */
  test: CrossDomainRow[];
  /** Number of items (both domains). */
  numItems: number;
  /** Domain of each item (index 0 = -1). */
  itemDomain: Int32Array;
  /** Topic of each item (index 0 = -1). */
  itemTopic: Int32Array;
  /** Topics liked by each user (raw user id = index). */
  userTastes: Int32Array[];
}

/** Option defaults (as documented on the options). */
const DEFAULTS = { numTrainUsers: 1000, numTestUsers: 300, itemsPerDomain: 200, numTopics: 10, tastes: 2, minLength: 3, maxLength: 12, noise: 0.1, coldStart: 0.4 };

/** Generates the two-domain data (see module doc); deterministic under `seed`. */
export function crossDomainData(opts: CrossDomainSyntheticOptions): CrossDomainSynthetic {
  const o = withDefaults(opts, DEFAULTS);
  checkInts(o, { numTrainUsers: 1, numTestUsers: 0, numTopics: 1 });
  if (o.itemsPerDomain < o.numTopics) throw new RangeError('crossDomainData: itemsPerDomain must be >= numTopics');
  checkInts(o, { tastes: 1, minLength: 2, maxLength: o.minLength });
  checkProbs(o, ['noise', 'coldStart']);
  const { numTrainUsers: nTrain, numTestUsers: nTest, itemsPerDomain: per, numTopics: K } = o;
  const rng = new Rng(opts.seed);
  const numItems = 2 * per;
  const itemDomain = new Int32Array(numItems + 1).fill(-1);
  const itemTopic = new Int32Array(numItems + 1).fill(-1);
  // Each domain's items `d·per + 1 .. d·per + per` spread over the same K topics.
  const topicItems: Int32Array[][] = [0, 1].map((d) => {
    const { itemCluster, members } = clusterItems(rng, per, K);
    for (let i = 1; i <= per; i++) {
      itemDomain[d * per + i] = d;
      itemTopic[d * per + i] = itemCluster[i];
    }
    return members.map((m) => m.map((i) => d * per + i));
  });
  const userTastes: Int32Array[] = [];
  const sequenceFor = (taste: Int32Array, d: number): Int32Array =>
    drawSequence(rng, o, () => (rng.float() < o.noise ? d * per + 1 + rng.int(per) : pick(rng, topicItems[d][pick(rng, taste)])));
  // The next user: their tastes, then one sequence per domain.
  const drawUser = (): [Int32Array, Int32Array] => {
    const taste = distinct(rng, K, o.tastes);
    userTastes.push(taste);
    return [sequenceFor(taste, 0), sequenceFor(taste, 1)];
  };
  const train: CrossDomainRow[] = [];
  let line = 2;
  for (let u = 0; u < nTrain; u++) {
    const seqs = drawUser();
    for (const d of [0, 1] as const) train.push({ user: u, seqs: [seqs[0], seqs[1]], domain: d, line: line++ });
  }
  const test: CrossDomainRow[] = [];
  const coldKinds = rng.permutation(nTest);
  const nCold = Math.round(nTest * o.coldStart);
  line = 2;
  for (let k = 0; k < nTest; k++) {
    const u = nTrain + k;
    const seqs = drawUser();
    const d = (k % 2) as 0 | 1;
    const rank = coldKinds[k];
    if (rank < nCold) {
      seqs[d] = seqs[d].slice(seqs[d].length - 1);
      if (rank % 2 === 1) seqs[1 - d] = new Int32Array(0);
    }
    test.push({ user: u, seqs, domain: d, line: line++ });
  }
  return { train, test, numItems, itemDomain, itemTopic, userTastes };
}
