/**
 * The training half of every cell: core's `fit` with validation-based model selection (early stopping,
 * best weights restored), an optional warm-up before selection starts, progress reporting and Ctrl-C;
 * then the test evaluation; the model and optimizer are disposed whatever happens. With `checkpoint`, an
 * interrupted cell continues from its last finished epoch when the run is resumed.
 * @module
 */
import path from 'node:path';
import { fit, type FitResult, type TrainableModel } from '@recsuite/core';
import type { CellContext, CellResult, EpochLog, SelectionInfo } from '../experiment.js';
import type { TrainPlan } from '../models/types.js';

/** A model and how to train it (`train: null` for models with nothing to train). */
export interface Trainee {
  model: TrainableModel<unknown> & { dispose(): void };
  train: TrainPlan | null;
}

/** Options of {@link trainAndTest}. */
export interface TrainTestOptions {
  /** Maximum epochs. */
  epochs: number;
  /** Validations without improvement before stopping. */
  patience: number;
  /**
   * Epochs trained before model selection starts (Keras' `start_from_epoch`): validated for the curves,
   * but never selected and never counted towards stopping. 0 = select from the first epoch.
   */
  minEpochs?: number;
  /** Validate every this many epochs. */
  validateEvery: number;
  /** Validation metric used for selection. */
  selectMetric: string;
  /** Larger is better (`max`, default) or smaller (`min`, e.g. LogLoss). */
  mode?: 'max' | 'min';
  /** Validation metrics of the current weights. */
  validate: () => Promise<Record<string, number>>;
  /** Test metrics by user group (`all` at least) of the selected weights. */
  test: () => Promise<Record<string, Record<string, number>>>;
  /**
   * Checkpoint every epoch into the cell's `ctx.checkpointDir`, and continue from it when the cell is run
   * again after an interruption (core's `fit` resume: the same weights an uninterrupted cell reaches). Only
   * for models whose whole training state is `variables()` (running statistics included, as the CTR
   * models keep Dice's), the optimizer and `train.rngs`. Default false.
   */
  checkpoint?: boolean;
}

/** Training outcome over both phases. */
interface TrainResult {
  bestEpoch: number;
  bestValue: number;
  epochsRun: number;
  stoppedEarly: boolean;
  secondsPerEpoch: number;
  history: FitResult['history'];
  /** Epoch (over both phases) the cell continued from a checkpoint after; 0 when it ran uninterrupted. */
  resumedFrom: number;
}

/** Joins the warm-up phase and the selection phase into one history with continuous epoch numbers. */
function joinPhases(first: FitResult | undefined, main: FitResult, warm: number): TrainResult {
  const history = [...(first?.history ?? []).map((h) => ({ ...h, best: false })), ...main.history.map((h) => ({ ...h, epoch: h.epoch + warm }))];
  const secs = history.reduce((a, h) => a + h.seconds, 0);
  return {
    bestEpoch: main.bestEpoch + warm,
    bestValue: main.bestValue,
    epochsRun: main.epochsRun + warm,
    stoppedEarly: main.stoppedEarly,
    secondsPerEpoch: history.length ? secs / history.length : 0,
    history,
    resumedFrom: main.resumedFrom > 0 ? main.resumedFrom + warm : (first?.resumedFrom ?? 0),
  };
}

/** Wraps an epoch's batches to report step progress. */
function* counted<T>(it: Iterable<T>, onStep: (done: number) => void): Generator<T> {
  let n = 0;
  for (const x of it) {
    yield x;
    onStep(++n);
  }
}

/**
 * Trains `t` (if it has anything to train), selects on validation, tests, disposes.
 * Adds `epochs` (the selected epoch) and `epoch_s` (mean training seconds per epoch) to group `all`.
 */
export async function trainAndTest<C, D>(ctx: CellContext<C, D>, t: Trainee, o: TrainTestOptions): Promise<CellResult> {
  const seed = ctx.cell.seed;
  const cp = ctx.progress;
  const { model } = t;
  try {
    let tr: TrainResult | undefined;
    if (t.train) {
      const plan = t.train;
      const warm = Math.min(o.minEpochs ?? 0, o.epochs - 1);
      const ckDir = o.checkpoint ? ctx.checkpointDir : undefined;
      const phase = (epochs: number, offset: number, select: boolean, seedOffset: number) =>
        fit(model, {
          ...(ckDir ? { checkpointDir: path.join(ckDir, select ? 'select' : 'warmup'), resume: true } : {}),
          optimizer: plan.optimizer,
          epochs,
          seed: seed + seedOffset,
          metric: o.selectMetric,
          mode: o.mode ?? 'max',
          patience: select ? o.patience : undefined,
          restoreBest: select,
          validateEvery: o.validateEvery,
          batches: (epoch, rng) => {
            cp.epoch(epoch + offset, o.epochs);
            cp.phase('training');
            return counted(plan.batches(epoch + offset, rng), (d) => cp.step(d, plan.steps));
          },
          validate: async () => {
            cp.phase('validating');
            try {
              return await o.validate();
            } finally {
              // Evaluation caches (LightGCN's propagated tables) are dropped, so fit's leak check sees the
              // same tensor count after every epoch whether or not it validated.
              (model as { invalidate?: () => void }).invalidate?.();
            }
          },
          onEpoch: (log) => {
            const v = log.validation?.[o.selectMetric];
            const name = o.selectMetric.startsWith('valid ') ? o.selectMetric : `valid ${o.selectMetric}`; // not "valid valid NDCG@10"
            cp.note(`loss ${log.loss.toFixed(4)}${v !== undefined ? ` · ${name} ${v.toFixed(4)}${select && log.best ? ' *' : ''}` : ''}`);
          },
          rngs: plan.rngs,
          signal: ctx.signal,
          progress: false,
          leakCheck: 'throw',
        });
      // The selection phase draws its batches from a different stream than the warm-up.
      const first = warm > 0 ? await phase(warm, 0, false, 0) : undefined;
      const main = await phase(o.epochs - warm, warm, true, warm > 0 ? 7919 : 0);
      tr = joinPhases(first, main, warm);
      if (tr.resumedFrom > 0) ctx.log(`${ctx.cell.model} seed ${seed}: continued from its checkpoint after epoch ${tr.resumedFrom}`);
    }
    cp.phase('testing');
    const metrics = await o.test();
    metrics.all ??= {};
    if (tr) {
      metrics.all.epochs = tr.bestEpoch;
      metrics.all.epoch_s = tr.secondsPerEpoch;
    }
    const curve: EpochLog[] = (tr?.history ?? []).map((h) => ({ epoch: h.epoch, loss: h.loss, ...(h.lossParts ? { lossParts: h.lossParts } : {}), valid: h.validation, seconds: h.seconds }));
    return {
      metrics,
      curve,
      info: tr
        ? ({ bestEpoch: tr.bestEpoch, bestValid: tr.bestValue, epochsRun: tr.epochsRun, stoppedEarly: tr.stoppedEarly, ...(tr.resumedFrom > 0 ? { resumedFrom: tr.resumedFrom } : {}) } satisfies SelectionInfo)
        : { trained: false },
    };
  } finally {
    model.dispose();
    t.train?.optimizer.dispose();
  }
}
