/**
 * Errors the bench CLI reports as one readable line on stderr with exit code 2, before any training.
 * Anything else that escapes is a bug and is printed with its stack.
 * @module
 */

/** Base class of every user-facing bench error (bad flag, bad config, missing file, planned experiment). */
export class BenchError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A bad command line: unknown flag, missing or malformed value, unknown experiment. */
export class UsageError extends BenchError {}

/** A bad experiment configuration value; `key` names the config key. */
export class ConfigError extends BenchError {
  /**
   * @param key - the config key at fault (e.g. `epochs`).
   * @param message - what is wrong and what was expected.
   */
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config key "${key}": ${message}`);
  }
}

/** A dataset file or data directory that does not exist; `path` is the missing path. */
export class MissingDataError extends BenchError {
  /**
   * @param path - the missing path.
   * @param hint - how to point the bench at the data.
   */
  constructor(
    readonly path: string,
    hint: string,
  ) {
    super(`missing data: ${path} does not exist (${hint})`);
  }
}

/** An experiment that is planned but whose models or package do not exist yet. */
export class NotImplementedError extends BenchError {}

/** Thrown inside a cell when the run was interrupted (Ctrl-C); the cell is discarded, finished cells stay. */
export class InterruptedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'InterruptedError';
  }
}

/** A cell threw: the run stops, finished cells stay on disk (`--resume` continues after a fix). */
export class CellFailedError extends Error {
  /**
   * @param cellLabel - which cell (`SASRec seed 1`).
   * @param cause - what it threw.
   */
  constructor(
    readonly cellLabel: string,
    override readonly cause: unknown,
  ) {
    super(`${cellLabel} failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'CellFailedError';
  }
}
