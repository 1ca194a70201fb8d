import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { caught, tmpDir, writeTmp } from '../testkit.js';
import { loadDelimited } from './delimited.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadDelimited', () => {
  it('maps named columns of a quoted CSV', async () => {
    const f = writeTmp(dir, 'a.csv', 'ts,who,what,"note, with comma"\n10,alice,"item ""1""",x\n5,bob,i2,y\n');
    const ds = await loadDelimited(f, { columns: { user: 'who', item: 'what', timestamp: 'ts' } });
    expect(Array.from(ds.interactions.user)).toEqual([0, 1]);
    expect(ds.items.rawValues()).toEqual(['item "1"', 'i2']);
    expect(Array.from(ds.interactions.timestamp)).toEqual([10, 5]);
  });

  it('maps column indices of a header-less file with behaviours (Taobao layout)', async () => {
    const f = writeTmp(dir, 'UserBehavior.csv', '1,2268318,2520377,pv,1511544070\n1,2333346,2520771,buy,1511561733\n');
    const ds = await loadDelimited(f, {
      header: false,
      quote: false,
      columns: { user: 0, item: 1, behaviour: 3, timestamp: 4 },
      behaviours: ['pv', 'cart', 'fav', 'buy'],
      numFields: 5,
    });
    expect(Array.from(ds.interactions.behaviour!)).toEqual([0, 3]);
    expect(Array.from(ds.interactions.timestamp)).toEqual([1511544070, 1511561733]);
  });

  it('builds the behaviour vocabulary when none is declared, and keeps raw item ids on request', async () => {
    const f = writeTmp(dir, 'b.tsv', 'u\ti\tb\nx\t3\tview\nx\t1\tbuy\ny\t3\tview\n');
    const ds = await loadDelimited(f, { delimiter: '\t', columns: { user: 'u', item: 'i', behaviour: 'b' }, itemIds: 'raw' });
    expect(ds.interactions.behaviourNames).toEqual(['view', 'buy']);
    expect(Array.from(ds.interactions.item)).toEqual([3, 1, 3]);
    expect(ds.interactions.numItems).toBe(3);
  });

  it('errors: missing named column, unknown behaviour, short row, unclosed quote, empty file', async () => {
    const cases: [string, object, number, string][] = [
      ['a,b\n1,2\n', { columns: { user: 'a', item: 'c' } }, 1, 'c'],
      ['u,i,b\n1,2,pv\n1,3,click\n', { columns: { user: 'u', item: 'i', behaviour: 'b' }, behaviours: ['pv'] }, 3, 'b'],
      ['u,i,t\n1,2,3\n1,2\n', { columns: { user: 'u', item: 'i', timestamp: 't' } }, 3, 't'],
      ['u,i\n1,"2\n', { columns: { user: 'u', item: 'i' } }, 2, 'i'],
      ['', { columns: { user: 0, item: 1 } }, 1, 'header'],
      ['u,i\n5,0\n', { columns: { user: 'u', item: 'i' }, itemIds: 'raw' }, 2, 'i'],
    ];
    for (const [content, opts, line, field] of cases) {
      const f = writeTmp(dir, 'bad.csv', content);
      const e = (await caught(() => loadDelimited(f, opts as never))) as DataFormatError;
      expect(e, content).toBeInstanceOf(DataFormatError);
      expect([e.line, e.field], content).toEqual([line, field]);
    }
  });
});
