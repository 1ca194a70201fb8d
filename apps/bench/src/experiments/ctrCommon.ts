/**
 * What the two CTR experiments share: their settings, protocol text and cell wiring (the dataset loaders
 * differ). Not an experiment itself.
 * @module
 */
import type { CtrData, ItemAttributes, UserProfile } from '@recsuite/core';
import { runCtrCell } from '../cells/ctrCell.js';
import { bool, int, num, oneOf, subsetOf } from '../config/fields.js';
import type { CellContext, CellRecord, Display } from '../experiment.js';
import { fmtDiff, fmtSigned } from '../report/format.js';
import type { ReportSection } from '../report/sections.js';
import { seedPaired } from '../runner/paired.js';
import { CTR_MODEL_NAMES, type CtrHyper, type CtrTask } from '../models/ctrModels.js';

/**
 * Settings of a CTR experiment.
 * @param lengthBuffer - default of the `lengthBuffer` setting (batches per length-sorting buffer; 0 = off).
 */
export function ctrSchema(lengthBuffer = 0) {
  return {
    models: subsetOf(CTR_MODEL_NAMES, CTR_MODEL_NAMES, 'models to run'),
    seeds: int(3, { min: 1, max: 100, doc: 'number of seeds' }),
    epochs: int(30, { min: 1, doc: 'maximum epochs' }),
    patience: int(3, { min: 1, doc: 'validations without improvement before stopping' }),
    validateEvery: int(1, { min: 1, doc: 'validate every this many epochs' }),
    negativeSeed: int(2019, { doc: 'seed of the CTR negatives (drawn once, stored in the run directory)' }),
    sampler: oneOf(['popularity', 'uniform'] as const, 'popularity', 'negative sampler (DIEN: popularity)'),
    holdout: num(0, {
      min: 0,
      max: 0.49,
      doc: "share of each user's pairs held out for test, as many before them for validation (0: one test and one validation pair per user; specs/iacn.md suggests 0.1 on ml-100k, whose 943 single test pairs leave AUC a standard error near 0.01)",
    }),
    embedDim: int(18, { min: 1, doc: 'embedding width of every feature' }),
    lr: num(0.001, { min: 0, doc: 'Adam learning rate' }),
    batchSize: int(128, { min: 1, doc: 'rows per batch' }),
    maxLen: int(50, { min: 1, doc: 'history length' }),
    dropout: num(0, { min: 0, max: 0.95, doc: 'dropout in the final MLP' }),
    auxWeight: num(1, { min: 0, doc: 'DIEN auxiliary-loss weight' }),
    useUserId: bool(false, 'add a user-id embedding to the user features'),
    evalBatchSize: int(1024, { min: 1, doc: 'rows per evaluation batch' }),
    lengthBuffer: int(lengthBuffer, {
      min: 0,
      doc: "sort rows by history length within this many batches and cut each batch to its longest history (DIEN's released iterator uses 20); 0 = fixed maxLen, rows in shuffled order",
    }),
  };
}

/** The typed settings of {@link ctrSchema}. */
export interface CtrConfig {
  seeds: number;
  epochs: number;
  patience: number;
  validateEvery: number;
  negativeSeed: number;
  sampler: 'popularity' | 'uniform';
  holdout: number;
  embedDim: number;
  lr: number;
  batchSize: number;
  maxLen: number;
  dropout: number;
  auxWeight: number;
  useUserId: boolean;
  evalBatchSize: number;
  lengthBuffer: number;
}

/** Prepared CTR data and its side features. */
export interface CtrPrepared {
  data: CtrData;
  itemAttributes?: ItemAttributes;
  userProfile?: UserProfile;
}

/** The split in a protocol summary: `per-user time split (last pair test)`, or the `holdout` share. */
export function ctrSplitSummary(c: Pick<CtrConfig, 'holdout'>): string {
  return c.holdout > 0 ? `per-user time split (each user's last ${+(100 * c.holdout).toFixed(2)}% of pairs test)` : 'per-user time split (last pair test)';
}

