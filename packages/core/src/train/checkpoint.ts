import * as tf from '@tensorflow/tfjs-core';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { OptimizerState } from '../tensor/optimizer.js';
import type { EpochLog } from './history.js';
import { MANIFEST_FILE, WeightsError, loadWeights, saveWeights } from './weights.js';

const KIND = 'recsuite-checkpoint';
const VERSION = 1;

/** Best validation result so far. */
export interface BestSoFar {
  /** Epoch (1-based) of the best validation. */
  epoch: number;
  /** Its metric value. */
  value: number;
}

/**
 * Everything needed to continue a training run exactly where it stopped. Tensors are owned by whoever
 * holds the state (see {@link disposeCheckpoint}).
 */
export interface CheckpointState {
  /** Epochs completed (1-based number of the last finished epoch; 0 before the first). */
  epoch: number;
  /** Values of the model's variables, in `model.variables()` order. */
  variables: tf.Tensor[];
  /** The optimizer's state for the same variables (`opt.getState(vars)`). */
  optimizer: OptimizerState;
  /** States of the run's random generators (`rng.getState()`), by name. */
  rngs: Record<string, number[]>;
  /** Best validation so far, or null before the first validation. */
  best: BestSoFar | null;
  /** A copy of the weights at the best epoch (for restore-best), when kept. */
  bestWeights: tf.Tensor[] | null;
  /** Validations since the best one (early-stopping counter). */
  badValidations: number;
  /** Per-epoch logs so far. */
  history: EpochLog[];
  /** True when the run had finished (all epochs, or stopped early) when this was saved. */
  finished: boolean;
  /** Free-form JSON about the run (seed, model name, ...), checked by the trainer on resume. */
  info: Record<string, unknown>;
}

interface CheckpointMeta {
  kind: typeof KIND;
  version: number;
  epoch: number;
  numVariables: number;
  optimizerStep: number;
  slotCounts: number[];
  hasBestWeights: boolean;
  rngs: Record<string, number[]>;
  best: BestSoFar | null;
  badValidations: number;
  history: EpochLog[];
  finished: boolean;
  info: Record<string, unknown>;
}

/**
 * Saves a checkpoint into `dir` atomically (the previous checkpoint stays intact until the new one is
 * complete). Tensors are written in the backend-independent weights format (`weights.bin` +
 * `manifest.json`), everything else into the manifest's metadata. The state's tensors are not disposed.
 *
 * @param dir - checkpoint directory (created or replaced).
 * @param state - the run's state.
 */
export async function saveCheckpoint(dir: string, state: CheckpointState): Promise<void> {
  if (state.optimizer.slots.length !== state.variables.length) {
    throw new WeightsError(
      `saveCheckpoint: optimizer state has slots for ${state.optimizer.slots.length} variables, the model has ${state.variables.length}`,
      dir,
    );
  }
  if (state.bestWeights && state.bestWeights.length !== state.variables.length) {
    throw new WeightsError(`saveCheckpoint: ${state.bestWeights.length} best weights for ${state.variables.length} variables`, dir);
  }
  const tensors: Record<string, tf.Tensor> = {};
  state.variables.forEach((t, i) => (tensors[`model/${i}`] = t));
  state.optimizer.slots.forEach((slots, i) => slots.forEach((t, j) => (tensors[`optimizer/${i}/${j}`] = t)));
  state.bestWeights?.forEach((t, i) => (tensors[`best/${i}`] = t));
  const meta: CheckpointMeta = {
    kind: KIND,
    version: VERSION,
    epoch: state.epoch,
    numVariables: state.variables.length,
    optimizerStep: state.optimizer.step,
    slotCounts: state.optimizer.slots.map((s) => s.length),
    hasBestWeights: state.bestWeights !== null,
    rngs: state.rngs,
    best: state.best,
    badValidations: state.badValidations,
    history: state.history,
    finished: state.finished,
    info: state.info,
  };
  await saveWeights(dir, tensors, meta);
}

/** True when `dir` holds a complete checkpoint (its manifest exists). */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  try {
    await fsp.access(path.join(dir, MANIFEST_FILE));
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint} onto the active backend.
 *
 * @param dir - checkpoint directory.
 * @returns the state; its tensors are owned by the caller ({@link disposeCheckpoint}).
 * @throws {@link WeightsError} when the directory is missing, not a checkpoint, or inconsistent.
 */
export async function loadCheckpoint(dir: string): Promise<CheckpointState> {
  const w = await loadWeights<CheckpointMeta>(dir);
  const file = path.join(dir, MANIFEST_FILE);
  try {
    const m = w.meta;
    if (m === null || typeof m !== 'object' || m.kind !== KIND) {
      throw new WeightsError(`${file}: meta.kind must be "${KIND}" (this is a weights directory, not a checkpoint)`, file);
    }
    if (m.version !== VERSION) throw new WeightsError(`${file}: meta.version must be ${VERSION}, got ${String(m.version)}`, file);
    const byName = new Map(w.names.map((n, i) => [n, w.tensors[i]]));
    const take = (name: string): tf.Tensor => {
      const t = byName.get(name);
      if (!t) throw new WeightsError(`${file}: tensor "${name}" missing from the checkpoint`, file);
      return t;
    };
    const variables = Array.from({ length: m.numVariables }, (_, i) => take(`model/${i}`));
    const slots = m.slotCounts.map((c, i) => Array.from({ length: c }, (_, j) => take(`optimizer/${i}/${j}`)));
    const bestWeights = m.hasBestWeights ? Array.from({ length: m.numVariables }, (_, i) => take(`best/${i}`)) : null;
    return {
      epoch: m.epoch,
      variables,
      optimizer: { step: m.optimizerStep, slots },
      rngs: m.rngs,
      best: m.best,
      bestWeights,
      badValidations: m.badValidations,
      history: m.history,
      finished: m.finished,
      info: m.info ?? {},
    };
  } catch (e) {
    tf.dispose(w.tensors);
    throw e;
  }
}

/** Frees every tensor of a checkpoint state. */
export function disposeCheckpoint(state: CheckpointState): void {
  tf.dispose(state.variables);
  state.optimizer.slots.forEach((s) => tf.dispose(s));
  if (state.bestWeights) tf.dispose(state.bestWeights);
}
