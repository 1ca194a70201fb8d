/**
 * How the bench builds a model for a ranking cell: a factory gets the task (sizes, training data, seed,
 * hyper-parameters) and returns the model plus how to train it with core's `fit` (or nothing to train).
 * @module
 */
import type { Optimizer, RecModel, Rng, SeqBatch } from '@recsuite/core';
import type { CFInteractions } from '@recsuite/baselines';

/** Hyper-parameters shared by the ranking models of an experiment (each model uses the ones it has). */
export interface RankingHyper {
  /** Embedding size. */
  dim: number;
  /** Adam learning rate. */
  lr: number;
  /** Training rows per batch (users for sequence models, pairs for BPR models). */
  batchSize: number;
  /** Sequence length fed to sequence models. */
  maxLen: number;
  /** Dropout rate of the sequence models. */
  dropout: number;
  /** Transformer blocks (SASRec, BERT4Rec). */
  blocks: number;
  /** Attention heads (SASRec, BERT4Rec). */
  heads: number;
  /** L2 weight of the BPR models. */
  l2: number;
  /** LightGCN propagation layers. */
  gcnLayers: number;
  /** BERT4Rec mask probability. */
  maskProb: number;
  /** SASRec loss: the paper's BCE with one sampled negative per position (default) or full-softmax CE. */
  sasrecLoss?: 'bce' | 'ce';
  /** GRU4Rec loss: CE over all items (default), BPR-max or sampled softmax over `numNegatives`. */
  gru4recLoss?: 'ce' | 'bprMax' | 'sampled';
  /** Sampled negatives per position for the sampled losses. */
  numNegatives?: number;
  /**
   * Length bucketing of the sequence models' training batches (core's `trainSequenceBatches`): users sorted
   * by length within this many batches, each batch cut to its longest sequence. 0 (default): off.
   */
  lengthBuffer?: number;
}

/** Everything a factory can use. */
export interface RankingTask {
  numUsers: number;
  numItems: number;
  /** Per-user chronological training sequences (validation and test items held out). */
  train: readonly Int32Array[];
  /** The same as user–item sets, for CF models. */
  trainCF: CFInteractions;
  /** Seed of the cell: initialisation and dropout draw from it (fit's sampling uses it too). */
  seed: number;
  hyper: RankingHyper;
}

/** How to train a model with `fit`. */
export interface TrainPlan {
  /** The batches of one epoch, drawn from fit's generator. */
  batches: (epoch: number, rng: Rng) => Iterable<unknown>;
  /** Steps per epoch (progress). */
  steps: number;
  optimizer: Optimizer;
  /** Generators whose state belongs to the model (dropout), for checkpoints. */
  rngs?: Record<string, Rng>;
}

/** A built model: evaluated on `SeqBatch`es (CF models read only `users`), trained by `train` if any. */
export interface BuiltModel {
  model: RecModel<SeqBatch> & { name: string };
  /** `null` for models with nothing to train (Pop). */
  train: TrainPlan | null;
}

/** Builds a model for a task. */
export type ModelFactory = (task: RankingTask) => BuiltModel;
