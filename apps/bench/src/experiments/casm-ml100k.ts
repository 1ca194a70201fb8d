/**
 * `casm-ml100k`: CASM's claim (arXiv 2312.09684) on MovieLens 100K turned multi-behaviour (rating ≥ 4 pos,
 * 3 neutral, ≤ 2 neg; target pos; one behaviour per event, events in (timestamp, row order)): CASM against
 * SASRec on all interactions without behaviour and SASRec on target-behaviour interactions only, with the
 * ablations CASM:no-context and CASM:uniform-weights. Leave-one-out on the target behaviour; the paper's
 * protocol (the test item among 99 never-interacted items drawn once and stored, every candidate scored with
 * the target behaviour) and full ranking beside; every model selected on validation over the same grid;
 * paired per-user bootstrap intervals of CASM's differences; seconds per epoch and to convergence.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { SASRec } from '@recsuite/baselines';
import { CASM, behaviourTrainBatches, evaluateTargetBehaviour, evaluateWithExclusion, variantConfig, type CASMVariant } from '@recsuite/casm';
import {
  Adam,
  drawEvalNegatives,
  evaluateRanking,
  fit,
  loadAtomic,
  writeFileAtomic,
  loadEvalNegatives,
  multiBehaviourSequences,
  multiBehaviourSplit,
  pairedBootstrap,
  ratingsToBehaviours,
  saveEvalNegatives,
  targetBehaviourItems,
  trainSequenceBatches,
  type EvalCase,
  type FitResult,
  type MultiBehaviourSplit,
  type RankingEvaluation,
} from '@recsuite/core';
import { file, int, intList, num, oneOf, str, subsetOf } from '../config/fields.js';
import { ConfigError } from '../errors.js';
import { defineExperiment, modelSeedCells, type CellRecord, type CellResult } from '../experiment.js';
import { fmtCi, fmtSigned } from '../report/format.js';
import type { ReportSection } from '../report/sections.js';

const MODELS = ['CASM', 'CASM:no-context', 'CASM:uniform-weights', 'SASRec', 'SASRec:target-only'] as const;
type ModelName = (typeof MODELS)[number];
const SAMPLED = ['HR@10', 'NDCG@10'] as const;

/** What `prepare` loads once per run. */
interface Data {
  split: MultiBehaviourSplit;
  numItems: number;
  /** Per test case, the items its history holds under the target behaviour (full-ranking exclusion). */
  testExclude: Int32Array[];
  validExclude: Int32Array[];
  validNegatives: Int32Array[];
  testNegatives: Int32Array[];
  stats: { users: number; items: number; events: number; testUsers: number };
}

/** Parses the `lrGrid` setting. */
function parseGrid(text: string): number[] {
  const v = text.split(',').map((s) => Number(s.trim()));
  if (v.length === 0 || v.some((x) => !(x > 0 && x < 1))) throw new ConfigError('lrGrid', `must be comma-separated learning rates in (0, 1), got "${text}"`);
  return v;
}

/** Loads the stored negatives of `cases`, or draws them once from `seed` and stores them. */
async function storedNegatives(file: string, cases: readonly EvalCase[], numItems: number, n: number, seed: number, split: MultiBehaviourSplit, what: string): Promise<Int32Array[]> {
  if (fs.existsSync(file)) return (await loadEvalNegatives(file, cases)).negatives;
  const negatives = drawEvalNegatives(cases, numItems, n, seed, { seen: split.interacted });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await saveEvalNegatives(file, cases, negatives, {
    numItems,
    seed,
    sampler: 'uniform',
    note: `${what} cases of the leave-one-out split on the target behaviour (pos); ${n} uniform items the user never interacted with (any behaviour, whole data); seed ${seed}`,
  });
  return negatives;
}

/** One trained grid point: its validation and test evaluations. */
interface GridRun {
  lr: number;
  fit: FitResult;
  steps: number;
  valid: number;
  sampled: RankingEvaluation;
  full: RankingEvaluation;
}

