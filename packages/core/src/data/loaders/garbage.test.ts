/**
 * Property test: random garbage fed to every loader. Each run must either succeed with exactly what a
 * reference reading of the lines says (no silent skip), or fail with a DataFormatError (never a TypeError,
 * RangeError or crash).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../tensor/rng.js';
import { DataFormatError } from '../errors.js';
import { tmpDir, writeTmp } from '../testkit.js';
import { loadAtomic } from './atomic.js';
import { loadCrossDomainCsv } from './crossDomainCsv.js';
import { loadDelimited } from './delimited.js';
import { loadItemAttributes } from './itemAttributes.js';
import { loadMovieLens } from './movielens.js';
import { loadSequenceFile } from './sequenceFile.js';

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const RUNS = 100;

const ALPHABET = [...'0123456789', ...'0123456789', 'a', 'x', 'Z', ' ', ' ', '\t', ',', '"', '[', ']', ':', '{', '}', '\\', '\r', '-', '.', 'e', 'é', '\u0000', '😀'];

function garbage(rng: Rng, maxLen = 24): string {
  let s = '';
  const n = rng.int(maxLen + 1);
  for (let k = 0; k < n; k++) s += ALPHABET[rng.int(ALPHABET.length)];
  return s;
}

/** A file mixing valid lines (from `valid`) and garbage lines. */
function file(rng: Rng, valid: (rng: Rng) => string, header = ''): string {
  const lines: string[] = [];
  const n = 1 + rng.int(6);
  for (let k = 0; k < n; k++) lines.push(rng.float() < 0.6 ? valid(rng) : garbage(rng));
  return header + lines.join('\n') + (rng.float() < 0.5 ? '\n' : '');
}

/** Lines as every loader sees them: split on LF, one trailing CR dropped, empty lines skipped. */
function dataLines(content: string): string[] {
  const lines = content.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  return lines.filter((l) => l.length > 0);
}

async function check<T>(load: () => Promise<T>, expected: { ok: true; verify: (r: T) => void } | { ok: false } | null, content: string) {
  let result: T | undefined;
  try {
    result = await load();
  } catch (err) {
    if (!(err instanceof DataFormatError)) throw new Error(`non-DataFormatError for ${JSON.stringify(content)}: ${String(err)}`, { cause: err });
    expect(err.line, JSON.stringify(content)).toBeGreaterThanOrEqual(0);
    expect(err.field.length).toBeGreaterThan(0);
    if (expected?.ok) throw new Error(`rejected valid input ${JSON.stringify(content)}: ${err.message}`);
    return false;
  }
  if (expected && !expected.ok) throw new Error(`accepted invalid input ${JSON.stringify(content)}`);
  expected?.verify(result!);
  return true;
}

const isFiniteNum = (s: string) => s.trim() !== '' && Number.isFinite(Number(s.trim()));

