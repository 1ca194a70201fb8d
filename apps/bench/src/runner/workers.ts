/**
 * `--workers N`: this process and N − 1 more, started beside it on the same run, share the run's cells
 * (each claims a cell before training it, see `claims.ts`). The others are plain `--resume` runs of the same
 * command; their output goes to `<run>/.workers/worker-<k>.log`.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A worker process started beside this one. */
export interface Worker {
  /** 2, 3, …: this process is worker 1. */
  index: number;
  /** Its output. */
  log: string;
  child: ChildProcess;
  /** Resolves to its exit code (128 + signal number when killed by a signal). */
  exit: Promise<number>;
}

/** A worker's command line: this one's without `--workers`, resuming run `runId`, plain progress lines. */
export function workerArgv(argv: readonly string[], runId: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workers') i++;
    else if (!argv[i].startsWith('--workers=')) out.push(argv[i]);
  }
  return [...out, '--resume', '--run-id', runId, '--plain'];
}

/**
 * Starts `count` workers running this script (same Node flags, e.g. the TypeScript loader) with
 * {@link workerArgv}, output appended to `<runDir>/.workers/worker-<k>.log`.
 */
export function startWorkers(count: number, argv: readonly string[], runDir: string, runId: string): Worker[] {
  const dir = path.join(runDir, '.workers');
  fs.mkdirSync(dir, { recursive: true });
  return Array.from({ length: count }, (_, k) => {
    const index = k + 2;
    const log = path.join(dir, `worker-${index}.log`);
    const fd = fs.openSync(log, 'a');
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...workerArgv(argv, runId)], { stdio: ['ignore', fd, fd], env: process.env });
    fs.closeSync(fd);
    const exit = new Promise<number>((resolve) => {
      child.on('error', () => resolve(1));
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0)));
    });
    return { index, log, child, exit };
  });
}
