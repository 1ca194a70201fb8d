/**
 * How much length groups (`lengthGroups`, the encoders' blocks run on rows of similar length, each group
 * cut to its longest row) save on i2VAE training steps at the official sizes on Cloth×Sport: `--steps`
 * steps with `lengthGroups` 1 (every sequence padded to 20, augmented 40) and as many with 8, alternated
 * `--reps` times in one process (the same batches, the same weights at the start of each rep). Pseudo items
 * are drawn uniformly from each domain's items (their identity does not change the cost, their count does:
 * 20 per domain, as the generator gives). Prints one JSON line per measurement and one with the mean times
 * and their ratio.
 *
 * Run: `cd packages/i2vae && node --conditions=recsuite-source --import tsx scripts/length-groups-steps.ts`
 * Options: `--steps N` (10), `--reps N` (2), `--data-dir DIR` (default `RECSUITE_DATA_DIR`, else
 * `../shared/data` beside the repository).
 */
import { Adam, Rng, crossDomainItemPools, crossDomainValidationSplit, initBackend, loadClothSport } from '@recsuite/core';
import { I2VAE, i2vaeTrainBatches, type PseudoItems } from '@recsuite/i2vae';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { steps: { type: 'string' }, reps: { type: 'string' }, 'data-dir': { type: 'string' } } });
const positive = (v: string | undefined, def: number, flag: string) => {
  const n = Number(v ?? def);
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`--${flag}: expected a positive integer, got '${v}'`);
  return n;
};
const steps = positive(args.steps, 10, 'steps');
const reps = positive(args.reps, 2, 'reps');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = args['data-dir'] ?? process.env.RECSUITE_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

const backend = await initBackend();
const { train, numItems } = await loadClothSport(dataDir);
const split = crossDomainValidationSplit(train.rows, { seed: 0 });
const pools = crossDomainItemPools(split.train);
const draw = new Rng(7);
const pseudo: PseudoItems[] = split.train.map(() => [0, 1].map((d) => Int32Array.from({ length: 20 }, () => pools[d][draw.int(pools[d].length)])) as PseudoItems);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

const seconds: Record<number, number[]> = { 1: [], 8: [] };
for (let rep = 0; rep < reps; rep++) {
  for (const lengthGroups of [1, 8]) {
    const model = new I2VAE({ numItems, seed: 1, lengthGroups });
    model.setTraining(true);
    const opt = new Adam({ lr: 8e-4 });
    const batches = i2vaeTrainBatches(split.train, pseudo, { maxLen: 20, augLen: 40, batchSize: 512, rng: new Rng(2), pools });
    opt.step(() => model.loss(batches.next().value!), model.variables()); // warm-up, untimed
    let sum = 0;
    const t0 = performance.now();
    for (let k = 0; k < steps; k++) sum += opt.step(() => model.loss(batches.next().value!), model.variables());
    const s = (performance.now() - t0) / 1000;
    seconds[lengthGroups].push(s);
    console.log(JSON.stringify({ backend, rep, lengthGroups, steps, seconds: +s.toFixed(2), msPerStep: Math.round((1000 * s) / steps), meanLoss: +(sum / steps).toFixed(4) }));
    model.dispose();
    opt.dispose();
  }
}
console.log(JSON.stringify({ steps, reps, plainSeconds: +mean(seconds[1]).toFixed(2), groupedSeconds: +mean(seconds[8]).toFixed(2), ratio: +(mean(seconds[1]) / mean(seconds[8])).toFixed(2) }));
