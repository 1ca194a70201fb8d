/**
 * `pnpm bench <experiment> --status`: where a run stands, read from its directory without training: cells
 * finished, cells running (the claims of live processes, since when), unfinished cells' training
 * checkpoints, and a rough time left.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { cellKey, type CellSpec } from '../experiment.js';
import { checkpointDir, liveClaims } from './claims.js';
import { readResults, recordsByCell } from './resultsLog.js';
import { latestRun, readRunConfig } from './runDir.js';

/** A cell being trained by a live process. */
export interface RunningCell {
  cell: string;
  pid: number;
  /** Seconds since it was claimed. */
  seconds: number;
}

/** The state of a run. */
export interface RunStatus {
  runId: string;
  runDir: string;
  total: number;
  done: number;
  running: RunningCell[];
  /** Live processes holding those cells. */
  processes: number;
  /** Cells neither finished nor running. */
  waiting: number;
  /**
   * Rough seconds left: each unfinished cell costs the mean wall time of its model's finished cells (else
   * of all finished cells), less the time a running cell has had; shared by the live processes (at least
   * one). Undefined before any cell finished.
   */
  secondsLeft?: number;
  /** Unfinished cells with a training checkpoint (running, or interrupted and waiting for `--resume`). */
  checkpoints: CheckpointedCell[];
}

/** An unfinished cell's training checkpoint. */
export interface CheckpointedCell {
  cell: string;
  /** The training phase checkpointed (`warm-up` epochs come before `selection`). */
  phase: 'warm-up' | 'selection';
  /** The last epoch finished within that phase. */
  epoch: number;
}

/** Reads the status of run `runId` (default: the latest) of experiment `name` under `outDir`. */
export function runStatus(outDir: string, name: string, runId?: string, now = Date.now()): RunStatus {
  const id = runId ?? latestRun(outDir, name);
  if (id === undefined) throw new UsageError(`--status: no run of "${name}" under ${outDir}`);
  const runDir = path.join(outDir, name, id);
  const stored = readRunConfig(runDir);
  if (!stored) throw new UsageError(`--status: ${runDir} holds no run (no config.json)`);
  const cells = (stored.cells as CellSpec[] | undefined) ?? [];
  const done = recordsByCell(readResults(path.join(runDir, 'results.jsonl')));
  // running cells by cell key
  const running = new Map<string, RunningCell>();
  for (const c of liveClaims(runDir)) {
    if (!done.has(c.key)) running.set(c.key, { cell: c.key.split('|').slice(0, 2).join(' seed '), pid: c.pid, seconds: Math.max(0, (now - Date.parse(c.at)) / 1000) });
  }
  const processes = new Set([...running.values()].map((r) => r.pid)).size;
  const finished = cells.filter((c) => done.has(cellKey(c)));
  const byModel = new Map<string, number[]>();
  for (const c of finished) {
    const w = done.get(cellKey(c))!.wallSeconds;
    byModel.set(c.model, [...(byModel.get(c.model) ?? []), w]);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const all = finished.map((c) => done.get(cellKey(c))!.wallSeconds);
  let secondsLeft: number | undefined;
  if (all.length) {
    let work = 0;
    for (const c of cells) {
      if (done.has(cellKey(c))) continue;
      const cost = mean(byModel.get(c.model) ?? all);
      work += Math.max(0, cost - (running.get(cellKey(c))?.seconds ?? 0));
    }
    secondsLeft = work / Math.max(1, processes);
  }
  const checkpoints: CheckpointedCell[] = [];
  for (const c of cells) {
    const key = cellKey(c);
    const at = done.has(key) ? undefined : checkpointAt(checkpointDir(runDir, key));
    if (at) checkpoints.push({ cell: `${c.model} seed ${c.seed}`, ...at });
  }
  return { runId: id, runDir, total: cells.length, done: finished.length, running: [...running.values()], processes, waiting: cells.length - finished.length - running.size, secondsLeft, checkpoints };
}

/** The last checkpointed epoch of an unfinished cell (its selection phase's, else its warm-up's), if any. */
function checkpointAt(dir: string): Omit<CheckpointedCell, 'cell'> | undefined {
  for (const phase of ['select', 'warmup'] as const) {
    try {
      const m = JSON.parse(fs.readFileSync(path.join(dir, phase, 'manifest.json'), 'utf8')) as { meta?: { epoch?: unknown } };
      if (typeof m.meta?.epoch === 'number') return { phase: phase === 'select' ? 'selection' : 'warm-up', epoch: m.meta.epoch };
    } catch {
      // no checkpoint of this phase
    }
  }
  return undefined;
}

const hm = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min` : `${Math.round(s / 60)} min`);

/** The status as printed lines. */
export function statusLines(s: RunStatus): string[] {
  return [
    `run ${s.runId} (${s.runDir}): ${s.done}/${s.total} cells finished, ${s.running.length} running, ${s.waiting} waiting`,
    ...s.running.map((r) => `  running: ${r.cell} (pid ${r.pid}, ${hm(r.seconds)})`),
    ...s.checkpoints.map((c) => `  checkpoint: ${c.cell} after epoch ${c.epoch} of its ${c.phase} phase (--resume continues it)`),
    s.done === s.total
      ? 'complete'
      : s.secondsLeft === undefined
        ? 'time left: unknown until a cell finishes'
        : `time left: about ${hm(s.secondsLeft)} with ${Math.max(1, s.processes)} process(es) (mean wall time of finished cells per model)`,
  ];
}
