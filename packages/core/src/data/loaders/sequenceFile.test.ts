import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileNotFoundError, DataFormatError } from '../errors.js';
import { caught, tmpDir, writeTmp } from '../testkit.js';
import { loadSequenceFile, scanSequenceFile } from './sequenceFile.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadSequenceFile', () => {
  it('keeps raw numeric ids (items dense as given, users in line order)', async () => {
    const f = writeTmp(dir, 'a.txt', '1 1 2 3\n2 4 2\n7 5\n');
    const d = await loadSequenceFile(f);
    expect(d.numUsers).toBe(3);
    expect(d.numItems).toBe(5);
    expect(d.numInteractions).toBe(6);
    expect(d.sequences.map((s) => Array.from(s))).toEqual([[1, 2, 3], [4, 2], [5]]);
    expect(d.users.rawValues()).toEqual(['1', '2', '7']);
    expect(d.users.get('7')).toBe(2);
    expect(d.items.get('4')).toBe(4);
    expect(Array.from(d.sequence(1))).toEqual([4, 2]);
  });

  it('accepts tabs, repeated spaces, CRLF, a BOM, blank lines and a missing final newline', async () => {
    const f = writeTmp(dir, 'b.txt', '\uFEFFu1\t3  4 \r\n\nu2 1');
    const d = await loadSequenceFile(f);
    expect(d.sequences.map((s) => Array.from(s))).toEqual([[3, 4], [1]]);
    expect(d.users.rawValues()).toEqual(['u1', 'u2']);
    expect(d.numItems).toBe(4);
  });

  it('remaps arbitrary item tokens in order of first appearance', async () => {
    const f = writeTmp(dir, 'c.txt', 'A B0001 X9\nB X9 Z\n');
    const d = await loadSequenceFile(f, { ids: 'remap' });
    expect(d.sequences.map((s) => Array.from(s))).toEqual([[1, 2], [2, 3]]);
    expect(d.items.rawValues()).toEqual(['B0001', 'X9', 'Z']);
    expect(d.numItems).toBe(3);
  });

  it('honours a declared item count', async () => {
    const f = writeTmp(dir, 'd.txt', '1 1 2\n');
    expect((await loadSequenceFile(f, { numItems: 10 })).numItems).toBe(10);
    const e = (await caught(() => loadSequenceFile(f, { numItems: 1 }))) as DataFormatError;
    expect(e).toBeInstanceOf(DataFormatError);
    expect([e.line, e.field, e.got]).toEqual([1, 'item', '2']);
  });

  it('widens storage to 32 bits when an id exceeds 65535, keeping earlier sequences', async () => {
    const f = writeTmp(dir, 'e.txt', '1 65535 3\n2 70000 1\n');
    const d = await loadSequenceFile(f);
    expect(d.sequences.map((s) => Array.from(s))).toEqual([[65535, 3], [70000, 1]]);
    expect(d.numItems).toBe(70000);
  });

  it('reads lines that span the 1 MB read chunks', async () => {
    const lines: string[] = [];
    const expected: number[][] = [];
    for (let u = 0; u < 300; u++) {
      const items = Array.from({ length: 1000 + (u % 7) }, (_, k) => 1 + ((u * 7919 + k * 104729) % 50000));
      expected.push(items);
      lines.push(`${u + 1} ${items.join(' ')}`);
    }
    const f = writeTmp(dir, 'big.txt', lines.join('\n') + '\n');
    expect(fs.statSync(f).size).toBeGreaterThan(1 << 20);
    const d = await loadSequenceFile(f);
    expect(d.numUsers).toBe(300);
    for (const u of [0, 1, 150, 299]) expect(Array.from(d.sequence(u))).toEqual(expected[u]);
    const seen: number[] = [];
    await scanSequenceFile(f, (user, items) => {
      if (user === '151') seen.push(...items);
    });
    expect(seen).toEqual(expected[150]);
  });

  it('reads one line longer than several read chunks', async () => {
    const items = Array.from({ length: 400_000 }, (_, k) => 1 + ((k * 7919) % 99991));
    const f = writeTmp(dir, 'long.txt', `9 ${items.join(' ')}
8 1 2`);
    expect(fs.statSync(f).size).toBeGreaterThan(2 << 20);
    const d = await loadSequenceFile(f);
    expect(d.numUsers).toBe(2);
    expect(d.sequence(0).length).toBe(items.length);
    expect(Array.from(d.sequence(0).subarray(-3))).toEqual(items.slice(-3));
    expect(d.sequence(0).reduce((a, b) => a + b, 0)).toBe(items.reduce((a, b) => a + b, 0));
    expect(Array.from(d.sequence(1))).toEqual([1, 2]);
  });
});

