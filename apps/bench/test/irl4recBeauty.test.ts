import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../src/cli.js';
import type { CellRecord } from '../src/experiment.js';
import { EXPERIMENTS } from '../src/experiments/index.js';
import { ablationSection, attributeControlOf, fullConfigurationOf, irl4recOptionsOf, nonInferioritySection, parseIrl4RecModel, validationChoice } from '../src/experiments/irl4rec-beauty.js';
import { fmtDiff } from '../src/report/format.js';
import { seedPaired } from '../src/runner/paired.js';
import { planRun, runExperiment } from '../src/runner/run.js';
import { readJson, tmpDir } from './helpers.js';

/** A tiny Beauty-like folder: a sequence file and an item → attributes JSON (raw ids). */
function tinyBeauty(): string {
  const dir = tmpDir('irl-beauty-');
  const lines: string[] = [];
  for (let u = 1; u <= 30; u++) {
    const items = Array.from({ length: 6 + (u % 4) }, (_, k) => 100 + ((u * 7 + k * 3) % 25));
    lines.push(`${u} ${items.join(' ')}`);
  }
  fs.writeFileSync(path.join(dir, 'Beauty.txt'), `${lines.join('\n')}\n`);
  const attrs: Record<string, number[]> = {};
  for (let i = 100; i < 125; i++) attrs[String(i)] = [1 + (i % 3), 10 + (i % 5)];
  fs.writeFileSync(path.join(dir, 'Beauty_item2attributes.json'), JSON.stringify(attrs));
  return dir;
}

const TINY = { seeds: '1', epochs: '1', dim: '8', maxLen: '8', batchSize: '16', blocks: '1', evalBatchSize: '64' };

describe('irl4rec-beauty, tiny, end to end', () => {
  it('runs the attribute variant and its control on each item\'s first attribute, and says so in the protocol', async () => {
    const data = tinyBeauty();
    const out = tmpDir();
    const exp = findExperiment('irl4rec-beauty', EXPERIMENTS);
    const values = { ...TINY, dataset: path.join(data, 'Beauty.txt'), models: 'SASRec,Irl4Rec+SASRec:attributes,SASRec+attributes' };
    const layers = [{ source: '--set', values, text: true }];
    const r = await runExperiment(planRun(exp, { layers, outDir: out }), { layers, outDir: out, runId: 'a', quiet: true });
    expect(r.complete).toBe(true);
    expect(r.leaks).toEqual([]);
    for (const rec of r.records) expect(Number.isFinite(rec.metrics.all['NDCG@10'])).toBe(true);
    // the control scores with the attribute branch, Irl4Rec does not: different models, different scores
    const ndcg = r.records.map((x) => x.metrics.all['NDCG@10']);
    expect(new Set(ndcg.slice(1)).size).toBe(2);
    const cfg = readJson<{ protocol: { details: string[] } }>(path.join(out, 'irl4rec-beauty', 'a', 'config.json'));
    expect(cfg.protocol.details.join('\n')).toContain("each item's first attribute in Beauty_item2attributes.json");
  }, 120_000);

  it('names the attributes key when its file is missing, before anything trains', () => {
    const data = tinyBeauty();
    fs.rmSync(path.join(data, 'Beauty_item2attributes.json'));
    const exp = findExperiment('irl4rec-beauty', EXPERIMENTS);
    const layers = [{ source: '--set', values: { ...TINY, dataset: path.join(data, 'Beauty.txt'), models: 'SASRec+attributes' }, text: true }];
    expect(() => planRun(exp, { layers, outDir: tmpDir() })).toThrow(/Beauty_item2attributes\.json.*attributes/);
    // without an attribute model, the file is not needed
    const plain = [{ source: '--set', values: { ...TINY, dataset: path.join(data, 'Beauty.txt'), models: 'SASRec' }, text: true }];
    expect(planRun(exp, { layers: plain, outDir: tmpDir() }).cells).toHaveLength(1);
  });
});

