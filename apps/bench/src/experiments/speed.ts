/**
 * `speed`: training milliseconds per step and full-ranking users per second, per model and backend, peak
 * RSS, and SASRec's epoch and evaluation time against the PyTorch reference (same settings, measured in
 * the same run). Each (model, backend) is measured in its own child process.
 * @module
 */
import type { BackendName } from '@recsuite/core';
import path from 'node:path';
import { bool, file, int, intList, str, subsetOf } from '../config/fields.js';
import { hyperFor, hyperSchema } from '../config/hyper.js';
import { dataLabel, defineExperiment, type CellRecord, type CellResult, type CellSpec } from '../experiment.js';
import { RANKING_MODEL_NAMES, type RankingModelName } from '../models/rankingModels.js';
import { BENCH_DIR, REPO_ROOT } from '../paths.js';
import type { ReportSection } from '../report/sections.js';
import type { Table } from '../report/table.js';
import { findRow, type Summary } from '../runner/summary.js';
import { runJsonChild } from '../speed/child.js';
import { MIN_BLAS_GFLOPS, runTorchPeer, torchMissing } from '../speed/torchPeer.js';
import type { SpeedJob, SpeedResult } from '../speed/worker.js';

const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
/** Model name of the PyTorch reference cell. */
const TORCH = 'SASRec:pytorch';
const SPEED_MODELS = RANKING_MODEL_NAMES.filter((m) => m !== 'Pop');

const fmt = (v: number | undefined, d = 1) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

/** The speed table: one row per (model, backend), plus the reference. */
function speedTable(summary: Summary): Table {
  const get = (model: string, metric: string) => findRow(summary, model, metric)?.mean;
  const torchEpoch = get(TORCH, 'epoch_s [pytorch]');
  const torchEval = get(TORCH, 'eval_s [pytorch]');
  const blas = get(TORCH, 'blas_gflops');
  const ratio = (ours: number | undefined, ref: number | undefined) => {
    if (ours === undefined || ref === undefined) return '—';
    if (blas !== undefined && blas < MIN_BLAS_GFLOPS) return `withheld (BLAS ${blas.toFixed(0)} GFLOP/s)`;
    return `${(ours / ref).toFixed(2)}×`;
  };
  const rows: string[][] = [];
  const models = [...new Set(summary.rows.map((r) => r.model))].filter((m) => m !== TORCH);
  for (const m of models) {
    for (const b of BACKENDS) {
      const ms = get(m, `ms/step [${b}]`);
      if (ms === undefined) continue;
      const ep = get(m, `epoch_s [${b}]`);
      const ev = get(m, `eval_s [${b}]`);
      const sas = m === 'SASRec';
      rows.push([m, b, fmt(ms), fmt(ep), fmt(get(m, `users/s [${b}]`), 0), fmt(ev), fmt(get(m, `peak_rss_mb [${b}]`), 0), sas ? ratio(ep, torchEpoch) : '—', sas ? ratio(ev, torchEval) : '—']);
    }
  }
  if (torchEpoch !== undefined) {
    rows.push([`SASRec (PyTorch, ${fmt(get(TORCH, 'threads'), 0)} thr)`, 'torch cpu', '—', fmt(torchEpoch), '—', fmt(torchEval), '—', '1.00×', '1.00×']);
  }
  return {
    header: ['model', 'backend', 'ms/step', 'epoch s', 'users/s', 'eval s', 'peak RSS MB', 'epoch vs PyTorch', 'eval vs PyTorch'],
    rows,
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    caption: [
      'ms/step: median of timed steps (batch generation + step); epoch s: measured over a whole epoch when trainSteps=0, else ms/step × steps per epoch; eval s: full ranking of every user for validation and test (2 × users / users/s); peak RSS of the measuring process',
      blas !== undefined ? `PyTorch reference: faster thread setting, BLAS ${blas.toFixed(1)} GFLOP/s${blas < MIN_BLAS_GFLOPS ? ` (below ${MIN_BLAS_GFLOPS}: ratios withheld)` : ''}` : 'PyTorch reference: not measured in this run',
    ].join('; '),
  };
}

