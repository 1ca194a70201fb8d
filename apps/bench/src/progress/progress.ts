/**
 * Run progress on stderr: a redrawn bar on a terminal, plain periodic lines otherwise (CI, pipes, files).
 * The runner owns a {@link RunProgress}; each cell gets a {@link CellProgress} to report epochs and steps.
 * @module
 */

import { progressStyle } from '@recsuite/core';

/** Progress reporting handed to a running cell. */
export interface CellProgress {
  /** An epoch starts (1-based) out of at most `maxEpochs`. */
  epoch(epoch: number, maxEpochs: number): void;
  /** Steps done within the current epoch (or phase). */
  step(done: number, total: number): void;
  /** A short status (`loss 0.512 · valid NDCG@10 0.121`); in plain mode printed at most every interval. */
  note(text: string): void;
  /** A phase name (`training`, `evaluating`, `python --threads 1`). */
  phase(name: string): void;
}

/** Options of {@link RunProgress}. */
export interface RunProgressOptions {
  /** Number of cells in the run (including ones already finished). */
  totalCells: number;
  /** Cells already finished (resume). */
  doneCells?: number;
  /** Output stream (default `process.stderr`). */
  stream?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean; columns?: number };
  /** Force bar (true) or plain lines (false); default: bars when the stream is a TTY and `CI` is unset. */
  tty?: boolean;
  /** Plain mode: minimum milliseconds between periodic lines (default 10 000). */
  intervalMs?: number;
  /** Silence everything (tests). */
  quiet?: boolean;
}

const bar = (frac: number, width: number): string => {
  const f = Math.max(0, Math.min(1, Number.isFinite(frac) ? frac : 0));
  const full = Math.round(f * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
};

const fmtTime = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/** Progress of a whole run. */
export class RunProgress {
  private readonly stream: NonNullable<RunProgressOptions['stream']>;
  private readonly tty: boolean;
  private readonly interval: number;
  private readonly quiet: boolean;
  private readonly total: number;
  private done: number;
  private label = '';
  private ep = 0;
  private maxEp = 0;
  private stepDone = 0;
  private stepTotal = 0;
  private status = '';
  private phaseName = '';
  private lastDraw = 0;
  private lastLine = 0;
  private drawn = false;
  private readonly t0 = Date.now();
  private cellT0 = Date.now();

  /** @param opts - cell counts and output mode. */
  constructor(opts: RunProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    // core's rule (bar on a terminal, plain lines elsewhere), but never silent: CI logs get plain lines.
    this.tty = opts.tty ?? progressStyle(true, this.stream) === 'bar';
    this.interval = opts.intervalMs ?? 10_000;
    this.quiet = opts.quiet ?? false;
    this.total = opts.totalCells;
    this.done = opts.doneCells ?? 0;
  }

  /** Prints a line without breaking the bar. */
  log(line: string): void {
    if (this.quiet) return;
    this.clear();
    this.stream.write(`${line}\n`);
    this.draw(true);
  }

  /** A cell starts; returns its progress handle. */
  startCell(label: string): CellProgress {
    this.label = label;
    this.ep = this.maxEp = this.stepDone = this.stepTotal = 0;
    this.status = this.phaseName = '';
    this.cellT0 = Date.now();
    if (!this.tty) this.plain(`[${this.done + 1}/${this.total}] ${label}: started`);
    this.draw(true);
    return {
      epoch: (e, m) => {
        this.ep = e;
        this.maxEp = m;
        this.stepDone = this.stepTotal = 0;
        this.draw(false);
      },
      step: (d, t) => {
        this.stepDone = d;
        this.stepTotal = t;
        this.draw(false);
      },
      note: (text) => {
        this.status = text;
        this.draw(false);
        if (!this.tty && Date.now() - this.lastLine >= this.interval) {
          this.plain(`[${this.done + 1}/${this.total}] ${label}: ${this.where()} ${text}`.trimEnd());
        }
      },
      phase: (name) => {
        this.phaseName = name;
        this.draw(true);
      },
    };
  }

  /** A cell finished (or was skipped); `result` is a one-line summary. */
  endCell(result: string): void {
    this.done++;
    const took = fmtTime(Date.now() - this.cellT0);
    const label = this.label;
    this.label = ''; // no bar between cells
    this.log(`[${this.done}/${this.total}] ${label}: ${result} (${took})`);
  }

  /** Removes the bar (end of run or interrupt). */
  close(): void {
    this.clear();
  }

  private where(): string {
    const parts: string[] = [];
    if (this.phaseName) parts.push(this.phaseName);
    if (this.maxEp > 0) parts.push(`epoch ${this.ep}/${this.maxEp}`);
    return parts.join(' ');
  }

  private plain(line: string): void {
    if (this.quiet) return;
    this.lastLine = Date.now();
    this.stream.write(`${line}\n`);
  }

  private clear(): void {
    if (this.tty && this.drawn && !this.quiet) {
      this.stream.write('\r\x1b[2K');
      this.drawn = false;
    }
  }

  private draw(force: boolean): void {
    if (!this.tty || this.quiet || !this.label) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const cols = (this.stream as NodeJS.WriteStream).columns ?? 100;
    const overall = (this.done + (this.maxEp > 0 ? (this.ep - 1 + (this.stepTotal ? this.stepDone / this.stepTotal : 0)) / this.maxEp : 0)) / this.total;
    let line = `${bar(overall, 16)} ${this.done}/${this.total} cells ${fmtTime(now - this.t0)} │ ${this.label}`;
    const w = this.where();
    if (w) line += ` │ ${w}`;
    if (this.stepTotal > 0) line += ` ${bar(this.stepDone / this.stepTotal, 10)} ${this.stepDone}/${this.stepTotal}`;
    if (this.status) line += ` │ ${this.status}`;
    if (line.length > cols - 1) line = `${line.slice(0, cols - 2)}…`;
    this.stream.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }
}
