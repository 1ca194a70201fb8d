/**
 * Factories of the CTR models (DIN, DIEN, Wide&Deep) from the data's feature sizes, trained on core's
 * `ctrBatches` with Adam.
 * @module
 */
import {
  DIEN,
  DIN,
  WideDeep,
  type CtrFeatureConfig,
  type CtrModel,
  type DIENConfig,
  type DINConfig,
  type DinAttentionNorm,
  type WideDeepConfig,
} from '@recsuite/baselines';
import { Adam, ctrBatches, type CtrBatchOptions, type CtrData } from '@recsuite/core';
import type { TrainPlan } from './types.js';

/** CTR hyper-parameters. */
export interface CtrHyper {
  /** Embedding width of every feature. */
  embedDim: number;
  /** Adam learning rate. */
  lr: number;
  /** Rows per batch. */
  batchSize: number;
  /** History length. */
  maxLen: number;
  /** Dropout in the final MLP. */
  dropout: number;
  /** DIEN auxiliary-loss weight. */
  auxWeight: number;
  /** DIN's attention normalisation (default `none`, the paper's). */
  dinAttention?: DinAttentionNorm;
}

/** What a CTR factory gets. */
export interface CtrTask {
  data: CtrData;
  /** Feature sizes (items, attributes, profile fields). */
  features: Omit<CtrFeatureConfig, 'embedDim'>;
  /** Side features attached to batches. */
  batchFeatures: Pick<CtrBatchOptions, 'itemAttributes' | 'userProfile' | 'maxAttributes' | 'lengthBuffer'>;
  seed: number;
  hyper: CtrHyper;
}

/** A built CTR model and its training plan. */
export interface BuiltCtr {
  model: CtrModel;
  train: TrainPlan;
}

function plan(t: CtrTask, model: CtrModel): TrainPlan {
  return {
    rngs: model.generators(),
    batches: (_epoch, rng) => ctrBatches(t.data, t.data.train, { batchSize: t.hyper.batchSize, maxLen: t.hyper.maxLen, rng, ...t.batchFeatures }),
    steps: Math.ceil(t.data.train.length / t.hyper.batchSize),
    optimizer: new Adam({ lr: t.hyper.lr }),
  };
}

/** A model with its training plan (its random streams checkpointed with it). */
const built = (t: CtrTask, model: CtrModel): BuiltCtr => ({ model, train: plan(t, model) });

const base = (t: CtrTask) => ({ ...t.features, embedDim: t.hyper.embedDim, seed: t.seed, dropout: t.hyper.dropout });

/**
 * The configuration of a base CTR model for a task: the shared features and hyper-parameters plus what
 * the model reads of its own (DIN's attention normalisation, DIEN's auxiliary weight). The factories below
 * and IaCN's wrapped bases both build from it, so a base model is the same whether wrapped or not.
 */
export function ctrModelConfig(model: 'DIN', t: CtrTask): DINConfig;
export function ctrModelConfig(model: 'DIEN', t: CtrTask): DIENConfig;
export function ctrModelConfig(model: 'WideDeep', t: CtrTask): WideDeepConfig;
export function ctrModelConfig(model: 'DIN' | 'DIEN' | 'WideDeep', t: CtrTask): DINConfig | DIENConfig | WideDeepConfig;
export function ctrModelConfig(model: 'DIN' | 'DIEN' | 'WideDeep', t: CtrTask): DINConfig | DIENConfig | WideDeepConfig {
  if (model === 'DIN') return { ...base(t), attentionNorm: t.hyper.dinAttention ?? 'none' };
  if (model === 'DIEN') return { ...base(t), auxWeight: t.hyper.auxWeight };
  return base(t);
}

/** CTR model factories by report name. */
export const CTR_MODELS = {
  DIN: (t: CtrTask): BuiltCtr => built(t, new DIN(ctrModelConfig('DIN', t))),
  /** DIN with softmax-normalised attention, as the authors' released DIN and DIEN code do. */
  'DIN:softmax': (t: CtrTask): BuiltCtr => built(t, new DIN({ ...ctrModelConfig('DIN', t), attentionNorm: 'softmax' })),
  DIEN: (t: CtrTask): BuiltCtr => built(t, new DIEN(ctrModelConfig('DIEN', t))),
  WideDeep: (t: CtrTask): BuiltCtr => built(t, new WideDeep(ctrModelConfig('WideDeep', t))),
};

/** A CTR model name. */
export type CtrModelName = keyof typeof CTR_MODELS;

/** Every CTR model name. */
export const CTR_MODEL_NAMES = Object.keys(CTR_MODELS) as CtrModelName[];
