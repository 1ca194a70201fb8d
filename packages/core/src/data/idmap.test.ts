import { describe, expect, it } from 'vitest';
import { IdMap, isCanonicalInt } from './idmap.js';

describe('IdMap', () => {
  it('assigns dense ids from the base in order of first appearance, both directions', () => {
    const m = new IdMap(1);
    expect(['b', 'a', 'b', 'c'].map((r) => m.getOrAdd(r))).toEqual([1, 2, 1, 3]);
    expect(m.size).toBe(3);
    expect(m.maxDense).toBe(3);
    expect(m.raw(2)).toBe('a');
    expect(m.get('c')).toBe(3);
    expect(m.get('zz')).toBeUndefined();
    expect(() => m.dense('zz')).toThrow(RangeError);
    expect(() => m.raw(0)).toThrow(RangeError);
    expect(() => m.raw(4)).toThrow(RangeError);
    expect(m.rawValues()).toEqual(['b', 'a', 'c']);
  });

  it('identity maps cost nothing per id and grow with larger ids', () => {
    const m = IdMap.identity(5, 1, 1);
    expect(m.isIdentity).toBe(true);
    expect(m.get('3')).toBe(3);
    expect(m.get(5)).toBe(5);
    expect(m.get('6')).toBeUndefined();
    expect(m.get('03')).toBeUndefined();
    expect(m.getOrAdd('9')).toBe(9);
    expect(m.size).toBe(9);
    expect(m.toJSON()).toEqual({ base: 1, identity: { first: 1, count: 9 } });
    const z = IdMap.identity(3, 1, 0); // 0-based raw ids → dense 1..3
    expect(z.get('0')).toBe(1);
    expect(z.raw(3)).toBe('2');
  });

  it('numeric maps keep integer ids compactly and switch to strings when needed', () => {
    const m = IdMap.numeric(0);
    expect(m.getOrAdd('10')).toBe(0);
    expect(m.getOrAdd('7')).toBe(1);
    expect(m.getOrAdd('10')).toBe(0);
    expect(m.getOrAdd('x7')).toBe(2);
    expect(m.getOrAdd('007')).toBe(3); // not the same raw id as "7"
    expect(m.rawValues()).toEqual(['10', '7', 'x7', '007']);
    expect(m.get('7')).toBe(1);
  });

  it('round-trips through JSON and subsets keep raw ids', () => {
    for (const m of [IdMap.fromRaw(['u9', 'u2', 'u5'], 0), IdMap.identity(4, 1, 1), (() => { const n = IdMap.numeric(1); n.getOrAdd('42'); n.getOrAdd('17'); return n; })()]) {
      const back = IdMap.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
      expect(back.rawValues()).toEqual(m.rawValues());
      expect(back.base).toBe(m.base);
    }
    const s = IdMap.fromRaw(['a', 'b', 'c', 'd'], 1).subset([4, 2]);
    expect(s.rawValues()).toEqual(['d', 'b']);
    expect(s.get('d')).toBe(1);
    expect(() => IdMap.fromRaw(['a', 'a'])).toThrow(RangeError);
  });

  it('recognises canonical integers', () => {
    expect(['0', '12', '-3'].map(isCanonicalInt)).toEqual([true, true, true]);
    expect(['01', '', '1.0', ' 1', '1e3', '-0'].map(isCanonicalInt)).toEqual([false, false, false, false, false, false]);
  });
});
