/**
 * RecBole atomic files: `<name>.inter`, `<name>.item`, `<name>.user`, tab-separated, with a typed header
 * `field:type` where type is `token`, `token_seq` (space-separated tokens), `float` or `float_seq`.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { DataFormatError } from '../errors.js';
import { IdMap } from '../idmap.js';
import type { InteractionDataset, ItemAttributes, UserField, UserProfile } from '../schema.js';
import { emptyFileError, InteractionRowReader, parseFiniteNumber, parseToken } from './fields.js';
import { forEachTextLine } from './lines.js';

/** Field types of the atomic-file header. */
export type AtomicFieldType = 'token' | 'token_seq' | 'float' | 'float_seq';

/** One header field. */
export interface AtomicField {
  /** Field name (before the colon). */
  name: string;
  /** Field type (after the colon). */
  type: AtomicFieldType;
}

/** Options of {@link loadAtomic}. */
export interface AtomicLoadOptions {
  /** User id field of `.inter` and `.user` (default `user_id`). */
  userField?: string;
  /** Item id field of `.inter` and `.item` (default `item_id`). */
  itemField?: string;
  /** Rating field (default `rating`, used when present). */
  ratingField?: string;
  /** Timestamp field (default `timestamp`, used when present; otherwise the row order is the time). */
  timestampField?: string;
  /** Behaviour field (none by default). */
  behaviourField?: string;
  /** The behaviour vocabulary: a value outside it is a {@link DataFormatError}. */
  behaviours?: readonly string[];
  /** `.item` file to read; `false` to skip. Default: `<base>.item` when it exists. */
  itemFile?: string | false;
  /** `.user` file to read; `false` to skip. Default: `<base>.user` when it exists. */
  userFile?: string | false;
}

const TYPES: readonly string[] = ['token', 'token_seq', 'float', 'float_seq'];

/** Parses an atomic-file header line into fields; throws a {@link DataFormatError} on a bad one. */
export function parseAtomicHeader(line: string, file: string): AtomicField[] {
  const cells = line.split('\t');
  return cells.map((cell, k) => {
    const c = cell.trim();
    const colon = c.lastIndexOf(':');
    const name = colon > 0 ? c.slice(0, colon) : '';
    const type = colon > 0 ? c.slice(colon + 1) : '';
    if (!name || !TYPES.includes(type)) {
      throw new DataFormatError({
        file,
        line: 1,
        field: c || `column ${k + 1}`,
        expected: 'a header cell "name:type" with type token, token_seq, float or float_seq',
        got: cell,
      });
    }
    return { name, type: type as AtomicFieldType };
  });
}

/**
 * Reads RecBole atomic files. `pathOrBase` may be a directory `d` (reads `d/<basename d>.inter`), a
 * `.inter` file, or a base path without extension. Items and users that appear only in `.item`/`.user`
 * get dense ids too (after those of `.inter`), so nothing in the files is dropped.
 */
export async function loadAtomic(pathOrBase: string, opts: AtomicLoadOptions = {}): Promise<InteractionDataset> {
  const base = await atomicBase(pathOrBase);
  const interFile = `${base}.inter`;
  const userField = opts.userField ?? 'user_id';
  const itemField = opts.itemField ?? 'item_id';
  let header: AtomicField[] | null = null;
  let reader: InteractionRowReader | null = null;
  await forEachTextLine(interFile, (line, lineNo) => {
    if (header === null) {
      header = parseAtomicHeader(line, interFile);
      const names = header.map((f) => f.name);
      const col = (name: string, required: boolean): number | undefined => {
        const k = names.indexOf(name);
        if (k < 0 && required) {
          throw new DataFormatError({ file: interFile, line: 1, field: name, expected: `a header column "${name}:token"`, got: line });
        }
        return k < 0 ? undefined : k;
      };
      reader = new InteractionRowReader(
        interFile,
        {
          user: col(userField, true)!,
          item: col(itemField, true)!,
          rating: col(opts.ratingField ?? 'rating', opts.ratingField !== undefined),
          timestamp: col(opts.timestampField ?? 'timestamp', opts.timestampField !== undefined),
          behaviour: opts.behaviourField !== undefined ? col(opts.behaviourField, true) : undefined,
        },
        { names, numFields: names.length, behaviours: opts.behaviours },
      );
      return;
    }
    if (line.length === 0) return;
    reader!.add(line.split('\t'), lineNo);
  });
  if (reader === null) throw emptyFileError(interFile, 'header', 'a header line "user_id:token\\titem_id:token…"');
  const r = reader as InteractionRowReader;
  if (r.length === 0) throw new DataFormatError({ file: interFile, line: 2, field: userField, expected: 'at least one interaction', got: 'end of file' });
  const users = r.users;
  const items = r.items;

  const itemFile = opts.itemFile === false ? null : (opts.itemFile ?? (await existing(`${base}.item`)));
  const userFile = opts.userFile === false ? null : (opts.userFile ?? (await existing(`${base}.user`)));
  const itemSide = itemFile ? await readSideFile(itemFile, itemField, items) : null;
  const userSide = userFile ? await readSideFile(userFile, userField, users) : null;

  const ds = r.finish();
  const interactions = { ...ds.interactions, numUsers: users.size, numItems: items.size };
  const out: { -readonly [K in keyof InteractionDataset]: InteractionDataset[K] } = { interactions, users, items };
  if (itemSide) {
    const attrs: Record<string, ItemAttributes> = {};
    const numeric: Record<string, Float32Array[]> = {};
    for (const f of itemSide.fields) {
      if (f.kind === 'token') attrs[f.name] = { values: padTo(f.tokens, items.size + 1, 1), numValues: f.vocab.size, vocab: f.vocab };
      else numeric[f.name] = padTo(f.numbers, items.size + 1, 1, Float32Array);
    }
    out.itemAttributes = attrs;
    if (Object.keys(numeric).length > 0) out.itemNumeric = numeric;
  }
  if (userSide) {
    const fields: Record<string, UserField> = {};
    for (const f of userSide.fields) {
      if (f.kind !== 'token') continue;
      const values = new Int32Array(users.size);
      for (let u = 0; u < users.size; u++) {
        const t = f.tokens[u];
        if (t && t.length > 1) {
          throw new DataFormatError({ file: userFile!, line: f.lines[u], field: f.name, expected: 'a single token per user (profile fields are single-valued)', got: String(t.length) + ' tokens' });
        }
        values[u] = t && t.length === 1 ? t[0] : 0;
      }
      fields[f.name] = { values, numValues: f.vocab.size, vocab: f.vocab };
    }
    const profile: UserProfile = { numUsers: users.size, fields };
    out.userProfile = profile;
  }
  return out;
}

