/**
 * What an experiment is: a typed config schema with defaults, the cells it runs ((model, seed) pairs, or
 * (model, backend) for speed), how to load its data once, how to run one cell, and what its report shows.
 * Each experiment is one file in `src/experiments/` exporting `defineExperiment({...})` as default, listed
 * by one line in `src/experiments/index.ts`.
 * @module
 */
import type { BackendName } from '@recsuite/core';
import path from 'node:path';
import type { ConfigOf, Schema } from './config/fields.js';
import type { CellProgress } from './progress/progress.js';
import type { ReportSection } from './report/sections.js';
import type { Table } from './report/table.js';
import type { Summary } from './runner/summary.js';

/** One unit of work: a model trained and evaluated under one seed (and, for speed, on one backend). */
export interface CellSpec {
  /** Model name as in summaries (`SASRec`, `BPR-MF`, `SASRec:ce`, ...). */
  model: string;
  /** Seed of everything random in the cell (initialisation, sampling, dropout). */
  seed: number;
  /** Backend this cell runs on, when the experiment compares backends; otherwise the run's backend. */
  backend?: BackendName;
}

/** One epoch of a training curve. */
export interface EpochLog {
  /** 1-based epoch. */
  epoch: number;
  /** Mean training loss over the epoch. */
  loss?: number;
  /** Epoch means of the loss's named parts (IaCN: `main`, `aux` = λ·L_aux), when the optimizer reports them. */
  lossParts?: Record<string, number>;
  /** Validation metrics, when evaluated after this epoch. */
  valid?: Record<string, number>;
  /** Wall seconds of the epoch's training. */
  seconds?: number;
}

/** What a finished cell reports; stored as one line of `results.jsonl`. */
export interface CellResult {
  /** Metric values by user group (`all` always) then metric name (`HR@10`, `AUC`, `epoch_s`, ...). */
  metrics: Record<string, Record<string, number>>;
  /** Per-epoch training log (training curves in the HTML report). */
  curve?: EpochLog[];
  /** Anything else worth keeping (best epoch, stopped early, sizes). JSON-serialisable. */
  info?: Record<string, unknown>;
}

/**
 * The model-selection part of a trained cell's `info`, as the shared training cells write it: the
 * selected epoch, its validation value, how many epochs ran, whether patience ended the run, and the epoch
 * a resumed cell continued from.
 */
export interface SelectionInfo {
  bestEpoch: number;
  bestValid: number;
  epochsRun: number;
  stoppedEarly: boolean;
  resumedFrom?: number;
}

/** A stored cell: the spec, its result and when it finished. */
export interface CellRecord extends CellSpec, CellResult {
  /** ISO time the cell finished. */
  finishedAt: string;
  /** Wall seconds the cell took (training and evaluation). */
  wallSeconds: number;
}

/** Context given to {@link Experiment.prepare}: load the data once per run. */
export interface PrepareContext<C> {
  /** The resolved, validated config. */
  config: C;
  /** The run directory (`<out>/<experiment>/<run-id>`), for files the protocol stores (evaluation negatives). */
  runDir: string;
  /** The run's backend. */
  backend: BackendName;
  /** Prints one line (stderr, above the progress bar). */
  log(line: string): void;
}

/** Context given to {@link Experiment.runCell}. */
export interface CellContext<C, D> extends PrepareContext<C> {
  /** What {@link Experiment.prepare} returned. */
  data: D;
  /** The cell to run. */
  cell: CellSpec;
  /** Aborted on Ctrl-C: check it between steps/epochs, or pass `throwIfAborted`. */
  signal: AbortSignal;
  /** Progress reporting for this cell. */
  progress: CellProgress;
  /**
   * A directory this cell may keep its training checkpoint in (`<run>/.checkpoints/<cell>`; not created).
   * A cell interrupted mid-training finds it again when the run is resumed, by any process; the runner
   * removes it once the cell's record is written. Absent: no checkpoints.
   */
  checkpointDir?: string;
}

/** How the evaluation was done, written into `config.json`, `summary.json` and the reports. */
export interface Protocol {
  /** One-line statement (goes into `summary.json`). */
  summary: string;
  /** The protocol written out, one point per line (reports). */
  details: string[];
}

