/** Where progress goes: anything with `write`, optionally a terminal (`isTTY`, `columns`). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** `true` forces progress on (even in CI), `false` turns it off, `'auto'` is on except in CI. */
export type ProgressMode = boolean | 'auto';

/** How progress is shown: a redrawn bar, plain periodic lines, or nothing. */
export type ProgressStyle = 'bar' | 'lines' | 'off';

/** Options for {@link Progress}. */
export interface ProgressOptions {
  /** On/off/auto; default `'auto'`. */
  mode?: ProgressMode;
  /** Output; default `process.stderr`. */
  stream?: ProgressStream;
  /** Seconds between plain lines when the stream is not a terminal; default 10. */
  lineInterval?: number;
  /** Seconds between bar redraws on a terminal; default 0.1. */
  barInterval?: number;
  /** Environment consulted for `CI`; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Clock in milliseconds; default `performance.now`. */
  now?: () => number;
}

/**
 * Decides how progress is shown: `'off'` when `mode` is false, or `'auto'` with `CI` set; otherwise a bar
 * on a terminal and plain lines elsewhere (pipes, files, CI logs when forced).
 */
export function progressStyle(
  mode: ProgressMode = 'auto',
  stream: ProgressStream = process.stderr,
  env: Record<string, string | undefined> = process.env,
): ProgressStyle {
  if (mode === false) return 'off';
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  if (mode === 'auto' && ci) return 'off';
  return stream.isTTY ? 'bar' : 'lines';
}

const fmtSeconds = (s: number): string => {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
};

/**
 * A small progress reporter for long loops (training epochs, benchmark cells). On a terminal it redraws
 * one line with `\r` (bar, count, rate, ETA, extra info); elsewhere it prints a plain line every
 * `lineInterval` seconds; in CI (mode `'auto'`) it prints nothing. {@link Progress.end} finishes the line
 * with a summary (printed in every style except `'off'`).
 *
 * ```ts
 * const p = new Progress(`epoch ${e}/${n}`, steps);
 * for (...) p.tick(1, `loss ${loss.toFixed(4)}`);
 * p.end(`epoch ${e}: loss ${mean.toFixed(4)}`);
 * ```
 */
export class Progress {
  /** The chosen style. */
  readonly style: ProgressStyle;
  private done = 0;
  private info = '';
  private readonly start: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly lineMs: number;
  private readonly barMs: number;

  /**
   * @param label - text before the bar (e.g. `epoch 3/20`).
   * @param total - expected number of ticks, if known (shows a bar, percentage and ETA).
   * @param opts - mode, stream and timing.
   */
  constructor(
    private readonly label: string,
    private readonly total?: number,
    opts: ProgressOptions = {},
  ) {
    this.stream = opts.stream ?? process.stderr;
    this.style = progressStyle(opts.mode ?? 'auto', this.stream, opts.env ?? process.env);
    this.now = opts.now ?? (() => performance.now());
    this.lineMs = (opts.lineInterval ?? 10) * 1000;
    this.barMs = (opts.barInterval ?? 0.1) * 1000;
    this.start = this.now();
    this.lastDraw = this.style === 'lines' ? this.start : -Infinity;
  }

  /** Advances by `n` and optionally replaces the info text (e.g. the running loss). */
  tick(n = 1, info?: string): void {
    this.update(this.done + n, info);
  }

  /** Sets the count to `done` and optionally the info text; redraws when due. */
  update(done: number, info?: string): void {
    this.done = done;
    if (info !== undefined) this.info = info;
    if (this.style === 'off') return;
    const t = this.now();
    const due = this.style === 'bar' ? t - this.lastDraw >= this.barMs : t - this.lastDraw >= this.lineMs;
    if (!due) return;
    this.lastDraw = t;
    if (this.style === 'bar') {
      this.stream.write(`\r${this.render(t)}\x1b[K`);
      this.drawn = true;
    } else {
      this.stream.write(`${this.render(t, false)}\n`);
    }
  }

  /** Prints a line without garbling the bar (the bar is redrawn on the next tick). */
  log(line: string): void {
    if (this.style === 'off') return;
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
    this.lastDraw = this.style === 'bar' ? -Infinity : this.lastDraw;
    this.stream.write(`${line}\n`);
  }

  /** Finishes: replaces the bar (or adds a line) with `summary`, default the final count and time. */
  end(summary?: string): void {
    if (this.style === 'off') return;
    const text = summary ?? `${this.label}: ${this.done}${this.total ? `/${this.total}` : ''} in ${fmtSeconds((this.now() - this.start) / 1000)}`;
    this.stream.write(this.style === 'bar' ? `\r${text}\x1b[K\n` : `${text}\n`);
    this.drawn = false;
  }

  private render(t: number, bar = true): string {
    const secs = (t - this.start) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const parts = [this.label];
    if (this.total && this.total > 0) {
      const frac = Math.min(1, this.done / this.total);
      if (bar) {
        const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - 60));
        const full = Math.round(frac * width);
        parts.push(`[${'#'.repeat(full)}${'-'.repeat(width - full)}]`);
      }
      parts.push(`${this.done}/${this.total} (${Math.round(frac * 100)}%)`);
      parts.push(`${rate.toFixed(1)} it/s`, `ETA ${fmtSeconds(rate > 0 ? (this.total - this.done) / rate : Infinity)}`);
    } else {
      parts.push(`${this.done}`, `${rate.toFixed(1)} it/s`, fmtSeconds(secs));
    }
    if (this.info) parts.push(this.info);
    return parts.join(' ');
  }
}
