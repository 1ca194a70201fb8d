import { spuriousPropertyData } from '@recsuite/core';
import { measureShift, shiftModel } from '@recsuite/irl4rec';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../src/cli.js';
import { EXPERIMENTS } from '../src/experiments/index.js';
import { planRun, runExperiment } from '../src/runner/run.js';
import { tmpDir } from './helpers.js';

/** `irl4rec-shift` at a reduced setting (the full study is the committed result). */
const REDUCED = { backbones: 'SASRec', seeds: '2', users: '80', items: '30', sasrecEpochs: '2', dim: '8' };

describe('irl4rec-shift, reduced, end to end', () => {
  it('pairs each backbone with Irl4Rec by seed, computes the drop, and reproduces a direct measurement', async () => {
    const out = tmpDir();
    const exp = findExperiment('irl4rec-shift', EXPERIMENTS);
    const layers = [{ source: '--set', values: REDUCED, text: true }];
    const r = await runExperiment(planRun(exp, { layers, outDir: out }), { layers, outDir: out, runId: 'a', quiet: true });
    expect(r.complete).toBe(true);
    expect(r.leaks).toEqual([]);
    expect(r.records.map((x) => `${x.model}/${x.seed}`)).toEqual(['SASRec/0', 'SASRec/1', 'Irl4Rec+SASRec/0', 'Irl4Rec+SASRec/1', 'SASRec+property/0', 'SASRec+property/1']);
    for (const rec of r.records) {
      const m = rec.metrics.all;
      expect(m.drop).toBeCloseTo((m['HR@10 (train-like)'] - m['HR@10']) / m['HR@10 (train-like)'], 12);
    }
    // seed s of the experiment is the fast test's seed s + 1: measured directly, the same numbers
    const data = spuriousPropertyData({ numUsers: 80, numItems: 30, numClusters: 3, seed: 2 });
    const model = shiftModel('sasrec', 'irl4rec', data, 2, { dim: 8 });
    const direct = await measureShift(model, data, 2, 2, { dim: 8 });
    model.dispose();
    const cell = r.records.find((x) => x.model === 'Irl4Rec+SASRec' && x.seed === 1)!.metrics.all;
    expect(cell['HR@10']).toBe(direct.test);
    expect(cell['HR@10 (train-like)']).toBe(direct.biased);
    const md = fs.readFileSync(path.join(out, 'irl4rec-shift', 'a', 'report.md'), 'utf8');
    expect(md).toContain('## Relative HR@10 drop under the shift');
    expect(md).toMatch(/\| SASRec \| 2 \|/);
    expect(md).toContain('Irl4Rec+SASRec − SASRec+property: drop');
  }, 120_000);
});
