import { describe, expect, it } from 'vitest';
import { userSequences } from '../filters.js';
import { leaveOneOut, leaveOneOutByBehaviour } from '../splits.js';
import { behaviourChainData, chainsToTable } from './behaviourChains.js';
import { crossDomainData } from './crossDomain.js';
import { markovSequences } from './markov.js';
import { multiInterestSequences } from './multiInterest.js';
import { spuriousPropertyData } from './spurious.js';

const json = (x: unknown) => JSON.stringify(x, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v));

describe('markovSequences', () => {
  const d = markovSequences({ numUsers: 800, numItems: 100, seed: 1 });

  it('is deterministic and plants a successor permutation followed with probability `follow`', () => {
    expect(json(markovSequences({ numUsers: 800, numItems: 100, seed: 1 }))).toBe(json(d));
    expect(json(markovSequences({ numUsers: 800, numItems: 100, seed: 2 }).sequences)).not.toBe(json(d.sequences));
    expect(new Set(d.successor.subarray(1)).size).toBe(100);
    let follow = 0;
    let steps = 0;
    for (const s of d.sequences) {
      expect(s.length >= 10 && s.length <= 30).toBe(true);
      for (let t = 1; t < s.length; t++, steps++) if (s[t] === d.successor[s[t - 1]]) follow++;
    }
    // follow + (1 − follow)/numItems ≈ 0.901
    expect(follow / steps).toBeGreaterThan(0.88);
    expect(follow / steps).toBeLessThan(0.92);
  });

  it('defeats a popularity ranker while "successor of the last item" is nearly always right', () => {
    const split = leaveOneOut(d.sequences, d.numItems);
    const counts = new Float64Array(d.numItems + 1);
    for (const s of split.train) for (const i of s) counts[i]++;
    const top10 = Array.from({ length: d.numItems }, (_, k) => k + 1)
      .sort((a, b) => counts[b] - counts[a])
      .slice(0, 10);
    const popHit = split.test.filter((c) => top10.includes(c.target)).length / split.test.length;
    const oracleHit = split.test.filter((c) => d.successor[c.history[c.history.length - 1]] === c.target).length / split.test.length;
    expect(popHit).toBeLessThan(0.2);
    expect(oracleHit).toBeGreaterThan(0.85);
  });
});

describe('multiInterestSequences', () => {
  it('users draw from several of their own clusters', () => {
    const d = multiInterestSequences({ numUsers: 300, seed: 3 });
    expect(json(multiInterestSequences({ numUsers: 300, seed: 3 }))).toBe(json(d));
    let inInterest = 0;
    let total = 0;
    let multi = 0;
    d.sequences.forEach((s, u) => {
      const mine = new Set(d.userInterests[u]);
      expect(mine.size >= 2 && mine.size <= 4).toBe(true);
      const used = new Set<number>();
      for (const i of s) {
        total++;
        if (mine.has(d.itemCluster[i])) {
          inInterest++;
          used.add(d.itemCluster[i]);
        }
      }
      if (used.size >= 2) multi++;
    });
    expect(inInterest / total).toBeGreaterThan(0.93);
    expect(multi / d.sequences.length).toBeGreaterThan(0.95);
    expect(Array.from(d.itemAttributes.values[5])).toEqual([d.itemCluster[5] + 1]);
  });
});

