/**
 * Typed config fields: each experiment declares its settings as a record of fields with defaults, and
 * gets back a typed, validated config (`ConfigOf<typeof schema>`). A field checks JSON values (config
 * files) and parses command-line text (`--set key=value`), naming the key in every error.
 * @module
 */
import { ConfigError } from '../errors.js';

/** One typed config setting. */
export interface Field<T> {
  /** Type name shown in `--help` output (`int`, `number`, `list`, `file`, ...). */
  readonly kind: string;
  /** Default value. */
  readonly default: T;
  /** One-line description. */
  readonly doc: string;
  /** What a valid value looks like, for error messages (`an integer ≥ 1`). */
  readonly expected: string;
  /** True for dataset paths: resolved against the data directory and checked to exist before training. */
  readonly isFile?: boolean;
  /** Validates a JSON value (from a config file or a default); throws {@link ConfigError} naming `key`. */
  check(value: unknown, key: string): T;
  /** Parses command-line text; throws {@link ConfigError} naming `key`. */
  parse(text: string, key: string): T;
}

/** A record of fields: an experiment's config schema. */
export type Schema = Record<string, Field<unknown>>;

/** The typed config a schema describes. */
export type ConfigOf<S extends Schema> = { -readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

function bad(key: string, expected: string, got: unknown): never {
  throw new ConfigError(key, `expected ${expected}, got ${show(got)}`);
}

function rangeText(base: string, min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `${base} in [${min}, ${max}]`;
  if (min !== undefined) return `${base} ≥ ${min}`;
  if (max !== undefined) return `${base} ≤ ${max}`;
  return base;
}

/** Options of numeric fields. */
export interface NumberOptions {
  /** Smallest allowed value. */
  min?: number;
  /** Largest allowed value. */
  max?: number;
  /** One-line description. */
  doc?: string;
}

function numeric(kind: 'int' | 'number', def: number, opts: NumberOptions): Field<number> {
  const expected = rangeText(kind === 'int' ? 'an integer' : 'a number', opts.min, opts.max);
  const check = (v: unknown, key: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (kind === 'int' && !Number.isInteger(v))) bad(key, expected, v);
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) bad(key, expected, v);
    return v;
  };
  return {
    kind,
    default: def,
    doc: opts.doc ?? '',
    expected,
    check,
    parse: (text, key) => {
      const t = text.trim();
      const v = t === '' ? NaN : Number(t);
      if (!Number.isFinite(v)) bad(key, expected, text);
      return check(v, key);
    },
  };
}

/** An integer setting. */
export const int = (def: number, opts: NumberOptions = {}): Field<number> => numeric('int', def, opts);

/** A real-valued setting. */
export const num = (def: number, opts: NumberOptions = {}): Field<number> => numeric('number', def, opts);

/** A boolean setting (`true`/`false`, also `1`/`0`, `yes`/`no` on the command line). */
export function bool(def: boolean, doc = ''): Field<boolean> {
  const expected = 'true or false';
  return {
    kind: 'bool',
    default: def,
    doc,
    expected,
    check: (v, key) => (typeof v === 'boolean' ? v : bad(key, expected, v)),
    parse: (text, key) => {
      const t = text.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(t)) return true;
      if (['false', '0', 'no'].includes(t)) return false;
      return bad(key, expected, text);
    },
  };
}

/** A free-form string setting. */
export function str(def: string, doc = ''): Field<string> {
  const expected = 'a string';
  return {
    kind: 'string',
    default: def,
    doc,
    expected,
    check: (v, key) => (typeof v === 'string' ? v : bad(key, expected, v)),
    parse: (text) => text,
  };
}

/** One value out of a fixed set. */
export function oneOf<const V extends string>(values: readonly V[], def: V, doc = ''): Field<V> {
  const expected = `one of ${values.join(', ')}`;
  const check = (v: unknown, key: string): V => (typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as V) : bad(key, expected, v));
  return { kind: `${values.join('|')}`, default: def, doc, expected, check, parse: (t, key) => check(t.trim(), key) };
}

/**
 * A non-empty list of distinct names (command line: comma-separated), each checked by `checkItem`, which
 * throws a {@link ConfigError} naming `key` for a name it does not accept; `expected` describes a valid list.
 */
export function nameList(def: readonly string[], checkItem: (name: string, key: string) => void, expected: string, doc = ''): Field<string[]> {
  const check = (v: unknown, key: string): string[] => {
    if (!Array.isArray(v) || v.length === 0) bad(key, expected, v);
    const seen = new Set<string>();
    for (const x of v) {
      if (typeof x !== 'string') bad(key, expected, v);
      checkItem(x, key);
      if (seen.has(x)) throw new ConfigError(key, `value ${show(x)} appears twice`);
      seen.add(x);
    }
    return [...(v as string[])];
  };
  return {
    kind: 'list',
    default: [...def],
    doc,
    expected,
    check,
    parse: (t, key) => check(t.split(',').map((s) => s.trim()).filter((s) => s !== ''), key),
  };
}

/** A non-empty list of distinct values out of a fixed set (command line: comma-separated). */
export function subsetOf<const V extends string>(values: readonly V[], def: readonly V[], doc = ''): Field<V[]> {
  const accept = (x: string, key: string) => {
    if (!(values as readonly string[]).includes(x)) throw new ConfigError(key, `unknown value ${show(x)}: expected values from ${values.join(', ')}`);
  };
  return nameList(def, accept, `a non-empty list of distinct values from ${values.join(', ')}`, doc) as Field<V[]>;
}

/** A non-empty list of integers (command line: comma-separated), e.g. cut-offs `5,10,20`. */
export function intList(def: readonly number[], opts: NumberOptions = {}): Field<number[]> {
  const expected = `a non-empty list of ${rangeText('integers', opts.min, opts.max)}`;
  const check = (v: unknown, key: string): number[] => {
    if (!Array.isArray(v) || v.length === 0) bad(key, expected, v);
    for (const x of v) {
      if (typeof x !== 'number' || !Number.isInteger(x)) bad(key, expected, v);
      if ((opts.min !== undefined && x < opts.min) || (opts.max !== undefined && x > opts.max)) bad(key, expected, v);
    }
    return [...(v as number[])];
  };
  return {
    kind: 'int list',
    default: [...def],
    doc: opts.doc ?? '',
    expected,
    check,
    parse: (t, key) => {
      const parts = t.split(',').map((s) => s.trim());
      const vals = parts.map((s) => (s === '' ? NaN : Number(s)));
      if (vals.some((x) => !Number.isFinite(x))) bad(key, expected, t);
      return check(vals, key);
    },
  };
}

/**
 * A dataset file. Relative paths resolve against the data directory (`--data-dir`, `RECSUITE_DATA_DIR`,
 * default `<repo>/../shared/data`); the resolved file must exist before any training starts. With an
 * empty default the file is optional: `''` means none (e.g. the default experiment's synthetic data).
 */
export function file(def: string, doc = ''): Field<string> {
  const optional = def === '';
  const expected = optional ? 'a file path, or empty for none' : 'a file path';
  const check = (v: unknown, key: string): string => (typeof v === 'string' && (optional || v.trim() !== '') ? v.trim() : bad(key, expected, v));
  return { kind: optional ? 'file?' : 'file', default: def, doc, expected, isFile: true, check, parse: (t, key) => check(t, key) };
}
