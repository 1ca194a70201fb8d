// The README's example: IaCN wrapping DIN on the CTR task built from ml-100k; train, evaluate, save, load.
// Run from packages/iacn: node --conditions=recsuite-source --import tsx scripts/example-ml100k.ts [dataDir] [epochs]
import { Adam, auc, buildCtrData, ctrBatches, fit, gauc, initBackend, loadMl100k, userSequences } from '@recsuite/core';
import { GradientMixOptimizer, IaCN } from '@recsuite/iacn';

await initBackend(); // tensorflow (native), else wasm, else cpu
const ds = await loadMl100k(process.argv[2] ?? '../../../shared/data'); // or RECSUITE_DATA_DIR
const { sequences } = userSequences(ds.interactions); // per user, in (timestamp, row) order
const data = buildCtrData(sequences, { numItems: ds.interactions.numItems, seed: 2019 }); // DIEN-style pairs, popularity negatives
const genres = ds.itemAttributes!['class'];
const profile = ds.userProfile!;
const fields = ['age', 'gender', 'occupation'];
const userProfile = { numUsers: profile.numUsers, fields: Object.fromEntries(fields.map((f) => [f, profile.fields[f]])) };
const features = { itemAttributes: genres, userProfile, maxLen: 50 };

const model = new IaCN({
  base: 'DIN', // or 'DIEN', 'WideDeep'
  baseConfig: {
    seed: 0,
    numItems: data.numItems,
    numAttributes: genres.numValues,
    profileFields: fields.map((name) => ({ name, numValues: profile.fields[name].numValues })),
    embedDim: 18,
  },
  iacn: { capsules: 4, routingIters: 3, lambda: 1, delta: 0.5 },
});

const predict = async (rows: typeof data.test) => {
  model.setTraining(false);
  const p: number[] = [];
  for (const b of ctrBatches(data, rows, { batchSize: 1024, ...features })) {
    const t = model.predict(b);
    p.push(...(await t.data()));
    t.dispose();
  }
  return Float32Array.from(p);
};

await fit(model, {
  optimizer: new GradientMixOptimizer(model, new Adam({ lr: 1e-3 })), // the δ mix: two gradient calls per step
  epochs: Number(process.argv[3] ?? 10),
  patience: 2,
  metric: 'AUC',
  seed: 0,
  rngs: model.generators(),
  batches: (_epoch, rng) => ctrBatches(data, data.train, { batchSize: 128, rng, ...features }),
  validate: async () => ({ AUC: auc(data.valid.label, await predict(data.valid)) }),
});

const p = await predict(data.test);
console.log({ AUC: auc(data.test.label, p), GAUC: gauc(data.test.user, data.test.label, p) });

await model.save('./iacn-din-ml100k'); // weights + config, written atomically
const again = await IaCN.load('./iacn-din-ml100k');
console.log(again.name); // IaCN+DIN
again.dispose();
model.dispose();
