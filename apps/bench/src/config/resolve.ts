/**
 * Resolves an experiment's config: defaults, then a JSON config file, then `--set key=value` pairs, then
 * the dedicated flags (`--seeds`, `--epochs`, `--dataset`). Every value is checked by its field; an unknown
 * key is an error naming the key (with the closest known key), and dataset files are resolved against the
 * data directory and checked to exist, all before any training.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, MissingDataError } from '../errors.js';
import type { ConfigOf, Schema } from './fields.js';

/** One source of config values, applied in order over the defaults. */
export interface ConfigLayer {
  /** Where the values come from, for messages (`--set`, `config file x.json`, `--epochs`). */
  source: string;
  /** Values: JSON values, or command-line text when `text` is true. */
  values: Record<string, unknown>;
  /** Values are strings from the command line, parsed by each field. */
  text?: boolean;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The closest known name to `name`, if reasonably close. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dd = distance(name, k);
    if (dd < bestD) {
      bestD = dd;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Applies `layers` over the schema's defaults and validates every value.
 * @param experiment - experiment name, for messages.
 * @param schema - the experiment's fields.
 * @param layers - value sources in increasing precedence.
 * @returns the typed config (file fields still as given; see {@link resolveFiles}).
 */
export function resolveConfig<S extends Schema>(experiment: string, schema: S, layers: readonly ConfigLayer[]): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const known = Object.keys(schema);
  for (const key of known) out[key] = schema[key].check(structuredClone(schema[key].default), key);
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      const field = schema[key];
      if (!field) {
        const near = closest(key, known);
        throw new ConfigError(
          key,
          `unknown key for experiment "${experiment}" (from ${layer.source})${near ? `; did you mean "${near}"?` : ''} Known keys: ${known.join(', ')}`,
        );
      }
      if (layer.text) {
        if (typeof value !== 'string') throw new ConfigError(key, `expected text from ${layer.source}`);
        out[key] = field.parse(value, key);
      } else {
        out[key] = field.check(value, key);
      }
    }
  }
  return out as ConfigOf<S>;
}

/**
 * Resolves the schema's file fields in `config` against `dataDir` (absolute paths stay) and checks that
 * each exists. Returns a copy with absolute paths.
 * @param schema - the experiment's fields.
 * @param config - a resolved config.
 * @param dataDir - the data directory and where its value came from.
 */
export function resolveFiles<S extends Schema>(
  schema: S,
  config: ConfigOf<S>,
  dataDir: { dir: string; source: string },
): ConfigOf<S> {
  const out: Record<string, unknown> = { ...config };
  const fileKeys = Object.keys(schema).filter((k) => schema[k].isFile && out[k] !== '');
  const relative = fileKeys.filter((k) => !path.isAbsolute(out[k] as string));
  if (relative.length > 0 && !fs.existsSync(dataDir.dir)) {
    throw new MissingDataError(
      dataDir.dir,
      `the data directory, from ${dataDir.source}; point --data-dir or RECSUITE_DATA_DIR at the folder holding ${out[relative[0]] as string}, or pass --dataset PATH`,
    );
  }
  for (const key of fileKeys) {
    const p = out[key] as string;
    const abs = path.isAbsolute(p) ? p : path.resolve(dataDir.dir, p);
    if (!fs.existsSync(abs)) {
      const hint = path.isAbsolute(p)
        ? `config key "${key}"`
        : `config key "${key}" = ${p} under the data directory from ${dataDir.source}; use --data-dir DIR or --dataset PATH`;
      throw new MissingDataError(abs, hint);
    }
    out[key] = abs;
  }
  return out as ConfigOf<S>;
}

/**
 * Reads a JSON config file (an object of key → value) as a layer.
 * @param file - path to the JSON file.
 */
export function configFileLayer(file: string): ConfigLayer {
  if (!fs.existsSync(file)) throw new MissingDataError(path.resolve(file), 'the file given to --config');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('--config', `${file} is not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('--config', `${file} must hold a JSON object of key → value`);
  }
  return { source: `config file ${file}`, values: parsed as Record<string, unknown> };
}
