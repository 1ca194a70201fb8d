import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../src/cli.js';
import { EXPERIMENTS } from '../src/experiments/index.js';
import type { CellRecord } from '../src/experiment.js';
import { planRun, runExperiment } from '../src/runner/run.js';
import { readJson, tmpDir } from './helpers.js';

/** `ipg-sim` at a reduced setting (the paper-scale run is the committed result): every method, one sweep point each. */
const REDUCED = {
  seeds: '1',
  users: '40',
  items: '60',
  targets: '2',
  rounds: '5',
  ks: '2,5',
  logRounds: '20',
  alpha: '10',
  alphaSweep: '3',
  k: '10',
  kSweep: '5',
  epochs: '2',
  validateEvery: '1',
  dim: '8',
  blocks: '1',
  heads: '1',
  maxLen: '12',
  batchSize: '16',
};

describe('ipg-sim, reduced, end to end', () => {
  it('runs every method and sweep point, stores the backbone, and a run given that backbone loads it and reproduces the cells', async () => {
    const out = tmpDir();
    const exp = findExperiment('ipg-sim', EXPERIMENTS);
    const layers = [{ source: '--set', values: REDUCED, text: true }];
    const r = await runExperiment(planRun(exp, { layers, outDir: out }), { layers, outDir: out, runId: 'a', quiet: true });
    expect(r.complete).toBe(true);
    // the seed's backbone, kept between its cells, is declared held: no cell is reported as leaking
    expect(r.leaks).toEqual([]);
    expect(r.records.map((x) => x.model)).toEqual(['IPG:cos', 'IPG', 'SASRec', 'Heuristic(α=10)', 'rec2inf(k=10)', 'Random', 'Heuristic(α=3)', 'rec2inf(k=5)']);
    for (const rec of r.records) {
      const m = rec.metrics.all;
      expect(Number.isFinite(m['IoI@5'])).toBe(true);
      expect(m['HR@5']).toBeGreaterThanOrEqual(0);
      expect(m['HR@5']).toBeLessThanOrEqual(1);
    }
    const dir = path.join(out, 'ipg-sim', 'a');
    expect(fs.existsSync(path.join(dir, 'backbones', 'seed-0.json'))).toBe(true);
    const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(md).toContain('## IoI–HR plane');

    // A new run directory with the stored backbone copied in loads it instead of training: same cells.
    const dirB = path.join(out, 'ipg-sim', 'b');
    fs.mkdirSync(path.join(dirB, 'backbones'), { recursive: true });
    fs.cpSync(path.join(dir, 'backbones'), path.join(dirB, 'backbones'), { recursive: true });
    const layersB = [{ source: '--set', values: { ...REDUCED, methods: 'IPG:cos,Random' }, text: true }];
    const b = await runExperiment(planRun(exp, { layers: layersB, outDir: out }), { layers: layersB, outDir: out, runId: 'b', quiet: true });
    // loaded, not retrained: the stored training record (wall seconds included) comes back unchanged
    const trainS = (rec: CellRecord) => (rec.info as { backbone: { train_s: number } }).backbone.train_s;
    expect(trainS(b.records[0])).toBe(trainS(r.records[0]));
    const pick = (recs: CellRecord[], m: string) => recs.find((x) => x.model === m)!.metrics.all;
    for (const m of ['IPG:cos', 'Random']) {
      expect(pick(b.records, m)['IoI@5']).toBe(pick(r.records, m)['IoI@5']);
      expect(pick(b.records, m)['HR@5']).toBe(pick(r.records, m)['HR@5']);
    }
    expect(readJson<{ config: { methods: string[] } }>(path.join(dirB, 'config.json')).config.methods).toEqual(['IPG:cos', 'Random']);
  }, 120_000);
});
