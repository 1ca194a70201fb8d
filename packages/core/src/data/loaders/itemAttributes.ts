/**
 * Item-attribute JSON: an object mapping item id to a list of attribute values, e.g.
 * `Beauty_item2attributes.json` (`{"4": [1, 2, 3], "83": [4, 5, 6], …}`). Read with a small streaming
 * tokenizer (the file is never held whole), so errors carry the line and the item key.
 * @module
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { DataFormatError } from '../errors.js';
import { IdMap } from '../idmap.js';
import type { ItemAttributes } from '../schema.js';
import { assertReadableFile } from './lines.js';

/** Options of {@link loadItemAttributes}. */
export interface ItemAttributesOptions {
  /**
   * The dataset's item map: keys are raw item ids looked up in it. Without it, keys must be positive
   * integers and are used as dense ids (`numItems` = the largest key, or `numItems` below).
   */
  items?: IdMap;
  /** Without `items`: number of items (keys above it are errors). */
  numItems?: number;
  /** A key unknown to `items`: `'error'` (default) or `'ignore'` (the caller accepts dropping it). */
  unknownItems?: 'error' | 'ignore';
  /**
   * `'remap'` (default): attribute values become ids `1..numValues` in order of first appearance.
   * `'raw'`: values must be positive integers and are kept (`numValues` = the largest).
   */
  values?: 'remap' | 'raw';
}

const NUMBER_CHAR = /[0-9.eE+-]/;

type Tok = { kind: 'punct'; ch: string } | { kind: 'string'; value: string } | { kind: 'number'; text: string } | { kind: 'eof' };

