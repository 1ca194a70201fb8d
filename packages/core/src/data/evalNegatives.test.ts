import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileNotFoundError, DataFormatError } from './errors.js';
import { drawEvalNegatives, loadEvalNegatives, saveEvalNegatives } from './evalNegatives.js';
import type { EvalCase } from './splits.js';
import { caught, tmpDir } from './testkit.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cases: EvalCase[] = [
  { user: 0, history: Int32Array.of(1, 2, 3), target: 4 },
  { user: 1, history: Int32Array.of(5), target: 6 },
  { user: 2, history: Int32Array.of(), target: 1 },
];

describe('drawEvalNegatives', () => {
  it('draws n distinct items, never history, target or seen items, deterministically', () => {
    const seen = [Int32Array.of(9, 10), new Set([7]), undefined];
    const a = drawEvalNegatives(cases, 12, 5, 11, { seen });
    const b = drawEvalNegatives(cases, 12, 5, 11, { seen });
    expect(a.map((x) => Array.from(x))).toEqual(b.map((x) => Array.from(x)));
    const banned = [[1, 2, 3, 4, 9, 10], [5, 6, 7], [1]];
    a.forEach((neg, k) => {
      expect(new Set(neg).size).toBe(5);
      for (const i of neg) {
        expect(i).toBeGreaterThanOrEqual(1);
        expect(i).toBeLessThanOrEqual(12);
        expect(banned[k]).not.toContain(i);
      }
    });
    // User 0 has exactly 6 eligible items: asking for all 6 returns them all.
    expect(Array.from(drawEvalNegatives([cases[0]], 12, 6, 1, { seen })[0]).sort((x, y) => x - y)).toEqual([5, 6, 7, 8, 11, 12]);
    expect(() => drawEvalNegatives([cases[0]], 12, 7, 1, { seen })).toThrow(RangeError);
  });

  it('restricts to candidates and weights by popularity', () => {
    const neg = drawEvalNegatives(cases, 12, 2, 5, { candidates: [4, 5, 8, 11, 12] });
    expect(neg.every((n) => [...n].every((i) => [5, 8, 11, 12].includes(i)))).toBe(true);
    const pop = new Float64Array(13);
    pop[8] = 100;
    pop[11] = 1;
    pop[12] = 1;
    let eights = 0;
    for (let s = 0; s < 200; s++) eights += drawEvalNegatives([cases[1]], 12, 1, s, { popularity: pop })[0][0] === 8 ? 1 : 0;
    expect(eights).toBeGreaterThan(180);
  });
});

describe('save/loadEvalNegatives', () => {
  it('round-trips, same seed gives the same bytes, and checks the cases', async () => {
    const f1 = path.join(dir, 'n1.bin');
    const f2 = path.join(dir, 'n2.bin');
    await saveEvalNegatives(f1, cases, drawEvalNegatives(cases, 12, 4, 3), { numItems: 12, seed: 3, note: 'toy' });
    await saveEvalNegatives(f2, cases, drawEvalNegatives(cases, 12, 4, 3), { numItems: 12, seed: 3, note: 'toy' });
    expect(fs.readFileSync(f1).equals(fs.readFileSync(f2))).toBe(true);
    expect(fs.readdirSync(dir).filter((x) => x.includes('tmp'))).toEqual([]);
    const back = await loadEvalNegatives(f1, cases);
    expect(Array.from(back.users)).toEqual([0, 1, 2]);
    expect(Array.from(back.targets)).toEqual([4, 6, 1]);
    expect(back.negatives.map((x) => Array.from(x))).toEqual(drawEvalNegatives(cases, 12, 4, 3).map((x) => Array.from(x)));
    expect([back.n, back.numItems, back.seed, back.sampler, back.note]).toEqual([4, 12, 3, 'uniform', 'toy']);
    await saveEvalNegatives(f2, cases, drawEvalNegatives(cases, 12, 4, 4), { numItems: 12, seed: 4 });
    expect(fs.readFileSync(f1).equals(fs.readFileSync(f2))).toBe(false);

    const wrong = (await caught(() => loadEvalNegatives(f1, [cases[0], cases[2], cases[1]]))) as DataFormatError;
    expect(wrong).toBeInstanceOf(DataFormatError);
    expect(wrong.field).toBe('cases');
    const trunc = path.join(dir, 'trunc.bin');
    fs.writeFileSync(trunc, fs.readFileSync(f1).subarray(0, -3));
    expect(((await caught(() => loadEvalNegatives(trunc))) as DataFormatError).field).toBe('negatives');
    const junk = path.join(dir, 'junk.bin');
    fs.writeFileSync(junk, 'hello world, not negatives');
    expect(((await caught(() => loadEvalNegatives(junk))) as DataFormatError).field).toBe('magic');
    expect(await caught(() => loadEvalNegatives(path.join(dir, 'missing.bin')))).toBeInstanceOf(DataFileNotFoundError);
  });

  it('leaves an existing file untouched when writing fails', async () => {
    const f = path.join(dir, 'keep.bin');
    await saveEvalNegatives(f, cases, drawEvalNegatives(cases, 12, 2, 1), { numItems: 12, seed: 1 });
    const before = fs.readFileSync(f);
    await expect(saveEvalNegatives(f, cases, [Int32Array.of(1)], { numItems: 12, seed: 1 })).rejects.toThrow(RangeError);
    expect(fs.readFileSync(f).equals(before)).toBe(true);
  });
});
