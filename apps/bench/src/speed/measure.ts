/**
 * Throughput measurements of one model on the active backend: training milliseconds per step (batch
 * generation included, after warm-up steps) and full-ranking evaluation users per second.
 * @module
 */
import { evaluateRanking, Rng, type EvalCase, type SeqBatch } from '@recsuite/core';
import type { BuiltModel } from '../models/types.js';

/** Training throughput. */
export interface TrainSpeed {
  /** Median milliseconds per training step (batch generation + optimizer step). */
  msPerStep: number;
  /** Steps timed. */
  steps: number;
  /** Steps in one epoch. */
  stepsPerEpoch: number;
  /** Seconds of one epoch: measured when a whole epoch was timed, else `msPerStep × stepsPerEpoch`. */
  epochSeconds: number;
  /** Whether `epochSeconds` was measured over a whole epoch. */
  fullEpoch: boolean;
}

/**
 * Times training steps. `steps = 0` times one whole epoch (after `warmup` steps from another epoch).
 * @param built - a model with a training plan.
 * @param steps - steps to time (0 = a whole epoch).
 * @param warmup - untimed steps first (kernel compilation, allocations).
 * @param seed - seed of the batch stream.
 */
export function measureTraining(built: BuiltModel, steps: number, warmup: number, seed: number): TrainSpeed {
  const plan = built.train;
  if (!plan) throw new RangeError(`${built.model.name} has nothing to train`);
  const vars = built.model.variables();
  const rng = new Rng(seed);
  let epoch = 1;
  let it = plan.batches(epoch, rng)[Symbol.iterator]();
  const next = (): unknown => {
    let r = it.next();
    if (r.done) {
      it = plan.batches(++epoch, rng)[Symbol.iterator]();
      r = it.next();
    }
    return r.value;
  };
  const step = (batch: unknown) => {
    built.model.setTraining(true);
    const loss = plan.optimizer.step(() => built.model.loss(batch as SeqBatch), vars);
    if (!Number.isFinite(loss)) throw new RangeError(`${built.model.name}: non-finite loss ${loss} while timing`);
  };
  for (let k = 0; k < warmup; k++) step(next());
  const times: number[] = [];
  if (steps === 0) {
    it = plan.batches(++epoch, rng)[Symbol.iterator]();
    const t0 = performance.now();
    for (;;) {
      const s = performance.now();
      const r = it.next();
      if (r.done) break;
      step(r.value);
      times.push(performance.now() - s);
    }
    const total = (performance.now() - t0) / 1000;
    return { msPerStep: median(times), steps: times.length, stepsPerEpoch: plan.steps, epochSeconds: total, fullEpoch: true };
  }
  for (let k = 0; k < steps; k++) {
    const s = performance.now();
    step(next());
    times.push(performance.now() - s);
  }
  const ms = median(times);
  return { msPerStep: ms, steps, stepsPerEpoch: plan.steps, epochSeconds: (ms * plan.steps) / 1000, fullEpoch: false };
}

/** Full-ranking evaluation throughput. */
export interface RankSpeed {
  /** Users ranked per second (full ranking over all items, seen items excluded). */
  usersPerSecond: number;
  /** Users timed. */
  users: number;
}

/**
 * Times full-ranking evaluation of `cases` (after one untimed warm-up batch).
 * @param model - the model.
 * @param cases - the users to rank.
 * @param maxLen - history length.
 * @param batchSize - users per batch.
 */
export async function measureRanking(model: BuiltModel['model'], cases: readonly EvalCase[], maxLen: number, batchSize: number): Promise<RankSpeed> {
  model.setTraining(false);
  await evaluateRanking(model, cases.slice(0, Math.min(batchSize, cases.length)), { maxLen, batchSize, ks: [10] });
  const t0 = performance.now();
  await evaluateRanking(model, cases, { maxLen, batchSize, ks: [10] });
  const s = (performance.now() - t0) / 1000;
  return { usersPerSecond: cases.length / s, users: cases.length };
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
