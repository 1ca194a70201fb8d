import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CellRecord } from '../src/experiment.js';
import { appendResult, readResults, trimPartialLine } from '../src/runner/resultsLog.js';
import { summarize } from '../src/runner/summary.js';
import { tmpDir } from './helpers.js';

const rec = (model: string, seed: number, v: number): CellRecord => ({
  model,
  seed,
  metrics: { all: { 'HR@10': v, epoch_s: 1 }, cold: { 'HR@10': v / 2 } },
  finishedAt: '2026-01-01T00:00:00Z',
  wallSeconds: 1,
});

describe('results.jsonl', () => {
  it('appends whole lines and ignores then trims a trailing partial line', () => {
    const file = path.join(tmpDir(), 'results.jsonl');
    appendResult(file, rec('A', 0, 0.5));
    fs.appendFileSync(file, '{"model":"A","seed":1,"metr'); // a crash mid-write
    expect(readResults(file).map((r) => [r.model, r.seed])).toEqual([['A', 0]]);
    trimPartialLine(file);
    appendResult(file, rec('A', 1, 0.7));
    expect(readResults(file).map((r) => [r.model, r.seed])).toEqual([['A', 0], ['A', 1]]);
    expect(fs.readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
  });

  it('an append after an untrimmed partial line starts a line of its own; the remnant is then named', () => {
    const file = path.join(tmpDir(), 'results.jsonl');
    appendResult(file, rec('A', 0, 0.5));
    fs.appendFileSync(file, '{"model":"A","seed":1,"metr'); // left by a crash while another process was at work
    appendResult(file, rec('B', 0, 0.7));
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[2]).model).toBe('B');
    expect(() => readResults(file)).toThrow(/results\.jsonl:2: not a JSON line/);
  });

  it('names the line of a corrupt record', () => {
    const file = path.join(tmpDir(), 'results.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(rec('A', 0, 1))}\nnot json\n`);
    expect(() => readResults(file)).toThrow(/results\.jsonl:2: not a JSON line/);
  });
});

describe('summary', () => {
  it('aggregates mean and sample std per (model, group, metric)', () => {
    const s = summarize({ experiment: 'e', dataset: 'd', protocol: 'p', backend: 'cpu' }, [rec('A', 0, 0.5), rec('A', 1, 0.7), rec('B', 0, 0.1)]);
    const a = s.rows.find((r) => r.model === 'A' && r.metric === 'HR@10' && r.group === 'all')!;
    expect(a.mean).toBeCloseTo(0.6, 12);
    expect(a.std).toBeCloseTo(Math.sqrt(0.02), 12); // ((0.1)² + (0.1)²) / (2 − 1)
    expect(a.n).toBe(2);
    const cold = s.rows.find((r) => r.model === 'A' && r.group === 'cold')!;
    expect(cold.mean).toBeCloseTo(0.3, 12);
    const b = s.rows.find((r) => r.model === 'B' && r.metric === 'HR@10' && r.group === 'all')!;
    expect([b.std, b.n]).toEqual([0, 1]);
    expect(Object.keys(s)).toEqual(['experiment', 'dataset', 'protocol', 'backend', 'rows']);
  });
});
