import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileNotFoundError, DataFormatError } from '../errors.js';
import { IdMap } from '../idmap.js';
import { caught, tmpDir, writeTmp } from '../testkit.js';
import { loadItemAttributes } from './itemAttributes.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadItemAttributes', () => {
  it('maps item keys to remapped attribute ids', async () => {
    const f = writeTmp(dir, 'a.json', '{"4": [10, 20, 30],\n "1": [20], "2": []}');
    const a = await loadItemAttributes(f);
    expect(a.values.length).toBe(5);
    expect(a.values.map((v) => Array.from(v))).toEqual([[], [2], [], [], [1, 2, 3]]);
    expect(a.numValues).toBe(3);
    expect(a.vocab.rawValues()).toEqual(['10', '20', '30']);
  });

  it('keeps raw attribute ids, accepts string values, uses a dataset item map', async () => {
    const f = writeTmp(dir, 'b.json', '{"B01": ["brand:x", "cat\\u0041"], "B02": [3]}');
    const items = IdMap.fromRaw(['B02', 'B01', 'B03'], 1);
    const a = await loadItemAttributes(f, { items });
    expect(a.values.map((v) => Array.from(v))).toEqual([[], [3], [1, 2], []]);
    expect(a.vocab.rawValues()).toEqual(['brand:x', 'catA', '3']);
    const r = await loadItemAttributes(writeTmp(dir, 'c.json', '{"1": [7, 2]}'), { values: 'raw' });
    expect(Array.from(r.values[1])).toEqual([7, 2]);
    expect(r.numValues).toBe(7);
  });

  it('errors carry line and item key', async () => {
    const cases: [string, object, number, string][] = [
      ['{"1": [1, 2],\n "x": [3]}', {}, 2, 'item'],
      ['{"1": [1, 2],\n "2": [3, }', {}, 2, 'item 2'],
      ['{"1": [1, 2]', {}, 1, 'item 1'],
      ['{"1": [1, 2]}\n,', {}, 2, 'root'],
      ['[1, 2]', {}, 1, 'root'],
      ['{"1": [1.5]}', {}, 1, 'item 1'],
      ['{"1": [true]}', {}, 1, 'item 1'],
      ['{"1": [1],\n"1": [2]}', {}, 2, 'item'],
      ['{"9": [1]}', { items: IdMap.identity(3, 1, 1) }, 1, 'item'],
      ['{"1": ["a\n"]}', {}, 1, 'item 1'],
      ['', {}, 1, 'root'],
    ];
    for (const [content, opts, line, field] of cases) {
      const f = writeTmp(dir, 'bad.json', content);
      const e = (await caught(() => loadItemAttributes(f, opts))) as DataFormatError;
      expect(e, content).toBeInstanceOf(DataFormatError);
      expect([e.line, e.field], content).toEqual([line, field]);
    }
    expect(await caught(() => loadItemAttributes(`${dir}/none.json`))).toBeInstanceOf(DataFileNotFoundError);
  });

  it('ignores unknown items only when asked', async () => {
    const f = writeTmp(dir, 'u.json', '{"9": [1], "2": [5]}');
    const a = await loadItemAttributes(f, { items: IdMap.identity(3, 1, 1), unknownItems: 'ignore' });
    expect(a.values.map((v) => Array.from(v))).toEqual([[], [], [1], []]);
  });
});
