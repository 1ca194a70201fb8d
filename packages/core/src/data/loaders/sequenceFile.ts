/**
 * Per-user sequence files: one user per line, `user item1 item2 …` in time order, separated by spaces or
 * tabs (Beauty.txt and the other S3-Rec/SASRec files). Streamed byte by byte: no line is turned into a
 * string unless it holds an error or the ids need remapping.
 * @module
 */
import { DataFormatError } from '../errors.js';
import { IdMap } from '../idmap.js';
import { SequenceDataset, SequenceStoreBuilder } from '../sequenceStore.js';
import { emptyFileError } from './fields.js';
import { forEachLine } from './lines.js';

/** Options of {@link loadSequenceFile} and {@link scanSequenceFile}. */
export interface SequenceFileOptions {
  /**
   * `'raw'` (default): item ids must be positive integers and are used as dense ids as they are
   * (`numItems` = the largest id, or `numItems` below); right for files whose ids are already dense from
   * 1, like Beauty.txt. `'remap'`: any token, dense ids `1..n` in order of first appearance.
   */
  ids?: 'raw' | 'remap';
  /** Raw mode: the declared number of items; a larger id is an error. Default: the largest id seen. */
  numItems?: number;
}

const MAX_ID = 0x7fffffff;

/** Called for each sequence by {@link scanSequenceFile}; `items` is reused between calls (copy to keep). */
export type SequenceCallback = (user: string, items: Int32Array, lineNo: number) => void;

/**
 * Streams a sequence file, calling `onSequence` per line with the raw user id and the dense item ids,
 * without keeping anything. Empty lines are skipped; every other malformed line raises a
 * {@link DataFormatError}. Resolves to the item id map (raw mode: identity).
 */
export async function scanSequenceFile(file: string, onSequence: SequenceCallback, opts: SequenceFileOptions = {}): Promise<IdMap> {
  const parser = new LineParser(file, opts);
  const lines = await forEachLine(file, (buf, s, e, lineNo) => {
    const n = parser.parse(buf, s, e, lineNo);
    if (n < 0) return;
    onSequence(buf.toString('utf8', parser.userStart, parser.userEnd), parser.items.subarray(0, n), lineNo);
  });
  if (lines === 0 || parser.count === 0) throw emptyFileError(file, 'user', 'at least one line "user item1 item2 …"');
  return parser.itemMap();
}

/**
 * Loads a sequence file into a {@link SequenceDataset}: users dense `0..n-1` in line order (raw ids kept in
 * `users`), items dense `1..numItems`. A user id on two lines is an error (sequences are per user).
 * Memory: the sequences (16-bit when every id < 65,536) plus 12 bytes per user; the file is streamed.
 */
export async function loadSequenceFile(file: string, opts: SequenceFileOptions = {}): Promise<SequenceDataset> {
  const parser = new LineParser(file, opts);
  const store = new SequenceStoreBuilder();
  const users = new UserIds(file);
  const lines = await forEachLine(file, (buf, s, e, lineNo) => {
    const n = parser.parse(buf, s, e, lineNo);
    if (n < 0) {
      users.blank(lineNo);
      return;
    }
    users.add(buf, parser.userStart, parser.userEnd, parser.userNumeric, lineNo);
    store.add(parser.items, n);
  });
  if (lines === 0 || parser.count === 0) throw emptyFileError(file, 'user', 'at least one line "user item1 item2 …"');
  const items = parser.itemMap();
  return new SequenceDataset(store.build(), users.finish(), items, items.maxDense);
}

/** Parses one line into `items`; returns the number of items, or -1 for an empty line. @internal */
class LineParser {
  items = new Int32Array(256);
  userStart = 0;
  userEnd = 0;
  userNumeric = false;
  count = 0;
  private maxId = 0;
  private readonly remap: IdMap | null;
  private readonly declared: number | undefined;

  constructor(
    private readonly file: string,
    opts: SequenceFileOptions,
  ) {
    this.remap = opts.ids === 'remap' ? new IdMap(1) : null;
    this.declared = opts.numItems;
  }

  itemMap(): IdMap {
    if (this.remap) return this.remap;
    return IdMap.identity(this.declared ?? this.maxId, 1, 1);
  }

