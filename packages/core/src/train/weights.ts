import * as tf from '@tensorflow/tfjs-core';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeDirAtomic } from './atomic.js';

/** Name of the binary file of a weights directory. */
export const WEIGHTS_FILE = 'weights.bin';
/** Name of the manifest of a weights directory. */
export const MANIFEST_FILE = 'manifest.json';
const FORMAT = 'recsuite-weights';
const VERSION = 1;

/** Element types a weights file can hold. */
export type WeightDType = 'float32' | 'int32' | 'bool';

/** One tensor's entry in a {@link WeightsManifest}. */
export interface WeightEntry {
  /** Name (the record key, or the position as a string when an array was saved). */
  name: string;
  /** Shape. */
  shape: number[];
  /** Element type: float32 and int32 are 4 bytes, bool is 1 byte (0/1). */
  dtype: WeightDType;
  /** Byte offset in `weights.bin` (a multiple of 4). */
  offset: number;
  /** Byte length of the data. */
  byteLength: number;
}

/** Contents of `manifest.json`. */
export interface WeightsManifest {
  /** Always `'recsuite-weights'`. */
  format: typeof FORMAT;
  /** Format version (1). */
  version: number;
  /** Byte order of `weights.bin` (always little-endian). */
  byteOrder: 'little';
  /** Size of `weights.bin` in bytes. */
  totalBytes: number;
  /** The tensors, in saved order. */
  tensors: WeightEntry[];
  /** Caller metadata (model config, id maps, ...), plain JSON. */
  meta: unknown;
}

/** Result of {@link loadWeights}. */
export interface LoadedWeights<M = unknown> {
  /** The tensors in saved order, created on the active backend (owned by the caller). */
  tensors: tf.Tensor[];
  /** Their names, in the same order. */
  names: string[];
  /** The metadata saved beside them. */
  meta: M;
  /** The whole manifest. */
  manifest: WeightsManifest;
}

/** A weights or checkpoint directory that is missing, incomplete, corrupt or does not fit the model. */
export class WeightsError extends Error {
  override name = 'WeightsError';
  /** The directory or file concerned. */
  readonly path: string;
  /**
   * @param message - what is wrong and what was expected.
   * @param filePath - the directory or file concerned.
   */
  constructor(message: string, filePath: string) {
    super(message);
    this.path = filePath;
  }
}

/** Options for {@link saveWeights}. */
export interface SaveWeightsOptions {
  /** Extra files to write into the same directory, in the same atomic step (e.g. `config.json`). */
  files?: Record<string, string | Uint8Array>;
}

const align4 = (n: number) => (n + 3) & ~3;

function checkLittleEndian(where: string): void {
  if (os.endianness() !== 'LE') throw new WeightsError('recsuite weight files are little-endian; this host is big-endian', where);
}

/**
 * Saves tensors (usually a model's variables) and metadata into `dir`, atomically (a temporary sibling
 * directory renamed into place; on any failure `dir` is left as it was and nothing partial remains).
 *
 * Layout: `weights.bin` holds every tensor's raw little-endian data back to back (float32/int32, 4-byte
 * aligned; bool as one byte per element), `manifest.json` ({@link WeightsManifest}) their names, order,
 * shapes, dtypes and byte offsets plus `meta`. The format does not depend on the backend: weights saved on
 * `tensorflow` load on `wasm` or `cpu`.
 *
 * @param dir - target directory (created or replaced).
 * @param tensors - an array (saved in order, named `"0"`, `"1"`, ...) or a record (saved in key order).
 * @param meta - JSON-serialisable metadata (config, id maps, ...).
 * @param opts - extra files.
 */
