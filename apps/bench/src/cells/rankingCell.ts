/**
 * The next-item ranking cell: build the model, train it (`trainAndTest`: validation NDCG@10 for model
 * selection), then evaluate the test cases by full ranking (seen items excluded) and, optionally, among
 * sampled negatives drawn once per seed and stored in the run directory.
 * @module
 */
import { drawEvalNegatives, evaluateRanking, loadEvalNegatives, saveEvalNegatives, SortedItemSet, type EvalCase } from '@recsuite/core';
import fs from 'node:fs';
import path from 'node:path';
import type { CellContext, CellResult } from '../experiment.js';
import type { ModelFactory, RankingTask } from '../models/types.js';
import type { SeqData } from './seqData.js';
import { trainAndTest } from './trainCell.js';

/** The sampled protocol beside full ranking. */
export interface SampledProtocol {
  /** Negatives per test case (e.g. 99). */
  n: number;
  /** Per-user items never to draw (the user's whole sequence). */
  seen: readonly Int32Array[];
}

/** Options of {@link runRankingCell}. */
export interface RankingCellOptions {
  factory: ModelFactory;
  /** The task without the seed (the cell's seed is added). */
  task: Omit<RankingTask, 'seed'>;
  valid: readonly EvalCase[];
  test: readonly EvalCase[];
  /** Cut-offs of the reported metrics. */
  ks: number[];
  /** Validation metric for model selection (`NDCG@10`). */
  selectMetric: string;
  /** Maximum epochs. */
  epochs: number;
  /** Validations without improvement before stopping. */
  patience: number;
  /** Warm-up epochs before selection starts (see `trainAndTest`). */
  minEpochs?: number;
  /** Validate every this many epochs. */
  validateEvery: number;
  /** Cases per evaluation batch. */
  evalBatchSize: number;
  /** Also evaluate among sampled negatives. */
  sampled?: SampledProtocol;
  /** Group labels of test case `i` (besides `all`). */
  groups?: (caseIndex: number) => string | readonly string[] | null | undefined;
}

/** Suffix of the sampled-protocol metrics: `HR@10 (99 neg)`. */
export const sampledSuffix = (n: number): string => ` (${n} neg)`;

/** Loads the stored test negatives of a seed, or draws and stores them (once per seed and run). */
async function testNegatives(runDir: string, seed: number, test: readonly EvalCase[], numItems: number, s: SampledProtocol): Promise<Int32Array[]> {
  const file = path.join(runDir, 'negatives', `test-${s.n}neg-seed${seed}.bin`);
  if (fs.existsSync(file)) return (await loadEvalNegatives(file, test)).negatives;
  const negSeed = 100_003 + seed;
  const seen = s.seen.map((items) => new SortedItemSet(items));
  const negatives = drawEvalNegatives(test, numItems, s.n, negSeed, { seen });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await saveEvalNegatives(file, test, negatives, {
    numItems,
    seed: negSeed,
    sampler: 'uniform',
    note: `test cases, ${s.n} uniform negatives excluding the user's items, seed ${negSeed}`,
  });
  return negatives;
}

/** Trains and evaluates one (model, seed) next-item ranking cell. */
export async function runRankingCell<C, D>(ctx: CellContext<C, D>, o: RankingCellOptions): Promise<CellResult> {
  const seed = ctx.cell.seed;
  const evalOpts = { maxLen: o.task.hyper.maxLen, batchSize: o.evalBatchSize, ks: o.ks };
  const built = o.factory({ ...o.task, seed });
  const { model } = built;
  return trainAndTest(ctx, built, {
    epochs: o.epochs,
    patience: o.patience,
    minEpochs: o.minEpochs,
    validateEvery: o.validateEvery,
    selectMetric: o.selectMetric,
    // every ranking model here keeps its whole training state in variables, optimizer and train.rngs
    checkpoint: true,
    validate: async () => (await evaluateRanking(model, o.valid, evalOpts)).metrics,
    test: async () => {
      const full = await evaluateRanking(model, o.test, { ...evalOpts, groups: o.groups });
      const metrics: Record<string, Record<string, number>> = {};
      for (const [g, vals] of Object.entries(full.groups)) metrics[g] = { ...vals };
      if (o.sampled) {
        const negatives = await testNegatives(ctx.runDir, seed, o.test, o.task.numItems, o.sampled);
        const sampled = await evaluateRanking(model, o.test, { ...evalOpts, negatives, groups: o.groups });
        for (const [g, vals] of Object.entries(sampled.groups)) {
          metrics[g] ??= {};
          for (const [k, v] of Object.entries(vals)) metrics[g][`${k}${sampledSuffix(o.sampled.n)}`] = v;
        }
      }
      return metrics;
    },
  });
}

/** The settings every leave-one-out next-item experiment shares. */
export interface SeqRankingSettings {
  ks: number[];
  epochs: number;
  patience: number;
  minEpochs: number;
  validateEvery: number;
  evalBatchSize: number;
}

/**
 * {@link runRankingCell} on leave-one-out data: the model from `factory` with hyper-parameters `hyper`,
 * selected on validation NDCG@10; `extra` adds or overrides options (e.g. the sampled protocol).
 */
export function runSeqRankingCell<C, D>(
  ctx: CellContext<C, D>,
  data: SeqData,
  factory: ModelFactory,
  hyper: RankingTask['hyper'],
  s: SeqRankingSettings,
  extra: Partial<RankingCellOptions> = {},
): Promise<CellResult> {
  return runRankingCell(ctx, {
    factory,
    task: { numUsers: data.numUsers, numItems: data.numItems, train: data.train, trainCF: data.trainCF, hyper },
    valid: data.valid,
    test: data.test,
    ks: s.ks,
    selectMetric: 'NDCG@10',
    epochs: s.epochs,
    patience: s.patience,
    minEpochs: s.minEpochs,
    validateEvery: s.validateEvery,
    evalBatchSize: s.evalBatchSize,
    ...extra,
  });
}
