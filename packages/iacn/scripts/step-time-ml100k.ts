// Seconds per training step (and per epoch) of DIN/WideDeep/DIEN and IaCN+X on the ml-100k CTR task, at the
// bench defaults (d = 18, batch 128, maxLen 50). Run from packages/iacn:
// node --conditions=recsuite-source --import tsx scripts/step-time-ml100k.ts [dataDir] [steps]
import { DIEN, DIN, WideDeep, type CtrModel } from '@recsuite/baselines';
import { Adam, Rng, buildCtrData, ctrBatches, initBackend, loadMl100k, userSequences, type Optimizer } from '@recsuite/core';
import { GradientMixOptimizer, IaCN, type IacnBase } from '@recsuite/iacn';

await initBackend();
const ds = await loadMl100k(process.argv[2] ?? '../../../shared/data');
const steps = Number(process.argv[3] ?? 15);
const data = buildCtrData(userSequences(ds.interactions).sequences, { numItems: ds.interactions.numItems, seed: 2019 });
const genres = ds.itemAttributes!['class'];
const p = ds.userProfile!;
const fields = ['age', 'gender', 'occupation'];
const userProfile = { numUsers: p.numUsers, fields: Object.fromEntries(fields.map((f) => [f, p.fields[f]])) };
const base = { seed: 0, numItems: data.numItems, numAttributes: genres.numValues, profileFields: fields.map((name) => ({ name, numValues: p.fields[name].numValues })), embedDim: 18 };
const perEpoch = Math.ceil(data.train.length / 128);
const make: Record<string, () => { m: CtrModel; opt: Optimizer }> = {
  DIN: () => ({ m: new DIN(base), opt: new Adam() }),
  WideDeep: () => ({ m: new WideDeep(base), opt: new Adam() }),
  DIEN: () => ({ m: new DIEN(base), opt: new Adam() }),
};
for (const b of ['DIN', 'WideDeep', 'DIEN'] as IacnBase[]) {
  make[`IaCN+${b}`] = () => {
    const m = new IaCN({ base: b, baseConfig: base });
    return { m, opt: new GradientMixOptimizer(m, new Adam()) };
  };
}
for (const [name, f] of Object.entries(make)) {
  const { m, opt } = f();
  const it = ctrBatches(data, data.train, { batchSize: 128, maxLen: 50, rng: new Rng(1), itemAttributes: genres, userProfile });
  m.setTraining(true);
  const vars = m.variables();
  let t0 = 0;
  for (let s = 0; s < steps + 2; s++) {
    if (s === 2) t0 = performance.now(); // two warm-up steps
    const batch = it.next().value!;
    opt.step(() => m.loss(batch), vars);
  }
  const sec = (performance.now() - t0) / 1000 / steps;
  console.log(`${name}: ${(sec * 1000).toFixed(0)} ms/step, ~${((sec * perEpoch) / 60).toFixed(1)} min/epoch (${perEpoch} steps)`);
  opt.dispose();
  m.dispose();
}
