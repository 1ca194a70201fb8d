import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../src/cli.js';
import { EXPERIMENTS } from '../src/experiments/index.js';
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
