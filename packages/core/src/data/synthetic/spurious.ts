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
import { clusterItems, distinct, pick, singleAttribute } from './common.js';
import { checkInts, checkProbs, drawSequence, withDefaults } from './sequenceGenerator.js';

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

/** Option defaults (as documented on the options). */
const DEFAULTS = { numUsers: 1000, numItems: 400, numClusters: 20, interests: 2, minLength: 10, maxLength: 30, stay: 0.8, trainBias: 0.8, testBias: 0 };

/** Generates the spurious-property data (see module doc); deterministic under `seed`. */
export function spuriousPropertyData(opts: SpuriousOptions): SpuriousData {
  const o = withDefaults(opts, DEFAULTS);
  checkInts(o, { numUsers: 1, numClusters: 1 });
  if (o.numItems < 2 * o.numClusters) throw new RangeError('spuriousPropertyData: need at least 2 items per cluster');
  checkInts(o, { interests: 1, minLength: 1, maxLength: o.minLength });
  checkProbs(o, ['stay', 'trainBias', 'testBias']);
  const { numItems, numClusters, trainBias, testBias } = o;
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
  const draw = (cluster: number, bias: number): number => pick(rng, rng.float() < bias ? withProp[cluster] : members[cluster]);
  const train: Int32Array[] = [];
  const valid: EvalCase[] = [];
  const testBiased: EvalCase[] = [];
  const test: EvalCase[] = [];
  for (let u = 0; u < o.numUsers; u++) {
    const mine = distinct(rng, numClusters, o.interests);
    let cur = pick(rng, mine);
    const step = () => {
      if (mine.length > 1 && rng.float() >= o.stay) cur = pick(rng, mine);
      return cur;
    };
    const s = drawSequence(rng, o, () => draw(step(), trainBias));
    const n = s.length;
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
