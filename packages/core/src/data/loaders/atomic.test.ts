import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileNotFoundError, DataFormatError } from '../errors.js';
import { caught, tmpDir, writeTmp } from '../testkit.js';
import { loadAtomic, parseAtomicHeader } from './atomic.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const INTER = 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n' + 'u1\ti9\t5\t100\n' + 'u2\ti9\t3\t50\n' + 'u1\ti4\t1\t100\n';
const ITEM = 'item_id:token\ttitle:token_seq\tyear:token\tclass:token_seq\tscore:float\n' + 'i4\tThe Film\t1995\tAction Comedy\t0.5\n' + 'i9\tOther\t1990\tComedy\t2\n' + 'i7\tUnrated\t\t\t\n';
const USER = 'user_id:token\tage:token\tgender:token\n' + 'u2\t30\tF\n' + 'u1\t24\tM\n' + 'u3\t24\t\n';

describe('loadAtomic', () => {
  it('reads .inter, .item and .user with dense ids and typed fields', async () => {
    const d = path.join(dir, 'toy');
    fs.mkdirSync(d);
    writeTmp(d, 'toy.inter', INTER);
    writeTmp(d, 'toy.item', ITEM);
    writeTmp(d, 'toy.user', USER);
    const ds = await loadAtomic(d);
    const t = ds.interactions;
    expect(t.length).toBe(3);
    expect(Array.from(t.user)).toEqual([0, 1, 0]);
    expect(Array.from(t.item)).toEqual([1, 1, 2]);
    expect(Array.from(t.rating!)).toEqual([5, 3, 1]);
    expect(Array.from(t.timestamp)).toEqual([100, 50, 100]);
    expect(Array.from(t.row)).toEqual([0, 1, 2]);
    // i7 appears only in .item, u3 only in .user: they get ids after the interacted ones.
    expect(ds.items.rawValues()).toEqual(['i9', 'i4', 'i7']);
    expect(ds.users.rawValues()).toEqual(['u1', 'u2', 'u3']);
    expect([t.numUsers, t.numItems]).toEqual([3, 3]);
    const cls = ds.itemAttributes!.class;
    expect(cls.vocab.rawValues()).toEqual(['Action', 'Comedy']);
    expect(cls.values.map((v) => Array.from(v))).toEqual([[], [2], [1, 2], []]);
    expect(ds.itemAttributes!.year.values.map((v) => Array.from(v))).toEqual([[], [2], [1], []]);
    expect(ds.itemNumeric!.score.map((v) => Array.from(v))).toEqual([[], [2], [0.5], []]);
    const age = ds.userProfile!.fields.age;
    expect(Array.from(age.values)).toEqual([2, 1, 2]);
    expect(age.vocab.raw(1)).toBe('30');
    expect(Array.from(ds.userProfile!.fields.gender.values)).toEqual([2, 1, 0]);
  });

  it('accepts a .inter path and can skip side files; no timestamp column means row order', async () => {
    const f = writeTmp(dir, 'plain.inter', 'user_id:token\titem_id:token\na\tx\nb\ty\na\ty\n');
    const ds = await loadAtomic(f);
    expect(Array.from(ds.interactions.timestamp)).toEqual([0, 1, 2]);
    expect(ds.interactions.rating).toBeUndefined();
    expect(ds.itemAttributes).toBeUndefined();
  });

  it('reads a behaviour column against a declared vocabulary', async () => {
    const f = writeTmp(dir, 'beh.inter', 'user_id:token\titem_id:token\tbehavior:token\ttimestamp:float\na\tx\tpv\t1\na\ty\tbuy\t2\n');
    const ds = await loadAtomic(f, { behaviourField: 'behavior', behaviours: ['pv', 'cart', 'buy'] });
    expect(Array.from(ds.interactions.behaviour!)).toEqual([0, 2]);
    expect(ds.interactions.behaviourNames).toEqual(['pv', 'cart', 'buy']);
  });

  it('parses typed headers', () => {
    expect(parseAtomicHeader('a:token\tb:float_seq', 'f')).toEqual([
      { name: 'a', type: 'token' },
      { name: 'b', type: 'float_seq' },
    ]);
  });
});

describe('loadAtomic errors', () => {
  const expectError = async (content: string, line: number, field: string, opts = {}) => {
    const f = writeTmp(dir, 'bad.inter', content);
    const e = (await caught(() => loadAtomic(f, { itemFile: false, userFile: false, ...opts }))) as DataFormatError;
    expect(e).toBeInstanceOf(DataFormatError);
    expect([e.file, e.line, e.field]).toEqual([f, line, field]);
    return e;
  };

  it('missing column in the header', async () => {
    const e = await expectError('user_id:token\trating:float\na\t1\n', 1, 'item_id');
    expect(e.expected).toContain('item_id');
  });

  it('untyped header cell', async () => {
    await expectError('user_id:token\titem_id\na\tb\n', 1, 'item_id');
    await expectError('user_id:token\titem_id:int\na\tb\n', 1, 'item_id:int');
  });

  it('truncated line (missing fields) names the first missing field', async () => {
    const e = await expectError('user_id:token\titem_id:token\trating:float\na\tb\t1\nc\td\n', 3, 'rating');
    expect(e.expected).toContain('2 of 3');
  });

  it('extra fields', async () => {
    await expectError('user_id:token\titem_id:token\na\tb\tc\n', 2, 'column 3');
  });

  it('non-numeric rating or timestamp, empty id', async () => {
    const e = await expectError('user_id:token\titem_id:token\trating:float\na\tb\tfive\n', 2, 'rating');
    expect(e.got).toBe('five');
    await expectError('user_id:token\titem_id:token\ttimestamp:float\na\tb\t12\na\tc\tNaN\n', 3, 'timestamp');
    await expectError('user_id:token\titem_id:token\na\t \n', 2, 'item_id');
  });

  it('unknown behaviour value', async () => {
    const e = await expectError('user_id:token\titem_id:token\tbehavior:token\na\tb\tpv\na\tc\tfav\n', 3, 'behavior', {
      behaviourField: 'behavior',
      behaviours: ['pv', 'buy'],
    });
    expect(e.got).toBe('fav');
    expect(e.expected).toBe('one of "pv", "buy"');
  });

  it('empty file and header without data', async () => {
    const e = await expectError('', 1, 'header');
    expect(e.got).toContain('empty');
    await expectError('user_id:token\titem_id:token\n', 2, 'user_id');
  });

  it('bad side files: duplicate id, wrong field count', async () => {
    const d = path.join(dir, 'side');
    fs.mkdirSync(d);
    const inter = writeTmp(d, 'side.inter', 'user_id:token\titem_id:token\na\tx\n');
    writeTmp(d, 'side.item', 'item_id:token\tc:token\nx\t1\nx\t2\n');
    let e = (await caught(() => loadAtomic(inter))) as DataFormatError;
    expect([e.file, e.line, e.field]).toEqual([path.join(d, 'side.item'), 3, 'item_id']);
    writeTmp(d, 'side.item', 'item_id:token\tc:token\nx\n');
    e = (await caught(() => loadAtomic(inter))) as DataFormatError;
    expect([e.line, e.field]).toEqual([2, 'c']);
  });

  it('missing file', async () => {
    const e = (await caught(() => loadAtomic(path.join(dir, 'none', 'x.inter')))) as DataFormatError;
    expect(e).toBeInstanceOf(DataFileNotFoundError);
    expect(e.file).toBe(path.join(dir, 'none', 'x.inter'));
  });
});