  parse(buf: Buffer, s: number, e: number, lineNo: number): number {
    if (s === e) return -1;
    let p = s;
    while (p < e && (buf[p] === 32 || buf[p] === 9)) p++;
    if (p === e) {
      throw new DataFormatError({ file: this.file, line: lineNo, field: 'user', expected: 'a user id followed by item ids', got: buf.toString('utf8', s, e) });
    }
    this.userStart = p;
    let numeric = true;
    while (p < e && buf[p] !== 32 && buf[p] !== 9) {
      const c = buf[p];
      if (c < 48 || c > 57) numeric = false;
      p++;
    }
    this.userEnd = p;
    this.userNumeric = numeric && p - this.userStart <= 15 && !(buf[this.userStart] === 48 && p - this.userStart > 1);
    let n = 0;
    for (;;) {
      while (p < e && (buf[p] === 32 || buf[p] === 9)) p++;
      if (p >= e) break;
      const ts = p;
      let v = 0;
      let digits = true;
      while (p < e && buf[p] !== 32 && buf[p] !== 9) {
        const c = buf[p];
        if (c >= 48 && c <= 57) v = v * 10 + (c - 48);
        else digits = false;
        p++;
      }
      let id: number;
      if (this.remap) {
        id = this.remap.getOrAdd(buf.toString('utf8', ts, p));
      } else {
        if (!digits || v < 1 || v > MAX_ID || p - ts > 10) {
          throw new DataFormatError({ file: this.file, line: lineNo, field: 'item', expected: 'a positive integer item id', got: buf.toString('utf8', ts, p) });
        }
        if (this.declared !== undefined && v > this.declared) {
          throw new DataFormatError({ file: this.file, line: lineNo, field: 'item', expected: `an item id in 1..${this.declared}`, got: String(v) });
        }
        if (v > this.maxId) this.maxId = v;
        id = v;
      }
      if (n === this.items.length) {
        const g = new Int32Array(n * 2);
        g.set(this.items);
        this.items = g;
      }
      this.items[n++] = id;
    }
    if (n === 0) {
      throw new DataFormatError({
        file: this.file,
        line: lineNo,
        field: 'item',
        expected: 'at least one item id after the user id (truncated line?)',
        got: buf.toString('utf8', s, e),
      });
    }
    this.count++;
    return n;
  }
}

/**
 * User ids in line order. Integer ids are kept in a Float64Array and checked for duplicates once at the
 * end (a bitset over the id range when it is compact, else a sorted copy), so a file with millions of
 * users needs no hash map and no per-user line numbers. @internal
 */
class UserIds {
  private nums = new Float64Array(1024);
  private n = 0;
  private maxNum = 0;
  /** Line numbers of skipped empty lines, to recover a user's line from its index. */
  private readonly blankLines: number[] = [];
  private strs: Map<string, number> | null = null;
  private order: string[] | null = null;

  constructor(private readonly file: string) {}

  blank(lineNo: number): void {
    this.blankLines.push(lineNo);
  }

  add(buf: Buffer, s: number, e: number, numeric: boolean, lineNo: number): void {
    if (this.strs === null && numeric) {
      if (this.n === this.nums.length) {
        const g = new Float64Array(this.n * 2);
        g.set(this.nums);
        this.nums = g;
      }
      let v = 0;
      for (let p = s; p < e; p++) v = v * 10 + (buf[p] - 48);
      this.nums[this.n++] = v;
      if (v > this.maxNum) this.maxNum = v;
      return;
    }
    if (this.strs === null) this.toStrings();
    const raw = buf.toString('utf8', s, e);
    const prev = this.strs!.get(raw);
    if (prev !== undefined) this.duplicate(raw, prev, lineNo);
    this.strs!.set(raw, lineNo);
    this.order!.push(raw);
  }

  finish(): IdMap {
    if (this.strs !== null) return IdMap.fromRaw(this.order!, 0);
    const nums = this.nums.subarray(0, this.n);
    let dup = -1;
    if (this.maxNum < 8 * this.nums.byteLength) {
      const bits = new Uint8Array(Math.floor(this.maxNum / 8) + 1);
      for (let k = 0; k < this.n; k++) {
        const v = nums[k];
        const m = 1 << (v & 7);
        if (bits[v >>> 3] & m) {
          dup = v;
          break;
        }
        bits[v >>> 3] |= m;
      }
    } else {
      const sorted = Float64Array.from(nums).sort();
      for (let k = 1; k < sorted.length && dup < 0; k++) if (sorted[k] === sorted[k - 1]) dup = sorted[k];
    }
    if (dup >= 0) {
      const first = nums.indexOf(dup);
      const second = nums.indexOf(dup, first + 1);
      this.duplicate(String(dup), this.lineOf(first), this.lineOf(second));
    }
    return IdMap.adoptNumeric(this.nums, this.n, 0);
  }

  /** 1-based line of the user at `index` (data lines plus the skipped empty lines before it). */
  private lineOf(index: number): number {
    let line = index + 1;
    for (const b of this.blankLines) if (b <= line) line++;
    return line;
  }

  private toStrings(): void {
    this.strs = new Map();
    this.order = [];
    for (let k = 0; k < this.n; k++) {
      const raw = String(this.nums[k]);
      const line = this.lineOf(k);
      const prev = this.strs.get(raw);
      if (prev !== undefined) this.duplicate(raw, prev, line);
      this.strs.set(raw, line);
      this.order.push(raw);
    }
    this.nums = new Float64Array(0);
  }

  private duplicate(raw: string, firstLine: number, line: number): never {
    throw new DataFormatError({ file: this.file, line, field: 'user', expected: `a user id not used on an earlier line (already on line ${firstLine})`, got: raw });
  }
}
