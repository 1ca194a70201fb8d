/**
 * Acceptance on the real datasets in ../shared/data (never copied into the repository): counts from its
 * README, leave-one-out on Beauty, stored evaluation negatives, the i2VAE groups.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBeauty, loadClothSport, loadMl100k } from './datasets.js';
import { drawEvalNegatives, loadEvalNegatives, saveEvalNegatives } from './evalNegatives.js';
import { MOVIELENS_BEHAVIOURS, ratingsToBehaviours, userSequences } from './filters.js';
import { crossDomainGroups, crossDomainValidationSplit } from './groups.js';
import { SortedItemSet } from './samplers.js';
import { leaveOneOut } from './splits.js';
import { sharedDataDir, tmpDir } from './testkit.js';

const DATA = sharedDataDir();
const suite = DATA ? describe : describe.skip;
if (!DATA) console.warn('realData.test.ts skipped: ../shared/data (relative to the repository root) does not exist');
const tmp = tmpDir();
// Each dataset is read once for the whole file.
const once = <T>(f: () => Promise<T>) => {
  let p: Promise<T> | null = null;
  return () => (p ??= f());
};
const ml100k = once(() => loadMl100k(DATA!));
const beauty = once(() => loadBeauty(DATA!));
const clothSport = once(() => loadClothSport(DATA!));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

suite('ml-100k (RecBole atomic files)', () => {
  it('has 943 users, 1,682 items, 100,000 ratings and the README histogram', async () => {
    const ds = await ml100k();
    const t = ds.interactions;
    expect([t.numUsers, t.numItems, t.length]).toEqual([943, 1682, 100_000]);
    const hist = [0, 0, 0, 0, 0, 0];
    for (const r of t.rating!) hist[r]++;
    expect(hist.slice(1)).toEqual([6110, 11370, 27145, 34174, 21201]);
    expect(ds.userProfile!.numUsers).toBe(943);
    expect(Object.keys(ds.userProfile!.fields)).toEqual(['age', 'gender', 'occupation', 'zip_code']);
    expect(ds.userProfile!.fields.gender.numValues).toBe(2);
    expect(ds.itemAttributes!.class.numValues).toBe(19); // the 19 MovieLens genres (unknown included)
    const toy = ds.items.dense('1');
    expect(ds.itemAttributes!.class.values[toy].length).toBe(3); // Toy Story: Animation Children's Comedy
  });

  it('maps ratings to pos/neutral/neg and orders ties by row', async () => {
    const ds = ratingsToBehaviours(await ml100k(), MOVIELENS_BEHAVIOURS);
    const counts = [0, 0, 0];
    for (const b of ds.interactions.behaviour!) counts[b]++;
    expect(counts).toEqual([34174 + 21201, 27145, 6110 + 11370]);
    const seqs = userSequences(ds.interactions);
    expect(seqs.sequences.reduce((a, s) => a + s.length, 0)).toBe(100_000);
    let short = 0;
    let disorder = 0;
    let ties = 0;
    for (let u = 0; u < 943; u++) {
      if (seqs.sequences[u].length < 20) short++;
      const ts = seqs.timestamps[u];
      const rows = seqs.rows[u];
      for (let k = 1; k < ts.length; k++) {
        if (ts[k] === ts[k - 1]) ties++;
        if (!(ts[k] > ts[k - 1] || (ts[k] === ts[k - 1] && rows[k] > rows[k - 1]))) disorder++;
      }
    }
    expect([short, disorder]).toEqual([0, 0]);
    expect(ties).toBeGreaterThan(1000); // ml-100k has many equal timestamps: the row order matters
  });
});

suite('Amazon Beauty (sequence file + attributes)', () => {
  it('has 22,363 users, 12,101 items, 198,502 interactions; attributes 637 values', async () => {
    const { data, attributes } = await beauty();
    expect([data.numUsers, data.numItems, data.numInteractions]).toEqual([22363, 12101, 198502]);
    expect(data.items.isIdentity).toBe(true);
    let minLen = Infinity;
    for (const s of data.sequences) minLen = Math.min(minLen, s.length);
    expect(minLen).toBe(5);
    expect(Array.from(data.sequence(0))).toEqual([1, 2, 3, 4, 5]);
    expect(attributes.numValues).toBe(637);
    expect(attributes.values.length).toBe(12102);
    let total = 0;
    for (const v of attributes.values) total += v.length;
    expect(total / 12101).toBeCloseTo(3.72, 2);
  });

  it('leave-one-out: 22,363 test users, last item test, second-last validation', async () => {
    const { data } = await beauty();
    const seqs = data.sequences;
    const split = leaveOneOut(seqs, data.numItems);
    expect(split.test.length).toBe(22363);
    expect(split.valid.length).toBe(22363);
    let bad = 0;
    split.test.forEach((c, k) => {
      const s = seqs[c.user];
      if (c.user !== k || c.target !== s[s.length - 1] || c.history.length !== s.length - 1 || c.history[c.history.length - 1] !== s[s.length - 2]) bad++;
    });
    split.valid.forEach((c) => {
      const s = seqs[c.user];
      if (c.target !== s[s.length - 2] || split.train[c.user].length !== s.length - 2 || c.history.length !== s.length - 2) bad++;
    });
    expect(bad).toBe(0);
    expect(split.train.reduce((a, s) => a + s.length, 0)).toBe(198502 - 2 * 22363);
  });

  it('stored evaluation negatives: same seed, same bytes; never a seen item or the target', async () => {
    const { data } = await beauty();
    const split = leaveOneOut(data.sequences, data.numItems);
    const seen = data.sequences.map((s) => new SortedItemSet(s));
    const a = drawEvalNegatives(split.test, data.numItems, 99, 42, { seen });
    const b = drawEvalNegatives(split.test, data.numItems, 99, 42, { seen });
    const fa = path.join(tmp, 'a.neg');
    const fb = path.join(tmp, 'b.neg');
    await saveEvalNegatives(fa, split.test, a, { numItems: data.numItems, seed: 42, note: 'Beauty LOO test, 99 uniform' });
    await saveEvalNegatives(fb, split.test, b, { numItems: data.numItems, seed: 42, note: 'Beauty LOO test, 99 uniform' });
    expect(fs.readFileSync(fa).equals(fs.readFileSync(fb))).toBe(true);
    const back = await loadEvalNegatives(fa, split.test);
    expect(back.negatives.length).toBe(22363);
    let bad = 0;
    split.test.forEach((c, k) => {
      const neg = back.negatives[k];
      if (neg.length !== 99 || new Set(neg).size !== 99) bad++;
      for (const i of neg) if (seen[c.user].has(i) || i === c.target || i < 1 || i > 12101) bad++;
    });
    expect(bad).toBe(0);
    expect(Array.from(back.negatives[0])).toEqual(Array.from(a[0]));
    const other = drawEvalNegatives(split.test.slice(0, 50), data.numItems, 99, 43, { seen });
    expect(other.some((n, k) => n.some((x, j) => x !== a[k][j]))).toBe(true);
  });
});

suite('Amazon Cloth × Sport (cross-domain CSV)', () => {
  it('train 18,537 rows / 17,356 users; test 4,635 rows / 4,543 users; 24,507 item ids', async () => {
    const { train, test, numItems } = await clothSport();
    expect([train.rows.length, train.numUsers]).toEqual([18537, 17356]);
    expect([test.rows.length, test.numUsers]).toEqual([4635, 4543]);
    expect(numItems).toBe(24507);
    expect(Math.min(...train.rows.map((r) => r.seqs[r.domain].length))).toBe(2);
  });

  it('groups: cold-start 319/297 (overlapping 150/158), long-tailed 1,595/1,090 at threshold 4', async () => {
    const { test } = await clothSport();
    const g = Object.fromEntries(crossDomainGroups(test.rows).map((x) => [x.name, x]));
    expect([g['all:0'].members.length, g['all:1'].members.length]).toEqual([2395, 2240]);
    expect([g['cold-start:0'].members.length, g['cold-start:1'].members.length]).toEqual([319, 297]);
    expect([g['cold-start-overlapping:0'].members.length, g['cold-start-overlapping:1'].members.length]).toEqual([150, 158]);
    expect([g['cold-start-no-history:0'].members.length, g['cold-start-no-history:1'].members.length]).toEqual([169, 139]);
    expect([g['long-tailed:0'].members.length, g['long-tailed:1'].members.length]).toEqual([1595, 1090]);
    expect(g['long-tailed:0'].rule).toContain('<= 4');
  });

  it('validation split holds out 10% of users and cuts 20% of overlapping rows to cold-start', async () => {
    const { train } = await clothSport();
    const s = crossDomainValidationSplit(train.rows, { seed: 7 });
    expect(s.validUsers.length).toBe(Math.round(17356 * 0.1));
    expect(s.train.length + s.valid.length).toBe(18537);
    const held = new Set(s.validUsers);
    expect(s.train.every((r) => !held.has(r.user))).toBe(true);
    for (const k of s.madeColdStart) expect(s.valid[k].seqs[s.valid[k].domain].length).toBe(1);
    expect(train.rows.every((r) => r.seqs[r.domain].length >= 2)).toBe(true); // input untouched
    const again = crossDomainValidationSplit(train.rows, { seed: 7 });
    expect(again.madeColdStart).toEqual(s.madeColdStart);
    expect(again.validUsers).toEqual(s.validUsers);
  });
});