describe('spuriousPropertyData', () => {
  it('the property predicts clicks in training (≈0.9) but not at test (≈0.5)', () => {
    const d = spuriousPropertyData({ numUsers: 2000, seed: 4 });
    expect(json(spuriousPropertyData({ numUsers: 2000, seed: 4 }).test)).toBe(json(d.test));
    let prop = 0;
    let n = 0;
    for (const s of d.train) for (const i of s) (n++, (prop += d.itemProperty[i]));
    const base = d.itemProperty.reduce((a, b) => a + b, 0) / d.numItems;
    expect(base).toBeCloseTo(0.5, 2);
    expect(prop / n).toBeGreaterThan(0.88);
    expect(prop / n).toBeLessThan(0.92);
    const rate = (cases: { target: number }[]) => cases.reduce((a, c) => a + d.itemProperty[c.target], 0) / cases.length;
    expect(rate(d.testBiased)).toBeGreaterThan(0.86);
    expect(Math.abs(rate(d.test) - 0.5)).toBeLessThan(0.04);
    // Histories are shared by both test conditions; targets stay in the user's interests.
    expect(d.test.every((c, k) => c.history === d.testBiased[k].history)).toBe(true);
    const inHistoryCluster = d.test.filter((c) => c.history.some((i) => d.itemCluster[i] === d.itemCluster[c.target])).length;
    expect(inHistoryCluster / d.test.length).toBeGreaterThan(0.97);
    expect(Array.from(d.propertyAttributes.values[1])).toEqual([d.itemProperty[1] ? 1 : 2]);
  });
});

describe('crossDomainData', () => {
  it('shares taste across domains and builds cold-start test rows like the real file', () => {
    const d = crossDomainData({ numTrainUsers: 400, numTestUsers: 200, seed: 5 });
    expect(json(crossDomainData({ numTrainUsers: 400, numTestUsers: 200, seed: 5 }))).toBe(json(d));
    expect(d.train.length).toBe(800);
    expect(d.train.every((r) => r.seqs[0].length >= 3 && r.seqs[1].length >= 3)).toBe(true);
    expect(d.train.every((r) => [...r.seqs[0]].every((i) => d.itemDomain[i] === 0) && [...r.seqs[1]].every((i) => d.itemDomain[i] === 1))).toBe(true);
    // Shared taste: most items of both domains come from the user's topics.
    let onTaste = 0;
    let all = 0;
    for (const r of d.train) {
      const t = new Set(d.userTastes[r.user]);
      for (const s of r.seqs) for (const i of s) (all++, (onTaste += t.has(d.itemTopic[i]) ? 1 : 0));
    }
    expect(onTaste / all).toBeGreaterThan(0.88);
    const cold = d.test.filter((r) => r.seqs[r.domain].length === 1);
    expect(cold.length).toBe(80);
    expect(cold.filter((r) => r.seqs[1 - r.domain].length > 0).length).toBe(40);
    expect(new Set(d.test.map((r) => r.user)).size).toBe(200);
    expect(d.test.every((r) => r.user >= 400)).toBe(true);
  });
});

describe('behaviourChainData', () => {
  it('buys mostly follow a cart of the same item, and leave-one-out on buy has test users', () => {
    const d = behaviourChainData({ numUsers: 400, seed: 6 });
    expect(json(behaviourChainData({ numUsers: 400, seed: 6 }))).toBe(json(d));
    let buys = 0;
    let chained = 0;
    d.sequences.forEach((s, u) => {
      const b = d.behaviours[u];
      for (let t = 0; t < s.length; t++) {
        if (b[t] !== 2) continue;
        buys++;
        let carted = false;
        for (let k = 0; k < t; k++) if (s[k] === s[t] && b[k] === 1) carted = true;
        if (carted) chained++;
      }
    });
    expect(buys).toBeGreaterThan(1000);
    expect(chained / buys).toBeGreaterThan(0.6);
    expect(chained / buys).toBeLessThan(0.95);
    const split = leaveOneOutByBehaviour(d.sequences, d.behaviours, d.target, d.numItems);
    expect(split.test.length).toBeGreaterThan(300);
    const carted = split.test.filter((c) => c.history.some((i, k) => i === c.target && c.historyBehaviours[k] === 1)).length;
    expect(carted / split.test.length).toBeGreaterThan(0.5);
    const table = chainsToTable(d);
    expect(table.behaviourNames).toEqual(['view', 'cart', 'buy']);
    expect(Array.from(userSequences(table).sequences[7])).toEqual(Array.from(d.sequences[7]));
  });
});