export async function saveWeights(
  dir: string,
  tensors: tf.Tensor[] | Record<string, tf.Tensor>,
  meta: unknown = {},
  opts: SaveWeightsOptions = {},
): Promise<void> {
  checkLittleEndian(dir);
  const named: [string, tf.Tensor][] = Array.isArray(tensors)
    ? tensors.map((t, i) => [String(i), t])
    : Object.entries(tensors);
  const seen = new Set<string>();
  for (const [name, t] of named) {
    if (seen.has(name)) throw new WeightsError(`saveWeights: duplicate tensor name "${name}"`, dir);
    seen.add(name);
    if (!(t instanceof tf.Tensor)) throw new WeightsError(`saveWeights: "${name}" is not a tensor`, dir);
    if (t.isDisposed) throw new WeightsError(`saveWeights: tensor "${name}" is disposed`, dir);
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
      throw new WeightsError(`saveWeights: tensor "${name}" has dtype ${t.dtype}; only float32, int32 and bool can be saved`, dir);
    }
  }
  for (const f of Object.keys(opts.files ?? {})) {
    if (f === WEIGHTS_FILE || f === MANIFEST_FILE || f.includes('/') || f.includes('\\') || f.startsWith('.')) {
      throw new WeightsError(`saveWeights: extra file name "${f}" is reserved or not a plain file name`, dir);
    }
  }
  await writeDirAtomic(dir, async (tmp) => {
    const entries: WeightEntry[] = [];
    const fh = await fsp.open(path.join(tmp, WEIGHTS_FILE), 'wx');
    let offset = 0;
    try {
      for (const [name, t] of named) {
        const data = await t.data();
        const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        await fh.write(bytes);
        entries.push({ name, shape: [...t.shape], dtype: t.dtype as WeightDType, offset, byteLength: bytes.length });
        offset += bytes.length;
        const pad = align4(offset) - offset;
        if (pad > 0) {
          await fh.write(Buffer.alloc(pad));
          offset += pad;
        }
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    const manifest: WeightsManifest = { format: FORMAT, version: VERSION, byteOrder: 'little', totalBytes: offset, tensors: entries, meta };
    await fsp.writeFile(path.join(tmp, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
    for (const [f, content] of Object.entries(opts.files ?? {})) await fsp.writeFile(path.join(tmp, f), content);
  });
}

/** Reads and validates `manifest.json` of a weights directory. */
export async function readManifest(dir: string): Promise<WeightsManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let stat;
  try {
    stat = await fsp.stat(dir);
  } catch {
    throw new WeightsError(`weights directory not found: ${dir}`, dir);
  }
  if (!stat.isDirectory()) throw new WeightsError(`not a weights directory (it is a file): ${dir}`, dir);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    throw new WeightsError(`${MANIFEST_FILE} missing in ${dir} (not a recsuite weights directory, or an interrupted copy)`, file);
  }
  let m: WeightsManifest;
  try {
    m = JSON.parse(text) as WeightsManifest;
  } catch (e) {
    throw new WeightsError(`${file}: not valid JSON (${(e as Error).message})`, file);
  }
  const bad = (field: string, expected: string) => new WeightsError(`${file}: field ${field} must be ${expected}`, file);
  if (m === null || typeof m !== 'object' || m.format !== FORMAT) throw bad('format', `"${FORMAT}"`);
  if (m.version !== VERSION) throw bad('version', `${VERSION} (this recsuite reads version ${VERSION}; got ${String(m.version)})`);
  if (m.byteOrder !== 'little') throw bad('byteOrder', '"little"');
  if (!Number.isInteger(m.totalBytes) || m.totalBytes < 0) throw bad('totalBytes', 'a non-negative integer');
  if (!Array.isArray(m.tensors)) throw bad('tensors', 'an array');
  m.tensors.forEach((e, i) => {
    const at = `tensors[${i}]`;
    if (typeof e?.name !== 'string') throw bad(`${at}.name`, 'a string');
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`${at}.shape`, 'an array of non-negative integers');
    if (e.dtype !== 'float32' && e.dtype !== 'int32' && e.dtype !== 'bool') throw bad(`${at}.dtype`, 'float32, int32 or bool');
    const size = e.shape.reduce((a, b) => a * b, 1) * (e.dtype === 'bool' ? 1 : 4);
    if (e.byteLength !== size) throw bad(`${at}.byteLength`, `${size} for shape [${e.shape}] ${e.dtype}`);
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset % 4 !== 0 || e.offset + e.byteLength > m.totalBytes) {
      throw bad(`${at}.offset`, `a multiple of 4 with offset + byteLength <= totalBytes (${m.totalBytes})`);
    }
  });
  return m;
}

/**
 * Loads a directory written by {@link saveWeights} onto the active backend.
 *
 * @param dir - the weights directory.
 * @returns the tensors (in saved order, owned by the caller), their names and the metadata.
 * @throws {@link WeightsError} naming the directory or file when it is missing, truncated or corrupt.
 */
