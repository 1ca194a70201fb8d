/**
 * Behaviour chains view → cart → buy (CASM's claim): users view items of their interests; a viewed item
 * is carted a few events later with probability `cartRate`, and a carted item bought a few events after
 * that with probability `buyRate`; a small share of buys are impulse buys without a prior cart. So the
 * item a user buys next is usually one carted (and viewed) shortly before: earlier events with their
 * behaviour carry the signal, and a model that knows the behaviour of each event can use it.
 * @module
 */
import { Rng } from '../../tensor/rng.js';
import { InteractionTableBuilder, type InteractionTable } from '../schema.js';
import { clusterItems, distinct, intBetween, pick } from './common.js';
import { checkInts, checkProbs, drawSequence, withDefaults } from './sequenceGenerator.js';

/** Behaviour names of the chain generator, by code. */
export const CHAIN_BEHAVIOURS: readonly string[] = Object.freeze(['view', 'cart', 'buy']);

/** Options of {@link behaviourChainData}. */
export interface BehaviourChainOptions {
  /** Users (default 1000). */
  numUsers?: number;
  /** Items (default 300). */
  numItems?: number;
  /** Item clusters (default 15). */
  numClusters?: number;
  /** Interests per user (default 2). */
  interests?: number;
  /** Shortest event sequence (default 30). */
  minLength?: number;
  /** Longest event sequence (default 60). */
  maxLength?: number;
  /** Probability that a view leads to a cart (default 0.3). */
  cartRate?: number;
  /** Probability that a cart leads to a buy (default 0.7). */
  buyRate?: number;
  /** Probability that a new event is an impulse buy (default 0.03). */
  impulseRate?: number;
  /** Largest delay, in events, between chain steps (default 4). */
  maxDelay?: number;
  /** Seed. */
  seed: number;
}

/** Output of {@link behaviourChainData}. */
export interface BehaviourChainData {
  /** Per-user event items, chronological. */
  sequences: Int32Array[];
  /** Behaviour codes aligned with `sequences` (see `behaviourNames`). */
  behaviours: Uint8Array[];
  /** `['view', 'cart', 'buy']`. */
  behaviourNames: readonly string[];
  /** Code of the target behaviour (`buy`, 2). */
  target: number;
  /** Number of items. */
  numItems: number;
  /** Cluster of each item (index 0 = -1). */
  itemCluster: Int32Array;
}

/** Option defaults (as documented on the options). */
const DEFAULTS = { numUsers: 1000, numItems: 300, numClusters: 15, interests: 2, minLength: 30, maxLength: 60, cartRate: 0.3, buyRate: 0.7, impulseRate: 0.03, maxDelay: 4 };

/** Generates behaviour chains (see module doc); deterministic under `seed`. */
export function behaviourChainData(opts: BehaviourChainOptions): BehaviourChainData {
  const o = withDefaults(opts, DEFAULTS);
  checkInts(o, { numUsers: 1, interests: 1, minLength: 1, maxLength: o.minLength, maxDelay: 1 });
  checkProbs(o, ['cartRate', 'buyRate', 'impulseRate']);
  const rng = new Rng(opts.seed);
  const { itemCluster, members } = clusterItems(rng, o.numItems, o.numClusters);
  const delay = () => intBetween(rng, 1, o.maxDelay);
  const sequences: Int32Array[] = [];
  const behaviours: Uint8Array[] = [];
  for (let u = 0; u < o.numUsers; u++) {
    const mine = distinct(rng, o.numClusters, o.interests);
    const beh: number[] = [];
    // Pending chain steps: [due event index, item, behaviour].
    const pending: [number, number, number][] = [];
    const items = drawSequence(rng, o, (t) => {
      const k = pending.findIndex((p) => p[0] <= t);
      if (k >= 0) {
        const [, item, b] = pending.splice(k, 1)[0];
        beh.push(b);
        if (b === 1 && rng.float() < o.buyRate) pending.push([t + delay(), item, 2]);
        return item;
      }
      const item = pick(rng, members[pick(rng, mine)]);
      if (rng.float() < o.impulseRate) beh.push(2);
      else {
        beh.push(0);
        if (rng.float() < o.cartRate) pending.push([t + delay(), item, 1]);
      }
      return item;
    });
    sequences.push(items);
    behaviours.push(Uint8Array.from(beh));
  }
  return { sequences, behaviours, behaviourNames: CHAIN_BEHAVIOURS, target: 2, numItems: o.numItems, itemCluster };
}

/** The chain events as an {@link InteractionTable} (timestamp = event index within the user). */
export function chainsToTable(data: BehaviourChainData): InteractionTable {
  const b = new InteractionTableBuilder({ behaviour: true });
  data.sequences.forEach((s, u) => {
    for (let t = 0; t < s.length; t++) b.push(u, s[t], t, 0, data.behaviours[u][t]);
  });
  return b.build(data.sequences.length, data.numItems, data.behaviourNames);
}
