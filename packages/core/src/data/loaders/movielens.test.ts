import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileNotFoundError, DataFormatError } from '../errors.js';
import { caught, tmpDir, writeTmp } from '../testkit.js';
import { loadMovieLens } from './movielens.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loadMovieLens', () => {
  it('reads u.data, ratings.dat and ratings.csv into the same table', async () => {
    const rows = [
      [196, 242, 3, 881250949],
      [186, 302, 3, 891717742],
      [196, 302, 4.5, 881250950],
    ];
    const files = [
      writeTmp(dir, 'u.data', rows.map((r) => r.join('\t')).join('\n') + '\n'),
      writeTmp(dir, 'ratings.dat', rows.map((r) => r.join('::')).join('\n') + '\n'),
      writeTmp(dir, 'ratings.csv', 'userId,movieId,rating,timestamp\n' + rows.map((r) => r.join(',')).join('\n') + '\n'),
    ];
    for (const f of files) {
      const ds = await loadMovieLens(f);
      const t = ds.interactions;
      expect(Array.from(t.user)).toEqual([0, 1, 0]);
      expect(Array.from(t.item)).toEqual([1, 2, 2]);
      expect(Array.from(t.rating!)).toEqual([3, 3, 4.5]);
      expect(Array.from(t.timestamp)).toEqual([881250949, 891717742, 881250950]);
      expect(ds.users.rawValues()).toEqual(['196', '186']);
      expect(ds.items.rawValues()).toEqual(['242', '302']);
    }
  });

  it('reports bad rows with file, line and field', async () => {
    const cases: [string, string, number, string][] = [
      ['u.data', '1\t2\t3\t4\n1\t2\tx\t4\n', 2, 'rating'],
      ['u.data', '1\t2\t3\t4\n1\t2\t3\n', 2, 'timestamp'],
      ['ratings.dat', '1::2::3::4::5\n', 1, 'column 5'],
      ['ratings.csv', 'user,movie,rating,timestamp\n1,2,3,4\n', 1, 'header'],
      ['ratings.csv', 'userId,movieId,rating,timestamp\n', 1, 'user'],
      ['u.data', '', 1, 'user'],
    ];
    for (const [name, content, line, field] of cases) {
      const f = writeTmp(dir, name, content);
      const e = (await caught(() => loadMovieLens(f))) as DataFormatError;
      expect(e, `${name}: ${content}`).toBeInstanceOf(DataFormatError);
      expect([e.line, e.field]).toEqual([line, field]);
    }
    expect(await caught(() => loadMovieLens(`${dir}/missing/u.data`))).toBeInstanceOf(DataFileNotFoundError);
  });
});
