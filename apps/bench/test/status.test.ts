import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimFile } from '../src/runner/claims.js';
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
    expect(() => runStatus(out, 'other')).toThrow(/no run of "other"/);
  });
});
