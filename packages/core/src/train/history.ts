import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';

/** What happened in one epoch (also one line of the JSON-lines log). */
export interface EpochLog {
  /** Epoch number, 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  /** Epoch means of the loss's named parts, when the optimizer reports them (`Optimizer.lastLossParts`). */
  lossParts?: Record<string, number>;
  /** Optimizer steps taken. */
  steps: number;
  /** Training time in seconds (batches and steps, without validation). */
  seconds: number;
  /** Validation metrics, when the model was validated after this epoch. */
  validation?: Record<string, number>;
  /** Validation time in seconds, when validated. */
  validationSeconds?: number;
  /** True when this epoch's validation metric was the best so far. */
  best?: boolean;
}

/** One JSON line for the log (NaN/Infinity become null, as JSON has no such numbers). */
export function epochLogLine(log: EpochLog): string {
  return JSON.stringify(log) + '\n';
}

/** Replaces `file` atomically with one JSON line per entry of `history` (a fresh or resumed run). */
export async function writeLog(file: string, history: readonly EpochLog[]): Promise<void> {
  await writeFileAtomic(file, history.map(epochLogLine).join(''));
}

/** Appends one epoch's line to `file` (creating it and its directory when missing). */
export async function appendLog(file: string, log: EpochLog): Promise<void> {
  await fsp.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await fsp.appendFile(file, epochLogLine(log));
}

/**
 * Reads a JSON-lines epoch log written by `fit` (`logFile`).
 * @param file - the log file.
 * @throws Error naming the file and line when a line is not valid JSON.
 */
export async function readLog(file: string): Promise<EpochLog[]> {
  const text = await fsp.readFile(file, 'utf8');
  return text
    .split('\n')
    .map((l, i) => [l, i] as const)
    .filter(([l]) => l.trim() !== '')
    .map(([l, i]) => {
      try {
        return JSON.parse(l) as EpochLog;
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not a JSON line (${(e as Error).message})`);
      }
    });
}