describe('loaders under random garbage', () => {
  it('sequence file: exact reference behaviour', async () => {
    const rng = new Rng(1);
    let accepted = 0;
    for (let r = 0; r < RUNS; r++) {
      const content = file(rng, (g) => `${g.int(30)} ${Array.from({ length: 1 + g.int(4) }, () => 1 + g.int(20)).join(' ')}`);
      // Reference reading.
      const seqs: number[][] = [];
      const users = new Set<string>();
      let ok = content.split('\n').some((l) => l.replace(/\r$/, '').length > 0);
      for (const line of dataLines(content)) {
        const toks = line.split(/[ \t]+/).filter((t) => t.length > 0);
        if (toks.length < 2 || users.has(toks[0])) ok = false;
        users.add(toks[0]);
        const items = toks.slice(1);
        if (!items.every((t) => /^[0-9]{1,10}$/.test(t) && Number(t) >= 1 && Number(t) <= 0x7fffffff)) ok = false;
        seqs.push(items.map(Number));
      }
      const f = writeTmp(dir, 'seq.txt', content);
      const verify = (d: Awaited<ReturnType<typeof loadSequenceFile>>) => expect(d.sequences.map((s) => Array.from(s))).toEqual(seqs);
      if (await check(() => loadSequenceFile(f), ok ? { ok: true, verify } : { ok: false }, content)) accepted++;
    }
    expect(accepted).toBeGreaterThan(5);
    expect(accepted).toBeLessThan(RUNS);
  });

  it('MovieLens u.data: exact reference behaviour', async () => {
    const rng = new Rng(2);
    let accepted = 0;
    for (let r = 0; r < RUNS; r++) {
      const content = file(rng, (g) => [g.int(9), g.int(9), 1 + g.int(5), 880000000 + g.int(99)].join('\t'));
      const lines = dataLines(content);
      const ok =
        lines.length > 0 &&
        lines.every((l) => {
          const f = l.split('\t');
          return f.length === 4 && f[0].trim() !== '' && f[1].trim() !== '' && isFiniteNum(f[2]) && isFiniteNum(f[3]);
        });
      const f = writeTmp(dir, 'u.data', content);
      const verify = (d: Awaited<ReturnType<typeof loadMovieLens>>) => {
        expect(d.interactions.length).toBe(lines.length);
        expect(Array.from(d.interactions.rating!)).toEqual(lines.map((l) => Math.fround(Number(l.split('\t')[2].trim()))));
      };
      if (await check(() => loadMovieLens(f), ok ? { ok: true, verify } : { ok: false }, content)) accepted++;
    }
    expect(accepted).toBeGreaterThan(5);
  });

  it('atomic .inter: exact reference behaviour', async () => {
    const rng = new Rng(3);
    const header = 'user_id:token\titem_id:token\ttimestamp:float\n';
    let accepted = 0;
    for (let r = 0; r < RUNS; r++) {
      const body = file(rng, (g) => [`u${g.int(5)}`, `i${g.int(5)}`, g.int(1000)].join('\t'));
      const content = rng.float() < 0.1 ? garbage(rng) + '\n' + body : header + body;
      const all = content.split('\n');
      const lines = dataLines(all.slice(1).join('\n'));
      const ok =
        content.startsWith(header) &&
        lines.length > 0 &&
        lines.every((l) => {
          const f = l.split('\t');
          return f.length === 3 && f[0].trim() !== '' && f[1].trim() !== '' && isFiniteNum(f[2]);
        });
      const f = writeTmp(dir, 'g.inter', content);
      const verify = (d: Awaited<ReturnType<typeof loadAtomic>>) => {
        expect(d.interactions.length).toBe(lines.length);
        expect(d.users.rawValues()).toEqual([...new Set(lines.map((l) => l.split('\t')[0].trim()))]);
      };
      if (await check(() => loadAtomic(f, { itemFile: false, userFile: false }), ok ? { ok: true, verify } : { ok: false }, content)) accepted++;
    }
    expect(accepted).toBeGreaterThan(5);
  });

  it('delimited CSV and cross-domain CSV: DataFormatError or every line read', async () => {
    const rng = new Rng(4);
    let accepted = 0;
    for (let r = 0; r < RUNS; r++) {
      const a = file(rng, (g) => `${g.int(9)},i${g.int(9)},${g.int(99)}`, 'u,i,t\n');
      const fa = writeTmp(dir, 'g.csv', a);
      const countA = a.includes('"') ? null : dataLines(a).length - 1;
      if (
        await check(
          () => loadDelimited(fa, { columns: { user: 'u', item: 'i', timestamp: 't' } }),
          { ok: true, verify: (d) => countA !== null && expect(d.interactions.length).toBe(countA) },
          a,
        ).catch((e: Error) => {
          if (e.message.startsWith('rejected valid')) return false; // CSV validity is csv-parse's call; only the error type matters
          throw e;
        })
      )
        accepted++;
      const b = file(rng, (g) => `${g.int(9)},"[${g.int(9)}, ${g.int(9)}]",[${g.int(9)}],${g.int(2)}`, 'user_id,seq_d1,seq_d2,domain_id\n');
      const fb = writeTmp(dir, 'g2.csv', b);
      const countB = /"/.test(b.replace(/"\[[0-9, ]*\]"/g, '')) ? null : dataLines(b).length - 1;
      if (
        await check(
          () => loadCrossDomainCsv(fb),
          { ok: true, verify: (d) => countB !== null && expect(d.rows.length).toBe(countB) },
          b,
        ).catch((e: Error) => {
          if (e.message.startsWith('rejected valid')) return false;
          throw e;
        })
      )
        accepted++;
    }
    expect(accepted).toBeGreaterThan(5);
  });

  it('item-attribute JSON: agrees with JSON.parse on well-formed input, DataFormatError otherwise', async () => {
    const rng = new Rng(5);
    const TOKENS = ['{', '}', '[', ']', ',', ':', '"1"', '"2"', '"x"', '12', '-3', '1.5', 'true', ' ', '\n', '"a b"'];
    let accepted = 0;
    for (let r = 0; r < RUNS * 2; r++) {
      let content: string;
      if (rng.float() < 0.5) {
        const obj: Record<string, number[]> = {};
        for (let k = 0; k < rng.int(4); k++) obj[String(1 + rng.int(6))] = Array.from({ length: rng.int(4) }, () => 1 + rng.int(9));
        content = JSON.stringify(obj, null, rng.int(2) ? 1 : 0);
        // Mutate: delete, duplicate or insert one character.
        if (rng.float() < 0.6 && content.length > 0) {
          const p = rng.int(content.length);
          const op = rng.int(3);
          content = op === 0 ? content.slice(0, p) + content.slice(p + 1) : op === 1 ? content.slice(0, p) + content[p] + content.slice(p) : content.slice(0, p) + garbage(rng, 2) + content.slice(p);
        }
      } else {
        content = Array.from({ length: rng.int(12) }, () => TOKENS[rng.int(TOKENS.length)]).join('');
      }
      let expected: Map<number, number[]> | null = null;
      try {
        const parsed: unknown = JSON.parse(content);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          const entries = Object.entries(parsed as Record<string, unknown>);
          if (entries.every(([k, v]) => /^[1-9][0-9]{0,9}$/.test(k) && Array.isArray(v) && v.every((x) => Number.isInteger(x)))) {
            expected = new Map(entries.map(([k, v]) => [Number(k), v as number[]]));
          }
        }
      } catch {
        expected = null;
      }
      const f = writeTmp(dir, 'g.json', content);
      const ok = await check(
        () => loadItemAttributes(f),
        expected
          ? {
              ok: true,
              verify: (a) => {
                for (const [item, vals] of expected!) expect(Array.from(a.values[item]).map((v) => Number(a.vocab.raw(v)))).toEqual(vals);
              },
            }
          : { ok: false },
        content,
      ).catch((e: Error) => {
        // Duplicate keys are valid JSON (last wins) but rejected here on purpose.
        if (e.message.startsWith('rejected valid') && e.message.includes('each item once')) return false;
        throw e;
      });
      if (ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(5);
  });
});
