import * as tf from '@tensorflow/tfjs-core';
import { fullRanks } from '@recsuite/core';
import { describeBackends } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { cfInteractions } from './cfBatch.js';
import { NotTrainableError, Pop } from './pop.js';
import { describeAcrossBackends, saveAndLoad } from './testing/cfTestkit.js';

// Items 1..5; distinct-user counts: item 1 → 1, item 2 → 3, item 3 → 1, item 4 → 3, item 5 → 0.
const data = () => cfInteractions(3, 5, [0, 0, 0, 1, 1, 1, 2, 2, 2], [2, 4, 4, 2, 4, 1, 2, 3, 4]);

describeBackends('Pop', () => {
  it('counts distinct training users per item; ties broken by the lower item id', async () => {
    const p = new Pop(data());
    expect(Array.from(p.counts)).toEqual([0, 1, 3, 1, 3, 0]);
    // Order: 2, 4 (3 each, 2 first), 1, 3 (1 each), 5 → scores 5, 4, 3, 2, 1; padding 0.
    expect(Array.from(p.scores)).toEqual([0, 3, 5, 2, 4, 1]);
    const s = p.scoreAll({ users: Int32Array.of(0, 2) });
    expect(s.shape).toEqual([2, 6]);
    expect(s.arraySync()).toEqual([Array.from(p.scores), Array.from(p.scores)]);
    // Distinct scores: an evaluator's pessimistic ties never hit Pop (item 4 ranks 1, not 2).
    expect(Array.from(await fullRanks(s, [4, 2]))).toEqual([1, 0]);
    expect(p.score({ users: Int32Array.of(1) }, tf.tensor2d([[5, 2, 0]], [1, 3], 'int32')).arraySync()).toEqual([[1, 5, 0]]);
    expect(p.variables()).toEqual([]);
  });

  it("tieBreak 'none' returns the raw counts", () => {
    const p = new Pop(data(), { tieBreak: 'none' });
    expect(p.scoreAll({ users: Int32Array.of(1) }).arraySync()).toEqual([[-1, 1, 3, 1, 3, 0]]);
  });

  it('loss is not applicable', () => {
    const p = new Pop(data());
    expect(() => p.loss({ users: Int32Array.of(0), pos: Int32Array.of(1), neg: Int32Array.of(2) })).toThrow(NotTrainableError);
  });

  it('recommend never returns a seen item', async () => {
    const p = new Pop(data());
    expect(await p.recommend([2, 1], 2)).toEqual([4, 3]);
    expect(await p.recommend([2, 1], 10)).toEqual([4, 3, 5]);
    expect(await p.recommend([2], 2, { includeSeen: true })).toEqual([2, 4]);
    expect(await p.recommendForUser(1, 5, data().userItems[1])).toEqual([3, 5]);
  });

  it('save/load keeps the scores; a leak-free scoreAll', async () => {
    const p = new Pop(data(), { tieBreak: 'none' });
    const l = await saveAndLoad(p, Pop.load);
    expect(l.tieBreak).toBe('none');
    expect(Array.from(l.scores)).toEqual(Array.from(p.scores));
    const before = tf.memory().numTensors;
    l.scoreAll({ users: Int32Array.of(0) }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describeAcrossBackends('Pop', { build: () => new Pop(data()), load: Pop.load, users: { users: Int32Array.of(0, 1) } });