/** Protocol lines shared by the CTR experiments. */
export function ctrProtocolDetails(c: CtrConfig, features: string): string[] {
  return [
    `pairs: for each user in time order, every interacted item (from the second on) is a positive whose history is the user's earlier items (most recent ${c.maxLen}); each positive gets one ${c.sampler}-sampled negative (never one of the user's items) with the same history, drawn once (seed ${c.negativeSeed}) and stored in negatives/ of the run directory`,
    c.holdout > 0
      ? `split (ours, per user in time order, as specs/iacn.md suggests for ml-100k): the last n = max(1, round(${c.holdout} × the user's pairs)) pairs are test, the n before them validation, the rest training; users with fewer than 2n + 1 pairs train only (DIEN's own scripts split users 9:1 instead)`
      : "split (ours, per user in time order, as specs/iacn.md): the last pair is test, the one before validation, the rest training; users with fewer than 3 pairs train only (DIEN's own scripts split users 9:1 instead)",
    `features: ${features}; multi-valued attributes mean-pooled and concatenated to the item-id embedding (width ${c.embedDim})`,
    c.lengthBuffer > 0
      ? `batches: rows sorted by history length within buffers of ${c.lengthBuffer} batches, batch order shuffled, each batch cut to its longest history (DIEN's released iterator)`
      : `batches: ${c.batchSize} shuffled rows, every history padded to ${c.maxLen}`,
    `selection: validation AUC every ${c.validateEvery} epoch(s), best weights restored, stop after ${c.patience} validations without improvement, at most ${c.epochs} epochs`,
    'metrics on the test pairs: AUC, GAUC (per-user AUC weighted by the user\'s test rows, users with one class skipped), LogLoss',
  ];
}

/**
 * The CTR task of an experiment's settings and prepared data (features, batch options, hyper-parameters),
 * without the seed; `hyper` adds to the shared hyper-parameters (IaCN's `dinAttention`).
 */
export function ctrTask(c: CtrConfig, prepared: CtrPrepared, hyper: Partial<CtrHyper> = {}): Omit<CtrTask, 'seed'> {
  const { data, itemAttributes, userProfile } = prepared;
  const profileFields = userProfile ? Object.entries(userProfile.fields).map(([name, f]) => ({ name, numValues: f.numValues })) : undefined;
  return {
    data,
    features: { numItems: data.numItems, numAttributes: itemAttributes?.numValues, profileFields, numUsers: data.numUsers, useUserId: c.useUserId },
    batchFeatures: { itemAttributes, userProfile, lengthBuffer: c.lengthBuffer },
    hyper: { embedDim: c.embedDim, lr: c.lr, batchSize: c.batchSize, maxLen: c.maxLen, dropout: c.dropout, auxWeight: c.auxWeight, ...hyper },
  };
}

/** Runs one CTR cell of an experiment. */
export function ctrCell(ctx: CellContext<CtrConfig, CtrPrepared>) {
  const c = ctx.config;
  return runCtrCell(ctx, {
    task: ctrTask(c, ctx.data),
    epochs: c.epochs,
    patience: c.patience,
    validateEvery: c.validateEvery,
    evalBatchSize: c.evalBatchSize,
  });
}

/** What the CTR reports show. */
export const CTR_DISPLAY: Display = {
  metrics: ['AUC', 'GAUC', 'LogLoss', 'epochs', 'epoch_s'],
  chartMetrics: ['AUC', 'GAUC'],
  curveMetric: 'AUC',
};


/**
 * Each model against Wide&Deep (the baselines' CTR acceptance: DIN and DIEN beat Wide&Deep on the mean
 * test AUC): per seed `X − WideDeep` on AUC and GAUC, the mean with its 95% t-interval, and on how many
 * seeds X is ahead.
 */
export function ctrVersusWideDeep(records: readonly CellRecord[], models: readonly string[]): ReportSection[] {
  const ref = 'WideDeep';
  const rows: string[][] = [];
  const lines: string[] = [];
  for (const m of models) {
    if (m === ref) continue;
    const auc = seedPaired(records, m, ref, 'AUC');
    if (auc.n === 0) continue;
    const gauc = seedPaired(records, m, ref, 'GAUC');
    rows.push([m, String(auc.n), fmtDiff(auc), `${auc.ahead}/${auc.n}`, auc.d.map((d) => fmtSigned(d)).join(' / '), fmtDiff(gauc)]);
    lines.push(`- ${m} ${auc.mean > 0 ? 'beats' : 'does **not** beat'} ${ref} on the mean test AUC (${fmtSigned(auc.mean)}; ahead on ${auc.ahead} of ${auc.n} seeds${auc.n > 1 ? `; the 95% interval ${auc.lo > 0 || auc.hi < 0 ? 'excludes' : 'includes'} 0` : ''}).`);
  }
  if (rows.length === 0) return [];
  return [
    {
      title: `Against ${ref}`,
      text: [`Test AUC and GAUC differences X − ${ref}, paired by seed: mean and 95% t-interval over the shared seeds.`, ...lines],
      tables: [{ header: ['model', 'seeds', `AUC − ${ref}`, 'seeds ahead', 'per seed', `GAUC − ${ref}`], rows }],
    },
  ];
}
