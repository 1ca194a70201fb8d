/**
 * The runner: validates the config (before anything heavy), prepares the run directory, loads the data
 * once, runs each (model, seed) cell that is not finished yet, appends its record to `results.jsonl`, and
 * writes `summary.json`, `report.md` and `report.html` (also after Ctrl-C, for the finished cells).
 * @module
 */
import { initBackend, type BackendName } from '@recsuite/core';
import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs';
import path from 'node:path';
import type { ConfigLayer } from '../config/resolve.js';
import { resolveConfig, resolveFiles } from '../config/resolve.js';
import { CellFailedError, InterruptedError, MissingDataError, NotImplementedError, UsageError } from '../errors.js';
import { cellKey, type AnyExperiment, type CellRecord, type CellSpec } from '../experiment.js';
import { DEFAULT_OUT_DIR, dataDir as resolveDataDir } from '../paths.js';
import { RunProgress } from '../progress/progress.js';
import { writeReports } from './reports.js';
import { appendResult, readResults, recordsByCell, trimPartialLine } from './resultsLog.js';
import { checkpointDir, claimCell, othersAtWork, tidyClaims } from './claims.js';
import { checkRunId, checkSameConfig, latestRun, newRunId, readRunConfig, type RunGrowth } from './runDir.js';
import { summarize, type Summary } from './summary.js';
import { versions } from './versions.js';
import { writeJsonAtomic } from './atomic.js';

/** Options of {@link planRun} and {@link runExperiment}. */
export interface RunOptions {
  /** Config value sources over the defaults (config file, `--set`, `--seeds`/`--epochs`/`--dataset`). */
  layers?: ConfigLayer[];
  /** `--data-dir`. */
  dataDir?: string;
  /** `--backend` (default: core's choice order). */
  backend?: BackendName;
  /** `--out` (default `<repo>/bench-out`). */
  outDir?: string;
  /** `--resume`: continue a run from its stored settings (`layers` go over them), skipping finished cells. */
  resume?: boolean;
  /** `--run-id` (default: a new time-based id, or the latest run when resuming). */
  runId?: string;
  /**
   * Run only the cells of these seeds (`--only-seeds`); the run's other cells are left to another process
   * (or a later `--resume`). Several processes may share one run directory this way: each appends its own
   * records, and the reports are written from every finished record in `results.jsonl`.
   */
  onlySeeds?: readonly number[];
  /** Run only the cells of these models (`--only-models`; cell names as in results.jsonl), the same way. */
  onlyModels?: readonly string[];
  /** Stop after running this many new cells, as if interrupted (tests). */
  maxCells?: number;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
  /** No progress output (tests). */
  quiet?: boolean;
  /** Force progress bars on/off (default: on a TTY). */
  tty?: boolean;
  /** Where one-off lines go (default stderr). */
  log?: (line: string) => void;
  /** The command line, recorded in config.json and the reports. */
  command?: string;
  /**
   * Called once the run directory holds the run's config (new, resumed or grown), before any data is
   * loaded: other processes may join the run from then on (`--workers`).
   */
  onReady?: (run: { runDir: string; runId: string }) => void;
  /** Run no cell: only (re)write the reports from the finished records (the run must exist). */
  reportOnly?: boolean;
}

/** A validated run, ready to execute: nothing heavy has happened yet. */
export interface RunPlan {
  experiment: AnyExperiment;
  config: Record<string, unknown>;
  cells: CellSpec[];
  outDir: string;
  dataDir: { dir: string; source: string };
}

/** What {@link runExperiment} did. */
export interface RunOutcome {
  runDir: string;
  runId: string;
  summary: Summary;
  /** Every cell finished. */
  complete: boolean;
  /** Every cell this process was asked to run finished (= `complete` without `onlySeeds`/`onlyModels`). */
  ownComplete: boolean;
  /** Stopped by Ctrl-C (or `maxCells`). */
  interrupted: boolean;
  cellsDone: number;
  cellsTotal: number;
  /** Cells this process skipped because another process held them, still unfinished at the end. */
  heldElsewhere: number;
  /** Records in cell order. */
  records: CellRecord[];
  /**
   * Cells run by this process that left more tensors allocated than they found (beside those the
   * experiment declares held: its `heldTensors`); each is also logged as a warning.
   */
  leaks: Array<{ cell: string; tensors: number }>;
}

