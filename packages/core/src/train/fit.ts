import * as tf from '@tensorflow/tfjs-core';
import type { RecModel } from '../model.js';
import type { Optimizer } from '../tensor/optimizer.js';
import { Rng } from '../tensor/rng.js';
import { type CheckpointState, disposeCheckpoint, hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { appendLog, type EpochLog, writeLog } from './history.js';
import { Progress, type ProgressMode, type ProgressStream } from './progress.js';
import { assignWeights } from './weights.js';

/** The part of the model contract the trainer uses (any {@link RecModel} has it, CTR models too). */
export type TrainableModel<B> = Pick<RecModel<B>, 'name' | 'variables' | 'loss' | 'setTraining'>;

/** Options for {@link fit}. */
export interface FitOptions<B> {
  /** The optimizer (its state is checkpointed with the weights). */
  optimizer: Optimizer;
  /**
   * The batches of one epoch, in order (already shuffled). `epoch` is 1-based and `rng` is the trainer's
   * generator seeded from {@link FitOptions.seed}: draw all shuffling and negative sampling from it, and
   * a resumed run replays the same data order.
   */
  batches: (epoch: number, rng: Rng) => Iterable<B>;
  /** Number of epochs (maximum, with early stopping). */
  epochs: number;
  /** Seed of the trainer's {@link Rng}. */
  seed: number;
  /** Validation after an epoch: metric name → value (e.g. `evaluateRanking(...).metrics`). */
  validate?: () => Promise<Record<string, number>> | Record<string, number>;
  /** Validate every this many epochs (and after the last epoch). Default 1. */
  validateEvery?: number;
  /** Key in validate's result used for model selection. Default `'NDCG@10'`. */
  metric?: string;
  /** Whether a larger (`'max'`, default) or smaller (`'min'`) metric is better. */
  mode?: 'max' | 'min';
  /** Stop after this many validations without improvement. Default: never. */
  patience?: number;
  /** Keep a copy of the best validated weights and restore them at the end. Default true. */
  restoreBest?: boolean;
  /** Directory of the run's checkpoint, replaced atomically after every epoch. */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` when there is one (same seed: same final weights). */
  resume?: boolean;
  /** Return right after this epoch (and its checkpoint), as if the process had been killed (for tests). */
  stopAfterEpoch?: number;
  /** Called after every epoch with its log. */
  onEpoch?: (log: EpochLog) => void | Promise<void>;
  /** JSON-lines log, one line per epoch (rewritten from the checkpoint's history on resume). */
  logFile?: string;
  /** Progress bar on a terminal, plain lines otherwise, off in CI unless `true`. Default `'auto'`. */
  progress?: ProgressMode;
  /** Where progress goes; default `process.stderr`. */
  progressStream?: ProgressStream;
  /** Steps per epoch for the progress bar (known anyway when `batches` returns an array). */
  stepsPerEpoch?: number;
  /** Stops training (after the current step) with the signal's reason. */
  signal?: AbortSignal;
  /** What to do when `tf.memory().numTensors` grows between epochs: `'throw'` (default), `'warn'`, `'off'`. */
  leakCheck?: 'throw' | 'warn' | 'off';
  /** Other generators whose state belongs in the checkpoint (e.g. the model's dropout Rng), by name. */
  rngs?: Record<string, Rng>;
}

/** Result of {@link fit}. */
export interface FitResult {
  /** Epoch (1-based) of the best validation; the last epoch when there was no validation. */
  bestEpoch: number;
  /** The best validation metric value (`NaN` without validation). */
  bestValue: number;
  /** Epochs completed, including those before a resume. */
  epochsRun: number;
  /** Every epoch's log. */
  history: EpochLog[];
  /** Mean training seconds per epoch (without validation). */
  secondsPerEpoch: number;
  /** True when early stopping ended the run. */
  stoppedEarly: boolean;
  /** True when the run returned at `stopAfterEpoch` (weights are those of that epoch, not the best). */
  interrupted: boolean;
  /** The epoch the run resumed from (0 for a fresh run). */
  resumedFrom: number;
}

/** A training loss was NaN or infinite: training stops and nothing was updated by that step. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  /**
   * @param epoch - 1-based epoch.
   * @param step - 1-based step within the epoch.
   * @param loss - the offending value.
   * @param lastFiniteLoss - the last finite step loss of the run, or null if there was none.
   */
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly loss: number,
    readonly lastFiniteLoss: number | null,
  ) {
    super(
      `non-finite loss (${loss}) at epoch ${epoch}, step ${step}; last finite loss ${
        lastFiniteLoss === null ? 'none (first step)' : lastFiniteLoss
      }. Lower the learning rate, check the inputs, or clip the loss.`,
    );
  }
}

/** `tf.memory().numTensors` grew between epochs: some step or validation leaks tensors. */
export class TensorLeakError extends Error {
  override name = 'TensorLeakError';
  /**
   * @param epoch - the epoch after which the growth was seen.
   * @param expected - tensor count after the first epoch of the run.
   * @param actual - tensor count now.
   */
  constructor(
    readonly epoch: number,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `tensor leak: after epoch ${epoch} there are ${actual} tensors, ${actual - expected} more than the ${expected} after the first epoch (dispose or tf.tidy in loss/validate)`,
    );
  }
}

const now = () => performance.now();
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

function checkOptions<B>(o: FitOptions<B>): void {
  const posInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  if (!o.optimizer || typeof o.optimizer.step !== 'function') throw new TypeError('fit: options.optimizer must be an Optimizer');
  if (typeof o.batches !== 'function') throw new TypeError('fit: options.batches must be a function (epoch, rng) => Iterable<batch>');
  if (!posInt(o.epochs)) throw new RangeError(`fit: options.epochs must be a positive integer, got ${o.epochs}`);
  if (!Number.isInteger(o.seed)) throw new RangeError(`fit: options.seed must be an integer, got ${o.seed}`);
  if (o.validateEvery !== undefined && !posInt(o.validateEvery)) {
    throw new RangeError(`fit: options.validateEvery must be a positive integer, got ${o.validateEvery}`);
  }
  if (o.patience !== undefined && !(posInt(o.patience) || o.patience === Infinity)) {
    throw new RangeError(`fit: options.patience must be a positive integer, got ${o.patience}`);
  }
  if (o.mode !== undefined && o.mode !== 'max' && o.mode !== 'min') throw new RangeError(`fit: options.mode must be 'max' or 'min', got ${o.mode}`);
  if (o.stopAfterEpoch !== undefined && !posInt(o.stopAfterEpoch)) {
    throw new RangeError(`fit: options.stopAfterEpoch must be a positive integer, got ${o.stopAfterEpoch}`);
  }
  if (o.resume && !o.checkpointDir) throw new RangeError('fit: options.resume needs options.checkpointDir');
  if (o.rngs && 'trainer' in o.rngs) throw new RangeError("fit: options.rngs may not use the name 'trainer' (reserved)");
}

/**
 * Trains a model: epochs of `optimizer.step(() => model.loss(batch))` over `batches(epoch, rng)`, validation
 * every `validateEvery` epochs on `metric`, early stopping after `patience` validations without
 * improvement, best weights restored at the end, a checkpoint after every epoch (weights, optimizer state,
 * random generators, best-so-far, history) from which `resume` continues to exactly the weights an
 * uninterrupted run would reach (same seed and backend), a JSON-lines log, a progress bar, a NaN/Inf guard
 * ({@link NonFiniteLossError}) and a tensor-leak check ({@link TensorLeakError}: the tensor count after
 * every epoch must equal the count after the first one, not counting the trainer's copy of the best
 * weights).
 *
 * `model.setTraining(true)` is called before every step and `setTraining(false)` before validation and at
 * the end. Epochs are numbered from 1.
 *
 * @param model - any model with `variables()`, `loss(batch)` and `setTraining()`.
 * @param opts - see {@link FitOptions}.
 */
export async function fit<B>(model: TrainableModel<B>, opts: FitOptions<B>): Promise<FitResult> {
  checkOptions(opts);
  const { optimizer, epochs } = opts;
  const validateEvery = opts.validateEvery ?? 1;
  const metric = opts.metric ?? 'NDCG@10';
  const mode = opts.mode ?? 'max';
  const patience = opts.patience ?? Infinity;
  const restoreBest = opts.restoreBest ?? true;
  const leakCheck = opts.leakCheck ?? 'throw';
  const vars = model.variables();
  if (vars.length === 0) throw new RangeError(`fit: model ${model.name} has no variables`);
  const rng = new Rng(opts.seed);
  const rngs: Record<string, Rng> = { trainer: rng, ...opts.rngs };
  const info = { seed: opts.seed, model: model.name, numVariables: vars.length };

  let best: { epoch: number; value: number } | null = null;
  let bestWeights: tf.Tensor[] | null = null;
  let badValidations = 0;
  let history: EpochLog[] = [];
  let stoppedEarly = false;
  let startEpoch = 0;
  let lastFinite: number | null = null;

  try {
    if (opts.resume && opts.checkpointDir && (await hasCheckpoint(opts.checkpointDir))) {
      const ck = await loadCheckpoint(opts.checkpointDir);
      try {
        if (ck.info.seed !== opts.seed) {
          throw new RangeError(`fit: the checkpoint in ${opts.checkpointDir} was written with seed ${String(ck.info.seed)}, this run has seed ${opts.seed}`);
        }
        if (ck.info.model !== undefined && ck.info.model !== model.name) {
          throw new RangeError(`fit: the checkpoint in ${opts.checkpointDir} is of model ${String(ck.info.model)}, not ${model.name}`);
        }
        assignWeights(vars, ck.variables, { source: opts.checkpointDir });
        optimizer.setState(vars, ck.optimizer);
        for (const [name, g] of Object.entries(rngs)) {
          const s = ck.rngs[name];
          if (!s) throw new RangeError(`fit: the checkpoint in ${opts.checkpointDir} has no state for the generator '${name}'`);
          g.setState(s);
        }
        best = ck.best;
        badValidations = ck.badValidations;
        history = ck.history;
        stoppedEarly = ck.info.stoppedEarly === true;
        startEpoch = ck.epoch;
        const lastLoss = history.length > 0 ? history[history.length - 1].loss : null;
        lastFinite = typeof lastLoss === 'number' && Number.isFinite(lastLoss) ? lastLoss : null;
        if (restoreBest && ck.bestWeights) {
          bestWeights = ck.bestWeights;
          ck.bestWeights = null;
        }
      } finally {
        disposeCheckpoint(ck);
      }
    }
    if (opts.logFile) await writeLog(opts.logFile, history);

    let baseline: number | null = null;
    let lastYield = now();
    for (let epoch = startEpoch + 1; epoch <= epochs && !stoppedEarly; epoch++) {
      opts.signal?.throwIfAborted();
      const it = opts.batches(epoch, rng);
      const total = opts.stepsPerEpoch ?? (Array.isArray(it) ? it.length : undefined);
      const prog = new Progress(`epoch ${epoch}/${epochs}`, total, { mode: opts.progress ?? 'auto', stream: opts.progressStream });
      let log: EpochLog;
      try {
        const t0 = now();
        let sum = 0;
        let steps = 0;
        const parts: Record<string, number> = {};
        for (const batch of it) {
          opts.signal?.throwIfAborted();
          model.setTraining(true);
          const loss = optimizer.step(() => model.loss(batch), vars);
          steps++;
          if (!Number.isFinite(loss)) throw new NonFiniteLossError(epoch, steps, loss, lastFinite);
          lastFinite = loss;
          sum += loss;
          for (const [k, v] of Object.entries(optimizer.lastLossParts?.() ?? {})) parts[k] = (parts[k] ?? 0) + v;
          prog.tick(1, `loss ${(sum / steps).toFixed(4)}`);
          if (now() - lastYield > 100) {
            await yieldToLoop(); // lets signals, timers and progress through on long epochs
            lastYield = now();
          }
        }
        if (steps === 0) throw new RangeError(`fit: batches(${epoch}, rng) produced no batch`);
        log = { epoch, loss: sum / steps, steps, seconds: (now() - t0) / 1000 };
        if (Object.keys(parts).length) log.lossParts = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v / steps]));

        if (opts.validate && (epoch % validateEvery === 0 || epoch === epochs)) {
          const v0 = now();
          model.setTraining(false);
          const metrics = await opts.validate();
          log.validationSeconds = (now() - v0) / 1000;
          log.validation = metrics;
          if (!(metric in metrics)) {
            throw new RangeError(`fit: options.metric '${metric}' is not among the validation results (${Object.keys(metrics).join(', ')})`);
          }
          const value = metrics[metric];
          const improved = Number.isFinite(value) && (best === null || (mode === 'max' ? value > best.value : value < best.value));
          log.best = improved;
          if (improved) {
            best = { epoch, value };
            badValidations = 0;
            if (restoreBest) {
              if (bestWeights) tf.dispose(bestWeights);
              bestWeights = vars.map((v) => v.clone());
            }
          } else {
            badValidations++;
            if (badValidations >= patience) stoppedEarly = true;
          }
        }
      } catch (e) {
        prog.end(`epoch ${epoch}/${epochs}: stopped (${(e as Error).message})`);
        throw e;
      }
      history.push(log);
      prog.end(summaryLine(log, epochs, metric, stoppedEarly));

      if (opts.checkpointDir) {
        const state: CheckpointState = {
          epoch,
          variables: vars,
          optimizer: optimizer.getState(vars),
          rngs: Object.fromEntries(Object.entries(rngs).map(([k, g]) => [k, [...g.getState()]])),
          best,
          bestWeights,
          badValidations,
          history,
          finished: stoppedEarly || epoch === epochs,
          info: { ...info, stoppedEarly },
        };
        try {
          await saveCheckpoint(opts.checkpointDir, state);
        } finally {
          state.optimizer.slots.forEach((s) => tf.dispose(s));
        }
      }
      if (opts.logFile) await appendLog(opts.logFile, log);
      await opts.onEpoch?.(log);

      if (leakCheck !== 'off') {
        const count = tf.memory().numTensors - (bestWeights?.length ?? 0);
        if (baseline === null) baseline = count;
        else if (count !== baseline) {
          const err = new TensorLeakError(epoch, baseline, count);
          if (leakCheck === 'throw') throw err;
          console.warn(`fit: ${err.message}`);
          baseline = count;
        }
      }
      if (opts.stopAfterEpoch === epoch && epoch < epochs && !stoppedEarly) {
        return result(history, best, epoch, stoppedEarly, true, startEpoch);
      }
    }

    if (restoreBest && bestWeights) assignWeights(vars, bestWeights, { source: 'the best epoch' });
    model.setTraining(false);
    return result(history, best, history.length ? history[history.length - 1].epoch : 0, stoppedEarly, false, startEpoch);
  } finally {
    if (bestWeights) tf.dispose(bestWeights);
  }
}

function summaryLine(log: EpochLog, epochs: number, metric: string, stoppedEarly: boolean): string {
  let s = `epoch ${log.epoch}/${epochs}: loss ${log.loss.toFixed(4)}, ${log.steps} steps in ${log.seconds.toFixed(1)}s`;
  if (log.validation) {
    const v = log.validation[metric];
    s += `; ${metric} ${v.toFixed(4)}${log.best ? ' (best)' : ''}`;
  }
  if (stoppedEarly) s += '; early stop';
  return s;
}

function result(
  history: EpochLog[],
  best: { epoch: number; value: number } | null,
  lastEpoch: number,
  stoppedEarly: boolean,
  interrupted: boolean,
  resumedFrom: number,
): FitResult {
  const secs = history.reduce((a, h) => a + h.seconds, 0);
  return {
    bestEpoch: best ? best.epoch : lastEpoch,
    bestValue: best ? best.value : NaN,
    epochsRun: lastEpoch,
    history,
    secondsPerEpoch: history.length ? secs / history.length : 0,
    stoppedEarly,
    interrupted,
    resumedFrom,
  };
}
