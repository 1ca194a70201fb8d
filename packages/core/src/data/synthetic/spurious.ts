/**
 * A spurious item property (Irl4Rec's claim): items sit in preference clusters, and half of each cluster
 * carries a binary property unrelated to preference. In training conditions a click is property-driven
 * with probability `trainBias` (0.8): it is drawn from the current interest's items *with* the property;
 * otherwise from all of the interest's items. So in training P(property | click) = 0.5 + 0.5·trainBias
 * (0.9), against the base rate 0.5. At test the bias is `testBias` (0): the property no longer predicts
 * clicks. Models that lean on the property lose accuracy from train-like to test conditions.
 * @module
 */
import { Rng } from '../../tensor/rng.js';
import { IdMap } from '../idmap.js';
import type { ItemAttributes } from '../schema.js';
import type { EvalCase } from '../splits.js';
import { checkInt, checkProb, clusterItems, distinct, intBetween, singleAttribute } from './common.js';

/** Options of {@link spuriousPropertyData}. */
export interface SpuriousOptions {
  /** Users (default 1000). */
  numUsers?: number;
  /** Items (default 400). */
  numItems?: number;
  /** Preference clusters (default 20). */
  numClusters?: number;
  /** Interests per user (default 2). */
  interests?: number;
  /** Shortest training sequence (default 10). */
  minLength?: number;
  /** Longest training sequence (default 30). */
  maxLength?: number;
  /** Probability of staying with the current interest (default 0.8). */
  stay?: number;
  /** Share of property-driven clicks in training conditions (default 0.8). */
  trainBias?: number;
  /** Share of property-driven clicks at test (default 0). */
  testBias?: number;
  /** Seed. */
  seed: number;
}

/** Output of {@link spuriousPropertyData}. */
export interface SpuriousData {
  /** Number of items. */
  numItems: number;
  /** Training sequences (training conditions). */
  train: Int32Array[];
  /** Validation: history = `train[u]`, target drawn in training conditions. */
  valid: EvalCase[];
  /** Train-like test: history = train + validation item, target drawn with `trainBias`. */
  testBiased: EvalCase[];
  /** Test: same histories, target drawn with `testBias`. */
  test: EvalCase[];
  /** 1 when the item carries the property (index 0 unused). */
  itemProperty: Uint8Array;
  /** Preference cluster of each item (index 0 = -1). */
  itemCluster: Int32Array;
  /** The property as an item attribute: 1 = has it, 2 = has not. */
  propertyAttributes: ItemAttributes;
  /** The cluster as an item attribute (ids `1..numClusters`). */
  clusterAttributes: ItemAttributes;
  /** The biases used. */
  trainBias: number;
  /** The biases used. */
  testBias: number;
}

/** Generates the spurious-property data (see module doc); deterministic under `seed`. */
export function spuriousPropertyData(opts: SpuriousOptions): SpuriousData {
  const numUsers = opts.numUsers ?? 1000;
  const numItems = opts.numItems ?? 400;
  const numClusters = opts.numClusters ?? 20;
  const interests = opts.interests ?? 2;
  const minLength = opts.minLength ?? 10;
  const maxLength = opts.maxLength ?? 30;
  const stay = opts.stay ?? 0.8;
  const trainBias = opts.trainBias ?? 0.8;
  const testBias = opts.testBias ?? 0;
  checkInt('numUsers', numUsers, 1);
  checkInt('numClusters', numClusters, 1);
  if (numItems < 2 * numClusters) throw new RangeError('spuriousPropertyData: need at least 2 items per cluster');
  checkInt('interests', interests, 1);
  checkInt('minLength', minLength, 1);
  checkInt('maxLength', maxLength, minLength);
  checkProb('stay', stay);
  checkProb('trainBias', trainBias);
  checkProb('testBias', testBias);
  const rng = new Rng(opts.seed);
  const { itemCluster, members } = clusterItems(rng, numItems, numClusters);
  const itemProperty = new Uint8Array(numItems + 1);
  const withProp: Int32Array[] = members.map((m) => {
    const perm = rng.permutation(m.length);
    const half = Math.floor(m.length / 2);
    const chosen: number[] = [];
    for (let k = 0; k < half; k++) {
      itemProperty[m[perm[k]]] = 1;
      chosen.push(m[perm[k]]);
    }
    return Int32Array.from(chosen);
  });
  const draw = (cluster: number, bias: number): number => {
    const pool = rng.float() < bias ? withProp[cluster] : members[cluster];
    return pool[rng.int(pool.length)];
  };
  const train: Int32Array[] = [];
  const valid: EvalCase[] = [];
  const testBiased: EvalCase[] = [];
  const test: EvalCase[] = [];
  for (let u = 0; u < numUsers; u++) {
    const mine = distinct(rng, numClusters, interests);
    let cur = mine[rng.int(mine.length)];
    const step = () => {
      if (mine.length > 1 && rng.float() >= stay) cur = mine[rng.int(mine.length)];
      return cur;
    };
    const n = intBetween(rng, minLength, maxLength);
    const s = new Int32Array(n);
    for (let t = 0; t < n; t++) s[t] = draw(step(), trainBias);
    train.push(s);
    const v = draw(step(), trainBias);
    valid.push({ user: u, history: s, target: v });
    const hist = new Int32Array(n + 1);
    hist.set(s);
    hist[n] = v;
    const c = step();
    testBiased.push({ user: u, history: hist, target: draw(c, trainBias) });
    test.push({ user: u, history: hist, target: draw(c, testBias) });
  }
  const propValues = new Int32Array(numItems + 1);
  for (let i = 1; i <= numItems; i++) propValues[i] = itemProperty[i] ? 0 : 1;
  return {
    numItems,
    train,
    valid,
    testBiased,
    test,
    itemProperty,
    itemCluster,
    propertyAttributes: { ...singleAttribute(propValues, 2, numItems), vocab: IdMap.fromRaw(['property', 'no-property'], 1) },
    clusterAttributes: singleAttribute(itemCluster, numClusters, numItems),
    trainBias,
    testBias,
  };
}
