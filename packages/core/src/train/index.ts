/**
 * Training: the `fit` loop (validation, early stopping, restore-best, checkpoints that resume to the same
 * weights, NaN/Inf guard, tensor-leak check, JSON-lines log, progress), backend-independent weight files,
 * atomic directory/file writes, and the ranking evaluation driver for next-item models.
 * @packageDocumentation
 */
export { writeDirAtomic, writeFileAtomic } from './atomic.js';
export {
  MANIFEST_FILE,
  WEIGHTS_FILE,
  WeightsError,
  assignWeights,
  loadWeights,
  loadSavedModel,
  loadWeightsInto,
  readManifest,
  saveWeights,
} from './weights.js';
export type { AssignWeightsOptions, LoadedWeights, SaveWeightsOptions, WeightDType, WeightEntry, WeightsManifest } from './weights.js';
export { disposeCheckpoint, hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export type { BestSoFar, CheckpointState } from './checkpoint.js';
export { appendLog, epochLogLine, readLog, writeLog } from './history.js';
export type { EpochLog } from './history.js';
export { Progress, progressStyle } from './progress.js';
export type { ProgressMode, ProgressOptions, ProgressStream, ProgressStyle } from './progress.js';
export { NonFiniteLossError, TensorLeakError, fit } from './fit.js';
export type { FitOptions, FitResult, TrainableModel } from './fit.js';
export { evaluateRanking } from './evaluate.js';
export type { EvaluateRankingOptions, RankingEvaluation } from './evaluate.js';
