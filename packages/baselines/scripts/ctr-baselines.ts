/**
 * DIN, DIEN and Wide&Deep on the CTR tasks built from MovieLens-100K and Amazon Beauty (specs/iacn.md,
 * specs/baselines.md "CTR baselines").
 *
 * Task (core's `buildCtrData`): per user in time order, every interacted item is a positive whose history is
 * the earlier items (most recent `--max-len`), with one popularity-weighted negative (never one of the user's
 * items, drawn once from the seed) sharing that history; per user the last pair is test, the one before
 * validation, the rest train. Item side features: ml-100k genres (`class`), Beauty attributes
 * (`Beauty_item2attributes.json`), mean-pooled; user profile: ml-100k age, gender, occupation; Beauty none.
 * DIEN's auxiliary loss gets one popularity-weighted negative per history position (excluding the user's
 * items), drawn from a stream seeded by the seed.
 *
 * Each model trains with Adam (one seed), is validated every epoch on validation AUC, stops after
 * `--patience` epochs without improvement, restores the best epoch and reports test AUC, GAUC and LogLoss
 * and seconds per training epoch.
 *
 * Run: `cd packages/baselines && node --conditions=recsuite-source --import tsx scripts/ctr-baselines.ts`
 * Options: `--datasets ml-100k,beauty`, `--models DIN,DIEN,WideDeep`, `--seed N` (1), `--epochs N` (max, 20),
 * `--patience N` (2), `--max-len N` (20), `--batch N` (256), `--lr X` (1e-3), `--embed-dim N` (18),
 * `--threads N` (TensorFlow intra-op threads), `--data-dir DIR` (default `RECSUITE_DATA_DIR`, else
 * `../shared/data` beside the repository), `--backend tensorflow|wasm|cpu`, `--out FILE` (JSON, atomically).
 */
import {
  Adam,
  PopularitySampler,
  Rng,
  SortedItemSet,
  auc,
  buildCtrData,
  ctrBatches,
  fit,
  gauc,
  initBackend,
  itemPopularity,
  loadBeauty,
  loadMl100k,
  logLoss,
  userSequences,
  writeFileAtomic,
  type BackendName,
  type CtrData,
  type CtrRows,
  type ItemAttributes,
  type UserProfile,
} from '@recsuite/core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { withHistoryNegatives } from '../src/ctrFeatures.js';
import type { CtrBaseConfig, CtrBatch, CtrModel } from '../src/ctrModel.js';
import { DIEN } from '../src/dien.js';
import { DIN } from '../src/din.js';
import { WideDeep } from '../src/wideDeep.js';

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'ml-100k,beauty' },
    models: { type: 'string', default: 'DIN,DIEN,WideDeep' },
    seed: { type: 'string', default: '1' },
    epochs: { type: 'string', default: '20' },
    patience: { type: 'string', default: '2' },
    'max-len': { type: 'string', default: '20' },
    batch: { type: 'string', default: '256' },
    lr: { type: 'string', default: '1e-3' },
    'embed-dim': { type: 'string', default: '18' },
    threads: { type: 'string' },
    'data-dir': { type: 'string' },
    backend: { type: 'string' },
    out: { type: 'string' },
  },
});

const int = (flag: string, v: string) => {
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`--${flag}: expected a positive integer, got "${v}"`);
  return n;
};
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = args['data-dir'] ?? process.env.RECSUITE_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');
const seed = int('seed', args.seed);
const maxEpochs = int('epochs', args.epochs);
const patience = int('patience', args.patience);
const maxLen = int('max-len', args['max-len']);
const batchSize = int('batch', args.batch);
const embedDim = int('embed-dim', args['embed-dim']);
const lr = Number(args.lr);
if (!(lr > 0)) throw new RangeError(`--lr: expected a positive number, got "${args.lr}"`);
const DATASETS = args.datasets.split(',').map((s) => s.trim());
for (const d of DATASETS) if (!['ml-100k', 'beauty'].includes(d)) throw new RangeError(`--datasets: unknown dataset "${d}" (ml-100k, beauty)`);
const MODELS = args.models.split(',').map((s) => s.trim());
for (const m of MODELS) if (!['DIN', 'DIEN', 'WideDeep'].includes(m)) throw new RangeError(`--models: unknown model "${m}" (DIN, DIEN, WideDeep)`);
if (args.threads) process.env.TF_NUM_INTRAOP_THREADS = args.threads;
process.env.TF_CPU_ALLOCATOR_USE_BFC ??= 'true';

interface Task {
  name: string;
  data: CtrData;
  attributes: ItemAttributes;
  profile?: UserProfile;
  profileFields: { name: string; numValues: number }[];
}

