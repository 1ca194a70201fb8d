import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import type { CellRecord } from '../src/experiment.js';
import { iacnCells, iacnSchema, pairedSection, type IacnExperimentConfig } from '../src/experiments/iacnCommon.js';

const schema = iacnSchema('');
const config = (values: Record<string, string>) =>
  resolveConfig('iacn-test', schema, [{ source: '--set', text: true, values }]) as unknown as IacnExperimentConfig;

describe('IaCN main-comparison models with overrides', () => {
  it('accept IaCN+<base>@key=value written canonically, and refuse the rest naming the key', () => {
    expect(config({ models: 'IaCN+DIN@lambda=0,DIN,DIN:2d' }).models).toEqual(['IaCN+DIN@lambda=0', 'DIN', 'DIN:2d']);
    expect(() => config({ models: 'IaCN+DIN@lambda=0.0' })).toThrow(/config key "models": "IaCN\+DIN@lambda=0.0": write it "IaCN\+DIN@lambda=0"/);
    expect(() => config({ models: 'DIN@maxLen=10' })).toThrow(/config key "models": "DIN@maxLen=10": maxLen has its own study/);
    expect(() => config({ models: 'IaCN+GRU4Rec' })).toThrow(/config key "models": unknown IaCN experiment model/);
    expect(() => config({ models: 'DIN,DIN' })).toThrow(/config key "models": value "DIN" appears twice/);
  });

  it('a sweep point listed in the main comparison gets the main seeds, each cell once', () => {
    const c = config({ models: 'IaCN+DIN,DIN,IaCN+DIN@lambda=0', seeds: '5', sweepSeeds: '3', lambdaSweep: '0,1', deltaSweep: '' });
    const cells = iacnCells(c);
    const keys = cells.map((x) => `${x.model}/${x.seed}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(cells.filter((x) => x.model === 'IaCN+DIN@lambda=0').map((x) => x.seed)).toEqual([0, 1, 2, 3, 4]);
    // 5 seeds of each of the three models; the λ sweep (0 and the main 1) adds nothing new
    expect(cells).toHaveLength(15);
  });
});

describe('pairedSection', () => {
  const r = (model: string, seed: number, AUC: number): CellRecord => ({ model, seed, metrics: { all: { AUC, GAUC: AUC, LogLoss: 0.5 } }, finishedAt: '', wallSeconds: 0 });
  it('pairs every IaCN model of the main comparison with its base and the base at 2d, by seed', () => {
    const records = [
      r('DIN', 0, 0.8), r('DIN', 1, 0.81), r('DIN', 2, 0.79),
      r('IaCN+DIN', 0, 0.78), r('IaCN+DIN', 1, 0.78), r('IaCN+DIN', 2, 0.78),
      r('IaCN+DIN@lambda=0', 0, 0.81), r('IaCN+DIN@lambda=0', 1, 0.82), r('IaCN+DIN@lambda=0', 2, 0.8),
    ];
    const s = pairedSection(records, ['IaCN+DIN', 'DIN', 'DIN:2d', 'IaCN+DIN@lambda=0'], 200)!;
    const rows = s.tables![0].rows;
    // no DIN:2d cells: only the rows against DIN
    expect(rows.map((x) => x[0])).toEqual(['IaCN+DIN − DIN', 'IaCN+DIN@lambda=0 − DIN']);
    // IaCN+DIN − DIN: −0.02, −0.03, −0.01 → −0.0200; the λ = 0 point: +0.01 on every seed
    expect(rows[0].slice(1, 3)).toEqual(['3', '-0.0200']);
    expect(rows[0][4]).toBe('0/3');
    expect(rows[1].slice(1, 5)).toEqual(['3', '+0.0100', '[+0.0100, +0.0100]', '3/3']);
    expect(rows[1][8]).toBe('IaCN better');
    expect(s.text!.some((t) => t.includes('IaCN+DIN@lambda=0 > DIN on test AUC by +0.0100') && t.endsWith('the gain holds'))).toBe(true);
  });

  it('a difference over one seed gets no verdict, ahead or behind', () => {
    const one = [r('DIN', 0, 0.8), r('IaCN+DIN', 0, 0.79), r('WideDeep', 0, 0.8), r('IaCN+WideDeep', 0, 0.81)];
    const s = pairedSection(one, ['IaCN+DIN', 'DIN', 'IaCN+WideDeep', 'WideDeep'], 200)!;
    expect(s.tables![0].rows.map((x) => x[8])).toEqual(['IaCN behind (1 seed)', 'IaCN ahead (1 seed)']);
    const verdicts = s.text!.filter((t) => t.includes('on test AUC by'));
    expect(verdicts).toHaveLength(2);
    for (const v of verdicts) expect(v.endsWith('one seed, no interval yet: not judged')).toBe(true);
  });
});
