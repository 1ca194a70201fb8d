/**
 * `results.jsonl`: one JSON line per finished cell, appended as each cell finishes with a single
 * `appendFileSync` of the whole line. On reading (for `--resume` and reports) a trailing line without its
 * newline, left by a crash mid-write, is ignored and trimmed away before the next append.
 * @module
 */
import fs from 'node:fs';
import { BenchError } from '../errors.js';
import { cellKey, type CellRecord } from '../experiment.js';

/** Reads every complete record of `file` (none if it does not exist). */
export function readResults(file: string): CellRecord[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  const out: CellRecord[] = [];
  const lines = text.slice(0, end).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let rec: CellRecord;
    try {
      rec = JSON.parse(line) as CellRecord;
    } catch (e) {
      throw new BenchError(`${file}:${i + 1}: not a JSON line (${(e as Error).message}); remove the line to resume`);
    }
    if (typeof rec.model !== 'string' || typeof rec.seed !== 'number' || typeof rec.metrics !== 'object') {
      throw new BenchError(`${file}:${i + 1}: not a cell record (needs model, seed, metrics); remove the line to resume`);
    }
    out.push(rec);
  }
  return out;
}

/** Cuts a trailing partial line (no final newline) off `file`, so the next append starts a fresh line. */
export function trimPartialLine(file: string): void {
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, 'utf8');
  if (text === '' || text.endsWith('\n')) return;
  const end = text.lastIndexOf('\n');
  fs.truncateSync(file, Buffer.byteLength(text.slice(0, end + 1)));
}

/**
 * Appends one record as one line (on a line of its own even after a crash's partial line that could not be
 * trimmed because other processes were at work: that remnant then fails to parse, naming its line).
 */
export function appendResult(file: string, rec: CellRecord): void {
  let sep = '';
  if (fs.existsSync(file)) {
    const size = fs.statSync(file).size;
    if (size > 0) {
      const fd = fs.openSync(file, 'r');
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      fs.closeSync(fd);
      if (last[0] !== 0x0a) sep = '\n';
    }
  }
  fs.appendFileSync(file, `${sep}${JSON.stringify(rec)}\n`);
}

/** Records by cell key; when a cell appears twice the last one wins. */
export function recordsByCell(records: readonly CellRecord[]): Map<string, CellRecord> {
  const m = new Map<string, CellRecord>();
  for (const r of records) m.set(cellKey(r), r);
  return m;
}
