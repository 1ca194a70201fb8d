/**
 * The PyTorch reference (`../shared/peers/sasrec_torch.py`, run with `/usr/bin/python3`): SASRec trained
 * for a few epochs at the same settings, at each thread count; the faster run is the reference. Its
 * `blas_gflops` guards the comparison (below 40 the BLAS is the slow reference one).
 * @module
 */
import { spawnSync } from 'node:child_process';
import type { FullHyper } from '../config/hyper.js';
import { runJsonChild } from './child.js';

/** The reference's JSON line (the fields used). */
export interface TorchRun {
  blas_gflops: number;
  threads: number;
  epoch_s_median: number;
  eval_s: number;
  users: number;
  items: number;
}

/** Below this BLAS speed the ratio against PyTorch is withheld. */
export const MIN_BLAS_GFLOPS = 40;

/** Why `python` cannot run the reference, or null when it can (it imports torch). */
export function torchMissing(python: string): string | null {
  const r = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return `${python} cannot run (${r.error.message})`;
  if (r.status !== 0) return `${python} has no torch/numpy (${(r.stderr || '').trim().split('\n').pop()}); install python3-torch to compare`;
  return null;
}

/**
 * Runs the reference once per thread count and returns every run and the fastest (by epoch time).
 * @param o - interpreter, script, data file, settings, epochs, thread counts, abort signal, cwd.
 */
export async function runTorchPeer(o: {
  python: string;
  script: string;
  dataset: string;
  hyper: FullHyper;
  epochs: number;
  threads: number[];
  signal: AbortSignal;
  cwd: string;
  onRun?: (threads: number) => void;
}): Promise<{ runs: TorchRun[]; best: TorchRun }> {
  const h = o.hyper;
  const runs: TorchRun[] = [];
  for (const t of o.threads) {
    o.onRun?.(t);
    runs.push(
      await runJsonChild<TorchRun>(
        o.python,
        [o.script, o.dataset, '--epochs', String(o.epochs), '--threads', String(t), '--d', String(h.dim), '--blocks', String(h.blocks), '--heads', String(h.heads), '--maxlen', String(h.maxLen), '--batch', String(h.batchSize), '--lr', String(h.lr), '--dropout', String(h.dropout), '--seed', '0'],
        { cwd: o.cwd, signal: o.signal },
      ),
    );
  }
  const best = runs.reduce((a, b) => (b.epoch_s_median < a.epoch_s_median ? b : a));
  return { runs, best };
}
