/**
 * The README's example: SASRec on synthetic Markov sequences (no files needed). Trains a few epochs,
 * evaluates leave-one-out full ranking, and recommends for one history.
 * Run from packages/baselines: `node --conditions=recsuite-source --import tsx scripts/example-sasrec.ts`.
 */
import { Adam, Rng, evaluateRanking, initBackend, leaveOneOut, markovSequences, trainSequenceBatches } from '@recsuite/core';
import { SASRec } from '@recsuite/baselines';

await initBackend(); // native 'tensorflow' when built, else 'wasm'
const data = markovSequences({ numUsers: 500, numItems: 100, seed: 1 });
const split = leaveOneOut(data.sequences, data.numItems);
const model = new SASRec({ numItems: data.numItems, maxLen: 20, dim: 32, seed: 1 });
const opt = new Adam({ lr: 1e-3, beta2: 0.98 });
const rng = new Rng(2);
for (let epoch = 1; epoch <= 10; epoch++) {
  model.setTraining(true);
  let sum = 0;
  let n = 0;
  for (const batch of trainSequenceBatches(split.train, { maxLen: 20, batchSize: 128, numItems: data.numItems, rng })) {
    sum += opt.step(() => model.loss(batch), model.variables());
    n++;
  }
  console.log(`epoch ${epoch}: loss ${(sum / n).toFixed(4)}`);
}
const test = await evaluateRanking(model, split.test, { maxLen: 20, batchSize: 256, ks: [10] });
console.log('test', test.metrics); // full ranking, seen items excluded
console.log('next for user 0:', await model.recommend(data.sequences[0], 5));
model.dispose();
opt.dispose();