describe('irl4rec-beauty model names with @ overrides', () => {
  it('merges the overrides over the variant\'s options, and keeps the base name for per-model hyper-parameters', () => {
    expect(irl4recOptionsOf('Irl4Rec+SASRec:no-confounder@beta=0@sigma=0', null)).toEqual({ backbone: 'sasrec', options: { confounder: 'none', beta: 0, sigma: 0 } });
    expect(irl4recOptionsOf('Irl4Rec+GRU4Rec@alpha=0.5@gamma=0.01', null)).toEqual({ backbone: 'gru4rec', options: { alpha: 0.5, gamma: 0.01 } });
    expect(irl4recOptionsOf('Irl4Rec+SASRec:gamma0@sigma=0.05', null).options).toEqual({ gamma: 0, sigma: 0.05 });
    expect(irl4recOptionsOf('Irl4Rec+SASRec@head=identity', null).options).toEqual({ adjustmentHead: 'identity' });
    expect(parseIrl4RecModel('Irl4Rec+BERT4Rec@sigma=0').head).toBe('Irl4Rec+BERT4Rec');
    const attr = { itemAttributes: [0, 1, 2], numAttributes: 3 };
    expect(irl4recOptionsOf('SASRec+attributes@head=identity', attr)).toEqual({
      backbone: 'sasrec',
      options: { ...irl4recOptionsOf('SASRec+attributes', attr).options, adjustmentHead: 'identity' },
    });
    expect(irl4recOptionsOf('SASRec+attributes', attr).options).toMatchObject({ confounder: 'attributes', alpha: 1, gamma: 0, beta: 0, testScore: 'joint' });
    expect(irl4recOptionsOf('SASRec+attributes', attr).options).not.toHaveProperty('adjustmentHead');
    const exp = findExperiment('irl4rec-beauty', EXPERIMENTS);
    const layers = [{ source: '--set', values: { ...TINY, dataset: path.join(tinyBeauty(), 'Beauty.txt'), models: 'SASRec,Irl4Rec+SASRec@sigma=0' }, text: true }];
    expect(planRun(exp, { layers, outDir: tmpDir() }).cells.map((c) => c.model)).toEqual(['SASRec', 'Irl4Rec+SASRec@sigma=0']);
  });

  it('refuses unknown keys, bad values, overrides on a backbone and names out of canonical order, naming the key', () => {
    expect(() => parseIrl4RecModel('Irl4Rec+SASRec@sigma=-1')).toThrow(/config key "models": bad value in "@sigma=-1"/);
    expect(() => parseIrl4RecModel('Irl4Rec+SASRec@alpha=2')).toThrow(/bad value in "@alpha=2"/);
    expect(() => parseIrl4RecModel('Irl4Rec+SASRec@lr=1')).toThrow(/bad override "@lr=1".*alpha, beta, gamma, sigma, head/);
    expect(() => parseIrl4RecModel('Irl4Rec+SASRec@head=mlp')).toThrow(/bad value in "@head=mlp"/);
    expect(() => parseIrl4RecModel('SASRec@sigma=0')).toThrow(/only Irl4Rec models take Irl4Rec options/);
    expect(() => parseIrl4RecModel('SASRec@head=identity')).toThrow(/only Irl4Rec models take Irl4Rec options/);
    expect(() => parseIrl4RecModel('SASRec+attributes@beta=0')).toThrow(/an attribute control takes only @head/);
    expect(() => parseIrl4RecModel('Irl4Rec+SASRec@sigma=0@beta=0')).toThrow(/write it "Irl4Rec\+SASRec@beta=0@sigma=0"/);
    expect(() => parseIrl4RecModel('Irl4Rec+SASRec@sigma=0@sigma=0.1')).toThrow(/sets sigma twice/);
    expect(() => parseIrl4RecModel('Irl4Rec+LightGCN')).toThrow(/unknown model "Irl4Rec\+LightGCN"/);
  });
});

describe('irl4rec-beauty validation choice', () => {
  const v = (model: string, seed: number, valid: number): CellRecord => ({ model, seed, metrics: { all: { 'HR@10': 0.1, 'NDCG@10': 0.05 } }, info: { bestValid: valid }, finishedAt: '', wallSeconds: 0 });
  it('picks the Irl4Rec configuration with the best mean validation NDCG@10 over the seeds all of them finished; ablations and controls do not compete', () => {
    const records = [
      v('SASRec', 0, 0.07), v('Irl4Rec+SASRec', 0, 0.06), v('Irl4Rec+SASRec', 1, 0.09), v('Irl4Rec+SASRec', 2, 0.01),
      v('Irl4Rec+SASRec@head=identity', 0, 0.065), v('Irl4Rec+SASRec@head=identity', 1, 0.07),
      v('Irl4Rec+SASRec:gamma0', 0, 0.5), v('SASRec+attributes', 0, 0.5),
    ];
    const models = ['SASRec', 'Irl4Rec+SASRec', 'Irl4Rec+SASRec@head=identity', 'Irl4Rec+SASRec:gamma0', 'SASRec+attributes'];
    // seeds 0 and 1: plain (0.06 + 0.09) / 2 = 0.075, identity (0.065 + 0.07) / 2 = 0.0675; seed 2 is the plain one's only
    expect(validationChoice(records, models, 'SASRec')).toBe(
      'Selected on validation for SASRec (mean validation NDCG@10 at the selected epoch, seeds 0, 1): **Irl4Rec+SASRec** (Irl4Rec+SASRec 0.0750, Irl4Rec+SASRec@head=identity 0.0675).',
    );
    expect(validationChoice(records, ['Irl4Rec+SASRec', 'Irl4Rec+SASRec:gamma0'], 'SASRec')).toBeNull();
    expect(validationChoice(records, models, 'GRU4Rec')).toBeNull();
    expect(nonInferioritySection(records, models)!.text!.join('\n')).toContain('**Irl4Rec+SASRec** (Irl4Rec+SASRec 0.0750');
  });
});

