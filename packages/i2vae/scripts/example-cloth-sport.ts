/**
 * The README example: Cloth×Sport → pseudo items → train i2VAE (selected on validation) → evaluate → recommend.
 * Run from packages/i2vae: `node --conditions=recsuite-source --import tsx scripts/example-cloth-sport.ts <dataDir> [epochs] [psgEpochs]`.
 */
import {
  Adam,
  crossDomainItemPools,
  crossDomainRowLabels,
  crossDomainValidationSplit,
  drawCrossDomainNegatives,
  fit,
  initBackend,
  loadClothSport,
} from '@recsuite/core';
import { I2VAE, evaluateI2VAE, generatePseudoItems, i2vaeTrainBatches } from '@recsuite/i2vae';

const [dataDir, epochsArg, psgArg] = process.argv.slice(2);
const epochs = Number(epochsArg ?? 100);
const psgEpochs = Number(psgArg ?? 20);

await initBackend(); // tensorflow (native), else wasm, else cpu
const { train, test, numItems } = await loadClothSport(dataDir); // dataDir, else RECSUITE_DATA_DIR
const split = crossDomainValidationSplit(train.rows, { seed: 0 }); // 10% of users held out, 20% of overlapping rows cut to cold-start
const pools = crossDomainItemPools(split.train);

// Pseudo items from a LightGCN over train, validation and test histories (targets never enter the graph).
const psg = await generatePseudoItems([split.train, split.valid, test.rows], numItems, { seed: 0, epochs: psgEpochs, trainSets: [0] });
const [trainPseudo, validPseudo, testPseudo] = psg.items;

const model = new I2VAE({ numItems, seed: 0 }); // official sizes: d 128, history 20, augmented 40
const validNegatives = drawCrossDomainNegatives(split.valid, numItems, 999, 1, crossDomainItemPools(train.rows));
const validLabels = crossDomainRowLabels(split.valid).labels;
await fit(model, {
  optimizer: new Adam({ lr: 8e-4 }),
  epochs,
  patience: 10,
  seed: 0,
  rngs: { model: model.rng },
  batches: (_epoch, rng) => i2vaeTrainBatches(split.train, trainPseudo, { maxLen: 20, augLen: 40, batchSize: 512, rng, pools }),
  // selection: the mean over both domains of all-row NDCG@10
  validate: async () => {
    const g = (await evaluateI2VAE(model, split.valid, validPseudo, { negatives: validNegatives, ks: [10], labels: validLabels })).groups;
    return { 'NDCG@10': (g['all:0']['NDCG@10'] + g['all:1']['NDCG@10']) / 2 };
  },
  metric: 'NDCG@10',
});

const { labels } = crossDomainRowLabels(test.rows);
const testNegatives = drawCrossDomainNegatives(test.rows, numItems, 999, 2, crossDomainItemPools(test.rows));
const res = await evaluateI2VAE(model, test.rows, testPseudo, { negatives: testNegatives, ks: [1, 5, 10], labels });
console.log(res.groups.all, res.groups['cold-start-overlapping'], res.groups['long-tailed']);

// Top 10 Sport items for a user with a Cloth history and no Sport history (cold-start inference):
console.log(await model.recommend([], 10, { domain: 1, other: [101, 202], candidates: pools[1] }));
await model.save('i2vae-model'); // I2VAE.load('i2vae-model') restores it
model.dispose();
