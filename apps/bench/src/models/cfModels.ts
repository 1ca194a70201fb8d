/**
 * Factories of the collaborative-filtering rankers: Pop (training counts), BPR-MF and LightGCN (BPR over
 * the training user–item pairs, one uniform negative each).
 * @module
 */
import { BPRMF, LightGCN, Pop, cfTrainBatches } from '@recsuite/baselines';
import { Adam, type RecModel, type SeqBatch } from '@recsuite/core';
import type { BuiltModel, ModelFactory, RankingTask } from './types.js';

// CF models score `UserBatch`es ({ users }); every SeqBatch is one, so they run in the same evaluator.
const asSeqModel = (m: unknown) => m as RecModel<SeqBatch> & { name: string };

const bprSteps = (t: RankingTask): number => {
  let pairs = 0;
  for (const l of t.trainCF.userItems) pairs += l.length;
  return Math.ceil(pairs / t.hyper.batchSize);
};

/** Pop: items ranked by their number of training users. */
export const popFactory: ModelFactory = (t) => ({ model: asSeqModel(new Pop(t.trainCF)), train: null });

/** BPR-MF (Rendle et al. 2009). */
export const bprmfFactory: ModelFactory = (t): BuiltModel => {
  const model = new BPRMF({ numUsers: t.numUsers, numItems: t.numItems }, { dim: t.hyper.dim, l2: t.hyper.l2, seed: t.seed });
  return {
    model: asSeqModel(model),
    train: {
      batches: (_epoch, rng) => cfTrainBatches(t.trainCF, { batchSize: t.hyper.batchSize, rng }),
      steps: bprSteps(t),
      optimizer: new Adam({ lr: t.hyper.lr }),
    },
  };
};

/** LightGCN (He et al. 2020). */
export const lightgcnFactory: ModelFactory = (t): BuiltModel => {
  const model = new LightGCN(t.trainCF, { dim: t.hyper.dim, l2: t.hyper.l2, layers: t.hyper.gcnLayers, seed: t.seed });
  return {
    model: asSeqModel(model),
    train: {
      batches: (_epoch, rng) => cfTrainBatches(t.trainCF, { batchSize: t.hyper.batchSize, rng }),
      steps: bprSteps(t),
      optimizer: new Adam({ lr: t.hyper.lr }),
    },
  };
};