async function loadTask(name: string): Promise<Task> {
  if (name === 'ml-100k') {
    const ds = await loadMl100k(dataDir);
    const { sequences, numItems } = userSequences(ds.interactions);
    const attributes = ds.itemAttributes?.class;
    if (!attributes) throw new Error('ml-100k: the item file has no `class` (genre) field');
    const all = ds.userProfile;
    if (!all) throw new Error('ml-100k: no user profile');
    const keep = ['age', 'gender', 'occupation'];
    const profile: UserProfile = { numUsers: all.numUsers, fields: Object.fromEntries(keep.map((k) => [k, all.fields[k]])) };
    return {
      name,
      data: buildCtrData(sequences, { numItems, seed }),
      attributes,
      profile,
      profileFields: keep.map((k) => ({ name: k, numValues: all.fields[k].numValues })),
    };
  }
  const { data, attributes } = await loadBeauty(dataDir);
  const sequences = data.sequences;
  return { name, data: buildCtrData(sequences, { numItems: data.numItems, seed }), attributes, profileFields: [] };
}

function makeModel(name: string, task: Task): CtrModel {
  const base: CtrBaseConfig = {
    seed,
    numItems: task.data.numItems,
    numAttributes: task.attributes.numValues,
    profileFields: task.profileFields,
    embedDim,
  };
  if (name === 'DIN') return new DIN(base);
  if (name === 'DIEN') return new DIEN(base);
  return new WideDeep(base);
}

function* batches(task: Task, rows: CtrRows, size: number, rng?: Rng): Generator<CtrBatch> {
  yield* ctrBatches(task.data, rows, { batchSize: size, maxLen, rng, itemAttributes: task.attributes, userProfile: task.profile });
}

function evaluate(model: CtrModel, task: Task, rows: CtrRows): { AUC: number; GAUC: number; LogLoss: number } {
  model.setTraining(false);
  const users: number[] = [];
  const labels: number[] = [];
  const probs: number[] = [];
  for (const b of batches(task, rows, 1024)) {
    const p = model.predict(b);
    const v = p.dataSync();
    p.dispose();
    for (let i = 0; i < b.batchSize; i++) {
      users.push(b.users[i]);
      labels.push(b.labels[i]);
      probs.push(v[i]);
    }
  }
  return { AUC: auc(labels, probs), GAUC: gauc(users, labels, probs), LogLoss: logLoss(labels, probs) };
}

const backend: BackendName = await initBackend(args.backend as BackendName | undefined);
const results: Record<string, unknown>[] = [];
for (const dsName of DATASETS) {
  const t0 = performance.now();
  const task = await loadTask(dsName);
  const d = task.data;
  console.log(
    `${dsName}: ${d.numUsers} users, ${d.numItems} items, rows train ${d.train.length} / valid ${d.valid.length} / test ${d.test.length}, ` +
      `maxLen ${maxLen}, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const positives = d.sequences.map((s) => new SortedItemSet(s));
  for (const modelName of MODELS) {
    const model = makeModel(modelName, task);
    const optimizer = new Adam({ lr });
    const negSampler = new PopularitySampler(itemPopularity(d.sequences, d.numItems), new Rng(seed * 7919 + 1));
    const epochBatches = (_epoch: number, rng: Rng): Iterable<CtrBatch> => {
      const it = batches(task, d.train, batchSize, rng);
      if (modelName !== 'DIEN') return it;
      return (function* () {
        for (const b of it) yield withHistoryNegatives(b, (u) => negSampler.sample(positives[u]), task.attributes);
      })();
    };
    const res = await fit(model, {
      optimizer,
      batches: epochBatches,
      epochs: maxEpochs,
      seed,
      validate: () => evaluate(model, task, d.valid),
      metric: 'AUC',
      patience,
      stepsPerEpoch: Math.ceil(d.train.length / batchSize),
      progress: false,
      onEpoch: (log) =>
        console.log(
          `  ${dsName} ${modelName} epoch ${log.epoch}: loss ${log.loss.toFixed(4)} (${log.seconds.toFixed(1)} s), valid AUC ${(log.validation?.AUC ?? NaN).toFixed(4)}`,
        ),
    });
    const test = evaluate(model, task, d.test);
    const row = {
      dataset: dsName,
      model: modelName,
      seed,
      backend,
      bestEpoch: res.bestEpoch,
      validAUC: res.bestValue,
      test,
      secondsPerEpoch: res.secondsPerEpoch,
      config: { maxLen, batchSize, lr, embedDim, patience, maxEpochs },
    };
    results.push(row);
    console.log(
      `${dsName} ${modelName}: test AUC ${test.AUC.toFixed(4)}, GAUC ${test.GAUC.toFixed(4)}, LogLoss ${test.LogLoss.toFixed(4)} ` +
        `(best epoch ${res.bestEpoch}, valid AUC ${res.bestValue.toFixed(4)}, ${res.secondsPerEpoch.toFixed(1)} s/epoch)`,
    );
    optimizer.dispose();
    model.dispose();
  }
}
if (args.out) await writeFileAtomic(args.out, JSON.stringify({ protocol: 'specs/iacn.md CTR task, selected on validation AUC', results }, null, 2));
console.log(JSON.stringify(results.map((r) => ({ dataset: r.dataset, model: r.model, ...(r.test as object), sPerEpoch: r.secondsPerEpoch }))));