export async function loadWeights<M = unknown>(dir: string): Promise<LoadedWeights<M>> {
  checkLittleEndian(dir);
  const manifest = await readManifest(dir);
  const file = path.join(dir, WEIGHTS_FILE);
  let buf: Buffer;
  try {
    buf = await fsp.readFile(file);
  } catch {
    throw new WeightsError(`${WEIGHTS_FILE} missing in ${dir}`, file);
  }
  if (buf.length !== manifest.totalBytes) {
    throw new WeightsError(`${file}: ${buf.length} bytes, the manifest expects ${manifest.totalBytes} (truncated or mismatched files)`, file);
  }
  const tensors: tf.Tensor[] = [];
  try {
    for (const e of manifest.tensors) {
      const bytes = buf.subarray(e.offset, e.offset + e.byteLength);
      // Copy into a fresh, aligned buffer (readFile buffers may be pooled and unaligned).
      const copy = new Uint8Array(bytes.length);
      copy.set(bytes);
      const values =
        e.dtype === 'float32' ? new Float32Array(copy.buffer) : e.dtype === 'int32' ? new Int32Array(copy.buffer) : copy;
      tensors.push(tf.tensor(values, e.shape, e.dtype));
    }
  } catch (err) {
    tf.dispose(tensors);
    throw err;
  }
  return { tensors, names: manifest.tensors.map((e) => e.name), meta: manifest.meta as M, manifest };
}

/** Options for {@link assignWeights}. */
export interface AssignWeightsOptions {
  /** Names of the tensors (for messages). */
  names?: string[];
  /** Where the tensors came from (for messages), e.g. the weights directory. */
  source?: string;
}

/**
 * Assigns `tensors[i]` to `variables[i]` after checking every count, shape and dtype first, so a mismatch
 * leaves all variables untouched. The error names the variable index and both shapes.
 *
 * @param variables - the destination variables, e.g. `model.variables()`.
 * @param tensors - values in the same order (not disposed).
 * @param opts - names and source for error messages.
 */
export function assignWeights(variables: tf.Variable[], tensors: tf.Tensor[], opts: AssignWeightsOptions = {}): void {
  const src = opts.source ? ` (from ${opts.source})` : '';
  if (variables.length !== tensors.length) {
    throw new WeightsError(`assignWeights: the model has ${variables.length} variables but ${tensors.length} tensors were saved${src}`, opts.source ?? '');
  }
  variables.forEach((v, i) => {
    const t = tensors[i];
    const nm = opts.names?.[i] !== undefined ? ` "${opts.names[i]}"` : '';
    const same = v.shape.length === t.shape.length && v.shape.every((d, j) => d === t.shape[j]);
    if (!same) {
      throw new WeightsError(
        `assignWeights: variable ${i} has shape [${v.shape}] but the saved tensor${nm} has shape [${t.shape}]${src}`,
        opts.source ?? '',
      );
    }
    if (v.dtype !== t.dtype) {
      throw new WeightsError(`assignWeights: variable ${i} has dtype ${v.dtype} but the saved tensor${nm} has ${t.dtype}${src}`, opts.source ?? '');
    }
  });
  variables.forEach((v, i) => v.assign(tensors[i]));
}

/**
 * Loads a weights directory into existing variables (checked as in {@link assignWeights}) and returns
 * its metadata. No tensor is left behind.
 *
 * @param dir - the weights directory.
 * @param variables - the destination variables, in saved order.
 */
export async function loadWeightsInto<M = unknown>(dir: string, variables: tf.Variable[]): Promise<M> {
  const w = await loadWeights<M>(dir);
  try {
    assignWeights(variables, w.tensors, { names: w.names, source: dir });
  } finally {
    tf.dispose(w.tensors);
  }
  return w.meta;
}

/**
 * Rebuilds a model saved with `meta: { model, config }`: checks the name, constructs the model with `make`
 * on the active backend and loads its weights into `variables()`; the half-built model is disposed when
 * the weights do not fit. Every model's static `load(dir)` is this call.
 *
 * @param dir - the weights directory.
 * @param model - the model name the manifest must carry.
 * @param make - builds the model from its saved configuration.
 */
export async function loadSavedModel<C, T extends { variables(): tf.Variable[]; dispose(): void }>(
  dir: string,
  model: string,
  make: (config: C) => T,
): Promise<T> {
  const manifest = await readManifest(dir);
  const meta = manifest.meta as { model?: unknown; config?: unknown } | null;
  if (!meta || meta.model !== model || typeof meta.config !== 'object' || meta.config === null) {
    throw new WeightsError(`${dir}: not a saved ${model} (manifest meta.model is ${JSON.stringify(meta?.model)}, expected "${model}" with a config)`, dir);
  }
  const built = make(meta.config as C);
  try {
    await loadWeightsInto(dir, built.variables());
  } catch (e) {
    built.dispose();
    throw e;
  }
  return built;
}
