import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../src/cli.js';
import { EXPERIMENTS } from '../src/experiments/index.js';
import { cellKey, type CellRecord } from '../src/experiment.js';
import { claimFile } from '../src/runner/claims.js';
import { planRun, runExperiment, type RunOptions } from '../src/runner/run.js';
import type { Summary } from '../src/runner/summary.js';
import { qualityRows, readJson, tinyLayers, tmpDir } from './helpers.js';

const MODELS = ['Pop', 'SASRec', 'BPR-MF'];

async function run(opts: RunOptions) {
  const exp = findExperiment('default', EXPERIMENTS);
  return runExperiment(planRun(exp, opts), { ...opts, quiet: true });
}

describe('default experiment, tiny, end to end', () => {
  it('writes the five files with the promised contents', async () => {
    const out = tmpDir();
    const r = await run({ layers: tinyLayers(MODELS, 2, 2), outDir: out, runId: 'full' });
    const dir = path.join(out, 'default', 'full');
    expect(r.runDir).toBe(dir);
    expect(r.complete).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => !f.startsWith('.')).sort()).toEqual(['config.json', 'report.html', 'report.md', 'results.jsonl', 'summary.json']);

    const cfg = readJson<Record<string, any>>(path.join(dir, 'config.json'));
    expect(cfg.experiment).toBe('default');
    expect(cfg.config.models).toEqual(MODELS);
    expect(cfg.config.epochs).toBe(2);
    expect(cfg.seeds).toEqual([0, 1]);
    expect(cfg.backend).toBe(r.summary.backend);
    expect(cfg.versions['@tensorflow/tfjs-core']).toBe('4.22.0');
    // every method package, since any experiment may run one
    for (const m of ['iacn', 'i2vae', 'irl4rec', 'casm', 'ipg']) expect(cfg.versions[`@recsuite/${m}`]).toMatch(/^\d+\.\d+\.\d+/);
    expect(cfg.versions.node).toBe(process.version);
    expect(cfg.protocol.summary).toMatch(/leave-one-out/);

    const lines = fs.readFileSync(path.join(dir, 'results.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(MODELS.length * 2);
    const recs = lines.map((l) => JSON.parse(l) as CellRecord);
    expect(recs.map((x) => `${x.model}/${x.seed}`)).toEqual(MODELS.flatMap((m) => [`${m}/0`, `${m}/1`]));
    for (const x of recs) {
      expect(x.metrics.all['HR@10']).toBeGreaterThanOrEqual(0);
      expect(x.metrics.all['HR@10']).toBeLessThanOrEqual(1);
    }
    expect(recs.find((x) => x.model === 'SASRec')!.curve).toHaveLength(2);

    const s = readJson<Summary>(path.join(dir, 'summary.json'));
    expect(Object.keys(s)).toEqual(['experiment', 'dataset', 'protocol', 'backend', 'rows']);
    expect(s.experiment).toBe('default');
    expect(s.dataset).toMatch(/^synthetic-markov/);
    for (const row of s.rows) {
      expect(Object.keys(row)).toEqual(['model', 'group', 'metric', 'mean', 'std', 'n']);
      expect(MODELS).toContain(row.model);
      expect(Number.isFinite(row.mean) && Number.isFinite(row.std)).toBe(true);
    }
    const hr = s.rows.filter((x) => x.metric === 'HR@10' && x.group === 'all');
    expect(hr.map((x) => x.model)).toEqual(MODELS);
    expect(hr.every((x) => x.n === 2)).toBe(true);
    // summary = mean of the cells
    const bpr = recs.filter((x) => x.model === 'BPR-MF').map((x) => x.metrics.all['NDCG@10']);
    expect(s.rows.find((x) => x.model === 'BPR-MF' && x.metric === 'NDCG@10')!.mean).toBeCloseTo((bpr[0] + bpr[1]) / 2, 12);

    const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(/\| model \| HR@10 \| NDCG@10 \|/);
    expect(md).toMatch(/\| BPR-MF \| \d\.\d{4} ± \d\.\d{4} \|/);
    expect(md).toContain('## Protocol');
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/<svg [^>]*viewBox/);
    expect(html).toContain('<table>');
    expect(html).toContain('Training loss per epoch');
  });

  it('an interrupted run resumed with --resume gives the same summary as an uninterrupted one', async () => {
    const out = tmpDir();
    const layers = tinyLayers(['Pop', 'SASRec'], 2, 2);
    const full = await run({ layers, outDir: out, runId: 'full' });

    const part = await run({ layers, outDir: out, runId: 'cut', maxCells: 3 });
    expect(part.complete).toBe(false);
    expect(part.interrupted).toBe(true);
    expect(part.cellsDone).toBe(3);
    const cutDir = path.join(out, 'default', 'cut');
    // a partial summary and report exist for the finished cells
    expect(readJson<Summary>(path.join(cutDir, 'summary.json')).rows.some((x) => x.model === 'SASRec' && x.n === 1)).toBe(true);
    // a crash mid-append leaves a partial line: it must be ignored
    fs.appendFileSync(path.join(cutDir, 'results.jsonl'), '{"model":"SASRec","seed":1,"met');

    const resumed = await run({ layers, outDir: out, runId: 'cut', resume: true });
    expect(resumed.complete).toBe(true);
    expect(resumed.cellsDone).toBe(4);
    const lines = fs.readFileSync(path.join(cutDir, 'results.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    const a = readJson<Summary>(path.join(out, 'default', 'full', 'summary.json'));
    const b = readJson<Summary>(path.join(cutDir, 'summary.json'));
    expect(qualityRows(b)).toEqual(qualityRows(a));
    expect(qualityRows(full.summary)).toEqual(qualityRows(resumed.summary));
  });

  it('a cell interrupted mid-training continues from its checkpoint on --resume, to the uninterrupted record', async () => {
    const out = tmpDir();
    // 3 warm-up epochs, then up to 9 selected ones: the cut falls in the selection phase, after a finished warm-up
    const [tiny] = tinyLayers(['SASRec'], 12, 1);
    const layers = [{ ...tiny, values: { ...tiny.values, minEpochs: '3', patience: '100' } }];
    const full = await run({ layers, outDir: out, runId: 'full' });
    const cutDir = path.join(out, 'default', 'cut');
    const ck = path.join(cutDir, '.checkpoints', encodeURIComponent('SASRec|0|'), 'select', 'manifest.json');
    // stop the run as soon as the cell's first checkpoint is on disk (as Ctrl-C or a kill would, mid-cell)
    const ctl = new AbortController();
    const poll = setInterval(() => fs.existsSync(ck) && ctl.abort(new Error('stop')), 1);
    const part = await run({ layers, outDir: out, runId: 'cut', signal: ctl.signal }).finally(() => clearInterval(poll));
    expect(part.interrupted).toBe(true);
    expect(part.cellsDone).toBe(0);
    expect(fs.existsSync(ck)).toBe(true);

    const resumed = await run({ layers, outDir: out, runId: 'cut', resume: true });
    expect(resumed.complete).toBe(true);
    const rec = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'results.jsonl'), 'utf8').trim()) as CellRecord & { info: Record<string, unknown> };
    const a = rec(full.runDir);
    const b = rec(cutDir);
    expect(b.info.resumedFrom).toBeGreaterThanOrEqual(4);
    expect(b.info.resumedFrom).toBeLessThan(12);
    expect(a.info.resumedFrom).toBeUndefined();
    const quality = (r: CellRecord) => Object.fromEntries(Object.entries(r.metrics.all).filter(([k]) => k !== 'epoch_s'));
    expect(quality(b)).toEqual(quality(a));
    expect(b.curve?.map((e) => [e.epoch, e.loss, e.valid])).toEqual(a.curve?.map((e) => [e.epoch, e.loss, e.valid]));
    // the finished cell's checkpoint is gone, and so is the emptied directory
    expect(fs.existsSync(path.join(cutDir, '.checkpoints'))).toBe(false);
  });

  it('a run split by --only-seeds over one directory reports every cell, as one uninterrupted run does', async () => {
    const out = tmpDir();
    const layers = tinyLayers(['Pop', 'SASRec'], 2, 2);
    const full = await run({ layers, outDir: out, runId: 'full' });
    await expect(run({ layers, outDir: out, runId: 'split', onlySeeds: [2] })).rejects.toThrow(/--only-seeds: the run has no seed 2/);
    const first = await run({ layers, outDir: out, runId: 'split', onlySeeds: [1] });
    expect(first.ownComplete).toBe(true);
    expect(first.complete).toBe(false);
    expect(first.records.map((r) => r.seed)).toEqual([1, 1]);
    const second = await run({ layers, outDir: out, runId: 'split', resume: true, onlySeeds: [0] });
    expect(second.complete).toBe(true);
    expect(second.cellsDone).toBe(4);
    expect(qualityRows(second.summary)).toEqual(qualityRows(full.summary));
    const b = readJson<Summary>(path.join(out, 'default', 'split', 'summary.json'));
    expect(qualityRows(b)).toEqual(qualityRows(full.summary));
  });

  it('--only-models runs only those models\' cells; the rest stay for a later process', async () => {
    const out = tmpDir();
    const layers = tinyLayers(['Pop', 'SASRec'], 1, 2);
    await expect(run({ layers, outDir: out, runId: 'm', onlyModels: ['BPR-MF'] })).rejects.toThrow(/--only-models: the run has no cells of "BPR-MF" \(its models: Pop, SASRec\)/);
    const first = await run({ layers, outDir: out, runId: 'm', onlyModels: ['SASRec'] });
    expect(first.records.map((r) => `${r.model}/${r.seed}`)).toEqual(['SASRec/0', 'SASRec/1']);
    expect([first.ownComplete, first.complete]).toEqual([true, false]);
    const rest = await run({ layers, outDir: out, runId: 'm', resume: true });
    expect(rest.complete).toBe(true);
    expect(rest.records.map((r) => `${r.model}/${r.seed}`)).toEqual(['Pop/0', 'Pop/1', 'SASRec/0', 'SASRec/1']);
  });

  it('reportOnly rewrites the reports from the finished cells without training, keeping the run\'s command', async () => {
    const out = tmpDir();
    const layers = tinyLayers(['Pop', 'SASRec'], 1, 2);
    const first = await run({ layers, outDir: out, runId: 'p', onlyModels: ['Pop'], command: 'pnpm bench made-it' });
    const md = path.join(first.runDir, 'report.md');
    fs.rmSync(md);
    const again = await run({ layers, outDir: out, runId: 'p', resume: true, reportOnly: true, command: 'pnpm bench --report' });
    expect(again.records.map((r) => `${r.model}/${r.seed}`)).toEqual(['Pop/0', 'Pop/1']);
    expect([again.complete, again.cellsTotal]).toEqual([false, 4]);
    expect(fs.readFileSync(md, 'utf8')).toContain('pnpm bench made-it');
    expect(fs.readFileSync(md, 'utf8')).not.toContain('--report');
    expect(fs.readFileSync(path.join(first.runDir, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('runs the same protocol on a sequence file given with --dataset', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'mine.txt');
    // 40 users, items 1..12, each user walks i, i+1, ... so the last item follows from the history
    fs.writeFileSync(data, Array.from({ length: 40 }, (_, u) => `u${u} ${Array.from({ length: 6 }, (_, t) => ((u + t) % 12) + 1).join(' ')}`).join('\n') + '\n');
    const layers = [{ source: 'the command line', text: true, values: { dataset: data, models: 'Pop,BPR-MF', epochs: '1', seeds: '1' } }];
    const r = await run({ layers, outDir: dir, runId: 'mine' });
    expect(r.summary.dataset).toBe(data);
    expect(r.records.map((x) => x.model)).toEqual(['Pop', 'BPR-MF']);
    expect(r.records[0].info?.trained).toBe(false);
    const cfg = readJson<Record<string, any>>(path.join(r.runDir, 'config.json'));
    expect(cfg.protocol.details[0]).toContain('mine.txt');
  });

  it('refuses to resume with different settings, naming the key', async () => {
    const out = tmpDir();
    await run({ layers: tinyLayers(['Pop'], 1, 1), outDir: out, runId: 'r' });
    await expect(run({ layers: tinyLayers(['Pop'], 1, 2), outDir: out, runId: 'r', resume: true })).rejects.toThrow(/config key "seeds": is 2 but the run being resumed \(r\) used 1/);
    await expect(run({ layers: tinyLayers(['Pop'], 1, 1), outDir: out, runId: 'r' })).rejects.toThrow(/already holds a run: pass --resume/);
  });

  it('skips a cell another live process has claimed, and takes it up once the claim is gone', async () => {
    const out = tmpDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const file = claimFile(path.join(out, 'default', 'c'), cellKey({ model: 'Pop', seed: 1 }));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ pid: holder.pid, host: os.hostname(), at: '' }));
      const first = await run({ layers: tinyLayers(['Pop'], 1, 2), outDir: out, runId: 'c' });
      expect(first.records.map((x) => `${x.model}/${x.seed}`)).toEqual(['Pop/0']);
      expect(first.complete).toBe(false);
      expect(first.ownComplete).toBe(false);
    } finally {
      holder.kill();
    }
    await new Promise((r) => holder.once('exit', r));
    const second = await run({ layers: tinyLayers(['Pop'], 1, 2), outDir: out, runId: 'c', resume: true });
    expect(second.complete).toBe(true);
    expect(second.records.map((x) => `${x.model}/${x.seed}`)).toEqual(['Pop/0', 'Pop/1']);
    expect(fs.existsSync(path.join(second.runDir, '.claims'))).toBe(false);
  });

  it('a resumed run may gain models: their cells are added, the earlier ones kept, config.json records it', async () => {
    const out = tmpDir();
    const first = await run({ layers: tinyLayers(['Pop'], 1, 2), outDir: out, runId: 'g' });
    const grown = await run({ layers: tinyLayers(['Pop', 'BPR-MF'], 1, 2), outDir: out, runId: 'g', resume: true, command: 'grow' });
    expect(grown.complete).toBe(true);
    expect(grown.records.map((x) => `${x.model}/${x.seed}`).sort()).toEqual(['BPR-MF/0', 'BPR-MF/1', 'Pop/0', 'Pop/1']);
    expect(qualityRows(grown.summary).filter((r) => r.model === 'Pop')).toEqual(qualityRows(first.summary));
    const cfg = readJson<Record<string, any>>(path.join(grown.runDir, 'config.json'));
    expect(cfg.config.models).toEqual(['Pop', 'BPR-MF']);
    expect(cfg.extended).toEqual([expect.objectContaining({ modelsAdded: ['BPR-MF'], command: 'grow' })]);
    // dropping a model is still refused
    await expect(run({ layers: tinyLayers(['BPR-MF'], 1, 2), outDir: out, runId: 'g', resume: true })).rejects.toThrow(/config key "models"/);
  });
});