interface SideField {
  name: string;
  kind: 'token' | 'float';
  vocab: IdMap;
  tokens: Int32Array[];
  numbers: Float32Array[];
  lines: number[];
}

/** Reads a `.item` or `.user` file keyed by `keyField`, adding unseen keys to `ids`. */
async function readSideFile(file: string, keyField: string, ids: IdMap): Promise<{ fields: SideField[] }> {
  let header: AtomicField[] | null = null;
  let keyCol = -1;
  let fields: (SideField & { col: number; type: AtomicFieldType })[] = [];
  const seen = new Map<number, number>();
  await forEachTextLine(file, (line, lineNo) => {
    if (header === null) {
      header = parseAtomicHeader(line, file);
      keyCol = header.findIndex((f) => f.name === keyField);
      if (keyCol < 0) throw new DataFormatError({ file, line: 1, field: keyField, expected: `a header column "${keyField}:token"`, got: line });
      fields = header
        .map((f, col) => ({ ...f, col }))
        .filter((f) => f.col !== keyCol)
        .map((f) => ({
          name: f.name,
          type: f.type,
          col: f.col,
          kind: f.type.startsWith('token') ? ('token' as const) : ('float' as const),
          vocab: new IdMap(1),
          tokens: [],
          numbers: [],
          lines: [],
        }));
      return;
    }
    if (line.length === 0) return;
    const cells = line.split('\t');
    const names = header.map((f) => f.name);
    if (cells.length !== names.length) {
      throw new DataFormatError({
        file,
        line: lineNo,
        field: names[Math.min(cells.length, names.length - 1)] ?? keyField,
        expected: `${names.length} tab-separated fields`,
        got: `${cells.length} fields: ${line}`,
      });
    }
    const key = ids.getOrAdd(parseToken(cells[keyCol], { file, line: lineNo, field: keyField }));
    const k = key - ids.base;
    const prev = seen.get(k);
    if (prev !== undefined) {
      throw new DataFormatError({ file, line: lineNo, field: keyField, expected: `an id not listed before (already on line ${prev})`, got: cells[keyCol] });
    }
    seen.set(k, lineNo);
    for (const f of fields) {
      const cell = cells[f.col];
      const at = { file, line: lineNo, field: f.name };
      f.lines[k] = lineNo;
      if (f.type === 'token') {
        const t = cell.trim();
        f.tokens[k] = t === '' ? new Int32Array(0) : Int32Array.of(f.vocab.getOrAdd(t));
      } else if (f.type === 'token_seq') {
        const toks = cell.split(' ').filter((s) => s.length > 0);
        f.tokens[k] = Int32Array.from(toks, (t) => f.vocab.getOrAdd(t));
      } else if (f.type === 'float') {
        f.numbers[k] = cell.trim() === '' ? new Float32Array(0) : Float32Array.of(parseFiniteNumber(cell, at));
      } else {
        const toks = cell.split(' ').filter((s) => s.length > 0);
        f.numbers[k] = Float32Array.from(toks, (t) => parseFiniteNumber(t, at));
      }
    }
  });
  if (header === null) throw emptyFileError(file, 'header', `a header line "${keyField}:token…"`);
  return { fields };
}

function padTo<T extends Int32Array | Float32Array>(
  byIndex: T[],
  length: number,
  offset: number,
  ctor: new (n: number) => T = Int32Array as unknown as new (n: number) => T,
): T[] {
  const out = new Array<T>(length);
  for (let d = 0; d < length; d++) out[d] = byIndex[d - offset] ?? new ctor(0);
  return out;
}

async function atomicBase(p: string): Promise<string> {
  const st = await fs.promises.stat(p).catch(() => null);
  if (st?.isDirectory()) return path.join(p, path.basename(path.resolve(p)));
  return p.endsWith('.inter') ? p.slice(0, -'.inter'.length) : p;
}

async function existing(p: string): Promise<string | null> {
  const st = await fs.promises.stat(p).catch(() => null);
  return st?.isFile() ? p : null;
}