describe('loadSequenceFile errors', () => {
  it('names file, line and field for a non-numeric item id', async () => {
    const f = writeTmp(dir, 'Beauty.txt', '1 1 2\n2 3 abc 4\n');
    const e = (await caught(() => loadSequenceFile(f))) as DataFormatError;
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e.message).toBe(`${f}:2: field "item" expected a positive integer item id, got "abc"`);
    expect([e.file, e.line, e.field, e.got]).toEqual([f, 2, 'item', 'abc']);
  });

  it('rejects item id 0 (padding) and negative ids', async () => {
    for (const bad of ['0', '-3', '1.5']) {
      const f = writeTmp(dir, 'z.txt', `1 2 ${bad}\n`);
      const e = (await caught(() => loadSequenceFile(f))) as DataFormatError;
      expect(e).toBeInstanceOf(DataFormatError);
      expect(e.got).toBe(bad);
    }
  });

  it('reports a truncated line (user without items)', async () => {
    const f = writeTmp(dir, 't.txt', '1 1 2\n2\n');
    const e = (await caught(() => loadSequenceFile(f))) as DataFormatError;
    expect(e).toBeInstanceOf(DataFormatError);
    expect([e.line, e.field]).toEqual([2, 'item']);
    expect(e.expected).toContain('at least one item id');
  });

  it('reports an empty file and a file of blank lines', async () => {
    for (const content of ['', '\n\n']) {
      const f = writeTmp(dir, 'empty.txt', content);
      const e = (await caught(() => loadSequenceFile(f))) as DataFormatError;
      expect(e).toBeInstanceOf(DataFormatError);
      expect([e.line, e.field]).toEqual([1, 'user']);
      expect(e.got).toContain('empty');
    }
  });

  it('reports a whitespace-only line', async () => {
    const f = writeTmp(dir, 'ws.txt', '1 2\n  \t\n');
    const e = (await caught(() => loadSequenceFile(f))) as DataFormatError;
    expect([e.line, e.field]).toEqual([2, 'user']);
  });

  it('reports a user on two lines, numeric or not', async () => {
    for (const [content, line] of [
      ['5 1\n6 2\n5 3\n', 3],
      ['a 1\nb 2\na 3\n', 3],
      ['5 1\nx 2\n5 3\n', 3],
      ['5 1\n\n6 2\n\n5 3\n', 5],
      ['99999999999 1\n5 2\n99999999999 3\n', 3],
    ] as const) {
      const f = writeTmp(dir, 'dup.txt', content);
      const e = (await caught(() => loadSequenceFile(f))) as DataFormatError;
      expect(e).toBeInstanceOf(DataFormatError);
      expect([e.line, e.field]).toEqual([line, 'user']);
      expect(e.expected).toContain('line 1');
    }
  });

  it('reports a missing file by its path', async () => {
    const p = path.join(dir, 'nope', 'Beauty.txt');
    const e = (await caught(() => loadSequenceFile(p))) as DataFormatError;
    expect(e).toBeInstanceOf(DataFileNotFoundError);
    expect(e.message).toContain(p);
    const d = (await caught(() => loadSequenceFile(dir))) as DataFormatError;
    expect(d).toBeInstanceOf(DataFileNotFoundError);
  });
});
