/**
 * `irl4rec-beauty`: Irl4Rec on SASRec, GRU4Rec and BERT4Rec beside the plain backbones on Amazon Beauty
 * (leave-one-out, full ranking with the user's items excluded, selected on validation NDCG@10, 3 seeds),
 * with the ablations `:gamma0` (γ = 0), `:beta0` (β = 0) and `:no-confounder` (no confounder branch).
 * The paper (arXiv 2308.11728) is withdrawn; its gains are quoted in the README, not a target. The
 * attribute-confounder variant and its "backbone + attributes" control are not in this table yet.
 * @module
 */
import { Adam, trainSequenceBatches } from '@recsuite/core';
import { Irl4Rec, type BackboneKind, type Irl4RecConfig } from '@recsuite/irl4rec';
import path from 'node:path';
import { runSeqRankingCell } from '../cells/rankingCell.js';
import { loadSeqData } from '../cells/seqData.js';
import { file, int, intList, subsetOf } from '../config/fields.js';
import { hyperFor, hyperSchema } from '../config/hyper.js';
import { ConfigError } from '../errors.js';
import { dataLabel, defineExperiment, modelSeedCells } from '../experiment.js';
import { RANKING_MODELS } from '../models/rankingModels.js';
import { seqSteps } from '../models/seqModels.js';
import type { ModelFactory } from '../models/types.js';

const BACKBONES: Record<string, BackboneKind> = { SASRec: 'sasrec', GRU4Rec: 'gru4rec', BERT4Rec: 'bert4rec' };
const VARIANTS: Record<string, Partial<Irl4RecConfig>> = { '': {}, ':gamma0': { gamma: 0 }, ':beta0': { beta: 0 }, ':no-confounder': { confounder: 'none' } };

/** Irl4Rec (default objective, parallel confounder branch, split item tables) on a backbone, with overrides. */
function irl4recFactory(backbone: BackboneKind, extra: Partial<Irl4RecConfig>): ModelFactory {
  return (t) => {
    const model = new Irl4Rec({
      numItems: t.numItems,
      backbone,
      maxLen: t.hyper.maxLen,
      dim: t.hyper.dim,
      blocks: t.hyper.blocks,
      heads: t.hyper.heads,
      dropout: t.hyper.dropout,
      maskProb: t.hyper.maskProb,
      seed: t.seed,
      ...extra,
    });
    return {
      model,
      train: {
        batches: (_epoch, r) => trainSequenceBatches(t.train, { maxLen: t.hyper.maxLen, batchSize: t.hyper.batchSize, numItems: t.numItems, rng: r, numNegatives: 1 }),
        steps: seqSteps(t),
        optimizer: new Adam({ lr: t.hyper.lr, beta2: 0.98 }),
        rngs: { model: model.rng, backbone: model.backbone.model.rng },
      },
    };
  };
}

const FACTORIES: Record<string, ModelFactory> = {};
for (const [name, kind] of Object.entries(BACKBONES)) {
  FACTORIES[name] = RANKING_MODELS[name as keyof typeof RANKING_MODELS];
  for (const [suffix, extra] of Object.entries(VARIANTS)) FACTORIES[`Irl4Rec+${name}${suffix}`] = irl4recFactory(kind, extra);
}
const MODEL_NAMES = Object.keys(FACTORIES);
const DEFAULT_MODELS = MODEL_NAMES.filter((m) => !m.includes(':'));

export default defineExperiment({
  name: 'irl4rec-beauty',
  description: 'Irl4Rec on SASRec, GRU4Rec, BERT4Rec vs the backbones on Amazon Beauty, with ablations (leave-one-out, full ranking)',
  status: 'ready',
  schema: {
    dataset: file('amazon-beauty/Beauty.txt', 'sequence file: one user per line, "user item1 item2 ..." in time order'),
    models: subsetOf(MODEL_NAMES, DEFAULT_MODELS, 'models to run (ablations: suffixes :gamma0, :beta0, :no-confounder)'),
    seeds: int(3, { min: 1, max: 100, doc: 'number of seeds' }),
    epochs: int(200, { min: 1, doc: 'maximum epochs' }),
    patience: int(10, { min: 1, doc: 'validations without improvement before stopping' }),
    minEpochs: int(0, { min: 0, doc: 'epochs before model selection starts (validated, never selected)' }),
    validateEvery: int(1, { min: 1, doc: 'validate every this many epochs' }),
    ...hyperSchema(
      { dim: 64, lr: 0.001, batchSize: 256, maxLen: 50, dropout: 0.2, blocks: 2, heads: 1, l2: 1e-4, gcnLayers: 3, maskProb: 0.2, sasrecLoss: 'bce', gru4recLoss: 'ce', numNegatives: 100 },
      MODEL_NAMES,
      Object.fromEntries(MODEL_NAMES.filter((m) => m.includes('BERT4Rec')).map((m) => [m, { heads: 2 }])),
    ),
    ks: intList([10, 20], { min: 1, doc: 'cut-offs K' }),
    evalBatchSize: int(1024, { min: 1, doc: 'users per evaluation batch' }),
  },
  validate(c) {
    if (!c.ks.includes(10)) throw new ConfigError('ks', 'must include 10 (models are selected on validation NDCG@10)');
  },
  cells: (c) => modelSeedCells(c.models, c.seeds),
  datasetName: (c, dataDir) => dataLabel(c.dataset, dataDir),
  protocol: (c) => ({
    summary: 'leave-one-out; full ranking over all items, seen items excluded; selected on validation NDCG@10',
    details: [
      `data: ${path.basename(c.dataset)} (one user per line, items in time order)`,
      'split: per user, last item = test target, second-last = validation target, the rest = training',
      'Irl4Rec: default objective (α 0.2, β 1e-3, γ 0.05 with the random-scorer clip, fixed σ 0.1), parallel confounder branch, split item tables, BCE with one sampled negative; test scores use the adjustment part only',
      `model selection: validation NDCG@10 every ${c.validateEvery} epoch(s), best weights restored, stop after ${c.patience} validations without improvement, at most ${c.epochs} epochs`,
      `seeds: ${c.seeds}; required: non-inferiority (Irl4Rec mean >= backbone mean - one std); the withdrawn paper's gains are not a reference`,
    ],
  }),
  prepare: ({ config: c, log }) => loadSeqData(c.dataset, log),
  runCell: (ctx) => runSeqRankingCell(ctx, ctx.data, FACTORIES[ctx.cell.model], hyperFor(ctx.config, ctx.cell.model), ctx.config),
  display: {
    metrics: ['HR@10', 'NDCG@10', 'HR@20', 'NDCG@20', 'epochs', 'epoch_s'],
    chartMetrics: ['HR@10', 'NDCG@10'],
    curveMetric: 'NDCG@10',
  },
});
