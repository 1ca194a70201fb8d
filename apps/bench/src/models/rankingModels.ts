/**
 * The ranking models the bench can run, by their report names. Add a model: write its factory (see
 * `types.ts`) and add one line here.
 * @module
 */
import { bprmfFactory, lightgcnFactory, popFactory } from './cfModels.js';
import { bert4recFactory, gru4recFactory, sasrecFactory } from './seqModels.js';
import type { ModelFactory } from './types.js';

/** Factories by model name (names as in summaries). */
export const RANKING_MODELS = {
  Pop: popFactory,
  SASRec: sasrecFactory,
  GRU4Rec: gru4recFactory,
  BERT4Rec: bert4recFactory,
  'BPR-MF': bprmfFactory,
  LightGCN: lightgcnFactory,
} satisfies Record<string, ModelFactory>;

/** A ranking model name. */
export type RankingModelName = keyof typeof RANKING_MODELS;

/** Every ranking model name, in report order. */
export const RANKING_MODEL_NAMES = Object.keys(RANKING_MODELS) as RankingModelName[];