export default defineExperiment({
  name: 'speed',
  description: 'training ms/step, full-ranking users/s and peak RSS per model and backend on Beauty; SASRec vs the PyTorch reference',
  status: 'ready',
  schema: {
    dataset: file('amazon-beauty/Beauty.txt', 'sequence file the models are sized and fed from'),
    models: subsetOf(SPEED_MODELS, ['SASRec', 'GRU4Rec', 'BERT4Rec'], 'models to measure'),
    backends: subsetOf(BACKENDS, ['tensorflow', 'wasm'], 'backends to measure'),
    trainSteps: int(10, { min: 0, doc: 'training steps timed (0: one whole epoch)' }),
    warmupSteps: int(2, { min: 0, doc: 'untimed steps first' }),
    evalUsers: int(4096, { min: 0, doc: 'users ranked for the users/s figure (0: all)' }),
    evalBatchSize: int(1024, { min: 1, doc: 'users per evaluation batch' }),
    torch: bool(true, 'measure the PyTorch reference SASRec'),
    torchEpochs: int(2, { min: 1, doc: 'epochs of the PyTorch reference (median epoch time)' }),
    torchThreads: intList([1, 2], { min: 1, doc: 'thread counts to try (the faster is the reference)' }),
    python: str('/usr/bin/python3', 'Python interpreter with torch'),
    torchScript: str(path.resolve(REPO_ROOT, '../shared/peers/sasrec_torch.py'), 'the reference script'),
    ...hyperSchema(
      { dim: 64, lr: 0.001, batchSize: 256, maxLen: 50, dropout: 0.2, blocks: 2, heads: 1, l2: 1e-4, gcnLayers: 3, maskProb: 0.2, sasrecLoss: 'bce', gru4recLoss: 'ce', numNegatives: 100 },
      SPEED_MODELS,
      { BERT4Rec: { heads: 2 }, 'BPR-MF': { batchSize: 4096 }, LightGCN: { batchSize: 4096 } },
    ),
  },
  requiredFiles: (c) => (c.torch ? [{ path: c.torchScript, key: 'torchScript' }] : []),
  cells: (c) => {
    const out: CellSpec[] = [];
    for (const model of c.models) for (const backend of c.backends) out.push({ model, seed: 0, backend });
    if (c.torch && c.models.includes('SASRec')) out.push({ model: TORCH, seed: 0 });
    return out;
  },
  datasetName: (c, dataDir) => dataLabel(c.dataset, dataDir),
  protocol: (c) => ({
    summary: 'throughput: training ms/step and full-ranking users/s per model and backend, peak RSS; SASRec vs the PyTorch reference',
    details: [
      `models sized for ${path.basename(c.dataset)} (items, users), d ${c.dim}, ${c.blocks} blocks, maxLen ${c.maxLen}, batch ${c.batchSize}; each (model, backend) measured in a fresh child process (its own peak RSS)`,
      `training: ${c.warmupSteps} untimed steps, then ${c.trainSteps === 0 ? 'one whole epoch timed' : `${c.trainSteps} steps timed (median), epoch time = ms/step × steps per epoch`}`,
      `evaluation: full ranking (all items, seen items excluded) of ${c.evalUsers === 0 ? 'every' : `the first ${c.evalUsers}`} test user(s), after one warm-up batch; eval s extrapolates to validation + test of every user`,
      c.torch
        ? `PyTorch reference: ${c.python} ${path.basename(c.torchScript)} --epochs ${c.torchEpochs} at --threads ${c.torchThreads.join(' and ')}, the faster kept; ratios withheld when its blas_gflops < ${MIN_BLAS_GFLOPS}; skipped with a notice when ${c.python} has no torch`
        : 'PyTorch reference: off',
      'machines are shared: only figures measured in the same run compare',
    ],
  }),
  async prepare({ config: c, log }): Promise<{ torchMissing: string | null }> {
    const missing = c.torch ? torchMissing(c.python) : null;
    if (missing) log(`notice: PyTorch column skipped: ${missing}`);
    return { torchMissing: missing };
  },
  async runCell(ctx): Promise<CellResult> {
    const c = ctx.config;
    const cp = ctx.progress;
    if (ctx.cell.model === TORCH) {
      if (ctx.data.torchMissing) return { metrics: { all: {} }, info: { skipped: ctx.data.torchMissing } };
      const { runs, best } = await runTorchPeer({
        python: c.python,
        script: c.torchScript,
        dataset: c.dataset,
        hyper: hyperFor(c, 'SASRec'),
        epochs: c.torchEpochs,
        threads: c.torchThreads,
        signal: ctx.signal,
        cwd: path.dirname(c.torchScript),
        onRun: (t) => cp.phase(`python --threads ${t}`),
      });
      return {
        metrics: { all: { 'epoch_s [pytorch]': best.epoch_s_median, 'eval_s [pytorch]': best.eval_s, blas_gflops: best.blas_gflops, threads: best.threads } },
        info: { runs },
      };
    }
    const backend = ctx.cell.backend as BackendName;
    cp.phase(`measuring in a child process`);
    const job: SpeedJob = {
      dataset: c.dataset,
      model: ctx.cell.model as RankingModelName,
      backend,
      hyper: hyperFor(c, ctx.cell.model),
      trainSteps: c.trainSteps,
      warmupSteps: c.warmupSteps,
      evalUsers: c.evalUsers,
      evalBatchSize: c.evalBatchSize,
      seed: ctx.cell.seed,
    };
    const r = await runJsonChild<SpeedResult>(
      process.execPath,
      ['--conditions=recsuite-source', '--import', 'tsx', path.join(BENCH_DIR, 'src/speed/worker.ts'), JSON.stringify(job)],
      { cwd: REPO_ROOT, signal: ctx.signal, env: { TF_CPP_MIN_LOG_LEVEL: '2' } },
    );
    const b = `[${backend}]`;
    return {
      metrics: {
        all: {
          [`ms/step ${b}`]: r.train.msPerStep,
          [`epoch_s ${b}`]: r.train.epochSeconds,
          [`users/s ${b}`]: r.rank.usersPerSecond,
          [`eval_s ${b}`]: (2 * r.testUsers) / r.rank.usersPerSecond,
          [`peak_rss_mb ${b}`]: r.peakRssMb,
        },
      },
      info: { ...r },
    };
  },
  display: {
    metrics: [],
    table: speedTable,
    digits: 1,
  },
  sections: (summary: Summary, records: CellRecord[]): ReportSection[] => {
    const torch = records.find((r) => r.model === TORCH);
    const runs = (torch?.info?.runs as Array<{ threads: number; epoch_s_median: number; eval_s: number; blas_gflops: number }> | undefined) ?? [];
    const skipped = torch?.info?.skipped as string | undefined;
    const text = skipped
      ? [`PyTorch column skipped: ${skipped}.`]
      : runs.map((r) => `- PyTorch --threads ${r.threads}: epoch ${r.epoch_s_median.toFixed(1)} s, evaluation ${r.eval_s.toFixed(1)} s, BLAS ${r.blas_gflops.toFixed(1)} GFLOP/s`);
    void summary;
    return [{ title: 'PyTorch reference runs', text: text.length ? text : ['not measured in this run'] }];
  },
});
