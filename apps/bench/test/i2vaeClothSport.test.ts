import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../src/cli.js';
import { EXPERIMENTS } from '../src/experiments/index.js';
import { OrderProbe, globalItemOrder } from '../src/models/orderProbe.js';
import { planRun, runExperiment } from '../src/runner/run.js';
import { tmpDir } from './helpers.js';

describe('globalItemOrder', () => {
  it('orders items so every consecutive pair keeps its order, smallest id first among ready items', () => {
    // edges 1→2, 2→3, 2→4, 3→5: ready {1}; then 2; then {3, 4} → 3; then {4, 5} → 4, 5. Item 6 is in no sequence.
    const o = globalItemOrder([Int32Array.of(1, 2, 3), Int32Array.of(2, 4), Int32Array.of(0, 3, 5)], 6);
    expect(Array.from(o.position)).toEqual([-1, 0, 1, 2, 3, 4, -1]);
    expect(o.cyclic).toBe(0);
  });

  it('places items on precedence cycles after the others, by id, and counts them', () => {
    const o = globalItemOrder([Int32Array.of(1, 2), Int32Array.of(2, 1), Int32Array.of(3)], 3);
    expect(Array.from(o.position)).toEqual([-1, 1, 2, 0]);
    expect(o.cyclic).toBe(2);
    expect(() => globalItemOrder([Int32Array.of(1, 9)], 3)).toThrow(/item id 9 outside \[0, 3\]/);
  });
});

describe('OrderProbe', () => {
  it("scores −(distance after the history's last item), ties everything else, and a row without history alike", () => {
    const probe = new OrderProbe(globalItemOrder([Int32Array.of(1, 2, 3, 4, 5)], 6));
    const batch = { users: Int32Array.of(0, 1), seqs: Int32Array.of(1, 2, 0, 0), batchSize: 2, maxLen: 2 };
    const s = probe.score(batch, tf.tensor2d([[3, 4, 5, 1], [3, 4, 5, 1]], [2, 4], 'int32'));
    expect(s.arraySync()).toEqual([[-1, -2, -3, -1e9], [-1e9, -1e9, -1e9, -1e9]]);
    const all = probe.scoreAll(batch).arraySync();
    expect(all[0]).toEqual([-1e9, -1e9, -1e9, -1, -2, -3, -1e9]); // padding, 1, 2 (the last item), 3, 4, 5, 6 (unordered)
    expect(new Set(all[1]).size).toBe(1);
  });
});

describe('i2vae-cloth-sport, tiny, end to end', () => {
  it('the Order probe finds every target that directly follows its history in the file order (HR@1 = 1)', async () => {
    // Cloth ids 1..20 and Sport ids 21..40, every sequence a run of consecutive ids: the file order is 1..40
    const dir = tmpDir('cloth-sport-');
    const run = (a: number, n: number) => `"[${Array.from({ length: n }, (_, k) => a + k).join(', ')}]"`;
    const train = ['user_id,seq_d1,seq_d2,domain_id'];
    for (let u = 1; u <= 40; u++) train.push(`${u},${run(1 + (u % 16), 4)},${run(21 + (u % 16), 3)},${u % 2}`);
    const test = ['user_id,seq_d1,seq_d2,domain_id'];
    for (let u = 41; u <= 52; u++) test.push(`${u},${run(2 + (u % 14), 3)},${run(22 + (u % 14), 3)},${u % 2}`);
    fs.writeFileSync(path.join(dir, 'cloth_sport_train.csv'), `${train.join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'cloth_sport_test_csu.csv'), `${test.join('\n')}\n`);
    const out = tmpDir();
    const exp = findExperiment('i2vae-cloth-sport', EXPERIMENTS);
    const layers = [{ source: '--set', text: true, values: { dataset: path.join(dir, 'cloth_sport_train.csv'), models: 'Order', seeds: '1', negatives: '5', bootstrap: '100' } }];
    const r = await runExperiment(planRun(exp, { layers, outDir: out }), { layers, outDir: out, runId: 'o', quiet: true });
    expect(r.complete).toBe(true);
    const m = r.records[0].metrics.all;
    expect(m['HR@1']).toBe(1);
    expect(m.MRR).toBe(1);
    expect((r.records[0].info as { testRanks: number[] }).testRanks).toEqual(new Array(12).fill(0));
    const cfg = fs.readFileSync(path.join(out, 'i2vae-cloth-sport', 'o', 'config.json'), 'utf8');
    expect(cfg).toContain('a data probe, not a method');
  }, 60_000);
});