describe('irl4rec-beauty non-inferiority section', () => {
  const r = (model: string, seed: number, hr: number, ndcg: number): CellRecord => ({ model, seed, metrics: { all: { 'HR@10': hr, 'NDCG@10': ndcg } }, finishedAt: '', wallSeconds: 0 });
  it('checks mean ≥ backbone mean − one std on the shared seeds and pairs the differences by seed', () => {
    const records = [
      r('SASRec', 0, 0.1, 0.05), r('SASRec', 1, 0.11, 0.06), r('SASRec', 2, 0.12, 0.07),
      r('Irl4Rec+SASRec', 0, 0.105, 0.04), r('Irl4Rec+SASRec', 1, 0.1, 0.05), r('Irl4Rec+SASRec', 2, 0.11, 0.05),
      r('Irl4Rec+SASRec:gamma0', 0, 0.2, 0.2),
      r('Irl4Rec+GRU4Rec', 0, 0.1, 0.1), // its backbone has no cell: no row
    ];
    const s = nonInferioritySection(records, ['SASRec', 'Irl4Rec+SASRec', 'Irl4Rec+SASRec:gamma0', 'GRU4Rec', 'Irl4Rec+GRU4Rec'])!;
    const rows = s.tables![0].rows;
    expect(rows.map((x) => `${x[0]} ${x[1]}`)).toEqual(['Irl4Rec+SASRec vs SASRec HR@10', 'Irl4Rec+SASRec vs SASRec NDCG@10', 'Irl4Rec+SASRec:gamma0 vs SASRec HR@10', 'Irl4Rec+SASRec:gamma0 vs SASRec NDCG@10']);
    // HR@10: SASRec 0.11 ± 0.01, threshold 0.10; Irl4Rec 0.105 → yes. Δ per seed +0.005, −0.01, −0.01:
    // mean −0.005, sd √(7.5e−5) = 0.00866, half-width 4.303 · 0.00866 / √3 = 0.0215
    expect(rows[0].slice(2)).toEqual(['3', '0.1050 ± 0.0050', '0.1100 ± 0.0100', '0.1000', 'yes', '-0.0050 [-0.0265, +0.0165]', '1/3', '-4.5%']);
    // NDCG@10: SASRec 0.06 ± 0.01, threshold 0.05; Irl4Rec 0.0467 → no
    expect(rows[1][6]).toBe('**no**');
    // one shared seed: no std, no check, no interval
    expect(rows[2].slice(2, 8)).toEqual(['1', '0.2000', '0.1000', '0.1000', '— (1 seed)', '+0.1000']);
    expect(s.text!.join('\n')).toMatch(/Irl4Rec\+SASRec vs SASRec: non-inferior \*\*not\*\* on every metric: HR@10 yes \(Δ -0\.0050 .*\); NDCG@10 no/);
    expect(nonInferioritySection(records.slice(3), ['Irl4Rec+SASRec'])).toBeNull();
    // below on every metric: "on no metric"
    const worse = records.map((x) => (x.model === 'Irl4Rec+SASRec' ? { ...x, metrics: { all: { 'HR@10': 0.01, 'NDCG@10': 0.01 } } } : x));
    expect(nonInferioritySection(worse, ['Irl4Rec+SASRec'])!.text!.join('\n')).toMatch(/non-inferior on \*\*no\*\* metric: HR@10 no/);
  });

  it('compares an attribute control, with or without @head, with its backbone but gives it no verdict', () => {
    const records = [r('SASRec', 0, 0.1, 0.05), r('SASRec', 1, 0.12, 0.07), r('SASRec+attributes@head=identity', 0, 0.09, 0.04), r('SASRec+attributes@head=identity', 1, 0.1, 0.05), r('SASRec+attributes', 0, 0.2, 0.1)];
    const s = nonInferioritySection(records, ['SASRec', 'SASRec+attributes@head=identity', 'SASRec+attributes'])!;
    expect(s.tables![0].rows.map((x) => `${x[0]} ${x[1]} ${x[2]}`)).toEqual([
      'SASRec+attributes@head=identity vs SASRec HR@10 2',
      'SASRec+attributes@head=identity vs SASRec NDCG@10 2',
      'SASRec+attributes vs SASRec HR@10 1',
      'SASRec+attributes vs SASRec NDCG@10 1',
    ]);
    expect(s.text!.join('\n')).not.toMatch(/SASRec\+attributes.*non-inferior/);
  });
});

