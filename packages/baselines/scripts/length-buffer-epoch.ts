/**
 * How much length-bucketed batches (`trainSequenceBatches(..., { lengthBuffer })`) save on a SASRec training
 * epoch on Amazon Beauty: one epoch with plain batches (every sequence padded to 50) and one with
 * `lengthBuffer` 20, alternated `--reps` times in one process, for the paper's BCE (one sampled negative)
 * and for full-softmax CE. Prints one JSON line per epoch (seconds, steps, mean batch length, mean loss) and
 * one per loss with the mean plain and bucketed times and their ratio.
 *
 * Run: `cd packages/baselines && node --conditions=recsuite-source --import tsx scripts/length-buffer-epoch.ts`
 * Options: `--reps N` (2), `--data-dir DIR` (default `RECSUITE_DATA_DIR`, else `../shared/data` beside the
 * repository).
 */
import { Adam, Rng, initBackend, leaveOneOut, loadSequenceFile, trainSequenceBatches } from '@recsuite/core';
import { SASRec } from '@recsuite/baselines';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { reps: { type: 'string' }, 'data-dir': { type: 'string' } } });
const reps = Number(args.reps ?? 2);
if (!(Number.isInteger(reps) && reps >= 1)) throw new RangeError(`--reps: expected a positive integer, got '${args.reps}'`);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = args['data-dir'] ?? process.env.RECSUITE_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

const backend = await initBackend();
const ds = await loadSequenceFile(path.join(dataDir, 'amazon-beauty', 'Beauty.txt'));
const split = leaveOneOut(ds.sequences, ds.numItems);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

for (const loss of ['bce', 'ce'] as const) {
  const seconds: Record<number, number[]> = { 0: [], 20: [] };
  for (let rep = 0; rep < reps; rep++) {
    for (const lengthBuffer of [0, 20]) {
      const model = new SASRec({ numItems: ds.numItems, maxLen: 50, dim: 64, blocks: 2, heads: 1, dropout: 0.2, loss, seed: 1 });
      model.setTraining(true);
      const opt = new Adam({ lr: 1e-3, beta2: 0.98 });
      const rng = new Rng(2);
      let steps = 0;
      let positions = 0;
      let sum = 0;
      const t0 = performance.now();
      for (const b of trainSequenceBatches(split.train, { maxLen: 50, batchSize: 256, numItems: ds.numItems, rng, numNegatives: loss === 'bce' ? 1 : 0, lengthBuffer })) {
        sum += opt.step(() => model.loss(b), model.variables());
        steps++;
        positions += b.maxLen;
      }
      const s = (performance.now() - t0) / 1000;
      seconds[lengthBuffer].push(s);
      console.log(JSON.stringify({ backend, loss, rep, lengthBuffer, seconds: +s.toFixed(1), steps, meanBatchLength: +(positions / steps).toFixed(1), meanLoss: +(sum / steps).toFixed(4) }));
      model.dispose();
      opt.dispose();
    }
  }
  console.log(JSON.stringify({ loss, plainSeconds: +mean(seconds[0]).toFixed(1), bucketedSeconds: +mean(seconds[20]).toFixed(1), ratio: +(mean(seconds[0]) / mean(seconds[20])).toFixed(2) }));
}
