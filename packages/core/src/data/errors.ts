/**
 * Typed errors for bad input data. Every loader reports a problem with the file, the 1-based line and the
 * field it was reading, and what it expected, so a user can open the file at the right place.
 * @module
 */

/** Longest excerpt of offending input quoted in an error message. */
const MAX_GOT = 60;

/** Constructor fields of a {@link DataFormatError}. */
export interface DataFormatErrorInit {
  /** Path of the file as given by the caller. */
  file: string;
  /** 1-based line number; `0` when the problem concerns the whole file (e.g. it does not exist). */
  line: number;
  /** Name of the field (column, key) being read, e.g. `"item"`, `"timestamp"`, `"header"`. */
  field: string;
  /** What was expected, phrased to follow "expected", e.g. `"an integer id"`. */
  expected: string;
  /** What was found instead (quoted in the message, shortened if long); omit when nothing was found. */
  got?: string;
  /** Underlying error, if any (e.g. from the CSV parser or the file system). */
  cause?: unknown;
}

/**
 * Bad input: a file that is malformed, truncated, empty or inconsistent with what the loader was told.
 * The message reads like `Beauty.txt:17: field "item" expected an integer id, got "abc"`.
 */
export class DataFormatError extends Error {
  override readonly name: string = 'DataFormatError';
  /** Path of the offending file, as given by the caller. */
  readonly file: string;
  /** 1-based line number, `0` for the file as a whole. */
  readonly line: number;
  /** Field (column or key) being read. */
  readonly field: string;
  /** What was expected. */
  readonly expected: string;
  /** What was found, if anything. */
  readonly got: string | undefined;

  /** @param init where the problem is and what was expected. */
  constructor(init: DataFormatErrorInit) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.file = init.file;
    this.line = init.line;
    this.field = init.field;
    this.expected = init.expected;
    this.got = init.got;
  }
}

/** The file given to a loader does not exist (or is not a readable file). `line` is `0`, `field` is `"path"`. */
export class DataFileNotFoundError extends DataFormatError {
  override readonly name: string = 'DataFileNotFoundError';
  /** @param file the missing path; @param cause the file-system error. */
  constructor(file: string, cause?: unknown, expected = 'an existing readable file') {
    super({ file, line: 0, field: 'path', expected, got: 'no such file', cause });
  }
}

function formatMessage(init: DataFormatErrorInit): string {
  const where = init.line > 0 ? `${init.file}:${init.line}` : init.file;
  const got = init.got === undefined ? '' : `, got ${quote(init.got)}`;
  return `${where}: field "${init.field}" expected ${init.expected}${got}`;
}

function quote(s: string): string {
  const short = s.length > MAX_GOT ? `${s.slice(0, MAX_GOT)}…` : s;
  return JSON.stringify(short);
}