/** Loads an item → attribute-list JSON object into {@link ItemAttributes}. Items without an entry get none. */
export async function loadItemAttributes(file: string, opts: ItemAttributesOptions = {}): Promise<ItemAttributes> {
  await assertReadableFile(file);
  const vocab = opts.values === 'raw' ? IdMap.identity(0, 1, 1) : new IdMap(1);
  const byItem = new Map<number, Int32Array>();
  let maxItem = 0;
  let line = 1;
  let state = 0;
  let key = '';
  let keyItem = -1;
  let current: number[] = [];
  const fail = (field: string, expected: string, got: string): never => {
    throw new DataFormatError({ file, line, field, expected, got });
  };
  const describe = (t: Tok): string =>
    t.kind === 'punct' ? t.ch : t.kind === 'string' ? JSON.stringify(t.value) : t.kind === 'number' ? t.text : 'end of file';
  const keyField = () => (key ? `item ${key}` : 'item');

  const itemOf = (k: string): number => {
    if (opts.items) {
      const d = opts.items.get(k);
      if (d === undefined) {
        if (opts.unknownItems === 'ignore') return -1;
        fail('item', 'an item id known to the dataset', k);
      }
      return d!;
    }
    if (!/^[0-9]{1,10}$/.test(k) || Number(k) < 1) fail('item', 'a positive integer item id as key', k);
    const d = Number(k);
    if (opts.numItems !== undefined && d > opts.numItems) fail('item', `an item id in 1..${opts.numItems}`, k);
    return d;
  };
  const valueOf = (t: Tok): number => {
    if (keyItem < 0) return 0; // an ignored item: its values are not added to the vocabulary
    const raw = t.kind === 'string' ? t.value : t.kind === 'number' ? t.text : '';
    if (t.kind === 'number' && !/^-?[0-9]+$/.test(t.text)) fail(keyField(), 'integer or string attribute values', t.text);
    if (opts.values === 'raw') {
      if (!/^[0-9]{1,10}$/.test(raw) || Number(raw) < 1) fail(keyField(), 'a positive integer attribute id', raw);
      return vocab.getOrAdd(String(Number(raw)));
    }
    if (raw === '') fail(keyField(), 'a non-empty attribute value', raw);
    return vocab.getOrAdd(raw);
  };
  const endValue = () => {
    if (keyItem >= 0) {
      if (byItem.has(keyItem)) fail('item', 'each item once', key);
      byItem.set(keyItem, Int32Array.from(current));
      if (keyItem > maxItem) maxItem = keyItem;
    }
    current = [];
  };

  // States: 0 '{'; 1 key or '}'; 2 ':'; 3 value; 4 first array elem or ']'; 5 ',' or ']'; 6 array elem;
  // 7 ',' or '}'; 8 key; 9 end.
  const onToken = (t: Tok) => {
    const punct = t.kind === 'punct' ? t.ch : '';
    const scalar = t.kind === 'string' || t.kind === 'number';
    switch (state) {
      case 0:
        if (punct !== '{') fail('root', 'a JSON object "{ item: [attributes] }"', describe(t));
        state = 1;
        return;
      case 1:
      case 8:
        if (state === 1 && punct === '}') {
          state = 9;
          return;
        }
        if (t.kind !== 'string') fail('item', 'an item id as a quoted key', describe(t));
        key = (t as { value: string }).value;
        keyItem = itemOf(key);
        state = 2;
        return;
      case 2:
        if (punct !== ':') fail(keyField(), '":" after the key', describe(t));
        state = 3;
        return;
      case 3:
        if (punct === '[') {
          state = 4;
          return;
        }
        if (!scalar) fail(keyField(), 'a list of attribute values', describe(t));
        current.push(valueOf(t));
        endValue();
        state = 7;
        return;
      case 4:
      case 6:
        if (state === 4 && punct === ']') {
          endValue();
          state = 7;
          return;
        }
        if (!scalar) fail(keyField(), 'an attribute value (number or string)', describe(t));
        current.push(valueOf(t));
        state = 5;
        return;
      case 5:
        if (punct === ',') state = 6;
        else if (punct === ']') {
          endValue();
          state = 7;
        } else fail(keyField(), '"," or "]" in the attribute list', describe(t));
        return;
      case 7:
        if (punct === ',') state = 8;
        else if (punct === '}') state = 9;
        else fail(keyField(), '"," or "}" after the attribute list', describe(t));
        return;
      default:
        fail('root', 'nothing after the closing "}"', describe(t));
    }
  };

  // Tokenizer (partial tokens survive chunk boundaries).
  let mode: 'none' | 'string' | 'number' | 'word' = 'none';
  let buf = '';
  let escape = false;
  let unicode = -1;
  let sawAny = false;
  const finishNumber = () => {
    if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(buf)) fail(keyField(), 'a JSON number', buf);
    onToken({ kind: 'number', text: buf });
    mode = 'none';
    buf = '';
  };
  const feed = (text: string) => {
    for (let k = 0; k < text.length; k++) {
      const ch = text[k];
      if (mode === 'string') {
        if (unicode >= 0) {
          buf += ch;
          if (++unicode === 4) {
            const hex = buf.slice(-4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(keyField(), 'four hex digits after \\u', hex);
            buf = buf.slice(0, -4) + String.fromCharCode(parseInt(hex, 16));
            unicode = -1;
          }
        } else if (escape) {
          escape = false;
          const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
          if (ch === 'u') unicode = 0;
          else if (ch in map) buf += map[ch];
          else fail(keyField(), 'a valid escape sequence in a string', `\\${ch}`);
        } else if (ch === '\\') escape = true;
        else if (ch === '"') {
          onToken({ kind: 'string', value: buf });
          mode = 'none';
          buf = '';
        } else if (ch === '\n') fail(keyField(), 'a closing quote before the end of the line', buf);
        else buf += ch;
        continue;
      }
      if (mode === 'number') {
        if ((ch >= '0' && ch <= '9') || ch === '.' || ch === 'e' || ch === 'E' || ch === '+' || ch === '-') {
          buf += ch;
          continue;
        }
        finishNumber();
      }
      if (mode === 'word') {
        if (/[A-Za-z0-9_]/.test(ch)) {
          buf += ch;
          continue;
        }
        fail(keyField(), 'a number, a string or punctuation', buf);
      }
      if (ch === '\n') {
        line++;
        continue;
      }
      if (ch === ' ' || ch === '\t' || ch === '\r' || (ch === '\uFEFF' && !sawAny)) continue;
      sawAny = true;
      if (ch === '"') {
        // Fast path: a string without escapes that ends in this chunk.
        const end = text.indexOf('"', k + 1);
        const value = end > 0 ? text.slice(k + 1, end) : '';
        if (end > 0 && value.indexOf('\\') < 0 && value.indexOf('\n') < 0) {
          onToken({ kind: 'string', value });
          k = end;
          continue;
        }
        mode = 'string';
        buf = '';
      } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
        // Fast path: a number that ends in this chunk.
        let j = k + 1;
        while (j < text.length && NUMBER_CHAR.test(text[j])) j++;
        if (j < text.length) {
          buf = text.slice(k, j);
          finishNumber();
          k = j - 1;
          continue;
        }
        mode = 'number';
        buf = ch;
      } else if ('{}[]:,'.includes(ch)) onToken({ kind: 'punct', ch });
      else if (/[A-Za-z_]/.test(ch)) {
        mode = 'word';
        buf = ch;
      } else fail(keyField(), 'a number, a string or punctuation', ch);
    }
  };

  const decoder = new StringDecoder('utf8');
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) feed(decoder.write(chunk));
    feed(decoder.end());
  } catch (err) {
    stream.destroy();
    throw err;
  }
  if (!sawAny) throw new DataFormatError({ file, line: 1, field: 'root', expected: 'a JSON object "{ item: [attributes] }"', got: 'end of file (the file is empty)' });
  const endMode = mode as string;
  if (endMode === 'number') finishNumber();
  if (endMode === 'string') fail(keyField(), 'a closing quote', `end of file after "${buf}`);
  if (endMode === 'word') fail(keyField(), 'a number, a string or punctuation', buf);
  if (state !== 9) onToken({ kind: 'eof' });

  const numItems = opts.items ? opts.items.maxDense : Math.max(opts.numItems ?? 0, maxItem);
  const values = new Array<Int32Array>(numItems + 1);
  const empty = new Int32Array(0);
  for (let d = 0; d <= numItems; d++) values[d] = byItem.get(d) ?? empty;
  return { values, numValues: vocab.size, vocab };
}