describe('irl4rec-beauty ablation section', () => {
  const r = (model: string, seed: number, hr: number): CellRecord => ({ model, seed, metrics: { all: { 'HR@10': hr } }, finishedAt: '', wallSeconds: 0 });
  it('names the full configuration of an ablation, keeping its @ overrides', () => {
    expect(fullConfigurationOf('Irl4Rec+SASRec:gamma0@head=identity')).toBe('Irl4Rec+SASRec@head=identity');
    expect(fullConfigurationOf('Irl4Rec+GRU4Rec:no-confounder')).toBe('Irl4Rec+GRU4Rec');
    expect(fullConfigurationOf('Irl4Rec+SASRec@head=identity')).toBeNull();
    expect(fullConfigurationOf('SASRec+attributes@head=identity')).toBeNull();
  });
  it('pairs each ablation with its full configuration by seed, and skips one whose full configuration is not in the run', () => {
    const records = [
      r('Irl4Rec+SASRec@head=identity', 0, 0.1), r('Irl4Rec+SASRec@head=identity', 1, 0.12), r('Irl4Rec+SASRec@head=identity', 2, 0.11),
      r('Irl4Rec+SASRec:beta0@head=identity', 0, 0.11), r('Irl4Rec+SASRec:beta0@head=identity', 1, 0.1), r('Irl4Rec+SASRec:beta0@head=identity', 2, 0.12),
      r('Irl4Rec+SASRec:gamma0', 0, 0.2),
    ];
    const s = ablationSection(records, ['Irl4Rec+SASRec@head=identity', 'Irl4Rec+SASRec:beta0@head=identity', 'Irl4Rec+SASRec:gamma0'])!;
    // Δ per seed +0.01, −0.02, +0.01: mean 0, sd √(6e−4 / 2) = 0.01732, half-width 4.303 · 0.01732 / √3 = 0.0430
    expect(s.tables![0].rows).toEqual([['Irl4Rec+SASRec:beta0@head=identity vs Irl4Rec+SASRec@head=identity', 'HR@10', '3', fmtDiff(seedPaired(records, 'Irl4Rec+SASRec:beta0@head=identity', 'Irl4Rec+SASRec@head=identity', 'HR@10')), '2/3']]);
    expect(s.tables![0].rows[0][3]).toMatch(/^[+-]0\.0000 \[-0\.0430, \+0\.0430\]$/);
    expect(ablationSection(records, ['Irl4Rec+SASRec:gamma0'])).toBeNull();
  });
  it('pairs the attribute variant with its full configuration and with its control, keeping the @ overrides', () => {
    expect(attributeControlOf('Irl4Rec+SASRec:attributes@head=identity')).toBe('SASRec+attributes@head=identity');
    expect(attributeControlOf('Irl4Rec+GRU4Rec:attributes')).toBe('GRU4Rec+attributes');
    expect(attributeControlOf('Irl4Rec+SASRec:gamma0@head=identity')).toBeNull();
    expect(attributeControlOf('SASRec+attributes')).toBeNull();
    const v = 'Irl4Rec+SASRec:attributes@head=identity';
    const records = [
      r('Irl4Rec+SASRec@head=identity', 0, 0.1), r('Irl4Rec+SASRec@head=identity', 1, 0.12),
      r(v, 0, 0.11), r(v, 1, 0.13),
      r('SASRec+attributes@head=identity', 0, 0.12), r('SASRec+attributes@head=identity', 1, 0.14),
      r('SASRec+attributes', 0, 0.5),
    ];
    const s = ablationSection(records, ['Irl4Rec+SASRec@head=identity', v, 'SASRec+attributes@head=identity', 'SASRec+attributes'])!;
    expect(s.tables![0].rows.map((x) => [x[0], x[2], x[4]])).toEqual([
      [`${v} vs Irl4Rec+SASRec@head=identity`, '2', '2/2'],
      [`${v} vs SASRec+attributes@head=identity`, '2', '0/2'],
    ]);
    // Δ per seed −0.01, −0.01 against the control: mean −0.01 with zero spread
    expect(s.tables![0].rows[1][3]).toMatch(/^-0\.0100 \[-0\.0100, -0\.0100\]$/);
  });
});
