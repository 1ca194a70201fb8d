import { describe, expect, it } from 'vitest';
import type { CellRecord } from '../src/experiment.js';
import { ctrVersusWideDeep } from '../src/experiments/ctrCommon.js';

const rec = (model: string, seed: number, AUC: number, GAUC: number): CellRecord => ({ model, seed, metrics: { all: { AUC, GAUC } }, finishedAt: '', wallSeconds: 0 });

describe('ctrVersusWideDeep', () => {
  it('pairs each model with WideDeep by seed: mean, t-interval, seeds ahead, verdict', () => {
    const records = [
      rec('WideDeep', 0, 0.8, 0.7), rec('WideDeep', 1, 0.7, 0.7), rec('WideDeep', 2, 0.9, 0.7),
      rec('DIN', 0, 0.81, 0.71), rec('DIN', 1, 0.73, 0.71), rec('DIN', 2, 0.89, 0.71),
      rec('DIEN', 0, 0.7, 0.6),
    ];
    const [s] = ctrVersusWideDeep(records, ['DIN', 'DIEN', 'WideDeep']);
    const [din, dien] = s.tables![0].rows;
    // DIN − WideDeep per seed: +0.01, +0.03, −0.01 → mean 0.01, std 0.02, half-width 4.303 · 0.02 / √3
    const half = (4.303 * 0.02) / Math.sqrt(3);
    expect(din.slice(0, 2)).toEqual(['DIN', '3']);
    expect(din[2]).toBe(`+0.0100 [${(0.01 - half).toFixed(4)}, +${(0.01 + half).toFixed(4)}]`);
    expect(din[3]).toBe('2/3');
    expect(din[4]).toBe('+0.0100 / +0.0300 / -0.0100');
    expect(dien.slice(0, 4)).toEqual(['DIEN', '1', '-0.1000', '0/1']);
    expect(s.text!.join('\n')).toMatch(/- DIN beats WideDeep on the mean test AUC \(\+0\.0100; ahead on 2 of 3 seeds; the 95% interval includes 0\)/);
    expect(s.text!.join('\n')).toMatch(/DIEN does \*\*not\*\* beat WideDeep/);
    // an interval wholly below 0 excludes 0 too
    const behind = [0, 1, 2].flatMap((seed) => [rec('WideDeep', seed, 0.8, 0.7), rec('DIN', seed, 0.7 + 0.001 * seed, 0.7)]);
    expect(ctrVersusWideDeep(behind, ['DIN'])[0].text!.join('\n')).toMatch(/does \*\*not\*\* beat WideDeep .*the 95% interval excludes 0/);
    expect(ctrVersusWideDeep(records.filter((r) => r.model !== 'WideDeep'), ['DIN'])).toEqual([]);
  });
});
