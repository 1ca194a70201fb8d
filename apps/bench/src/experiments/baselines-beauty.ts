/**
 * `baselines-beauty`: SASRec, GRU4Rec and BERT4Rec on Amazon Beauty as in the S3-Rec paper: leave-one-out
 * (last item test, second-last validation), full ranking over all items with the user's items excluded,
 * model selected on validation NDCG@10, 3 seeds; the 99-sampled-negatives protocol beside it (negatives
 * drawn once per seed, stored in the run directory); the paper's numbers beside ours.
 * @module
 */
import path from 'node:path';
import { runSeqRankingCell, sampledSuffix } from '../cells/rankingCell.js';
import { S3REC_BEAUTY } from '../cells/reference.js';
import { loadSeqData } from '../cells/seqData.js';
import { file, int, intList, subsetOf } from '../config/fields.js';
import { hyperFor, hyperSchema } from '../config/hyper.js';
import { ConfigError } from '../errors.js';
import { dataLabel, defineExperiment, modelSeedCells } from '../experiment.js';
import { RANKING_MODEL_NAMES, RANKING_MODELS, type RankingModelName } from '../models/rankingModels.js';
import { seqBatchingDetail } from '../models/seqModels.js';

export default defineExperiment({
  name: 'baselines-beauty',
  description: 'SASRec, GRU4Rec, BERT4Rec on Amazon Beauty (leave-one-out, full ranking and 99 negatives) vs the S3-Rec table',
  status: 'ready',
  schema: {
    dataset: file('amazon-beauty/Beauty.txt', 'sequence file: one user per line, "user item1 item2 ..." in time order'),
    models: subsetOf(RANKING_MODEL_NAMES, ['SASRec', 'GRU4Rec', 'BERT4Rec'], 'models to run'),
    seeds: int(3, { min: 1, max: 100, doc: 'number of seeds' }),
    epochs: int(200, { min: 1, doc: 'maximum epochs' }),
    patience: int(10, { min: 1, doc: 'validations without improvement before stopping' }),
    minEpochs: int(0, { min: 0, doc: 'epochs before model selection starts (validated, never selected)' }),
    validateEvery: int(1, { min: 1, doc: 'validate every this many epochs' }),
    sampledNegatives: int(99, { min: 0, doc: 'negatives of the sampled protocol (0: full ranking only)' }),
    ...hyperSchema(
      { dim: 64, lr: 0.001, batchSize: 256, maxLen: 50, dropout: 0.2, blocks: 2, heads: 1, l2: 1e-4, gcnLayers: 3, maskProb: 0.2, sasrecLoss: 'bce', gru4recLoss: 'ce', numNegatives: 100 },
      RANKING_MODEL_NAMES,
      { BERT4Rec: { heads: 2 }, 'BPR-MF': { batchSize: 4096 }, LightGCN: { batchSize: 4096 } },
    ),
    ks: intList([5, 10, 20], { min: 1, doc: 'cut-offs K' }),
    evalBatchSize: int(1024, { min: 1, doc: 'users per evaluation batch' }),
  },
  validate(c) {
    if (!c.ks.includes(10)) throw new ConfigError('ks', 'must include 10 (models are selected on validation NDCG@10)');
  },
  cells: (c) => modelSeedCells(c.models, c.seeds),
  datasetName: (c, dataDir) => dataLabel(c.dataset, dataDir),
  protocol: (c) => ({
    summary: `leave-one-out; full ranking over all items, seen items excluded${c.sampledNegatives ? `, and ${c.sampledNegatives} sampled negatives` : ''}; selected on validation NDCG@10`,
    details: [
      `data: ${path.basename(c.dataset)} (one user per line, items in time order)`,
      'split: per user, last item = test target, second-last = validation target, the rest = training; users with fewer than 3 items train only',
      'full ranking: every item is ranked, the items of the user\'s history are excluded (the target is always kept); ties count against the model',
      c.sampledNegatives
        ? `sampled: the target among ${c.sampledNegatives} uniform negatives the user never interacted with, drawn once per seed (seed 100003 + s) and stored in negatives/ of the run directory; metrics marked "(${c.sampledNegatives} neg)"`
        : 'sampled protocol: off',
      seqBatchingDetail(c),
      `model selection: validation NDCG@10 (full ranking) every ${c.validateEvery} epoch(s), best weights restored, stop after ${c.patience} validations without improvement, at most ${c.epochs} epochs; "epochs" = the selected epoch`,
      `seeds: ${c.seeds}; reference: ${S3REC_BEAUTY.source}`,
    ],
  }),
  prepare: ({ config: c, log }) => loadSeqData(c.dataset, log),
  runCell: (ctx) => {
    const c = ctx.config;
    const name = ctx.cell.model as RankingModelName;
    return runSeqRankingCell(ctx, ctx.data, RANKING_MODELS[name], hyperFor(c, name), c, {
      sampled: c.sampledNegatives > 0 ? { n: c.sampledNegatives, seen: ctx.data.sequences } : undefined,
    });
  },
  display: {
    metrics: ['HR@10', 'NDCG@10', 'HR@20', 'NDCG@20', `HR@10${sampledSuffix(99)}`, `NDCG@10${sampledSuffix(99)}`, 'epochs', 'epoch_s'],
    chartMetrics: ['HR@10', 'NDCG@10', `HR@10${sampledSuffix(99)}`],
    curveMetric: 'NDCG@10',
    reference: S3REC_BEAUTY,
  },
});
