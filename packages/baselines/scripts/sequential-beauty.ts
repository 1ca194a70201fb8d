/**
 * SASRec / BERT4Rec / GRU4Rec on Amazon Beauty (spec baselines.md, "Acceptance on real data").
 *
 * Protocol: leave-one-out (last item test, second-last validation), full ranking over all items with each
 * user's history excluded, model selected on validation NDCG@10 (best validated epoch restored), then
 * test. Prints one JSON line with the settings, validation/test HR@10 and NDCG@10, the best epoch,
 * training seconds per epoch and evaluation seconds.
 *
 * Run: `cd packages/baselines && node --conditions=recsuite-source --import tsx scripts/sequential-beauty.ts`
 * Options: `--model sasrec|bert4rec|gru4rec` (default sasrec), `--epochs N` (40), `--validate-every N` (5),
 * `--patience N` (validations without improvement before stopping; default never), `--loss`, `--dropout`,
 * `--lr` (1e-3), `--beta2` (0.98), `--batch` (256), `--maxlen` (50), `--dim` (64), `--blocks` (2),
 * `--heads`, `--seed` (0), `--backend tensorflow|wasm|cpu`, `--data-dir DIR` (default
 * `RECSUITE_DATA_DIR`, else `../shared/data` beside the repository), `--log FILE` (JSON lines per epoch),
 * `--out FILE` (the result JSON, written atomically), `--checkpoint DIR` (checkpoint after every epoch and
 * resume from it when the run is restarted with the same options).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  Adam,
  evaluateRanking,
  fit,
  initBackend,
  leaveOneOut,
  loadSequenceFile,
  trainSequenceBatches,
  writeFileAtomic,
  type BackendName,
  type EvalCase,
  type RecModel,
  type SeqBatch,
} from '@recsuite/core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BERT4Rec, GRU4Rec, SASRec } from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'sasrec' },
    epochs: { type: 'string', default: '40' },
    'validate-every': { type: 'string', default: '5' },
    patience: { type: 'string' },
    loss: { type: 'string' },
    dropout: { type: 'string' },
    lr: { type: 'string', default: '1e-3' },
    beta2: { type: 'string', default: '0.98' },
    batch: { type: 'string', default: '256' },
    maxlen: { type: 'string', default: '50' },
    dim: { type: 'string', default: '64' },
    blocks: { type: 'string', default: '2' },
    heads: { type: 'string' },
    seed: { type: 'string', default: '0' },
    backend: { type: 'string' },
    'data-dir': { type: 'string' },
    log: { type: 'string' },
    out: { type: 'string' },
    checkpoint: { type: 'string' },
  },
});

const num = (key: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new RangeError(`--${key}: expected a number, got '${v}'`);
  return x;
};
const int = (key: string, v: string | undefined): number | undefined => {
  const x = num(key, v);
  if (x !== undefined && !Number.isInteger(x)) throw new RangeError(`--${key}: expected an integer, got '${v}'`);
  return x;
};

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = args['data-dir'] ?? process.env.RECSUITE_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');
const backend = await initBackend(args.backend as BackendName | undefined);

const ds = await loadSequenceFile(path.join(dataDir, 'amazon-beauty', 'Beauty.txt'));
const split = leaveOneOut(ds.sequences, ds.numItems);
const maxLen = int('maxlen', args.maxlen) as number;
const batchSize = int('batch', args.batch) as number;
const seed = int('seed', args.seed) as number;
const common = {
  numItems: split.numItems,
  maxLen,
  dim: int('dim', args.dim),
  blocks: int('blocks', args.blocks),
  heads: int('heads', args.heads),
  dropout: num('dropout', args.dropout),
  seed,
};
const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

type SeqModel = RecModel<SeqBatch> & { config: object; rng: import('@recsuite/core').Rng };
let model: SeqModel;
let numNegatives = 1;
switch (args.model) {
  case 'sasrec':
    model = new SASRec({ ...defined(common), numItems: split.numItems, loss: args.loss as 'bce' | 'ce' | undefined } as ConstructorParameters<typeof SASRec>[0]);
    numNegatives = (model as SASRec).config.loss === 'bce' ? 1 : 0;
    break;
  case 'bert4rec':
    model = new BERT4Rec({ ...defined(common), numItems: split.numItems, ...defined({ loss: args.loss as 'ce' | 'sampled' | undefined }) });
    numNegatives = 0;
    break;
  case 'gru4rec': {
    const { blocks: _b, heads: _h, ...rest } = common;
    model = new GRU4Rec({ ...defined(rest), numItems: split.numItems, ...defined({ loss: args.loss as 'ce' | 'bprMax' | 'sampled' | undefined }) });
    numNegatives = (model as GRU4Rec).config.loss === 'ce' ? 0 : 64;
    break;
  }
  default:
    throw new RangeError(`--model: expected sasrec, bert4rec or gru4rec, got '${args.model}'`);
}

const optimizer = new Adam({ lr: num('lr', args.lr), beta2: num('beta2', args.beta2) });
const evalOpts = { maxLen, batchSize: 512, ks: [10] };
const evaluate = async (cases: EvalCase[]) => {
  const t0 = performance.now();
  const r = await evaluateRanking(model, cases, evalOpts);
  return { 'HR@10': r.metrics['HR@10'], 'NDCG@10': r.metrics['NDCG@10'], seconds: (performance.now() - t0) / 1000 };
};
const steps = Math.ceil(split.train.filter((s) => s.length >= 2).length / batchSize);
const epochs = int('epochs', args.epochs) as number;
console.error(
  `recsuite: ${model.name} on Beauty (${split.numUsers} users, ${split.numItems} items), ${backend}, ${steps} steps/epoch, config ${JSON.stringify(model.config)}`,
);

const result = await fit(model, {
  optimizer,
  epochs,
  seed,
  batches: (_epoch, rng) => trainSequenceBatches(split.train, { maxLen, batchSize, numItems: split.numItems, rng, numNegatives }),
  stepsPerEpoch: steps,
  validate: async () => {
    const v = await evaluate(split.valid);
    return { 'HR@10': v['HR@10'], 'NDCG@10': v['NDCG@10'] };
  },
  validateEvery: int('validate-every', args['validate-every']),
  patience: int('patience', args.patience),
  metric: 'NDCG@10',
  rngs: { model: model.rng },
  logFile: args.log,
  checkpointDir: args.checkpoint,
  resume: args.checkpoint !== undefined,
  progress: false,
});

const valid = await evaluate(split.valid);
const test = await evaluate(split.test);
const out = {
  model: model.name,
  backend,
  dataset: 'amazon-beauty',
  protocol: 'leave-one-out, full ranking, history excluded, selected on valid NDCG@10',
  config: model.config,
  train: { lr: optimizer.lr, beta2: optimizer.beta2, batchSize, numNegatives, epochs, validateEvery: args['validate-every'] },
  bestEpoch: result.bestEpoch,
  epochsRun: result.epochsRun,
  secondsPerEpoch: result.secondsPerEpoch,
  evalSeconds: valid.seconds + test.seconds,
  valid: { 'HR@10': valid['HR@10'], 'NDCG@10': valid['NDCG@10'] },
  test: { 'HR@10': test['HR@10'], 'NDCG@10': test['NDCG@10'] },
  history: result.history.filter((h) => h.validation).map((h) => ({ epoch: h.epoch, loss: h.loss, ...h.validation })),
  numTensors: tf.memory().numTensors,
};
console.log(JSON.stringify(out));
if (args.out) await writeFileAtomic(args.out, JSON.stringify(out, null, 2));
optimizer.dispose();
model.dispose();
