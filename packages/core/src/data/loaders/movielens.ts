/**
 * Raw MovieLens rating files: `u.data` (ML-100K: `user\titem\trating\ttimestamp`, no header),
 * `ratings.dat` (ML-1M/10M: `user::item::rating::timestamp`) and `ratings.csv` (ML-20M/25M/latest:
 * header `userId,movieId,rating,timestamp`).
 * @module
 */
import path from 'node:path';
import { DataFormatError } from '../errors.js';
import type { InteractionDataset } from '../schema.js';
import { emptyFileError, InteractionRowReader } from './fields.js';
import { forEachTextLine } from './lines.js';

/** The three MovieLens rating layouts. */
export type MovieLensFormat = 'u.data' | 'ratings.dat' | 'ratings.csv';

/** Options of {@link loadMovieLens}. */
export interface MovieLensOptions {
  /** Layout; by default guessed from the file name (`.dat` → `ratings.dat`, `.csv` → `ratings.csv`, else `u.data`). */
  format?: MovieLensFormat;
}

const NAMES = ['user', 'item', 'rating', 'timestamp'];

/** Splits a line of the given layout into fields. */
function splitter(format: MovieLensFormat): (line: string) => string[] {
  if (format === 'ratings.dat') return (l) => l.split('::');
  if (format === 'ratings.csv') return (l) => l.split(',');
  return (l) => l.split('\t');
}

/**
 * Loads a MovieLens ratings file into an interaction table with ratings and timestamps. User and item ids
 * are remapped to dense ids in order of first appearance (raw ids kept in the maps).
 */
export async function loadMovieLens(file: string, opts: MovieLensOptions = {}): Promise<InteractionDataset> {
  const ext = path.extname(file).toLowerCase();
  const format: MovieLensFormat = opts.format ?? (ext === '.dat' ? 'ratings.dat' : ext === '.csv' ? 'ratings.csv' : 'u.data');
  const split = splitter(format);
  const reader = new InteractionRowReader(file, { user: 0, item: 1, rating: 2, timestamp: 3 }, { names: NAMES, numFields: 4 });
  let sawHeader = format !== 'ratings.csv';
  let lines = 0;
  await forEachTextLine(file, (line, lineNo) => {
    lines = lineNo;
    if (!sawHeader) {
      sawHeader = true;
      const h = split(line).map((s) => s.trim());
      if (h.length !== 4 || h[0] !== 'userId' || h[1] !== 'movieId' || h[2] !== 'rating' || h[3] !== 'timestamp') {
        throw new DataFormatError({ file, line: lineNo, field: 'header', expected: 'the header "userId,movieId,rating,timestamp"', got: line });
      }
      return;
    }
    if (line.length === 0) return;
    reader.add(split(line), lineNo);
  });
  if (lines === 0) throw emptyFileError(file, 'user', `MovieLens ratings (${format})`);
  if (reader.length === 0) throw new DataFormatError({ file, line: lines, field: 'user', expected: 'at least one rating', got: 'end of file' });
  return reader.finish();
}
