/**
 * Field parsers shared by the loaders: each one either returns a value or throws a {@link DataFormatError}
 * naming the file, line and field.
 * @internal
 * @module
 */
import { DataFormatError } from '../errors.js';
import { IdMap } from '../idmap.js';
import { InteractionTableBuilder, type InteractionDataset } from '../schema.js';

/** Where a value came from, for error messages. */
export interface FieldLocation {
  file: string;
  line: number;
  field: string;
}

/** A finite number (integers, decimals, exponents; no empty strings, no `NaN`, no `Infinity`). */
export function parseFiniteNumber(s: string, at: FieldLocation): number {
  const t = s.trim();
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v)) throw new DataFormatError({ ...at, expected: 'a finite number', got: s });
  return v;
}

/** A non-negative integer written in plain digits. */
export function parseNonNegativeInt(s: string, at: FieldLocation, what = 'a non-negative integer'): number {
  if (!/^[0-9]{1,15}$/.test(s)) throw new DataFormatError({ ...at, expected: what, got: s });
  return Number(s);
}

/** A non-empty token (ids in atomic and delimited files are tokens: any text without the delimiter). */
export function parseToken(s: string, at: FieldLocation): string {
  const t = s.trim();
  if (t === '') throw new DataFormatError({ ...at, expected: 'a non-empty id', got: s });
  return t;
}

/** Column positions of an interaction record. */
export interface InteractionColumns {
  user: number;
  item: number;
  timestamp?: number;
  rating?: number;
  behaviour?: number;
}

/** Options of {@link InteractionRowReader}. */
export interface InteractionRowReaderOptions {
  /** Field names by column index (for messages). */
  names: readonly string[];
  /** Exact number of fields per record; `undefined` accepts more than the largest used column. */
  numFields?: number;
  /** Known behaviour values: anything else is an error. Without it the vocabulary grows as read. */
  behaviours?: readonly string[];
  /** Item raw ids must be positive integers and are kept as dense ids (no remapping). */
  rawItemIds?: boolean;
}

/** Turns records (arrays of field strings) into interaction rows with dense ids. */
export class InteractionRowReader {
  readonly users = new IdMap(0);
  readonly items: IdMap;
  private readonly builder: InteractionTableBuilder;
  private readonly behaviourIndex = new Map<string, number>();
  private readonly behaviourNames: string[] = [];
  private readonly fixedBehaviours: boolean;
  private readonly minFields: number;

  constructor(
    readonly file: string,
    readonly cols: InteractionColumns,
    readonly opts: InteractionRowReaderOptions,
  ) {
    this.items = opts.rawItemIds ? IdMap.identity(0, 1, 1) : new IdMap(1);
    this.builder = new InteractionTableBuilder({ rating: cols.rating !== undefined, behaviour: cols.behaviour !== undefined });
    this.fixedBehaviours = opts.behaviours !== undefined;
    for (const b of opts.behaviours ?? []) this.addBehaviour(b);
    this.minFields = 1 + Math.max(cols.user, cols.item, cols.timestamp ?? -1, cols.rating ?? -1, cols.behaviour ?? -1);
  }

  /** Number of rows read. */
  get length(): number {
    return this.builder.length;
  }

  /** Parses one record. */
  add(fields: readonly string[], line: number): void {
    const { file, cols, opts } = this;
    const need = opts.numFields ?? this.minFields;
    if (fields.length < need) {
      throw new DataFormatError({
        file,
        line,
        field: opts.names[fields.length] ?? `column ${fields.length + 1}`,
        expected: `a value (the line has ${fields.length} of ${need} fields)`,
        got: fields.join(' '),
      });
    }
    if (opts.numFields !== undefined && fields.length > opts.numFields) {
      throw new DataFormatError({
        file,
        line,
        field: `column ${opts.numFields + 1}`,
        expected: `no more than ${opts.numFields} fields`,
        got: fields.slice(opts.numFields).join(' '),
      });
    }
    const u = this.users.getOrAdd(this.token(fields, cols.user, line));
    let i: number;
    if (opts.rawItemIds) {
      const raw = fields[cols.item].trim();
      if (!/^[0-9]{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > 0x7fffffff) throw this.error(line, cols.item, 'a positive integer item id', fields[cols.item]);
      i = this.items.getOrAdd(String(Number(raw)));
    } else {
      i = this.items.getOrAdd(this.token(fields, cols.item, line));
    }
    const ts = cols.timestamp !== undefined ? this.number(fields, cols.timestamp, line) : this.builder.length;
    const rating = cols.rating !== undefined ? this.number(fields, cols.rating, line) : 0;
    let b = 0;
    if (cols.behaviour !== undefined) {
      const raw = fields[cols.behaviour].trim();
      let code = this.behaviourIndex.get(raw);
      if (code === undefined) {
        if (this.fixedBehaviours || raw === '') {
          throw this.error(
            line,
            cols.behaviour,
            this.fixedBehaviours ? `one of ${this.behaviourNames.map((x) => JSON.stringify(x)).join(', ')}` : 'a behaviour name',
            raw,
          );
        }
        if (this.behaviourNames.length >= 255) throw this.error(line, cols.behaviour, 'at most 255 distinct behaviour values', raw);
        code = this.addBehaviour(raw);
      }
      b = code;
    }
    this.builder.push(u, i, ts, rating, b);
  }

  private error(line: number, col: number, expected: string, got: string): DataFormatError {
    return new DataFormatError({ file: this.file, line, field: this.opts.names[col] ?? `column ${col + 1}`, expected, got });
  }

  private token(fields: readonly string[], col: number, line: number): string {
    const t = fields[col].trim();
    if (t === '') throw this.error(line, col, 'a non-empty id', fields[col]);
    return t;
  }

  private number(fields: readonly string[], col: number, line: number): number {
    const t = fields[col].trim();
    const v = t === '' ? NaN : Number(t);
    if (!Number.isFinite(v)) throw this.error(line, col, 'a finite number', fields[col]);
    return v;
  }

  /** The dataset read so far. */
  finish(): InteractionDataset {
    const interactions = this.builder.build(
      this.users.size,
      this.items.size,
      this.cols.behaviour !== undefined ? this.behaviourNames : undefined,
    );
    return { interactions, users: this.users, items: this.items };
  }

  private addBehaviour(b: string): number {
    const code = this.behaviourNames.length;
    this.behaviourNames.push(b);
    this.behaviourIndex.set(b, code);
    return code;
  }
}

/** Error for a file with no data at all. */
export function emptyFileError(file: string, field: string, expected: string): DataFormatError {
  return new DataFormatError({ file, line: 1, field, expected, got: 'end of file (the file is empty)' });
}
