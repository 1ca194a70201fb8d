/**
 * The cross-domain sequential CSV prepared for i2VAE (`../shared/data/amazon-cloth-sport`): one row per
 * (user, target domain), header `user_id,seq_d1,seq_d2,domain_id`, sequences as JSON-style lists
 * (`"[6149, 1690]"`, `[]`), `domain_id` 0 (domain 1 is the target) or 1 (domain 2). The last item of the
 * target-domain sequence is the target. One item-id space for both domains, 0-based in the file: dense ids
 * are raw + 1 so that 0 stays padding. Parsed with csv-parse (the lists are quoted).
 *
 * The sequences follow one global item order, not time (the files have no timestamps).
 * @module
 */
import { DataFormatError } from '../errors.js';
import { forEachCsvRecord } from './csv.js';
import { emptyFileError, parseNonNegativeInt } from './fields.js';

/** One row of the cross-domain CSV. */
export interface CrossDomainRow {
  /** Raw user id from the file (the same user may have one row per target domain). */
  user: number;
  /** Dense item ids of domain 0 and domain 1 (raw + `itemOffset`), in file order, target included. */
  seqs: [Int32Array, Int32Array];
  /** Target domain: 0 or 1. */
  domain: 0 | 1;
  /** 1-based line in the file. */
  line: number;
}

/** A loaded cross-domain file. */
export interface CrossDomainData {
  /** Rows in file order. */
  rows: CrossDomainRow[];
  /** Largest dense item id seen (dense ids `1..numItems`). */
  numItems: number;
  /** Number of distinct raw user ids. */
  numUsers: number;
  /** The file read. */
  file: string;
}

/** Options of {@link loadCrossDomainCsv}. */
export interface CrossDomainCsvOptions {
  /** Added to each raw item id (default 1: the files' ids start at 0). */
  itemOffset?: number;
}

const COLUMNS = ['user_id', 'seq_d1', 'seq_d2', 'domain_id'] as const;

/** Loads one cross-domain CSV file. Extra columns are ignored; missing ones are errors. */
export async function loadCrossDomainCsv(file: string, opts: CrossDomainCsvOptions = {}): Promise<CrossDomainData> {
  const offset = opts.itemOffset ?? 1;
  const rows: CrossDomainRow[] = [];
  let header: string[] | null = null;
  let idx: number[] = [];
  let numItems = 0;
  const users = new Set<number>();
  const parseList = (cell: string, line: number, field: string): Int32Array => {
    const t = cell.trim();
    if (t.length < 2 || t[0] !== '[' || t[t.length - 1] !== ']') {
      throw new DataFormatError({ file, line, field, expected: 'a list of item ids like "[12, 7]"', got: cell });
    }
    const inner = t.slice(1, -1).trim();
    if (inner === '') return new Int32Array(0);
    const parts = inner.split(',');
    const out = new Int32Array(parts.length);
    for (let k = 0; k < parts.length; k++) {
      const v = parseNonNegativeInt(parts[k].trim(), { file, line, field }, 'a non-negative integer item id') + offset;
      if (v < 1 || v > 0x7fffffff) throw new DataFormatError({ file, line, field, expected: 'an item id that stays positive after the offset', got: parts[k] });
      if (v > numItems) numItems = v;
      out[k] = v;
    }
    return out;
  };
  await forEachCsvRecord(file, { fieldNames: () => header ?? COLUMNS }, (rec, line) => {
    if (header === null) {
      header = rec.map((s) => s.trim());
      idx = COLUMNS.map((c) => header!.indexOf(c));
      const missing = idx.findIndex((k) => k < 0);
      if (missing >= 0) {
        throw new DataFormatError({ file, line, field: COLUMNS[missing], expected: `a header with columns ${COLUMNS.join(',')}`, got: rec.join(',') });
      }
      return;
    }
    if (rec.length < header.length) {
      throw new DataFormatError({ file, line, field: header[rec.length], expected: `a value (the row has ${rec.length} of ${header.length} fields)`, got: rec.join(',') });
    }
    if (rec.length > header.length) {
      throw new DataFormatError({ file, line, field: `column ${header.length + 1}`, expected: `${header.length} fields as in the header`, got: rec.join(',') });
    }
    const user = parseNonNegativeInt(rec[idx[0]].trim(), { file, line, field: 'user_id' }, 'a non-negative integer user id');
    const d1 = parseList(rec[idx[1]], line, 'seq_d1');
    const d2 = parseList(rec[idx[2]], line, 'seq_d2');
    const dom = rec[idx[3]].trim();
    if (dom !== '0' && dom !== '1') throw new DataFormatError({ file, line, field: 'domain_id', expected: '0 or 1', got: rec[idx[3]] });
    const domain = dom === '0' ? 0 : 1;
    const target = domain === 0 ? d1 : d2;
    if (target.length === 0) {
      throw new DataFormatError({ file, line, field: COLUMNS[1 + domain], expected: 'a non-empty target-domain list (its last item is the target)', got: rec[idx[1 + domain]] });
    }
    users.add(user);
    rows.push({ user, seqs: [d1, d2], domain, line });
  });
  if (header === null) throw emptyFileError(file, 'header', `a header line "${COLUMNS.join(',')}"`);
  if (rows.length === 0) throw new DataFormatError({ file, line: 2, field: 'user_id', expected: 'at least one data row', got: 'end of file' });
  return { rows, numItems, numUsers: users.size, file };
}

/** The row's target item (last item of the target-domain sequence). */
export function crossDomainTarget(row: CrossDomainRow): number {
  const s = row.seqs[row.domain];
  return s[s.length - 1];
}

/** The row's target-domain history (the target-domain sequence without its last item). */
export function crossDomainHistory(row: CrossDomainRow): Int32Array {
  const s = row.seqs[row.domain];
  return s.subarray(0, s.length - 1);
}

/** The row's other-domain sequence (all of it: it holds no target). */
export function crossDomainOther(row: CrossDomainRow): Int32Array {
  return row.seqs[1 - row.domain];
}