/** Reference numbers shown beside ours (e.g. a paper's table). */
export interface Reference {
  /** Where they come from (`S3-Rec paper (CIKM 2020), full ranking`). */
  source: string;
  /** Values by model then metric (same spelling as our metrics). */
  values: Record<string, Record<string, number>>;
}

/** What the standard report shows. */
export interface Display {
  /** Metrics in the main table, in order (others are listed in a second table). */
  metrics: string[];
  /** Metrics drawn as bar charts with error bars (default: the first two of `metrics`). */
  chartMetrics?: string[];
  /** Validation metric of the training-curve chart (besides the loss). */
  curveMetric?: string;
  /** Reference numbers beside ours. */
  reference?: Reference;
  /** Digits after the decimal point (default 4). */
  digits?: number;
  /** A custom main table (replaces the per-metric results table; e.g. the speed experiment's). */
  table?(summary: Summary): Table;
}

/** A runnable experiment. */
export interface Experiment<S extends Schema = Schema, D = unknown> {
  /** CLI name (`default`, `baselines-beauty`). */
  name: string;
  /** One line for `pnpm bench list`. */
  description: string;
  /** `ready`, or `planned` (listed, fails with a clear line when run). */
  status: 'ready' | 'planned';
  /** Why a planned experiment cannot run yet (the missing package or model). */
  plannedReason?: string;
  /** Typed settings with defaults. Keys `seeds`, `epochs`, `dataset` are set by the flags of those names. */
  schema: S;
  /** Cross-field checks; throw a `ConfigError` naming the key. */
  validate?(config: ConfigOf<S>): void;
  /**
   * List settings that only choose which cells run (a sweep's values): `--resume` accepts them grown, as it
   * does `models`, and the run gains the new items' cells.
   */
  growable?: readonly string[];
  /**
   * Further files the config implies (beside its `file` fields, already resolved to absolute paths), each
   * with the config key it derives from; all must exist before any training starts.
   */
  requiredFiles?(config: ConfigOf<S>): Array<{ path: string; key: string }>;
  /** The cells to run, in order. */
  cells(config: ConfigOf<S>): CellSpec[];
  /**
   * Dataset name for summaries (`synthetic-markov(...)`, `amazon-beauty/Beauty.txt`, or the file given).
   * `dataDir` is the resolved data directory, to name files relative to it.
   */
  datasetName(config: ConfigOf<S>, dataDir: string): string;
  /** The evaluation protocol. */
  protocol(config: ConfigOf<S>): Protocol;
  /** Loads and splits the data once per run (shared by every cell). */
  prepare(ctx: PrepareContext<ConfigOf<S>>): Promise<D>;
  /** Trains and evaluates one cell. Must depend only on the config, the data and `cell.seed`. */
  runCell(ctx: CellContext<ConfigOf<S>, D>): Promise<CellResult>;
  /**
   * How many tensors `data` keeps alive between cells on purpose (a trained backbone shared by a seed's
   * cells). The runner checks that every cell leaves `tf.memory().numTensors` unchanged; tensors counted
   * here are left out of that check, so a cell that builds or frees shared state is not reported as a leak.
   */
  heldTensors?(data: D): number;
  /** What the standard report shows. */
  display: Display;
  /** Extra report sections (speed tables, sweeps, scatter plots). */
  sections?(summary: Summary, records: CellRecord[], config: ConfigOf<S>): ReportSection[];
}

/** Any experiment (the registry's element type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExperiment = Experiment<Schema, any>;

/**
 * Declares an experiment with full type inference of its config from `schema`.
 * @param def - the experiment.
 */
export function defineExperiment<S extends Schema, D>(def: Experiment<S, D>): Experiment<S, D> {
  return def;
}

/** Models × seeds, the usual cells; seeds are `0..seeds-1`. */
export function modelSeedCells(models: readonly string[], seeds: number): CellSpec[] {
  const out: CellSpec[] = [];
  for (const model of models) for (let seed = 0; seed < seeds; seed++) out.push({ model, seed });
  return out;
}

/** A dataset file named relative to the data directory when it lies inside it, else its absolute path. */
export function dataLabel(file: string, dataDir: string): string {
  const rel = path.relative(dataDir, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Key of a cell in `results.jsonl` (model, seed and backend). */
export function cellKey(c: CellSpec): string {
  return `${c.model}|${c.seed}|${c.backend ?? ''}`;
}
