import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BehaviourVocabularyError,
  RETAIL_BEHAVIOURS,
  loadMl100kBehaviours,
  mapBehaviours,
  multiBehaviourSequences,
  multiBehaviourSplit,
  retailBehaviours,
  targetBehaviourItems,
} from './multiBehaviour.js';
import { InteractionTableBuilder } from './schema.js';
import { sharedDataDir, tmpDir } from './testkit.js';

// Hand-made ml-100k file: rows out of time order, ties in timestamps around the validation and test events,
// and the test item (50) seen earlier as neutral and as neg.
//            user item rating timestamp      chronological position of user 1 (timestamp, row)
const ROWS = [
  [1, 10, 5, 100], // row 0   #2 pos
  [1, 20, 3, 50], //  row 1   #0 neutral
  [1, 30, 4, 100], // row 2   #3 pos (tie with row 0, after it)
  [1, 90, 3, 300], // row 3   #7 neutral (same time as the test event, earlier row: before it)
  [1, 40, 4, 200], // row 4   #5 pos  <- validation (second-last pos)
  [1, 50, 4, 300], // row 5   #8 pos  <- test (last pos)
  [1, 50, 3, 60], //  row 6   #1 neutral (earlier interaction with the test item)
  [1, 60, 2, 150], // row 7   #4 neg
  [1, 70, 3, 300], // row 8   #9 neutral (same time as the test event, later row: after it)
  [1, 50, 1, 200], // row 9   #6 neg (same time as validation, later row: test history only)
  [1, 80, 3, 400], // row 10  #10 neutral (after the test event)
  [2, 10, 4, 10], //  user 2: one pos event only -> train-only
  [2, 20, 3, 20],
  [3, 30, 5, 10], //  user 3: two pos events at the same time -> row order decides
  [3, 40, 5, 10],
];

async function handMade() {
  const dir = tmpDir('recsuite-mb-');
  fs.mkdirSync(path.join(dir, 'ml-100k'));
  const lines = ['user_id:token\titem_id:token\trating:float\ttimestamp:float', ...ROWS.map((r) => r.join('\t'))];
  fs.writeFileSync(path.join(dir, 'ml-100k', 'ml-100k.inter'), lines.join('\n') + '\n');
  const data = await loadMl100kBehaviours(dir);
  const item = (raw: number) => data.dataset.items.dense(String(raw));
  const user = (raw: number) => data.dataset.users.dense(String(raw));
  const items = (raws: number[]) => raws.map(item);
  return { data, item, items, user };
}

const [POS, NEUTRAL, NEG] = [0, 1, 2];

