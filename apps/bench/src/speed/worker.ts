/**
 * Child process of the `speed` experiment: measures one (model, backend) in a fresh process, so that its
 * peak RSS and backend state are its own. Reads a {@link SpeedJob} as JSON from argv[2], prints one JSON
 * line ({@link SpeedResult}) on stdout.
 * @module
 */
import { initBackend, loadSequenceFile, type BackendName } from '@recsuite/core';
import { prepareSeqData } from '../cells/seqData.js';
import type { FullHyper } from '../config/hyper.js';
import { RANKING_MODELS, type RankingModelName } from '../models/rankingModels.js';
import { measureRanking, measureTraining, type RankSpeed, type TrainSpeed } from './measure.js';

/** What to measure. */
export interface SpeedJob {
  dataset: string;
  model: RankingModelName;
  backend: BackendName;
  hyper: FullHyper;
  trainSteps: number;
  warmupSteps: number;
  evalUsers: number;
  evalBatchSize: number;
  seed: number;
}

/** What was measured. */
export interface SpeedResult {
  train: TrainSpeed;
  rank: RankSpeed;
  /** Users with a test case (a full evaluation ranks them twice: validation and test). */
  testUsers: number;
  /** Peak resident set size of the process, MB. */
  peakRssMb: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as SpeedJob;
  await initBackend(job.backend, { log: false });
  const ds = await loadSequenceFile(job.dataset);
  const d = prepareSeqData(ds.sequences, ds.numItems);
  const built = RANKING_MODELS[job.model]({ numUsers: d.numUsers, numItems: d.numItems, train: d.train, trainCF: d.trainCF, seed: job.seed, hyper: job.hyper });
  const train = measureTraining(built, job.trainSteps, job.warmupSteps, job.seed);
  const cases = job.evalUsers > 0 ? d.test.slice(0, job.evalUsers) : d.test;
  const rank = await measureRanking(built.model, cases, job.hyper.maxLen, job.evalBatchSize);
  const out: SpeedResult = { train, rank, testUsers: d.test.length, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
