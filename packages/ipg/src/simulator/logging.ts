/**
 * Log collection: the simulator is run under a mixed oracle/random recommender and the clicks are kept as
 * each user's interaction sequence (the training data of the backbone).
 * @module
 */
import { Rng } from '@recsuite/core';
import { checkInt, checkNum } from '../errors.js';
import type { UserSimulator } from './userSimulator.js';

/** Options of {@link collectLogs}. */
export interface LogOptions {
  /** Rounds (every user gets one item a round). Default 100. */
  rounds?: number;
  /** Probability that a user gets the oracle item in a round (else a uniform random item). Default 0.3. */
  oracleProb?: number;
  /** Seed of the recommender's choices and of the click draws (independent sub-streams). */
  seed: number;
}

/** What {@link collectLogs} returns. */
export interface ClickLogs {
  /** Per user, the clicked items in order (ids `1..numItems`; may be empty). */
  sequences: Int32Array[];
  /** Clicks per round (summed over users). */
  clicksPerRound: Int32Array;
  /** Total clicks / users. */
  clicksPerUser: number;
  /** Users without a single click. */
  usersWithoutClicks: number;
}

/**
 * Runs `rounds` steps of `sim` (mutating it: afterwards it holds the end-of-logging state). Each round,
 * each user gets, with probability `oracleProb`, the item with the highest true score
 * `⟨user, item⟩ − bias` among the items not yet recommended to them, else a uniform random item
 * (repeats allowed). Every recommendation is marked as recommended; the clicks are kept.
 *
 * Choices and clicks are drawn from two sub-streams of `new Rng(seed)`, user by user.
 */
export function collectLogs(sim: UserSimulator, opts: LogOptions): ClickLogs {
  const o = { rounds: 100, oracleProb: 0.3, ...opts };
  checkInt('collectLogs', o, 'rounds', 0);
  checkNum('collectLogs', o, 'oracleProb', 0, 1);
  checkInt('collectLogs', o, 'seed', Number.MIN_SAFE_INTEGER);
  const nU = sim.numUsers;
  const N = sim.numItems;
  const root = new Rng(o.seed);
  const choiceRng = root.fork();
  const clickRng = root.fork();
  const recommended = new Uint8Array(nU * (N + 1));
  const scores = new Float64Array(N + 1);
  const seqs: number[][] = Array.from({ length: nU }, () => []);
  const clicksPerRound = new Int32Array(o.rounds);
  const recs = new Int32Array(nU);
  for (let r = 0; r < o.rounds; r++) {
    for (let u = 0; u < nU; u++) {
      let item: number;
      if (choiceRng.float() < o.oracleProb) {
        sim.trueScores(u, scores);
        const base = u * (N + 1);
        item = 0;
        let best = -Infinity;
        for (let i = 1; i <= N; i++) {
          if (!recommended[base + i] && scores[i] > best) {
            best = scores[i];
            item = i;
          }
        }
        if (item === 0) item = 1 + choiceRng.int(N); // every item already recommended: fall back to random
      } else {
        item = 1 + choiceRng.int(N);
      }
      recs[u] = item;
      recommended[u * (N + 1) + item] = 1;
    }
    const clicks = sim.step(recs, clickRng);
    let n = 0;
    for (let u = 0; u < nU; u++) {
      if (clicks[u]) {
        seqs[u].push(recs[u]);
        n++;
      }
    }
    clicksPerRound[r] = n;
  }
  let total = 0;
  let empty = 0;
  for (const s of seqs) {
    total += s.length;
    if (s.length === 0) empty++;
  }
  return {
    sequences: seqs.map((s) => Int32Array.from(s)),
    clicksPerRound,
    clicksPerUser: total / nU,
    usersWithoutClicks: empty,
  };
}
