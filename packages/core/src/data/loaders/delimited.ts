/**
 * Generic delimited interaction files (CSV, TSV, …) with a column mapping, e.g. a Taobao `UserBehavior.csv`
 * (`user,item,category,behavior,timestamp`, no header) or a ratings export with a header.
 * @module
 */
import { DataFormatError } from '../errors.js';
import type { InteractionDataset } from '../schema.js';
import { forEachCsvRecord } from './csv.js';
import { emptyFileError, InteractionRowReader, type InteractionColumns } from './fields.js';
import { forEachTextLine } from './lines.js';

/** A column given by header name or 0-based index. */
export type ColumnRef = string | number;

/** Options of {@link loadDelimited}. */
export interface DelimitedOptions {
  /** Which column holds what. Names need `header: true`. */
  columns: { user: ColumnRef; item: ColumnRef; timestamp?: ColumnRef; rating?: ColumnRef; behaviour?: ColumnRef };
  /** Field delimiter (default `,`). */
  delimiter?: string;
  /** Whether the first line is a header (default true). */
  header?: boolean;
  /**
   * Quote character (default `"`, parsed with csv-parse), or `false` for files without quoting, which are
   * split with the faster line reader.
   */
  quote?: string | false;
  /** The behaviour vocabulary; a value outside it is a {@link DataFormatError}. */
  behaviours?: readonly string[];
  /** `'remap'` (default) or `'raw'` (item ids are positive integers kept as dense ids). */
  itemIds?: 'remap' | 'raw';
  /** Exact number of fields per record (default: at least enough for the mapped columns). */
  numFields?: number;
}

/** Loads a delimited interaction file through a column mapping. */
export async function loadDelimited(file: string, opts: DelimitedOptions): Promise<InteractionDataset> {
  const hasHeader = opts.header ?? true;
  let names: string[] | null = null;
  let reader: InteractionRowReader | null = null;
  let anyLine = false;
  const start = (headerCells: string[] | null) => {
    names = headerCells ?? [];
    const resolve = (key: string, ref: ColumnRef | undefined): number | undefined => {
      if (ref === undefined) return undefined;
      if (typeof ref === 'number') {
        if (!Number.isInteger(ref) || ref < 0) throw new RangeError(`loadDelimited: column ${key} must be a non-negative index, got ${ref}`);
        return ref;
      }
      if (!headerCells) throw new RangeError(`loadDelimited: column ${key} is named "${ref}" but header is false`);
      const k = headerCells.indexOf(ref);
      if (k < 0) throw new DataFormatError({ file, line: 1, field: ref, expected: `a header column "${ref}" (for ${key})`, got: headerCells.join(opts.delimiter ?? ',') });
      return k;
    };
    const c = opts.columns;
    const cols: InteractionColumns = {
      user: resolve('user', c.user)!,
      item: resolve('item', c.item)!,
      timestamp: resolve('timestamp', c.timestamp),
      rating: resolve('rating', c.rating),
      behaviour: resolve('behaviour', c.behaviour),
    };
    const fieldNames: string[] = [...names];
    for (const [k, v] of Object.entries(cols)) if (v !== undefined && fieldNames[v] === undefined) fieldNames[v] = k;
    reader = new InteractionRowReader(file, cols, { names: fieldNames, numFields: opts.numFields, behaviours: opts.behaviours, rawItemIds: opts.itemIds === 'raw' });
  };
  const onRecord = (rec: string[], line: number) => {
    anyLine = true;
    if (reader === null) {
      if (hasHeader) {
        start(rec.map((s) => s.trim()));
        return;
      }
      start(null);
    }
    reader!.add(rec, line);
  };
  if (opts.quote === false) {
    const d = opts.delimiter ?? ',';
    await forEachTextLine(file, (line, lineNo) => {
      if (line.length === 0) return;
      onRecord(line.split(d), lineNo);
    });
  } else {
    await forEachCsvRecord(file, { delimiter: opts.delimiter, quote: opts.quote, fieldNames: () => names ?? undefined }, onRecord);
  }
  if (!anyLine) throw emptyFileError(file, hasHeader ? 'header' : 'user', hasHeader ? 'a header line' : 'at least one record');
  const r = reader as InteractionRowReader | null;
  if (r === null || r.length === 0) throw new DataFormatError({ file, line: 2, field: 'user', expected: 'at least one record after the header', got: 'end of file' });
  return r.finish();
}