/** Seconds of training up to (and including) the best epoch. */
const secondsToBest = (f: FitResult) => f.history.filter((h) => h.epoch <= f.bestEpoch).reduce((a, h) => a + h.seconds, 0);

export default defineExperiment({
  name: 'casm-ml100k',
  description: 'CASM vs SASRec (all interactions / target-only) and its ablations on ml-100k turned multi-behaviour (pos/neutral/neg)',
  status: 'ready',
  schema: {
    models: subsetOf(MODELS, MODELS, 'models to run'),
    seeds: int(5, { min: 1, max: 100, doc: 'number of seeds' }),
    epochs: int(80, { min: 1, doc: 'maximum epochs per grid point (one epoch = one pass over the users with ≥ 2 training events)' }),
    patience: int(4, { min: 1, doc: 'validations without improvement before stopping' }),
    validateEvery: int(4, { min: 1, doc: 'validate every this many epochs' }),
    dataset: file('ml-100k/ml-100k.inter', 'ml-100k atomic interactions (user, item, rating, timestamp)'),
    dim: int(64, { min: 1, doc: 'width d (every model)' }),
    maxLen: int(50, { min: 2, doc: 'history length fed to every model' }),
    batchSize: int(128, { min: 1, doc: 'users per batch (every model)' }),
    dropout: num(0.2, { min: 0, max: 0.95, doc: 'dropout (every model)' }),
    lrGrid: str('0.003,0.006', 'learning rates tried for every model (selected on validation NDCG@10, 99 negatives)'),
    selection: oneOf(['seed0', 'per-seed'] as const, 'seed0', 'seed0: each model\'s lr is chosen on validation with seed 0 and reused for the other seeds; per-seed: every (model, seed) runs the whole grid'),
    alphaPos: num(0.9, { min: 0, doc: 'CASM α of pos (official MovieLens 0.9)' }),
    alphaNeutral: num(0.1, { min: 0, doc: 'CASM α of neutral (official 0.1)' }),
    alphaNeg: num(0, { min: 0, doc: 'CASM α of neg (official 0.0)' }),
    negatives: int(99, { min: 1, doc: 'sampled negatives per case (paper: 99)' }),
    negSeed: int(20231215, { doc: 'seed of the stored validation/test negatives (drawn once per run)' }),
    ks: intList([10, 20], { min: 1, doc: 'cut-offs K' }),
    bootstrap: int(2000, { min: 100, doc: 'paired bootstrap resamples' }),
  },
  validate(c) {
    parseGrid(c.lrGrid);
    if (!c.ks.includes(10)) throw new ConfigError('ks', 'must include 10 (selection and the paper use @10)');
  },
  cells: (c) => modelSeedCells(c.models, c.seeds),
  datasetName: (c) => `ml-100k multi-behaviour (${path.basename(c.dataset)}: rating ≥4 pos, 3 neutral, ≤2 neg; target pos)`,
  protocol: (c) => ({
    summary: `leave-one-out on the target behaviour (pos); ${c.negatives} stored never-interacted negatives, candidates scored with the target behaviour; full ranking beside; selected on validation NDCG@10 (${c.negatives} neg) over lr ∈ {${c.lrGrid}}`,
    details: [
      'data: ml-100k ratings as behaviours, rating ≥ 4 → pos, 3 → neutral, ≤ 2 → neg, stored per event; events ordered by (timestamp, row order in the file); target behaviour pos',
      "split: per user, the last pos event is the test event and the pos event before it the validation event; training sequences end before the validation event; the test history is every event before the test event (validation event included), earlier interactions keep their own behaviour; users with < 2 pos events are train-only",
      `sampled (paper protocol): the target among ${c.negatives} items the user never interacted with (any behaviour, whole data), drawn once from seed ${c.negSeed} and stored in negatives/; CASM scores every candidate with the target behaviour`,
      'full ranking: every item except padding and the items the history holds under pos (never the target); ties count against the model',
      'models: CASM (official block, context W_f[E‖C], weighted BCE α pos/neutral/neg as set), CASM:no-context (behaviour only in α), CASM:uniform-weights (α = 1); SASRec on all events without behaviour; SASRec:target-only on pos events only (its histories are the pos events before the case). Every model: 1 block, 1 head, same d, maxLen, dropout, batch; BCE with one uniform negative per position outside the user\'s training items; Adam β2 0.98',
      `selection: ${c.selection === 'seed0' ? `with seed 0, each model trains every lr in {${c.lrGrid}} and keeps the one with the best validation NDCG@10 (${c.negatives} neg); seeds 1.. reuse that lr (stored in selection/)` : `each (model, seed) trains every lr in {${c.lrGrid}} and keeps the best on validation NDCG@10 (${c.negatives} neg)`}; validation every ${c.validateEvery} epochs, early stopping after ${c.patience} validations without improvement (at most ${c.epochs} epochs), best weights restored. Test numbers of grid points not selected are never reported`,
      'epoch: one pass over the users with ≥ 2 training events in shuffled order, batches of batchSize users, their last maxLen events; epoch_s = mean training seconds per epoch of the selected run, conv_s = training seconds up to its best epoch',
      `seeds: ${c.seeds}: initialisation, batch order, training negatives and dropout; data and evaluation negatives are the same for every seed and model, so per-user results pair up across models`,
    ],
  }),
  async prepare({ config: c, runDir, log }): Promise<Data> {
    const ds = ratingsToBehaviours(await loadAtomic(c.dataset));
    const seqs = multiBehaviourSequences(ds.interactions, 'pos');
    const split = multiBehaviourSplit(seqs);
    const numItems = seqs.numItems;
    const validNegatives = await storedNegatives(path.join(runDir, 'negatives', `valid-${c.negatives}neg.bin`), split.valid, numItems, c.negatives, c.negSeed, split, 'validation');
    const testNegatives = await storedNegatives(path.join(runDir, 'negatives', `test-${c.negatives}neg.bin`), split.test, numItems, c.negatives, c.negSeed + 1, split, 'test');
    const stats = { users: seqs.numUsers, items: numItems, events: ds.interactions.length, testUsers: split.test.length };
    log(`casm-ml100k: ${stats.users} users, ${stats.items} items, ${stats.events} events, ${stats.testUsers} test users`);
    return {
      split,
      numItems,
      testExclude: split.test.map((x) => targetBehaviourItems(x, seqs.target)),
      validExclude: split.valid.map((x) => targetBehaviourItems(x, seqs.target)),
      validNegatives,
      testNegatives,
      stats,
    };
  },
  async runCell({ config: c, data: d, cell, progress: cp, signal, runDir }): Promise<CellResult> {
    const name = cell.model as ModelName;
    const seed = cell.seed;
    const { split } = d;
    const target = split.targetBehaviour;
    const ev = { maxLen: c.maxLen, batchSize: 256, ks: c.ks };
    const isCasm = name.startsWith('CASM');
    const targetOnly = name === 'SASRec:target-only';
    const runs: GridRun[] = [];
    const selectionFile = path.join(runDir, 'selection', `${name.replace(/[^A-Za-z0-9-]/g, '_')}.json`);
    let grid = parseGrid(c.lrGrid);
    let reused = false;
    if (c.selection === 'seed0' && seed !== 0 && fs.existsSync(selectionFile)) {
      grid = [(JSON.parse(fs.readFileSync(selectionFile, 'utf8')) as { lr: number }).lr];
      reused = true;
    }
    for (const lr of grid) {
      const train = targetOnly ? split.targetOnly.train : split.train;
      let steps = 0;
      for (const s of train) if (s.length >= 2) steps++;
      steps = Math.ceil(steps / c.batchSize);
      const common = {
        optimizer: new Adam({ lr, beta2: 0.98 }),
        epochs: c.epochs,
        seed,
        metric: 'NDCG@10',
        mode: 'max' as const,
        patience: c.patience,
        validateEvery: c.validateEvery,
        progress: false as const,
        leakCheck: 'throw' as const,
        signal,
        onEpoch: (log: { epoch: number; loss: number; validation?: Record<string, number> }) => {
          cp.epoch(log.epoch, c.epochs);
          const v = log.validation?.['NDCG@10'];
          cp.note(`lr ${lr} · loss ${log.loss.toFixed(4)}${v !== undefined ? ` · valid NDCG@10 ${v.toFixed(4)}` : ''}`);
        },
      };
      cp.phase(`training lr ${lr}`);
      if (isCasm) {
        const model = new CASM({
          numItems: d.numItems,
          behaviours: [...split.behaviourNames],
          targetBehaviour: 'pos',
          alpha: { pos: c.alphaPos, neutral: c.alphaNeutral, neg: c.alphaNeg },
          dim: c.dim,
          maxLen: c.maxLen,
          dropout: c.dropout,
          ...variantConfig(name as CASMVariant),
          seed,
        });
        try {
          const f = await fit(model, {
            ...common,
            rngs: { dropout: model.rng },
            batches: (_e, rng) => behaviourTrainBatches(split, { maxLen: c.maxLen, batchSize: c.batchSize, numItems: d.numItems, rng }),
            validate: async () => (await evaluateTargetBehaviour(model, split.valid, { ...ev, negatives: d.validNegatives, targetBehaviour: target })).metrics,
          });
          cp.phase('testing');
          const sampled = await evaluateTargetBehaviour(model, split.test, { ...ev, negatives: d.testNegatives, targetBehaviour: target });
          const full = await evaluateTargetBehaviour(model, split.test, { ...ev, targetBehaviour: target });
          runs.push({ lr, fit: f, steps, valid: f.bestValue, sampled, full });
        } finally {
          model.dispose();
          common.optimizer.dispose();
        }
      } else {
        const cases = targetOnly ? split.targetOnly : split;
        const model = new SASRec({ numItems: d.numItems, maxLen: c.maxLen, dim: c.dim, blocks: 1, heads: 1, dropout: c.dropout, loss: 'bce', seed });
        try {
          const f = await fit(model, {
            ...common,
            rngs: { dropout: model.rng },
            batches: (_e, rng) => trainSequenceBatches(train, { maxLen: c.maxLen, batchSize: c.batchSize, numItems: d.numItems, rng }),
            validate: async () => (await evaluateRanking(model, cases.valid, { ...ev, negatives: d.validNegatives })).metrics,
          });
          cp.phase('testing');
          const sampled = await evaluateRanking(model, cases.test, { ...ev, negatives: d.testNegatives });
          const full = await evaluateWithExclusion(model, cases.test, d.testExclude, ev);
          runs.push({ lr, fit: f, steps, valid: f.bestValue, sampled, full });
        } finally {
          model.dispose();
          common.optimizer.dispose();
        }
      }
    }
    // Model selection on validation only; the other grid points' test numbers are never looked at.
    const best = runs.reduce((a, b) => (b.valid > a.valid ? b : a));
    if (c.selection === 'seed0' && seed === 0) {
      fs.mkdirSync(path.dirname(selectionFile), { recursive: true });
      await writeFileAtomic(selectionFile, JSON.stringify({ model: name, lr: best.lr, grid: runs.map((r) => ({ lr: r.lr, valid: r.valid })) }, null, 2));
    }
    const all: Record<string, number> = {};
    for (const [k, v] of Object.entries(best.sampled.metrics)) all[k] = v;
    for (const [k, v] of Object.entries(best.full.metrics)) all[`${k} (full)`] = v;
    all['valid NDCG@10'] = best.valid;
    all.lr = best.lr;
    all.epochs = best.fit.bestEpoch;
    all.epoch_s = best.fit.secondsPerEpoch;
    all.conv_s = secondsToBest(best.fit);
    all.steps_per_epoch = best.steps;
    return {
      metrics: { all },
      curve: best.fit.history.map((h) => ({ epoch: h.epoch, loss: h.loss, valid: h.validation, seconds: h.seconds })),
      info: {
        grid: runs.map((r) => ({ lr: r.lr, valid: r.valid, bestEpoch: r.fit.bestEpoch, epochsRun: r.fit.epochsRun, stoppedEarly: r.fit.stoppedEarly })),
        selectedLr: best.lr,
        lrFrom: reused ? 'seed 0 (selection/)' : 'this cell\'s grid',
        testUsers: Array.from(best.sampled.users),
        sampledRanks: Array.from(best.sampled.ranks),
        fullRanks: Array.from(best.full.ranks),
      },
    };
  },
  display: {
    metrics: ['HR@10', 'NDCG@10', 'HR@10 (full)', 'NDCG@10 (full)', 'valid NDCG@10', 'epochs', 'epoch_s', 'conv_s'],
    chartMetrics: ['HR@10', 'NDCG@10'],
    curveMetric: 'NDCG@10',
    reference: {
      source: 'CASM paper (arXiv 2312.09684), ML10M with 99 negatives — 100× more data, not expected to transfer',
      values: { SASRec: { 'HR@10': 0.911, 'NDCG@10': 0.668 }, CASM: { 'HR@10': 0.93, 'NDCG@10': 0.713 } },
    },
  },
  sections: (_summary, records, c) => casmSections(records, c.bootstrap),
});