/**
 * On a resume (and a report-only pass): the settings stored in the run's `config.json` (`runId`, else the
 * latest run), as the lowest layer, so the other layers need only name what changes (a grown sweep, more
 * models). Keys the experiment no longer has are left to the resume check. Null when there is no such run
 * ({@link runExperiment} then says so).
 */
function storedRunLayer(experiment: AnyExperiment, opts: RunOptions): ConfigLayer | null {
  if (!opts.resume) return null;
  const outDir = path.resolve(opts.outDir ?? DEFAULT_OUT_DIR);
  const runId = opts.runId !== undefined ? checkRunId(opts.runId) : latestRun(outDir, experiment.name);
  if (runId === undefined) return null;
  const stored = readRunConfig(path.join(outDir, experiment.name, runId));
  if (!stored) return null;
  const values = Object.fromEntries(Object.entries(stored.config).filter(([k]) => k in experiment.schema));
  return { source: `run ${runId}'s config.json`, values };
}

/**
 * Resolves and validates everything that can be checked without training: config keys and types (over the
 * stored settings when resuming), cross-field rules, dataset files, planned status. Throws `BenchError`s
 * with one readable line.
 */
export function planRun(experiment: AnyExperiment, opts: RunOptions = {}): RunPlan {
  const stored = storedRunLayer(experiment, opts);
  const raw = resolveConfig(experiment.name, experiment.schema, [...(stored ? [stored] : []), ...(opts.layers ?? [])]);
  experiment.validate?.(raw);
  const dd = resolveDataDir(opts.dataDir);
  const config = resolveFiles(experiment.schema, raw, dd);
  for (const f of experiment.requiredFiles?.(config) ?? []) {
    if (!fs.existsSync(f.path)) throw new MissingDataError(f.path, `needed by config key "${f.key}"`);
  }
  if (experiment.status === 'planned') {
    throw new NotImplementedError(`experiment "${experiment.name}" is not implemented yet: ${experiment.plannedReason ?? 'its models do not exist yet'}`);
  }
  const cells = experiment.cells(config);
  if (cells.length === 0) throw new UsageError(`experiment "${experiment.name}" has no cells to run with this config`);
  return { experiment, config, cells, outDir: path.resolve(opts.outDir ?? DEFAULT_OUT_DIR), dataDir: dd };
}

const cellLabel = (c: CellSpec): string => `${c.model} seed ${c.seed}${c.backend ? ` on ${c.backend}` : ''}`;

/** One-line result of a cell for the progress log: its first display metrics. */
function shortResult(rec: CellRecord, metrics: readonly string[]): string {
  const all = rec.metrics.all ?? {};
  const shown = metrics.filter((m) => all[m] !== undefined);
  const parts = (shown.length ? shown : Object.keys(all))
    .slice(0, 3)
    .map((m) => `${m} ${Number.isInteger(all[m]) ? all[m] : all[m].toPrecision(4)}`);
  return parts.length ? parts.join(', ') : 'done';
}

/**
 * Runs (or resumes) an experiment end to end.
 * @param plan - from {@link planRun}.
 * @param opts - the same options given to {@link planRun}.
 */
