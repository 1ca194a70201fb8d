import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { caught, tmpDir, writeTmp } from '../testkit.js';
import { crossDomainHistory, crossDomainOther, crossDomainTarget, loadCrossDomainCsv } from './crossDomainCsv.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadCrossDomainCsv', () => {
  it('parses quoted JSON-style lists and shifts 0-based ids by one', async () => {
    const f = writeTmp(dir, 'x.csv', 'user_id,seq_d1,seq_d2,domain_id\n5,"[6, 0, 7]",[4],1\n9,[],"[3, 2]",1\n5,[2],[],0\n');
    const d = await loadCrossDomainCsv(f);
    expect(d.rows.length).toBe(3);
    expect(d.numUsers).toBe(2);
    expect(d.numItems).toBe(8);
    const [a, b, c] = d.rows;
    expect([a.user, a.domain, a.line]).toEqual([5, 1, 2]);
    expect(a.seqs.map((s) => Array.from(s))).toEqual([[7, 1, 8], [5]]);
    expect(crossDomainTarget(a)).toBe(5);
    expect(Array.from(crossDomainHistory(a))).toEqual([]);
    expect(Array.from(crossDomainOther(a))).toEqual([7, 1, 8]);
    expect(crossDomainTarget(b)).toBe(3);
    expect(Array.from(crossDomainHistory(b))).toEqual([4]);
    expect(c.domain).toBe(0);
    expect(crossDomainTarget(c)).toBe(3);
  });

  it('ignores extra columns', async () => {
    const f = writeTmp(dir, 'extra.csv', 'user_id,seq_d1,seq_d2,domain_id,corr_d1\n1,[1],[2],0,[9]\n');
    expect((await loadCrossDomainCsv(f)).rows[0].seqs.map((s) => Array.from(s))).toEqual([[2], [3]]);
  });

  it('errors name the line and field', async () => {
    const H = 'user_id,seq_d1,seq_d2,domain_id\n';
    const cases: [string, number, string][] = [
      ['user_id,seq_d1,domain_id\n1,[1],0\n', 1, 'seq_d2'],
      [H + '1,[1],[2],2\n', 2, 'domain_id'],
      [H + '1,"[1, x]",[2],0\n', 2, 'seq_d1'],
      [H + '1,1 2,[2],0\n', 2, 'seq_d1'],
      [H + 'u1,[1],[2],0\n', 2, 'user_id'],
      [H + '1,[],[2],0\n', 2, 'seq_d1'],
      [H + '1,[1],[2]\n', 2, 'domain_id'],
      [H + '1,"[1],[2],0\n', 2, 'seq_d1'],
      ['', 1, 'header'],
      [H, 2, 'user_id'],
    ];
    for (const [content, line, field] of cases) {
      const f = writeTmp(dir, 'bad.csv', content);
      const e = (await caught(() => loadCrossDomainCsv(f))) as DataFormatError;
      expect(e, content).toBeInstanceOf(DataFormatError);
      expect([e.line, e.field], content).toEqual([line, field]);
    }
  });
});
