// The README's example: ml-100k with behaviours, train CASM, evaluate, recommend, save.
// Run from packages/casm: node --conditions=recsuite-source --import tsx scripts/example-ml100k.ts [dataDir] [epochs]
import { Adam, drawEvalNegatives, fit, initBackend, loadMl100kBehaviours, multiBehaviourSplit } from '@recsuite/core';
import { CASM, behaviourTrainBatches, evaluateTargetBehaviour } from '@recsuite/casm';

await initBackend();
const data = await loadMl100kBehaviours(process.argv[2] ?? '../../../shared/data'); // or RECSUITE_DATA_DIR
const split = multiBehaviourSplit(data); // leave-one-out on the target behaviour (pos)
const model = new CASM({ numItems: data.numItems, behaviours: [...data.behaviourNames], targetBehaviour: 'pos', dim: 64, maxLen: 50 });
const evalOpts = { maxLen: 50, batchSize: 256, ks: [10], targetBehaviour: data.target };
const validNegatives = drawEvalNegatives(split.valid, data.numItems, 99, 1, { seen: split.interacted });
await fit(model, {
  optimizer: new Adam({ lr: 1e-3, beta2: 0.98 }),
  epochs: Number(process.argv[3] ?? 100),
  validateEvery: 5,
  patience: 4,
  seed: 0,
  rngs: { dropout: model.rng },
  batches: (_epoch, rng) => behaviourTrainBatches(split, { maxLen: 50, batchSize: 128, numItems: data.numItems, rng }),
  validate: async () => (await evaluateTargetBehaviour(model, split.valid, { ...evalOpts, negatives: validNegatives })).metrics,
});
const testNegatives = drawEvalNegatives(split.test, data.numItems, 99, 2, { seen: split.interacted });
const sampled = await evaluateTargetBehaviour(model, split.test, { ...evalOpts, negatives: testNegatives });
const full = await evaluateTargetBehaviour(model, split.test, evalOpts);
console.log('test, 99 negatives:', sampled.metrics, 'full ranking:', full.metrics);

// Recommend for one user from their whole history, each event with its behaviour.
const u = 0;
const behaviours = Array.from(data.behaviours[u], (b) => data.behaviourNames[b]);
const top = await model.recommend(data.sequences[u], 10, { behaviours });
console.log(`user ${data.dataset.users.raw(u)}:`, top.map((i) => data.dataset.items.raw(i)));
await model.save('/tmp/casm-ml100k');
const again = await CASM.load('/tmp/casm-ml100k');
console.log('reloaded:', (await again.recommend(data.sequences[u], 10, { behaviours })).join(' ') === top.join(' '));
again.dispose();
model.dispose();
