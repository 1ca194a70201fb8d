import type { BehaviourEvalCase } from '@recsuite/core';
import { SASRec } from '@recsuite/baselines';
import { describeBackends, expectNoLeak } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { behaviourEvalBatch } from './batch.js';
import { CASM } from './casm.js';
import { evaluateTargetBehaviour, evaluateWithExclusion, withCaseBehaviours } from './evaluation.js';

const POS = 0;
const cases: BehaviourEvalCase[] = [
  // Item 5 seen before as neutral (1) and as pos: it is the target, so it is never excluded.
  { user: 2, history: Int32Array.of(5, 3, 9, 5), historyBehaviours: Uint8Array.of(1, 0, 2, 0), target: 5 },
  { user: 7, history: Int32Array.of(1, 2, 4), historyBehaviours: Uint8Array.of(0, 1, 0), target: 11 },
  { user: 0, history: Int32Array.of(6), historyBehaviours: Uint8Array.of(2), target: 8 },
];
const negatives = [Int32Array.of(1, 2, 4), Int32Array.of(3, 5, 6), Int32Array.of(1, 12, 3)];

/** Pessimistic rank of `scores[t]` among `candidates`. */
function rankOf(scores: ArrayLike<number>, target: number, candidates: number[]): number {
  return candidates.filter((c) => c !== target && !(scores[c] < scores[target])).length;
}

describeBackends('CASM evaluation protocol', () => {
  const model = () => new CASM({ numItems: 12, behaviours: ['pos', 'neutral', 'neg'], targetBehaviour: 'pos', dim: 8, maxLen: 5, seed: 11 });

  it('sampled: ranks the target among its stored negatives with the cases\' behaviours', async () => {
    const m = model();
    try {
      const ev = await expectNoLeak(() => evaluateTargetBehaviour(m, cases, { maxLen: 5, batchSize: 2, ks: [1, 2], negatives, targetBehaviour: POS }));
      const all = m.scoreAll(behaviourEvalBatch(cases, 5));
      const rows = all.arraySync();
      all.dispose();
      const expected = cases.map((c, k) => rankOf(rows[k], c.target, [c.target, ...negatives[k]]));
      expect(Array.from(ev.ranks)).toEqual(expected);
      expect(ev.protocol).toBe('sampled');
    } finally {
      m.dispose();
    }
  });

  it('full ranking: leaves out items seen under the target behaviour, never the target', async () => {
    const m = model();
    try {
      const ev = await expectNoLeak(() => evaluateTargetBehaviour(m, cases, { maxLen: 5, batchSize: 2, ks: [5], targetBehaviour: POS }));
      const all = m.scoreAll(behaviourEvalBatch(cases, 5));
      const rows = all.arraySync();
      all.dispose();
      const items = Array.from({ length: 12 }, (_, i) => i + 1);
      const expected = cases.map((c, k) => {
        const excluded = new Set(Array.from(c.history).filter((_, j) => c.historyBehaviours[j] === POS && c.history[j] !== c.target));
        return rankOf(rows[k], c.target, items.filter((i) => !excluded.has(i)));
      });
      expect(Array.from(ev.ranks)).toEqual(expected);
      // Case 0 leaves out item 3 (pos) but keeps 9 (neg) and its target 5; case 2 leaves out nothing.
      const keep0 = rankOf(rows[0], 5, items);
      expect(ev.ranks[0]).toBe(keep0 - (rows[0][3] >= rows[0][5] ? 1 : 0));
    } finally {
      m.dispose();
    }
  });

  it('evaluates a behaviour-blind model on the same candidates', async () => {
    const s = new SASRec({ numItems: 12, maxLen: 5, dim: 8, blocks: 1, seed: 2 });
    try {
      const exclude = cases.map((c) => Array.from(c.history).filter((_, j) => c.historyBehaviours[j] === POS));
      const ev = await evaluateWithExclusion(s, cases, exclude, { maxLen: 5, batchSize: 3, ks: [5] });
      const batch = { users: Int32Array.from(cases, (c) => c.user), seqs: behaviourEvalBatch(cases, 5).seqs, batchSize: 3, maxLen: 5 };
      const all = s.scoreAll(batch);
      const rows = all.arraySync();
      all.dispose();
      const items = Array.from({ length: 12 }, (_, i) => i + 1);
      const expected = cases.map((c, k) => rankOf(rows[k], c.target, items.filter((i) => i === c.target || !exclude[k].includes(i))));
      expect(Array.from(ev.ranks)).toEqual(expected);
    } finally {
      s.dispose();
    }
  });

  it('refuses two cases of one user and a batch that is not the case history', () => {
    const m = model();
    try {
      expect(() => withCaseBehaviours(m, [cases[0], { ...cases[1], user: 2 }])).toThrow(/user 2 has more than one case/);
      const wrapped = withCaseBehaviours(m, cases);
      const bad = { users: Int32Array.of(7), seqs: Int32Array.of(0, 0, 1, 2, 3), batchSize: 1, maxLen: 5 };
      expect(() => wrapped.scoreAll(bad)).toThrow(/does not hold user 7's case history/);
    } finally {
      m.dispose();
    }
  });
});