export async function runExperiment(plan: RunPlan, opts: RunOptions = {}): Promise<RunOutcome> {
  const { experiment: exp, config, cells } = plan;
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const signal = opts.signal ?? new AbortController().signal;
  const only = opts.onlySeeds ? new Set(opts.onlySeeds) : null;
  if (only) {
    const seeds = new Set(cells.map((c) => c.seed));
    const missing = [...only].filter((s) => !seeds.has(s));
    if (missing.length) throw new UsageError(`--only-seeds: the run has no seed ${missing.join(', ')} (its seeds: ${[...seeds].join(', ')}); raise --seeds`);
  }
  const onlyModels = opts.onlyModels ? new Set(opts.onlyModels) : null;
  if (onlyModels) {
    const models = [...new Set(cells.map((c) => c.model))];
    const missing = [...onlyModels].filter((m) => !models.includes(m));
    if (missing.length) throw new UsageError(`--only-models: the run has no cells of ${missing.map((m) => `"${m}"`).join(', ')} (its models: ${models.join(', ')})`);
  }
  const mine = (c: CellSpec): boolean => (!only || only.has(c.seed)) && (!onlyModels || onlyModels.has(c.model));

  let runId = opts.runId !== undefined ? checkRunId(opts.runId) : undefined;
  if (opts.resume && runId === undefined) {
    runId = latestRun(plan.outDir, exp.name);
    if (runId === undefined) throw new UsageError(`--resume: no earlier run of "${exp.name}" under ${plan.outDir}`);
  }
  runId ??= newRunId();
  const runDir = path.join(plan.outDir, exp.name, runId);
  const stored = readRunConfig(runDir);
  if (opts.resume && !stored) throw new UsageError(`--resume: ${runDir} holds no run (no config.json)`);
  if (!opts.resume && stored) throw new UsageError(`${runDir} already holds a run: pass --resume to continue it, or another --run-id`);

  const backend = await initBackend(opts.backend, { logger: log, log: !opts.quiet });
  let growth: RunGrowth = { modelsAdded: [], grown: {} };
  if (stored) {
    const defaults = Object.fromEntries(Object.entries(exp.schema).map(([k, f]) => [k, f.default]));
    growth = checkSameConfig(stored, config, backend, defaults, exp.growable ?? []);
  }

  const protocol = exp.protocol(config);
  const dataset = exp.datasetName(config, plan.dataDir.dir);
  // a report-only pass keeps the command that made the run in its reports
  const command = opts.reportOnly && typeof stored?.command === 'string' ? stored.command : (opts.command ?? `pnpm bench ${exp.name}`);
  const vers = versions();
  fs.mkdirSync(runDir, { recursive: true });
  if (!stored) {
    writeJsonAtomic(path.join(runDir, 'config.json'), {
      experiment: exp.name,
      description: exp.description,
      runId,
      dataset,
      backend,
      protocol,
      config,
      seeds: [...new Set(cells.map((c) => c.seed))],
      cells,
      versions: vers,
      node: process.version,
      command,
      dataDir: plan.dataDir.dir,
      createdAt: new Date().toISOString(),
    });
  } else if (Object.keys(growth.grown).length > 0) {
    // the run gains cells: record the grown settings, the new cells and protocol, and when, and by which command, it grew
    const had = new Set(((stored.cells as CellSpec[] | undefined) ?? []).map(cellKey));
    const cellsAdded = cells.filter((c) => !had.has(cellKey(c))).length;
    const grownTo = Object.fromEntries(Object.entries(growth.grown).map(([k, g]) => [k, g.to]));
    const record = { ...(growth.modelsAdded.length ? { modelsAdded: growth.modelsAdded } : {}), grown: growth.grown, cellsAdded, command, at: new Date().toISOString() };
    const extended = [...((stored.extended as unknown[] | undefined) ?? []), record];
    writeJsonAtomic(path.join(runDir, 'config.json'), { ...stored, protocol, config: { ...stored.config, ...grownTo }, cells, extended });
    if (!opts.quiet) log(`${exp.name}: run ${runId} gains ${cellsAdded} cell(s): ${Object.entries(growth.grown).map(([k, g]) => `${k} ${JSON.stringify(g.from)} → ${JSON.stringify(g.to)}`).join('; ')}`);
  }

  opts.onReady?.({ runDir, runId });
  const resultsFile = path.join(runDir, 'results.jsonl');
  // a crash may have left a partial last line; while another process is in a cell it may be mid-append instead
  if (othersAtWork(runDir) === 0) trimPartialLine(resultsFile);
  const wanted = new Set(cells.map(cellKey));
  const done = recordsByCell(readResults(resultsFile).filter((r) => wanted.has(cellKey(r))));
  const progress = new RunProgress({ totalCells: cells.length, doneCells: done.size, quiet: opts.quiet, tty: opts.tty });
  const say = (l: string) => (opts.quiet ? undefined : progress.log(l));
  if (done.size > 0) say(`${exp.name}: resuming ${runId}, ${done.size}/${cells.length} cells already finished`);
  else say(`${exp.name}: run ${runId} → ${runDir}`);

  let interrupted = false;
  let failure: unknown;
  let ranNew = 0;
  let data: unknown;
  const leaks: RunOutcome['leaks'] = [];
  // Tensors not owned by the experiment's shared data: what a cell must leave unchanged.
  const loose = (): number => tf.memory().numTensors - (data !== undefined ? (exp.heldTensors?.(data) ?? 0) : 0);
  const claimedElsewhere = new Set<string>();
  /** Trains and records one claimed cell; false when interrupted (the cell is discarded). */
  const runOne = async (cell: CellSpec): Promise<boolean> => {
    const cellBackend = cell.backend ?? backend;
    if (cellBackend !== tf.getBackend()) await initBackend(cellBackend, { log: false });
    const before = loose();
    const t0 = performance.now();
    const cp = progress.startCell(cellLabel(cell));
    const ckDir = checkpointDir(runDir, cellKey(cell));
    let result;
    try {
      result = await exp.runCell({ config, runDir, backend: cellBackend, log: say, data, cell, signal, progress: cp, checkpointDir: ckDir });
    } catch (e) {
      if (e instanceof InterruptedError || signal.aborted) {
        const kept = fs.existsSync(ckDir) ? '; its training checkpoint is kept, so --resume continues it' : ', discarded';
        progress.log(`${cellLabel(cell)}: interrupted${kept}`);
        return false;
      }
      throw new CellFailedError(cellLabel(cell), e);
    }
    const rec: CellRecord = { ...cell, ...result, finishedAt: new Date().toISOString(), wallSeconds: (performance.now() - t0) / 1000 };
    appendResult(resultsFile, rec);
    fs.rmSync(ckDir, { recursive: true, force: true });
    done.set(cellKey(cell), rec);
    ranNew++;
    progress.endCell(shortResult(rec, exp.display.metrics));
    const leaked = loose() - before;
    if (leaked > 0) {
      leaks.push({ cell: cellLabel(cell), tensors: leaked });
      say(`warning: ${cellLabel(cell)} left ${leaked} tensors allocated (a leak in the model or the cell)`);
    }
    return true;
  };
  try {
    if (!opts.reportOnly && cells.some((c) => mine(c) && !done.has(cellKey(c)))) {
      const prepareCtx = { config, runDir, backend, log: say };
      data = await exp.prepare(prepareCtx);
    }
    for (const cell of opts.reportOnly ? [] : cells) {
      if (done.has(cellKey(cell)) || !mine(cell)) continue;
      if (signal.aborted || (opts.maxCells !== undefined && ranNew >= opts.maxCells)) {
        interrupted = true;
        break;
      }
      // another process working on the same run may hold this cell, or have finished it since we looked
      const release = claimCell(runDir, cellKey(cell));
      if (!release) {
        claimedElsewhere.add(cellKey(cell));
        continue;
      }
      try {
        const finishedMeanwhile = readResults(resultsFile).find((r) => cellKey(r) === cellKey(cell));
        if (finishedMeanwhile) done.set(cellKey(cell), finishedMeanwhile);
        else if (!(await runOne(cell))) {
          interrupted = true;
          break;
        }
      } finally {
        release();
      }
    }
  } catch (e) {
    failure = e;
  } finally {
    progress.close();
    tidyClaims(runDir);
    if (tf.getBackend() !== backend) await initBackend(backend, { log: false });
  }

  // Other processes on the same run (claims, --only-seeds) may have finished cells meanwhile: report them too.
  for (const r of readResults(resultsFile)) if (wanted.has(cellKey(r)) && !done.has(cellKey(r))) done.set(cellKey(r), r);
  const heldElsewhere = [...claimedElsewhere].filter((k) => !done.has(k)).length;
  if (heldElsewhere > 0) say(`${exp.name}: ${heldElsewhere} cell(s) still held by other processes working on ${runId}`);
  const ownComplete = cells.every((c) => !mine(c) || done.has(cellKey(c)));
  const records = cells.map((c) => done.get(cellKey(c))).filter((r): r is CellRecord => r !== undefined);
  const summary = summarize({ experiment: exp.name, dataset, protocol: protocol.summary, backend }, records);
  if (records.length > 0 || !failure) {
    writeReports({
      runDir,
      experiment: exp,
      config,
      summary,
      records,
      meta: {
        experiment: exp.name,
        description: exp.description,
        runId,
        dataset,
        backend,
        protocol,
        config,
        versions: vers,
        command,
        cellsDone: records.length,
        cellsTotal: cells.length,
        writtenAt: new Date().toISOString(),
      },
    });
  }
  if (failure) throw failure;
  if (signal.aborted) interrupted = true;
  return { runDir, runId, summary, complete: records.length === cells.length, ownComplete, interrupted, cellsDone: records.length, cellsTotal: cells.length, heldElsewhere, records, leaks };
}
