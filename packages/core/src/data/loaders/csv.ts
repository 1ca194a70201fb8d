/**
 * csv-parse (streaming) wrapped so that every parser error becomes a {@link DataFormatError} naming the
 * file, line and field. Used for formats with quoted fields.
 * @internal
 * @module
 */
import fs from 'node:fs';
import { parse, CsvError, type Options } from 'csv-parse';
import { DataFormatError } from '../errors.js';
import { assertReadableFile } from './lines.js';

/** Options for {@link forEachCsvRecord}. */
export interface CsvReadOptions {
  /** Field delimiter (default `,`). */
  delimiter?: string;
  /** Quote character, or `false` for none (default `"`). */
  quote?: string | false;
  /** Field names used in error messages, by column index (typically the header). */
  fieldNames?: () => readonly string[] | undefined;
}

/**
 * Calls `onRecord(fields, lineNo)` for every non-empty record. Records may have any number of fields; the
 * caller checks the count. Resolves to the number of records.
 */
export async function forEachCsvRecord(
  file: string,
  opts: CsvReadOptions,
  onRecord: (fields: string[], lineNo: number) => void,
): Promise<number> {
  await assertReadableFile(file);
  const options: Options = {
    delimiter: opts.delimiter ?? ',',
    quote: opts.quote === false ? null : (opts.quote ?? '"'),
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n'],
    skip_empty_lines: true,
    bom: true,
    info: true,
  };
  const parser = fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parse(options));
  let records = 0;
  let lastLine = 0;
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      lastLine = r.info.lines;
      records++;
      onRecord(r.record, r.info.lines);
    }
  } catch (err) {
    parser.destroy();
    if (err instanceof DataFormatError) throw err;
    if (err instanceof CsvError) {
      const e = err as CsvError & { lines?: number; column?: number | string; index?: number };
      const names = opts.fieldNames?.();
      const col = typeof e.column === 'number' ? e.column : typeof e.index === 'number' ? e.index : undefined;
      const field = typeof e.column === 'string' ? e.column : col !== undefined && names?.[col] ? names[col] : 'record';
      throw new DataFormatError({
        file,
        line: e.lines ?? lastLine + 1,
        field,
        expected: csvExpectation(e.code),
        got: e.message,
        cause: err,
      });
    }
    throw err;
  }
  return records;
}

function csvExpectation(code: string): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a closing quote before the end of the file';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a delimiter or line end after a closing quote';
    default:
      return `well-formed CSV (${code})`;
  }
}
