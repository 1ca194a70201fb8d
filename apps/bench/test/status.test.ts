import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Adam, saveCheckpoint } from '@recsuite/core';
import { checkpointDir, claimFile } from '../src/runner/claims.js';
import { runStatus, statusLines } from '../src/runner/status.js';
import { tmpDir } from './helpers.js';

describe('--status', () => {
  it('counts finished, running and waiting cells and estimates the time left from finished cells', () => {
    const out = tmpDir();
    const dir = path.join(out, 'exp', 'r1');
    fs.mkdirSync(dir, { recursive: true });
    const cells = ['A', 'B'].flatMap((model) => [0, 1, 2].map((seed) => ({ model, seed })));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ experiment: 'exp', runId: 'r1', backend: 'tensorflow', config: {}, cells }));
    const rec = (model: string, seed: number, wallSeconds: number) => JSON.stringify({ model, seed, metrics: { all: {} }, finishedAt: '', wallSeconds });
    fs.writeFileSync(path.join(dir, 'results.jsonl'), `${rec('A', 0, 100)}\n${rec('A', 1, 200)}\n${rec('B', 0, 600)}\n`);
    const now = Date.parse('2026-01-01T01:00:00Z');
    // A seed 2 running for 60 s in this (live) process; B seed 1 claimed by a process that has exited
    fs.mkdirSync(path.dirname(claimFile(dir, 'A|2|')), { recursive: true });
    fs.writeFileSync(claimFile(dir, 'A|2|'), JSON.stringify({ pid: process.pid, host: os.hostname(), at: '2026-01-01T00:59:00Z' }));
    fs.writeFileSync(claimFile(dir, 'B|1|'), JSON.stringify({ pid: spawnSync(process.execPath, ['-e', '']).pid, host: os.hostname(), at: '2026-01-01T00:00:00Z' }));
    const s = runStatus(out, 'exp', undefined, now);
    expect([s.runId, s.total, s.done, s.running.length, s.waiting]).toEqual(['r1', 6, 3, 1, 2]);
    expect(s.running[0]).toMatchObject({ cell: 'A seed 2', pid: process.pid, seconds: 60 });
    // left: A seed 2 costs mean(100, 200) − 60 = 90; B seeds 1, 2 cost 600 each; one live process
    expect(s.secondsLeft).toBeCloseTo(90 + 1200, 6);
    expect(statusLines(s).join('\n')).toMatch(/3\/6 cells finished, 1 running, 2 waiting[\s\S]*running: A seed 2[\s\S]*about 22 min with 1 process/);
    expect(s.checkpoints).toEqual([]);
    expect(() => runStatus(out, 'other')).toThrow(/no run of "other"/);
  });

  it('lists the training checkpoints of unfinished cells (selection phase before warm-up), not of finished ones', async () => {
    const out = tmpDir();
    const dir = path.join(out, 'exp', 'r1');
    fs.mkdirSync(dir, { recursive: true });
    const cells = [0, 1, 2].map((seed) => ({ model: 'A', seed }));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ experiment: 'exp', runId: 'r1', backend: 'tensorflow', config: {}, cells }));
    fs.writeFileSync(path.join(dir, 'results.jsonl'), `${JSON.stringify({ model: 'A', seed: 0, metrics: { all: {} }, finishedAt: '', wallSeconds: 1 })}\n`);
    // real checkpoints written by core's saveCheckpoint
    const v = tf.variable(tf.zeros([2]));
    const opt = new Adam({ lr: 0.1 });
    const state = (epoch: number) => ({ epoch, variables: [v], optimizer: opt.getState([v]), rngs: {}, best: null, bestWeights: null, badValidations: 0, history: [], finished: false, info: {} });
    await saveCheckpoint(path.join(checkpointDir(dir, 'A|0|'), 'select'), state(9)); // finished cell: not listed
    await saveCheckpoint(path.join(checkpointDir(dir, 'A|1|'), 'warmup'), state(3));
    await saveCheckpoint(path.join(checkpointDir(dir, 'A|1|'), 'select'), state(4));
    await saveCheckpoint(path.join(checkpointDir(dir, 'A|2|'), 'warmup'), state(2));
    const s = runStatus(out, 'exp');
    expect(s.checkpoints).toEqual([
      { cell: 'A seed 1', phase: 'selection', epoch: 4 },
      { cell: 'A seed 2', phase: 'warm-up', epoch: 2 },
    ]);
    expect(statusLines(s).join('\n')).toMatch(/checkpoint: A seed 1 after epoch 4 of its selection phase \(--resume continues it\)/);
    v.dispose();
    opt.dispose();
  });
});
