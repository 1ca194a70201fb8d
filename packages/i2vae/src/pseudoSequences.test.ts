import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { crossDomainData, crossDomainHistory, crossDomainOther, crossDomainTarget, initBackend } from '@recsuite/core';
import { generatePseudoItems, pseudoGraphEdges, rowEdges } from './pseudoSequences.js';

await initBackend('tensorflow');

describe('pseudo-sequence generator', () => {
  const data = crossDomainData({ numTrainUsers: 60, numTestUsers: 20, itemsPerDomain: 30, numTopics: 3, seed: 4 });

  it('builds edges from histories only: never the row\'s target', () => {
    for (const r of [...data.train, ...data.test]) {
      const e = rowEdges(r);
      expect(e.length).toBe(crossDomainHistory(r).length + crossDomainOther(r).length);
      const t = crossDomainTarget(r);
      const lastTarget = e.filter(([d, i]) => d === r.domain && i === t).length;
      const inHistory = Array.from(crossDomainHistory(r)).filter((i) => i === t).length;
      expect(lastTarget).toBe(inHistory); // the target appears only as often as the history repeats it
    }
  });

  it('the graph holds no target of any of the user\'s rows (training rows share their columns)', () => {
    const { userIndex, userItems } = pseudoGraphEdges([data.train, data.test], data.numItems);
    let held = 0;
    for (const r of [...data.train, ...data.test]) {
      const t = crossDomainTarget(r);
      const edges = userItems[userIndex.get(r.user)!];
      expect(edges.has(r.domain * data.numItems + t)).toBe(false);
      // the other row of a training user lists this target in its other-domain column: held out
      if (data.train.some((o) => o.user === r.user && o.domain !== r.domain && crossDomainOther(o).includes(t))) held++;
    }
    expect(held).toBeGreaterThan(0);
    // a history item that is not a target stays an edge
    const r0 = data.train[0];
    const targets = new Set(data.train.filter((o) => o.user === r0.user).map((o) => o.domain * data.numItems + crossDomainTarget(o)));
    const kept = Array.from(crossDomainHistory(r0)).map((i) => r0.domain * data.numItems + i).filter((n) => !targets.has(n));
    for (const n of kept) expect(userItems[userIndex.get(r0.user)!].has(n)).toBe(true);
  });

  it('gives topK items of each domain, never an item of the user\'s history, never a training target', async () => {
    const before = tf.memory().numTensors;
    const res = await generatePseudoItems([data.train, data.test], data.numItems, { dim: 8, epochs: 2, topK: 5, seed: 1, batchSize: 256, trainSets: [0] });
    expect(tf.memory().numTensors).toBe(before);
    const userSeen = new Map<number, Set<number>>();
    for (const r of [...data.train, ...data.test]) {
      const s = userSeen.get(r.user) ?? new Set<number>();
      for (const i of crossDomainHistory(r)) s.add(i);
      for (const i of crossDomainOther(r)) s.add(i);
      userSeen.set(r.user, s);
    }
    [data.train, data.test].forEach((rows, si) =>
      rows.forEach((r, k) => {
        const p = res.items[si][k];
        for (const d of [0, 1] as const) {
          expect(p[d].length).toBe(5);
          expect(new Set(p[d]).size).toBe(5);
          for (const i of p[d]) {
            expect(data.itemDomain[i]).toBe(d);
            expect(userSeen.get(r.user)!.has(i)).toBe(false);
            expect(Array.from(crossDomainHistory(r))).not.toContain(i);
            if (si === 0) expect(i).not.toBe(crossDomainTarget(r));
          }
        }
      }),
    );
    expect(res.stats.edges).toBeGreaterThan(0);
  });

  it('stops between epochs when its signal is aborted, freeing its tensors', async () => {
    const before = tf.memory().numTensors;
    const ctrl = new AbortController();
    const seen: number[] = [];
    const run = generatePseudoItems([data.train], data.numItems, { dim: 8, epochs: 5, seed: 1, batchSize: 256, trainSets: [0], signal: ctrl.signal, onEpoch: (e) => (seen.push(e), e === 2 && ctrl.abort()) });
    await expect(run).rejects.toThrow(/abort/i);
    expect(seen).toEqual([1, 2]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
