/**
 * The mechanism study of the spec ("Protocol"): on core's `spuriousPropertyData`, an item property drives
 * 80% of training clicks and none at test. A model that leans on the property loses accuracy from
 * train-like to test conditions; Irl4Rec should lose less than its backbone. One place for the study's
 * models and its measurement, used by the package's fast test and by the bench app's `irl4rec-shift`.
 * @module
 */
import { Adam, Rng, evaluateRanking, trainSequenceBatches, type RecModel, type SeqBatch, type SpuriousData } from '@recsuite/core';
import { BERT4Rec, GRU4Rec, SASRec } from '@recsuite/baselines';
import type { AdjustmentHeadKind, BackboneKind, Irl4RecConfig, RankingLossKind } from './config.js';
import { Irl4Rec } from './irl4rec.js';
import { backboneRankingLoss } from './objective.js';

/** Sizes and training settings of the study (defaults: the fast test's). */
export interface ShiftOptions {
  /** Longest history fed to the models (default 10). */
  maxLen?: number;
  /** Embedding width (default 16). */
  dim?: number;
  /** Adam learning rate (default 0.02). */
  lr?: number;
  /** Training sequences per batch (default 100). */
  batchSize?: number;
  /** HR cut-off (default 10). */
  k?: number;
  /** Irl4Rec's γ, weight of the negative confounder term (default 0.05). */
  gamma?: number;
  /**
   * Irl4Rec's ranking loss (and the control's): `bce`, `bpr`, `ce`, or `backbone` (default), the loss the
   * backbone itself trains with here (SASRec BCE, GRU4Rec and BERT4Rec full-softmax cross-entropy).
   */
  irlLoss?: RankingLossKind | 'backbone';
  /** Irl4Rec's (and the control's) adjustment mean, `linear` (default) or `identity` (see `Irl4RecConfig.adjustmentHead`). */
  adjustmentHead?: AdjustmentHeadKind;
  /** Called after each epoch (progress; also lets an event loop breathe). */
  onEpoch?: (epoch: number) => void | Promise<void>;
}

/** HR@K in train-like and in test conditions, and the relative drop between them. */
export interface ShiftResult {
  /** HR@K on the train-like test targets (property-driven with the training bias). */
  biased: number;
  /** HR@K on the test targets (the property no longer drives clicks). */
  test: number;
  /** `(biased − test) / biased`: the share of train-like accuracy lost at test. */
  drop: number;
}

const DEFAULTS = { maxLen: 10, dim: 16, lr: 0.02, batchSize: 100, k: 10, gamma: 0.05, irlLoss: 'backbone' as RankingLossKind | 'backbone', adjustmentHead: 'linear' as AdjustmentHeadKind };

/**
 * A model of the study: `backbone` alone; `irl4rec`, Irl4Rec on it with the property as the confounder
 * branch's item attribute and α = 1 (the adjustment part is trained only jointly with the confounder part,
 * so the property-driven share of clicks is left to s, which test scores drop); or `control`, the same
 * network trained on the joint score alone (γ = 0, β = 0) and scored with it at test (`testScore:
 * 'joint'`): the backbone given the property as side information.
 */
export type ShiftVariant = 'backbone' | 'irl4rec' | 'control';

/**
 * Builds a fresh model of the study (see {@link ShiftVariant}).
 * @param backbone - which sequence encoder.
 * @param variant - the backbone alone, Irl4Rec on it, or the "backbone + property" control.
 * @param data - the generated data (its item count and property).
 * @param seed - initialisation seed.
 */
export function shiftModel(backbone: BackboneKind, variant: ShiftVariant, data: SpuriousData, seed: number, opts: ShiftOptions = {}): RecModel<SeqBatch> {
  const o = { ...DEFAULTS, ...opts };
  const common = { numItems: data.numItems, maxLen: o.maxLen, dim: o.dim, blocks: 1, dropout: 0.1, seed };
  if (variant === 'backbone') {
    if (backbone === 'sasrec') return new SASRec(common);
    if (backbone === 'gru4rec') return new GRU4Rec(common);
    return new BERT4Rec({ ...common, heads: 1 });
  }
  const cfg: Partial<Irl4RecConfig> & { numItems: number } = {
    ...common,
    backbone,
    confounder: 'attributes',
    // attribute 1 = has the property, 2 = has not (0: padding)
    itemAttributes: Array.from(data.itemProperty, (v, i) => (i === 0 ? 0 : v ? 1 : 2)),
    numAttributes: 2,
    alpha: 1,
    adjustmentHead: o.adjustmentHead,
    rankingLoss: o.irlLoss === 'backbone' ? backboneRankingLoss(backbone) : o.irlLoss,
    ...(variant === 'irl4rec' ? { gamma: o.gamma } : { gamma: 0, beta: 0, testScore: 'joint' as const }),
  };
  return new Irl4Rec(cfg);
}

/**
 * Trains `model` on `data.train` (BCE with one sampled negative, Adam) for `epochs` epochs, then measures
 * full-ranking HR@K on the train-like and the test targets. Deterministic under `seed` on one backend.
 * @param model - a fresh model (see {@link shiftModel}); left in evaluation mode, not disposed.
 * @param data - the generated data.
 * @param seed - batch-order and negative-sampling seed.
 * @param epochs - passes over the training sequences.
 */
export async function measureShift(model: RecModel<SeqBatch>, data: SpuriousData, seed: number, epochs: number, opts: ShiftOptions = {}): Promise<ShiftResult> {
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`measureShift: epochs must be a positive integer, got ${epochs}`);
  const o = { ...DEFAULTS, ...opts };
  const opt = new Adam({ lr: o.lr });
  const rng = new Rng(seed);
  model.setTraining(true);
  try {
    for (let e = 0; e < epochs; e++) {
      for (const b of trainSequenceBatches(data.train, { maxLen: o.maxLen, batchSize: o.batchSize, numItems: data.numItems, rng, numNegatives: 1 })) {
        opt.step(() => model.loss(b), model.variables());
      }
      await opts.onEpoch?.(e + 1);
    }
  } finally {
    model.setTraining(false);
    opt.dispose();
  }
  const hr = `HR@${o.k}`;
  const ev = { maxLen: o.maxLen, batchSize: 400, ks: [o.k], metrics: ['HR' as const] };
  const biased = (await evaluateRanking(model, data.testBiased, ev)).metrics[hr];
  const test = (await evaluateRanking(model, data.test, ev)).metrics[hr];
  return { biased, test, drop: (biased - test) / biased };
}
