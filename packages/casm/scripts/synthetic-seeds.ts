// The synthetic test's configuration over several generator seeds: CASM vs SASRec (all events) and SASRec:target-only.
// Run from packages/casm: node --conditions=recsuite-source --import tsx scripts/synthetic-seeds.ts 1 2 3 4
import { Adam, behaviourChainData, drawEvalNegatives, evaluateRanking, fit, initBackend, multiBehaviourSplit, trainSequenceBatches } from '@recsuite/core';
import { SASRec } from '@recsuite/baselines';
import { CASM, behaviourTrainBatches, evaluateTargetBehaviour } from '../src/index.js';
await initBackend('tensorflow');
for (const seed of process.argv.slice(2).map(Number)) {
  const gen = behaviourChainData({ numUsers: 400, numItems: 200, numClusters: 4, interests: 1, minLength: 30, maxLength: 50, seed });
  const split = multiBehaviourSplit({ numUsers: gen.sequences.length, numItems: gen.numItems, sequences: gen.sequences, behaviours: gen.behaviours, timestamps: [], behaviourNames: gen.behaviourNames, target: gen.target });
  const L = 20, N = gen.numItems, epochs = 12;
  const negatives = drawEvalNegatives(split.test, N, 99, 5, { seen: split.interacted });
  const ev = { maxLen: L, batchSize: 256, ks: [10] };
  const casm = new CASM({ numItems: N, behaviours: [...gen.behaviourNames], targetBehaviour: 'buy', alpha: { view: 0, cart: 0.1, buy: 0.9 }, dim: 32, maxLen: L, dropout: 0.1, denseInitStd: 0.1, seed: 0 });
  await fit(casm, { optimizer: new Adam({ lr: 0.005, beta2: 0.98 }), epochs, seed: 0, progress: false, rngs: { dropout: casm.rng }, batches: (_e, rng) => behaviourTrainBatches(split, { maxLen: L, batchSize: 64, numItems: N, rng }) });
  const c = await evaluateTargetBehaviour(casm, split.test, { ...ev, negatives, targetBehaviour: split.targetBehaviour });
  casm.dispose();
  const out = [`data seed ${seed}: CASM ${c.metrics['HR@10'].toFixed(3)}/${c.metrics['NDCG@10'].toFixed(3)}`];
  for (const only of [false, true]) {
    const s = new SASRec({ numItems: N, maxLen: L, dim: 32, blocks: 1, dropout: 0.1, seed: 0 });
    await fit(s, { optimizer: new Adam({ lr: 0.005, beta2: 0.98 }), epochs, seed: 0, progress: false, rngs: { dropout: s.rng }, batches: (_e, rng) => trainSequenceBatches(only ? split.targetOnly.train : split.train, { maxLen: L, batchSize: 64, numItems: N, rng }) });
    const r = await evaluateRanking(s, only ? split.targetOnly.test : split.test, { ...ev, negatives });
    out.push(`${only ? 'SASRec:target-only' : 'SASRec'} ${r.metrics['HR@10'].toFixed(3)}/${r.metrics['NDCG@10'].toFixed(3)}`);
    s.dispose();
  }
  console.log(out.join('  '));
}
