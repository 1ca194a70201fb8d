/**
 * `cf-ml100k`: LightGCN against BPR-MF and popularity on MovieLens 100K, LightGCN's protocol: every rating
 * is an interaction, a random 80/10/10 split of each user's items (fixed split seed), full ranking of all
 * items with the user's training items excluded (and validation items at test time), Recall@20 and
 * NDCG@20, selected on validation NDCG@20.
 * @module
 */
import { loadAtomic, ratioSplit, Rng } from '@recsuite/core';
import { cfInteractions, type CFInteractions } from '@recsuite/baselines';
import path from 'node:path';
import { evaluateSets, type SetCase, type UserScorer } from '../cells/setEval.js';
import { trainAndTest } from '../cells/trainCell.js';
import { file, int, intList, subsetOf } from '../config/fields.js';
import { hyperFor, hyperSchema } from '../config/hyper.js';
import { ConfigError } from '../errors.js';
import { dataLabel, defineExperiment, modelSeedCells } from '../experiment.js';
import { bprmfFactory, lightgcnFactory, popFactory } from '../models/cfModels.js';

const MODELS = ['LightGCN', 'BPR-MF', 'Pop'] as const;
const FACTORIES = { LightGCN: lightgcnFactory, 'BPR-MF': bprmfFactory, Pop: popFactory };

/** Prepared split. */
interface CfData {
  numUsers: number;
  numItems: number;
  train: CFInteractions;
  valid: SetCase[];
  test: SetCase[];
  stats: { users: number; items: number; pairs: number; trainPairs: number; validUsers: number; testUsers: number };
}

export default defineExperiment({
  name: 'cf-ml100k',
  description: 'LightGCN vs BPR-MF vs Pop on MovieLens 100K (random 80/10/10 per user, Recall@20, NDCG@20)',
  status: 'ready',
  schema: {
    dataset: file('ml-100k/ml-100k.inter', 'RecBole atomic .inter file (user_id, item_id)'),
    models: subsetOf(MODELS, MODELS, 'models to run'),
    seeds: int(3, { min: 1, max: 100, doc: 'number of seeds' }),
    epochs: int(300, { min: 1, doc: 'maximum epochs' }),
    patience: int(10, { min: 1, doc: 'validations without improvement before stopping' }),
    minEpochs: int(0, { min: 0, doc: 'epochs before model selection starts' }),
    validateEvery: int(5, { min: 1, doc: 'validate every this many epochs' }),
    splitSeed: int(2020, { doc: 'seed of the 80/10/10 split (the same split for every model seed)' }),
    ...hyperSchema(
      { dim: 64, lr: 0.001, batchSize: 2048, maxLen: 50, dropout: 0, blocks: 1, heads: 1, l2: 1e-4, gcnLayers: 3, maskProb: 0.2, sasrecLoss: 'bce', gru4recLoss: 'ce', numNegatives: 1 },
      MODELS,
    ),
    ks: intList([10, 20], { min: 1, doc: 'cut-offs K' }),
    evalBatchSize: int(1024, { min: 1, doc: 'users per evaluation batch' }),
  },
  validate(c) {
    if (!c.ks.includes(20)) throw new ConfigError('ks', 'must include 20 (models are selected on validation NDCG@20)');
  },
  cells: (c) => modelSeedCells(c.models, c.seeds),
  datasetName: (c, dataDir) => dataLabel(c.dataset, dataDir),
  protocol: (c) => ({
    summary: 'random 80/10/10 split per user; full ranking, training items excluded; Recall@K, NDCG@K; selected on validation NDCG@20',
    details: [
      `data: ${path.basename(c.dataset)}; every rating is an interaction (implicit feedback), duplicates merged`,
      `split: each user's items shuffled (split seed ${c.splitSeed}) and cut at floor(0.8 n) and floor(0.9 n), at least one training item; the same split for every seed`,
      'ranking: all items ranked for each user; training items excluded (validation items too at test time); users without held-out items are skipped',
      'metrics: Recall@K = hits / |held-out|, NDCG@K with the ideal DCG over min(|held-out|, K) positions, Precision@K, HR@K; ties count against the model',
      `training: BPR with one uniform negative per training pair, Adam lr ${c.lr}, L2 ${c.l2}, d ${c.dim}, LightGCN K = ${c.gcnLayers}; validation every ${c.validateEvery} epochs, stop after ${c.patience} validations without improvement, at most ${c.epochs} epochs`,
    ],
  }),
  async prepare({ config: c, log }) {
    const ds = await loadAtomic(c.dataset, { itemFile: false, userFile: false });
    const t = ds.interactions;
    const all = cfInteractions(t.numUsers, t.numItems, t.user, t.item);
    const split = ratioSplit(all.userItems, { rng: new Rng(c.splitSeed), ratios: [0.8, 0.1, 0.1] });
    const sorted = (a: Int32Array) => Int32Array.from(a).sort();
    const trainUsers: number[] = [];
    const trainItems: number[] = [];
    split.train.forEach((items, u) => items.forEach((i) => (trainUsers.push(u), trainItems.push(i))));
    const train = cfInteractions(t.numUsers, t.numItems, trainUsers, trainItems);
    const valid: SetCase[] = [];
    const test: SetCase[] = [];
    for (let u = 0; u < t.numUsers; u++) {
      if (split.valid[u].length) valid.push({ user: u, targets: sorted(split.valid[u]), exclude: [train.userItems[u]] });
      if (split.test[u].length) test.push({ user: u, targets: sorted(split.test[u]), exclude: [train.userItems[u], split.valid[u]] });
    }
    let pairs = 0;
    for (const l of all.userItems) pairs += l.length;
    let trainPairs = 0;
    for (const l of train.userItems) trainPairs += l.length;
    const stats = { users: t.numUsers, items: t.numItems, pairs, trainPairs, validUsers: valid.length, testUsers: test.length };
    log(`${path.basename(c.dataset)}: ${stats.users} users, ${stats.items} items, ${pairs} pairs (${trainPairs} train), ${valid.length} validation / ${test.length} test users`);
    return { numUsers: t.numUsers, numItems: t.numItems, train, valid, test, stats } satisfies CfData;
  },
  runCell: (ctx) => {
    const c = ctx.config;
    const d = ctx.data;
    const name = ctx.cell.model as (typeof MODELS)[number];
    const built = FACTORIES[name]({ numUsers: d.numUsers, numItems: d.numItems, train: [], trainCF: d.train, seed: ctx.cell.seed, hyper: hyperFor(c, name) });
    const scorer = built.model as unknown as UserScorer;
    const evalOpts = { ks: c.ks, batchSize: c.evalBatchSize };
    return trainAndTest(ctx, built, {
      epochs: c.epochs,
      patience: c.patience,
      minEpochs: c.minEpochs,
      validateEvery: c.validateEvery,
      selectMetric: 'NDCG@20',
      validate: () => evaluateSets(scorer, d.valid, evalOpts),
      test: async () => ({ all: await evaluateSets(scorer, d.test, evalOpts) }),
    });
  },
  display: {
    metrics: ['Recall@20', 'NDCG@20', 'Recall@10', 'NDCG@10', 'epochs', 'epoch_s'],
    chartMetrics: ['Recall@20', 'NDCG@20'],
    curveMetric: 'NDCG@20',
  },
});