/** Per-user metric of a cell from its stored ranks. */
function perUser(r: CellRecord, metric: string): Float64Array | null {
  const info = r.info as { sampledRanks?: number[]; fullRanks?: number[] } | undefined;
  const full = metric.endsWith('(full)');
  const ranks = full ? info?.fullRanks : info?.sampledRanks;
  if (!ranks) return null;
  const k = Number(/@(\d+)/.exec(metric)?.[1] ?? 10);
  const hr = metric.startsWith('HR');
  return Float64Array.from(ranks, (rank) => (rank < k ? (hr ? 1 : 1 / Math.log2(rank + 2)) : 0));
}

/** Per-user values averaged over a model's seeds (seeds present for both models only). */
function seedAveraged(records: readonly CellRecord[], model: string, metric: string, seeds: readonly number[]): Float64Array | null {
  let acc: Float64Array | null = null;
  for (const s of seeds) {
    const r = records.find((x) => x.model === model && x.seed === s);
    const v = r ? perUser(r, metric) : null;
    if (!v) return null;
    if (!acc) acc = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) acc[i] += v[i] / seeds.length;
  }
  return acc;
}

const f4 = (x: number) => x.toFixed(4);

/** The bootstrap table, the validation choice between CASM and CASM:no-context, speed and the verdict. */
function casmSections(records: readonly CellRecord[], resamples: number): ReportSection[] {
  const models = [...new Set(records.map((r) => r.model))];
  const seedsOf = (m: string) => new Set(records.filter((r) => r.model === m).map((r) => r.seed));
  const out: ReportSection[] = [];
  const metrics = [...SAMPLED, 'HR@10 (full)', 'NDCG@10 (full)'];
  if (models.includes('CASM')) {
    const rows: string[][] = [];
    const verdict: string[] = [];
    for (const other of models.filter((m) => m !== 'CASM')) {
      const seeds = [...seedsOf('CASM')].filter((s) => seedsOf(other).has(s)).sort((a, b) => a - b);
      if (seeds.length === 0) continue;
      for (const metric of metrics) {
        const a = seedAveraged(records, 'CASM', metric, seeds);
        const b = seedAveraged(records, other, metric, seeds);
        if (!a || !b || a.length !== b.length) continue;
        const bs = pairedBootstrap(a, b, { resamples, seed: 0 });
        const wins = seeds.filter((s) => {
          const x = records.find((r) => r.model === 'CASM' && r.seed === s)!.metrics.all[metric];
          const y = records.find((r) => r.model === other && r.seed === s)!.metrics.all[metric];
          return x > y;
        }).length;
        rows.push([`CASM − ${other}`, metric, fmtSigned(bs.diff), fmtCi(bs.lo, bs.hi), bs.lo > 0 ? 'CASM better' : bs.hi < 0 ? 'CASM worse' : 'no clear difference', `${wins}/${seeds.length}`]);
        if ((other === 'SASRec' || other === 'SASRec:target-only') && (SAMPLED as readonly string[]).includes(metric)) {
          verdict.push(`${metric} vs ${other}: CASM ${bs.diff > 0 ? 'ahead' : 'behind'} by ${fmtSigned(bs.diff)} (95% CI ${fmtCi(bs.lo, bs.hi)}${bs.lo > 0 ? ', significant' : bs.hi < 0 ? ', significantly behind' : ', interval includes 0'})`);
        }
      }
    }
    out.push({
      title: 'Paired per-user bootstrap of CASM’s differences',
      text: [
        `Per test user, each model's metric averaged over the shared seeds; ${resamples} paired bootstrap resamples of users (seed 0), 95% percentile interval. "seeds won" counts seeds where CASM's mean is higher.`,
        ...verdict.map((v) => `- ${v}`),
      ],
      tables: [{ header: ['difference', 'metric', 'mean', '95% CI', 'reading', 'seeds won'], rows }],
    });
  }
  if (models.includes('CASM') && models.includes('CASM:no-context')) {
    const seeds = [...seedsOf('CASM')].filter((s) => seedsOf('CASM:no-context').has(s)).sort((a, b) => a - b);
    const rows = seeds.map((s) => {
      const a = records.find((r) => r.model === 'CASM' && r.seed === s)!.metrics.all;
      const b = records.find((r) => r.model === 'CASM:no-context' && r.seed === s)!.metrics.all;
      const chosen = a['valid NDCG@10'] >= b['valid NDCG@10'] ? 'CASM' : 'CASM:no-context';
      const pick = chosen === 'CASM' ? a : b;
      return [String(s), f4(a['valid NDCG@10']), f4(b['valid NDCG@10']), chosen, f4(pick['HR@10']), f4(pick['NDCG@10'])];
    });
    const n = rows.filter((r) => r[3] === 'CASM').length;
    out.push({
      title: 'CASM or CASM:no-context? (chosen on validation)',
      text: [`Validation NDCG@10 (99 neg) chose CASM (with context) in ${n} of ${rows.length} seeds and CASM:no-context in ${rows.length - n}. The official MovieLens code runs without context (its concatenation is commented out).`],
      tables: [{ header: ['seed', 'valid CASM', 'valid no-context', 'chosen', 'test HR@10', 'test NDCG@10'], rows }],
    });
  }
  const speedRows = models.map((m) => {
    const rs = records.filter((r) => r.model === m);
    const mean = (k: string) => rs.reduce((a, r) => a + r.metrics.all[k], 0) / rs.length;
    return [m, mean('epoch_s').toFixed(2), mean('steps_per_epoch').toFixed(0), mean('epochs').toFixed(1), mean('conv_s').toFixed(1), rs.map((r) => r.metrics.all.lr).join(', ')];
  });
  out.push({
    title: 'Speed and selected learning rates',
    text: ['Means over seeds of the selected runs. One epoch is one pass over the users with ≥ 2 training events (SASRec:target-only has fewer such users and shorter sequences, hence fewer steps).'],
    tables: [{ header: ['model', 's / epoch', 'steps / epoch', 'best epoch', 's to best epoch', 'selected lr per seed'], rows: speedRows }],
  });
  return out;
}
