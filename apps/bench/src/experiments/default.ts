/**
 * `default`: the embedded benchmark (no files, no network). Synthetic sequences with planted first-order
 * Markov structure (core's `markovSequences`: each item has one successor, followed with probability
 * `follow`), leave-one-out, full ranking with seen items excluded, every ranking model at small sizes,
 * selected on validation NDCG@10. Sequence models should find the successor; Pop is near chance.
 * `--dataset FILE` runs the same protocol on a sequence file instead.
 * @module
 */
import { markovSequences } from '@recsuite/core';
import path from 'node:path';
import { runSeqRankingCell } from '../cells/rankingCell.js';
import { loadSeqData, prepareSeqData } from '../cells/seqData.js';
import { file, int, intList, num, subsetOf } from '../config/fields.js';
import { hyperFor, hyperSchema } from '../config/hyper.js';
import { ConfigError } from '../errors.js';
import { dataLabel, defineExperiment, modelSeedCells } from '../experiment.js';
import { RANKING_MODEL_NAMES, RANKING_MODELS, type RankingModelName } from '../models/rankingModels.js';

export default defineExperiment({
  name: 'default',
  description: 'every ranking model on synthetic Markov sequences (no files needed; a few minutes on 2 cores)',
  status: 'ready',
  schema: {
    dataset: file('', 'a sequence file ("user item1 item2 ..." per line) to use instead of the synthetic data'),
    models: subsetOf(RANKING_MODEL_NAMES, RANKING_MODEL_NAMES, 'models to run'),
    seeds: int(2, { min: 1, max: 100, doc: 'number of seeds' }),
    epochs: int(30, { min: 1, doc: 'maximum epochs (best validation epoch kept)' }),
    patience: int(5, { min: 1, doc: 'validations without improvement before stopping' }),
    minEpochs: int(12, { min: 0, doc: 'epochs before model selection starts (validated, never selected)' }),
    users: int(600, { min: 10, doc: 'synthetic users' }),
    items: int(120, { min: 20, doc: 'synthetic items' }),
    minLength: int(8, { min: 3, doc: 'shortest synthetic sequence' }),
    maxLength: int(20, { min: 3, doc: 'longest synthetic sequence' }),
    follow: num(0.7, { min: 0, max: 1, doc: 'probability that the next item is the planted successor' }),
    dataSeed: int(7, { doc: 'seed of the synthetic data' }),
    ...hyperSchema(
      { dim: 32, lr: 0.005, batchSize: 64, maxLen: 16, dropout: 0.2, blocks: 1, heads: 1, l2: 1e-4, gcnLayers: 2, maskProb: 0.2, sasrecLoss: 'bce', gru4recLoss: 'ce', numNegatives: 32 },
      RANKING_MODEL_NAMES,
      { 'BPR-MF': { batchSize: 1024 }, LightGCN: { batchSize: 1024 } },
    ),
    ks: intList([5, 10, 20], { min: 1, doc: 'cut-offs K' }),
  },
  validate(c) {
    if (c.maxLength < c.minLength) throw new ConfigError('maxLength', `must be ≥ minLength (${c.minLength}), got ${c.maxLength}`);
    if (!c.ks.includes(10)) throw new ConfigError('ks', 'must include 10 (models are selected on validation NDCG@10)');
  },
  cells: (c) => modelSeedCells(c.models, c.seeds),
  datasetName: (c, dataDir) =>
    c.dataset ? dataLabel(c.dataset, dataDir) : `synthetic-markov(users=${c.users}, items=${c.items}, follow=${c.follow}, seed=${c.dataSeed})`,
  protocol: (c) => ({
    summary: 'leave-one-out; full ranking over all items, seen items excluded; selected on validation NDCG@10',
    details: [
      c.dataset
        ? `data: ${path.basename(c.dataset)} (one user per line, items in time order)`
        : `data: ${c.users} synthetic users, ${c.items} items, sequence lengths ${c.minLength}–${c.maxLength}; each item has one planted successor, followed with probability ${c.follow} (else a uniform item); data seed ${c.dataSeed}`,
      'split: per user, last item = test target, second-last = validation target, the rest = training (leave-one-out)',
      'ranking: every item is ranked (full ranking), items in the user\'s history are excluded; ties count against the model (pessimistic)',
      `model selection: validation NDCG@10 after every epoch; the first ${Math.min(c.minEpochs, c.epochs - 1)} epochs are a warm-up (validated, never selected); after them the best epoch's weights are restored, training stops after ${c.patience} validations without improvement, at most ${c.epochs} epochs`,
      `metrics: HR@K, NDCG@K (K = ${c.ks.join(', ')}), MRR on the test cases; "epochs" is the selected (best validation) epoch, epoch_s the mean training seconds per epoch`,
      `seeds: ${c.seeds} (0..${c.seeds - 1}): initialisation, batch order, negatives and dropout; the data are the same for every seed`,
    ],
  }),
  async prepare({ config: c, log }) {
    if (c.dataset) {
      return loadSeqData(c.dataset, log);
    }
    const data = markovSequences({ numUsers: c.users, numItems: c.items, minLength: c.minLength, maxLength: c.maxLength, follow: c.follow, seed: c.dataSeed });
    return prepareSeqData(data.sequences, data.numItems);
  },
  runCell: (ctx) => {
    const name = ctx.cell.model as RankingModelName;
    return runSeqRankingCell(ctx, ctx.data, RANKING_MODELS[name], hyperFor(ctx.config, name), { ...ctx.config, validateEvery: 1, evalBatchSize: 256 });
  },
  display: {
    metrics: ['HR@10', 'NDCG@10', 'HR@20', 'NDCG@20', 'MRR', 'epochs', 'epoch_s'],
    chartMetrics: ['HR@10', 'NDCG@10'],
    curveMetric: 'NDCG@10',
  },
});
