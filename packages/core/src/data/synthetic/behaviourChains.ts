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
import { checkInt, checkProb, clusterItems, distinct, intBetween } from './common.js';

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

/** Generates behaviour chains (see module doc); deterministic under `seed`. */
export function behaviourChainData(opts: BehaviourChainOptions): BehaviourChainData {
  const numUsers = opts.numUsers ?? 1000;
  const numItems = opts.numItems ?? 300;
  const numClusters = opts.numClusters ?? 15;
  const interests = opts.interests ?? 2;
  const minLength = opts.minLength ?? 30;
  const maxLength = opts.maxLength ?? 60;
  const cartRate = opts.cartRate ?? 0.3;
  const buyRate = opts.buyRate ?? 0.7;
  const impulse = opts.impulseRate ?? 0.03;
  const maxDelay = opts.maxDelay ?? 4;
  checkInt('numUsers', numUsers, 1);
  checkInt('interests', interests, 1);
  checkInt('minLength', minLength, 1);
  checkInt('maxLength', maxLength, minLength);
  checkInt('maxDelay', maxDelay, 1);
  checkProb('cartRate', cartRate);
  checkProb('buyRate', buyRate);
  checkProb('impulseRate', impulse);
  const rng = new Rng(opts.seed);
  const { itemCluster, members } = clusterItems(rng, numItems, numClusters);
  const sequences: Int32Array[] = [];
  const behaviours: Uint8Array[] = [];
  for (let u = 0; u < numUsers; u++) {
    const mine = distinct(rng, numClusters, interests);
    const n = intBetween(rng, minLength, maxLength);
    const items = new Int32Array(n);
    const beh = new Uint8Array(n);
    // Pending chain steps: [due event index, item, behaviour].
    const pending: [number, number, number][] = [];
    for (let t = 0; t < n; t++) {
      const k = pending.findIndex((p) => p[0] <= t);
      if (k >= 0) {
        const [, item, b] = pending.splice(k, 1)[0];
        items[t] = item;
        beh[t] = b;
        if (b === 1 && rng.float() < buyRate) pending.push([t + intBetween(rng, 1, maxDelay), item, 2]);
        continue;
      }
      const pool = members[mine[rng.int(mine.length)]];
      const item = pool[rng.int(pool.length)];
      items[t] = item;
      if (rng.float() < impulse) {
        beh[t] = 2;
        continue;
      }
      beh[t] = 0;
      if (rng.float() < cartRate) pending.push([t + intBetween(rng, 1, maxDelay), item, 1]);
    }
    sequences.push(items);
    behaviours.push(beh);
  }
  return { sequences, behaviours, behaviourNames: CHAIN_BEHAVIOURS, target: 2, numItems, itemCluster };
}

/** The chain events as an {@link InteractionTable} (timestamp = event index within the user). */
export function chainsToTable(data: BehaviourChainData): InteractionTable {
  const b = new InteractionTableBuilder({ behaviour: true });
  data.sequences.forEach((s, u) => {
    for (let t = 0; t < s.length; t++) b.push(u, s[t], t, 0, data.behaviours[u][t]);
  });
  return b.build(data.sequences.length, data.numItems, data.behaviourNames);
}
