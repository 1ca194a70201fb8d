import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../src/cli.js';
import { EXPERIMENTS } from '../src/experiments/index.js';
import { REPO_ROOT } from '../src/paths.js';
import { planRun, runExperiment } from '../src/runner/run.js';
import type { Summary } from '../src/runner/summary.js';
import { qualityRows, readJson, TINY, tmpDir } from './helpers.js';

const NODE_ARGS = ['--conditions=recsuite-source', '--import', 'tsx', 'apps/bench/src/cli.ts'];
const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', CI: '1' };

/** Runs the CLI to completion (asynchronously: a blocked test worker misses vitest's heartbeats). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: REPO_ROOT, env, timeout: 300_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const setArgs = (values: Record<string, string>) => Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);

describe('CLI errors: one line on stderr, exit code 2, before any training', () => {
  it.each([
    [['--epoch', '3'], /^bench: unknown option --epoch \(did you mean --epochs\?\)/],
    [['nosuch'], /^bench: unknown experiment "nosuch"; known: default, /],
    [['baselines-beauty', '--data-dir', '/nonexistent'], /^bench: missing data: \/nonexistent does not exist/],
    [['baselines-beauty', '--dataset', '/nonexistent/Beauty.txt'], /^bench: missing data: \/nonexistent\/Beauty\.txt does not exist/],
    [['speed', '--epochs', '3'], /^bench: experiment "speed" has no "epochs" setting/],
    [['default', '--set', 'epoch=3'], /^bench: config key "epoch": unknown key .*did you mean "epochs"/],
    [['default', '--set', 'dim=big'], /^bench: config key "dim": expected an integer ≥ 1, got "big"/],
  ])('%j', async (args, re) => {
    const out = tmpDir();
    const r = await cli([...args, '--out', out]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(re);
    expect(fs.readdirSync(out)).toEqual([]); // nothing written
  });

  it('lists every experiment on one line each, planned ones marked', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(EXPERIMENTS.length);
    expect(lines[0]).toMatch(/^default\s+\S/);
    for (const e of EXPERIMENTS) {
      const line = lines.find((l) => l.startsWith(`${e.name} `));
      expect(line).toBeDefined();
      expect(line!.includes('[planned]')).toBe(e.status === 'planned');
    }
  });

  const planned = EXPERIMENTS.find((e) => e.status === 'planned');
  it.runIf(planned !== undefined)('refuses a planned experiment with one line', async () => {
    const r = await cli([planned!.name, '--out', tmpDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^bench: (experiment "${planned!.name}" is not implemented yet|missing data)`));
  });
});

describe('--resume and --report read the run\'s stored settings', () => {
  it('continue a run from its config.json: the command line names only what changes', async () => {
    const out = tmpDir();
    const made = await cli(['default', ...setArgs({ ...TINY, models: 'Pop' }), '--epochs', '1', '--seeds', '1', '--out', out, '--run-id', 'st', '--plain']);
    expect(made.code).toBe(0);
    const results = path.join(out, 'default', 'st', 'results.jsonl');
    // no settings at all: the stored ones (the defaults would differ from them in every TINY key)
    const report = await cli(['default', '--report', '--out', out, '--run-id', 'st', '--plain']);
    expect(report.stderr).not.toMatch(/config key/);
    expect(report.code).toBe(0);
    // a grown model list alone: the stored settings plus one more model's cell
    const grown = await cli(['default', '--resume', '--set', 'models=Pop,BPR-MF', '--out', out, '--run-id', 'st', '--plain']);
    expect(grown.code).toBe(0);
    const models = fs.readFileSync(results, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { model: string }).model);
    expect(models).toEqual(['Pop', 'BPR-MF']);
    const cfg = readJson<{ config: Record<string, unknown> }>(path.join(out, 'default', 'st', 'config.json'));
    expect(cfg.config.users).toBe(Number(TINY.users));
    // a setting that differs from the stored one is still refused, naming the key
    const changed = await cli(['default', '--resume', '--set', 'dim=16', '--out', out, '--run-id', 'st', '--plain']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/config key "dim": is 16 but the run being resumed \(st\) used 8/);
  });
});

describe('Ctrl-C and --resume through the CLI', () => {
  it('SIGINT keeps the finished cells, exits 130, and --resume completes to the uninterrupted summary', async () => {
    const out = tmpDir();
    // enough epochs that the trained cells outlast the poll below (tiny cells of 25 epochs could all finish before SIGINT)
    const values = { ...TINY, models: 'Pop,BPR-MF,LightGCN', patience: '1000' };
    const args = ['default', ...setArgs(values), '--epochs', '200', '--seeds', '2', '--out', out, '--run-id', 'cc', '--plain'];
    const results = path.join(out, 'default', 'cc', 'results.jsonl');
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: REPO_ROOT, env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (fs.existsSync(results) && fs.readFileSync(results, 'utf8').split('\n').length > 2) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 20);
      child.on('exit', (c) => {
        clearInterval(poll);
        resolve(c);
      });
    });
    expect(stderr).toMatch(/stopping: the running cell is discarded/);
    expect(code).toBe(130);
    const kept = fs.readFileSync(results, 'utf8').trim().split('\n');
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThan(6);
    expect(fs.existsSync(path.join(out, 'default', 'cc', 'summary.json'))).toBe(true);

    const resumed = await cli([...args, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/│ LightGCN │/);
    expect(fs.readFileSync(results, 'utf8').trim().split('\n')).toHaveLength(6);

    const exp = findExperiment('default', EXPERIMENTS);
    const layers = [{ source: '--set', text: true, values: { ...values, epochs: '200', seeds: '2' } }];
    const opts = { layers, outDir: out, runId: 'whole', quiet: true };
    await runExperiment(planRun(exp, opts), opts);
    const a = readJson<Summary>(path.join(out, 'default', 'whole', 'summary.json'));
    const b = readJson<Summary>(path.join(out, 'default', 'cc', 'summary.json'));
    expect(qualityRows(b)).toEqual(qualityRows(a));
  });
});

describe('--workers through the CLI', () => {
  it('two processes share the cells: each cell runs once, and the report equals a one-process run', async () => {
    const out = tmpDir();
    const values = { ...TINY, models: 'Pop,BPR-MF,LightGCN', patience: '50' };
    const args = ['default', ...setArgs(values), '--epochs', '15', '--seeds', '2', '--out', out, '--run-id', 'w', '--plain', '--workers', '2'];
    const r = await cli(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 more worker\(s\) share run w/);
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.stdout).toMatch(/│ LightGCN │/);
    const dir = path.join(out, 'default', 'w');
    const lines = fs.readFileSync(path.join(dir, 'results.jsonl'), 'utf8').trim().split('\n');
    const cells = lines.map((l) => JSON.parse(l) as { model: string; seed: number }).map((c) => `${c.model}/${c.seed}`);
    expect(cells.sort()).toEqual(['BPR-MF/0', 'BPR-MF/1', 'LightGCN/0', 'LightGCN/1', 'Pop/0', 'Pop/1']);
    const log = fs.readFileSync(path.join(dir, '.workers', 'worker-2.log'), 'utf8');
    expect(log).toMatch(/default: resuming w|default: run w/);
    expect(fs.existsSync(path.join(dir, '.claims'))).toBe(false);

    const exp = findExperiment('default', EXPERIMENTS);
    const layers = [{ source: '--set', text: true, values: { ...values, epochs: '15', seeds: '2' } }];
    const opts = { layers, outDir: out, runId: 'one', quiet: true };
    await runExperiment(planRun(exp, opts), opts);
    const a = readJson<Summary>(path.join(out, 'default', 'one', 'summary.json'));
    const b = readJson<Summary>(path.join(dir, 'summary.json'));
    expect(qualityRows(b)).toEqual(qualityRows(a));
  });
});