describe('multi-behaviour view of ml-100k', () => {
  it('stores a behaviour per event, in (timestamp, row order)', async () => {
    const { data, items, user } = await handMade();
    expect(data.behaviourNames).toEqual(['pos', 'neutral', 'neg']);
    expect(data.target).toBe(POS);
    const u = user(1);
    expect(Array.from(data.sequences[u])).toEqual(items([20, 50, 10, 30, 60, 40, 50, 90, 50, 70, 80]));
    expect(Array.from(data.behaviours[u])).toEqual([NEUTRAL, NEUTRAL, POS, POS, NEG, POS, NEG, NEUTRAL, POS, NEUTRAL, NEUTRAL]);
  });

  it('splits on the target behaviour without leakage (hand-made, ties included)', async () => {
    const { data, item, items, user } = await handMade();
    const split = multiBehaviourSplit(data);
    const u = user(1);
    // Training ends before the validation event: nothing at or after (t 200, row 4).
    expect(Array.from(split.train[u])).toEqual(items([20, 50, 10, 30, 60]));
    expect(Array.from(split.trainBehaviours[u])).toEqual([NEUTRAL, NEUTRAL, POS, POS, NEG]);
    expect(split.valid.map((c) => c.user)).toEqual([user(1), user(3)]);
    const v = split.valid[0];
    expect(v.target).toBe(item(40));
    expect(Array.from(v.history)).toEqual(Array.from(split.train[u]));
    // The test history is exactly the events before the test event (t 300, row 5): the validation event,
    // the later-row tie at t 200, the earlier-row tie at t 300; not the later-row tie at t 300 nor t 400.
    const t = split.test[0];
    expect(t.target).toBe(item(50));
    expect(Array.from(t.history)).toEqual(items([20, 50, 10, 30, 60, 40, 50, 90]));
    // Earlier interactions with the test item keep their own behaviour (neutral, then neg).
    expect(Array.from(t.historyBehaviours)).toEqual([NEUTRAL, NEUTRAL, POS, POS, NEG, POS, NEG, NEUTRAL]);
    expect(t.historyBehaviours[1]).toBe(NEUTRAL);
    expect(t.historyBehaviours[6]).toBe(NEG);
    // User 2 (one pos event) is train-only with all events; user 3's same-time pos events split by row.
    expect(Array.from(split.train[user(2)])).toEqual(items([10, 20]));
    expect(split.test.map((c) => c.user)).toEqual([user(1), user(3)]);
    expect(split.valid[1].target).toBe(item(30));
    expect(split.test[1].target).toBe(item(40));
    expect(Array.from(split.test[1].history)).toEqual(items([30]));
    expect(split.train[user(3)].length).toBe(0);
  });

  it('derives the target-only view, the interacted items and the target-behaviour exclusions', async () => {
    const { data, items, user } = await handMade();
    const split = multiBehaviourSplit(data);
    const u = user(1);
    expect(Array.from(split.targetOnly.train[u])).toEqual(items([10, 30]));
    expect(split.targetOnly.valid.map((c) => [c.user, c.target])).toEqual(split.valid.map((c) => [c.user, c.target]));
    expect(split.targetOnly.test.map((c) => [c.user, c.target])).toEqual(split.test.map((c) => [c.user, c.target]));
    expect(Array.from(split.targetOnly.test[0].history)).toEqual(items([10, 30, 40]));
    expect(Array.from(split.targetOnly.valid[0].history)).toEqual(items([10, 30]));
    // Full-ranking exclusion: items seen under pos before the test event (not the neutral/neg copies of 50).
    expect(Array.from(targetBehaviourItems(split.test[0], POS))).toEqual(items([10, 30, 40]));
    // Sampled negatives exclude everything the user ever interacted with, events after the test included.
    const seen = split.interacted[u];
    for (const raw of [10, 20, 30, 40, 50, 60, 70, 80, 90]) expect(seen.has(items([raw])[0])).toBe(true);
    expect(seen.size).toBe(9);
  });

  it('recodes a retail log onto view/cart/fav/buy and rejects unknown behaviours', () => {
    const b = new InteractionTableBuilder({ behaviour: true });
    // user 0: pv 1, cart 1, buy 1, fav 2 (raw vocabulary in order of appearance: pv, cart, buy, fav)
    b.push(0, 1, 1, 0, 0);
    b.push(0, 1, 2, 0, 1);
    b.push(0, 1, 3, 0, 2);
    b.push(0, 2, 4, 0, 3);
    const raw = b.build(1, 2, ['pv', 'cart', 'buy', 'FAV']);
    const t = retailBehaviours(raw);
    expect(t.behaviourNames).toEqual(RETAIL_BEHAVIOURS);
    expect(Array.from(t.behaviour!)).toEqual([0, 1, 3, 2]);
    const seq = multiBehaviourSequences(t, 'buy');
    expect(seq.target).toBe(3);
    expect(Array.from(seq.behaviours[0])).toEqual([0, 1, 3, 2]);
    const bad = new InteractionTableBuilder({ behaviour: true });
    bad.push(0, 1, 1, 0, 0);
    bad.push(0, 1, 2, 0, 1);
    const badTable = bad.build(1, 1, ['pv', 'like']);
    expect(() => retailBehaviours(badTable)).toThrow(BehaviourVocabularyError);
    expect(() => retailBehaviours(badTable)).toThrow(/"like" \(row 1\)/);
    expect(() => mapBehaviours(raw, ['view'])).toThrow(/"pv"/);
    expect(() => multiBehaviourSequences(t, 'click')).toThrow(BehaviourVocabularyError);
  });

  const DATA = sharedDataDir();
  it.skipIf(!DATA)('real ml-100k: 943 users, pos target, ties at the test event', async () => {
    const data = await loadMl100kBehaviours(DATA!);
    const split = multiBehaviourSplit(data);
    expect(data.numUsers).toBe(943);
    expect(split.test.length).toBe(split.valid.length);
    expect(split.test.length).toBeGreaterThan(900);
    let tiedTest = 0;
    for (const c of split.test) {
      const u = c.user;
      const ts = data.timestamps[u];
      const k = c.history.length; // index of the test event in the full sequence
      expect(data.sequences[u][k]).toBe(c.target);
      expect(data.behaviours[u][k]).toBe(data.target);
      let tie = false;
      for (let j = 0; j < ts.length; j++) if (j !== k && ts[j] === ts[k]) tie = true;
      if (tie) tiedTest++;
    }
    expect(tiedTest).toBeGreaterThan(100); // the (timestamp, row) order matters on real data
  });
});
