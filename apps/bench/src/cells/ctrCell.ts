/**
 * The CTR cell: train a CTR model (selected on validation AUC), then test AUC, GAUC (user-weighted AUC
 * over users with both labels) and LogLoss; plus CTR data preparation with negatives stored in the run
 * directory.
 * @module
 */
import { auc, buildCtrData, ctrBatches, gauc, logLoss, type CtrBatchOptions, type CtrData, type CtrRows } from '@recsuite/core';
import type { CtrModel } from '@recsuite/baselines';
import fs from 'node:fs';
import path from 'node:path';
import type { CellContext, CellResult } from '../experiment.js';
import { CTR_MODELS, type CtrModelName, type CtrTask } from '../models/ctrModels.js';
import { writeFileAtomic } from '../runner/atomic.js';
import { trainAndTest } from './trainCell.js';

/** Predicted click probabilities of `rows`, in row order. */
export async function predictRows(
  model: CtrModel,
  data: CtrData,
  rows: CtrRows,
  opts: Pick<CtrBatchOptions, 'batchSize' | 'maxLen' | 'itemAttributes' | 'userProfile' | 'maxAttributes' | 'lengthBuffer'>,
): Promise<Float32Array> {
  model.setTraining(false);
  const out = new Float32Array(rows.length);
  for (const batch of ctrBatches(data, rows, opts)) {
    const p = model.predict(batch);
    try {
      const v = await p.data();
      const at = batch.rowIndex as Int32Array;
      for (let b = 0; b < batch.batchSize; b++) out[at[b]] = v[b];
    } finally {
      p.dispose();
    }
  }
  return out;
}

/** AUC, GAUC and LogLoss of `rows`. */
export async function ctrMetrics(model: CtrModel, data: CtrData, rows: CtrRows, opts: Parameters<typeof predictRows>[3]): Promise<Record<string, number>> {
  const p = await predictRows(model, data, rows, opts);
  return { AUC: auc(rows.label, p), GAUC: gauc(rows.user, rows.label, p), LogLoss: logLoss(rows.label, p) };
}

/**
 * CTR data with its negatives drawn once (from `c.negativeSeed`) and stored in
 * `<runDir>/negatives/ctr-<sampler>-seed<seed>.i32`; a resumed run reloads them. The split follows
 * `c.holdout` (0: one test pair per user); the negatives do not depend on it.
 */
export function ctrDataStored(
  runDir: string,
  sequences: readonly Int32Array[],
  numItems: number,
  c: { negativeSeed: number; sampler: 'popularity' | 'uniform'; holdout?: number },
): CtrData {
  const { negativeSeed: seed, sampler, holdout } = c;
  const file = path.join(runDir, 'negatives', `ctr-${sampler}-seed${seed}.i32`);
  if (fs.existsSync(file)) {
    const buf = fs.readFileSync(file);
    const negatives = new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    return buildCtrData(sequences, { numItems, seed, sampler, negatives, holdout });
  }
  const data = buildCtrData(sequences, { numItems, seed, sampler, holdout });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, new Uint8Array(data.negatives.buffer, data.negatives.byteOffset, data.negatives.byteLength));
  return data;
}

/** Options of {@link runCtrCell}. */
export interface CtrCellOptions {
  task: Omit<CtrTask, 'seed'>;
  epochs: number;
  patience: number;
  validateEvery: number;
  evalBatchSize: number;
}

/** Trains and tests one (CTR model, seed) cell. */
export async function runCtrCell<C, D>(ctx: CellContext<C, D>, o: CtrCellOptions): Promise<CellResult> {
  const built = CTR_MODELS[ctx.cell.model as CtrModelName]({ ...o.task, seed: ctx.cell.seed });
  const evalOpts = { batchSize: o.evalBatchSize, maxLen: o.task.hyper.maxLen, ...o.task.batchFeatures };
  const { data } = o.task;
  return trainAndTest(ctx, built, {
    epochs: o.epochs,
    patience: o.patience,
    validateEvery: o.validateEvery,
    selectMetric: 'AUC',
    // CTR models keep Dice's running statistics in variables() and their streams in generators()
    checkpoint: true,
    validate: () => ctrMetrics(built.model, data, data.valid, evalOpts),
    test: async () => ({ all: await ctrMetrics(built.model, data, data.test, evalOpts) }),
  });
}
