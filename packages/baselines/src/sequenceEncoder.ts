import * as tf from '@tensorflow/tfjs-core';
import {
  Embedding,
  LayerNorm,
  PositionalEmbedding,
  TransformerBlock,
  applyByLengthGroups,
  dropout,
  planLengthGroups,
  saveWeights,
  topK,
  type FeedForwardActivation,
  type ForwardOptions,
  type NormPlacement,
  type Rng,
  type SeqBatch,
} from '@recsuite/core';

/**
 * A sequence encoder usable as a backbone by other models: item ids in, one vector per position out.
 * Every next-item baseline exposes its encoder through this interface.
 */
export interface SequenceEncoder {
  /** Output width `d`. */
  readonly dim: number;
  /** The item table (row 0 = padding), shared with the output layer of the model that owns it. */
  readonly items: Embedding;
  /** Hidden states `[B, L, d]` of a left-padded batch (padded positions carry no information). */
  encode(batch: SeqBatch, opts?: ForwardOptions): tf.Tensor3D;
  /** The state at the last (most recent) position, `[B, d]`: the user's next-item query vector. */
  userVector(batch: SeqBatch, opts?: ForwardOptions): tf.Tensor2D;
  /** Every trainable variable, in a stable order. */
  variables(): tf.Variable[];
  /** The same variables by name (for weight files). */
  namedVariables(): Record<string, tf.Variable>;
  /** Frees every tensor the encoder owns. */
  dispose(): void;
}

/** `defaults` overridden by the keys of `cfg` that are not `undefined`. */
export function withDefaults<T extends object>(defaults: object, cfg: object): T {
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(cfg)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** A model configuration error: names the model and the offending key. */
export function configError(model: string, key: string, expected: string, got: unknown): RangeError {
  return new RangeError(`${model} config.${key} must be ${expected}, got ${JSON.stringify(got)}`);
}

/** Checks that `cfg[key]` is an integer `>= min`. */
export function checkIntKey(model: string, cfg: object, key: string, min: number): void {
  const v = (cfg as Record<string, unknown>)[key];
  if (!Number.isInteger(v) || (v as number) < min) throw configError(model, key, `an integer >= ${min}`, v);
}

/** Checks that `cfg[key]` is a number in `[lo, hi)` (or `[lo, hi]` when `closed`). */
export function checkRangeKey(model: string, cfg: object, key: string, lo: number, hi: number, closed = false): void {
  const v = (cfg as Record<string, unknown>)[key];
  const ok = typeof v === 'number' && v >= lo && (closed ? v <= hi : v < hi);
  if (!ok) throw configError(model, key, `a number in [${lo}, ${hi}${closed ? ']' : ')'}`, v);
}

/** Checks that `cfg[key]` is one of `values`. */
export function checkEnumKey(model: string, cfg: object, key: string, values: readonly string[]): void {
  const v = (cfg as Record<string, unknown>)[key];
  if (!values.includes(v as string)) throw configError(model, key, `one of ${values.map((s) => `'${s}'`).join(', ')}`, v);
}

/**
 * Validates a batch against a model: `seqs` is `[B·L]`, `L <= maxLen`, ids in `[0, vocab)`.
 * Throws a `RangeError` naming the model, the field and the first bad position.
 */
export function checkBatch(model: string, batch: SeqBatch, maxLen: number, vocab: number): void {
  const { batchSize: B, maxLen: L, seqs } = batch;
  if (!(Number.isInteger(B) && B >= 1 && Number.isInteger(L) && L >= 1)) {
    throw new RangeError(`${model}: batch.batchSize and batch.maxLen must be positive integers, got ${B} and ${L}`);
  }
  if (L > maxLen) throw new RangeError(`${model}: batch.maxLen ${L} exceeds the model's config.maxLen ${maxLen}`);
  if (seqs.length !== B * L) throw new RangeError(`${model}: batch.seqs has ${seqs.length} ids, expected batchSize·maxLen = ${B * L}`);
  for (let i = 0; i < seqs.length; i++) {
    const v = seqs[i];
    if (!(v >= 0 && v < vocab)) {
      throw new RangeError(`${model}: batch.seqs[${i}] (row ${Math.floor(i / L)}, position ${i % L}) is ${v}, expected an item id in [0, ${vocab - 1}]`);
    }
  }
}

/** `[B, L]` float mask: 1 where `ids` is an item, 0 at padding (id 0). */
export function paddingMask(ids: Int32Array, batchSize: number, length: number): tf.Tensor2D {
  const m = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) m[i] = ids[i] === 0 ? 0 : 1;
  return tf.tensor2d(m, [batchSize, length]);
}

/** The last position of `[B, L, d]` states, `[B, d]`. */
export function lastPosition(h: tf.Tensor3D): tf.Tensor2D {
  const [B, L, d] = h.shape;
  return tf.tidy(() => tf.reshape(tf.slice(h, [0, L - 1, 0], [B, 1, d]), [B, d]) as tf.Tensor2D);
}

/**
 * A one-row batch holding the last `length` items of `history` (left-padded), for `recommend`.
 * Checks every id is in `[1, numItems]`.
 */
export function historyBatch(model: string, history: ArrayLike<number>, length: number, numItems: number): SeqBatch {
  if (!(Number.isInteger(length) && length >= 1)) throw new RangeError(`${model}: history length ${length} must be >= 1`);
  const seqs = new Int32Array(length);
  const n = Math.min(history.length, length);
  for (let j = 0; j < history.length; j++) {
    const v = history[j];
    if (!(Number.isInteger(v) && v >= 1 && v <= numItems)) {
      throw new RangeError(`${model}.recommend: history[${j}] is ${v}, expected an item id in [1, ${numItems}]`);
    }
  }
  for (let j = 0; j < n; j++) seqs[length - n + j] = history[history.length - n + j];
  return { users: Int32Array.of(0), seqs, batchSize: 1, maxLen: length };
}

/**
 * Top-`k` item ids of a one-row score matrix `[1, numItems + 1]`, excluding padding and, unless
 * `includeSeen`, the items in `history`. Disposes `scores`.
 */
export async function topItems(scores: tf.Tensor2D, history: ArrayLike<number>, k: number, includeSeen: boolean): Promise<number[]> {
  try {
    const res = await topK(scores, k, includeSeen ? undefined : [history]);
    return Array.from(res.items[0]);
  } finally {
    scores.dispose();
  }
}

/**
 * Scores of candidate items `[B, C]` given user vectors `[B, d]` and an item table: `⟨u_b, E[c]⟩`.
 * Candidate ids must be in `[0, table rows)`.
 */
export function dotCandidates(users: tf.Tensor2D, table: tf.Tensor2D, candidates: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const e = tf.gather(table, tf.cast(candidates, 'int32')) as unknown as tf.Tensor3D; // [B, C, d]
    return tf.squeeze(tf.matMul(e, tf.expandDims(users, 2)), [2]) as tf.Tensor2D;
  });
}

/** What {@link saveModel} writes as metadata. */
export interface SavedModelMeta<C> {
  /** Model name, checked on load. */
  model: string;
  /** The model's full configuration. */
  config: C;
}

/** Saves named variables and `{ model, config }` into `dir` (atomically, through core's weights module). */
export async function saveModel<C>(dir: string, model: string, config: C, vars: Record<string, tf.Variable>): Promise<void> {
  await saveWeights(dir, vars, { model, config } satisfies SavedModelMeta<C>, {
    files: { 'config.json': JSON.stringify({ model, config }, null, 2) },
  });
}

/** Configuration of a {@link TransformerEncoder}. */
export interface TransformerEncoderConfig {
  /** Rows of the item table (`numItems + 1`, plus any extra tokens such as BERT4Rec's [mask]). */
  vocab: number;
  /** Width `d`. */
  dim: number;
  /** Longest sequence (rows of the positional table). */
  maxLen: number;
  /** Number of self-attention blocks. */
  blocks: number;
  /** Heads per block. */
  heads: number;
  /** Feed-forward hidden width. */
  inner: number;
  /** Dropout rate (embeddings, attention weights, feed-forward). */
  dropout: number;
  /** LayerNorm placement in the blocks. */
  norm: NormPlacement;
  /** Causal (SASRec) or bidirectional (BERT4Rec). */
  causal: boolean;
  /** Feed-forward activation. */
  activation: FeedForwardActivation;
  /** LayerNorm epsilon. */
  eps: number;
  /** Multiply item embeddings by `√d` (SASRec). */
  scaleEmbedding: boolean;
  /** LayerNorm on the input embeddings (BERT4Rec). */
  inputNorm: boolean;
  /** LayerNorm on the output of the last block (SASRec). */
  finalNorm: boolean;
  /**
   * Most length groups the blocks run in (core's `planLengthGroups`): rows of similar length together,
   * each group cut to its longest row; the same outputs for less work and memory. 1 turns it off.
   * Default 8.
   */
  lengthGroups?: number;
}

/**
 * Self-attentive sequence encoder (SASRec / BERT4Rec backbone): `E[s]·(√d) + P`, (LayerNorm), dropout,
 * `blocks` × {@link TransformerBlock}, (final LayerNorm). Padding positions are zeroed after the input
 * layer and after every block and never attended to, so padding never changes a real position's output;
 * positions count from the most recent item, so the same history gives the same states at any `L`.
 * That is also why the blocks can run on length groups (rows of similar length, each group cut to its
 * longest row; `lengthGroups`): on short-history data most of the work and activation memory was padding.
 */
export class TransformerEncoder implements SequenceEncoder {
  /** Item table `[vocab, d]` (row 0 = padding), sparse-gradient mode. */
  readonly items: Embedding;
  /** Learned positions, counted from the most recent item. */
  readonly positions: PositionalEmbedding;
  /** The self-attention blocks. */
  readonly blocks: TransformerBlock[];
  /** LayerNorm on the input embeddings (BERT4Rec), if any. */
  readonly inputLn: LayerNorm | null;
  /** LayerNorm on the last block's output (SASRec), if any. */
  readonly finalLn: LayerNorm | null;
  /** Width `d`. */
  readonly dim: number;

  /**
   * @param cfg layer sizes and placement
   * @param rng seeded generator for the initial weights (item table and positions Glorot-normal)
   */
  constructor(
    readonly cfg: TransformerEncoderConfig,
    rng: Rng,
  ) {
    this.dim = cfg.dim;
    this.items = new Embedding(cfg.vocab, cfg.dim, { rng, grad: 'sparse', paddingIdx: 0, name: 'items' });
    this.positions = new PositionalEmbedding(cfg.maxLen, cfg.dim, rng);
    this.blocks = Array.from(
      { length: cfg.blocks },
      () =>
        new TransformerBlock(cfg.dim, rng, {
          heads: cfg.heads,
          inner: cfg.inner,
          activation: cfg.activation,
          dropout: cfg.dropout,
          norm: cfg.norm,
          eps: cfg.eps,
          causal: cfg.causal,
        }),
    );
    this.inputLn = cfg.inputNorm ? new LayerNorm(cfg.dim, { eps: cfg.eps }) : null;
    this.finalLn = cfg.finalNorm ? new LayerNorm(cfg.dim, { eps: cfg.eps }) : null;
  }

  /** States `[B, L, d]` for item ids `[B·L]` (left-padded, row-major). */
  encodeIds(ids: Int32Array, batchSize: number, length: number, opts: ForwardOptions = {}): tf.Tensor3D {
    const d = this.dim;
    return tf.tidy(() => {
      const mask = paddingMask(ids, batchSize, length);
      let h = tf.reshape(this.items.lookup(ids), [batchSize, length, d]); // E[s]
      if (this.cfg.scaleEmbedding) h = tf.mul(h, Math.sqrt(d));
      h = tf.add(h, this.positions.apply(length)); // + P (SASRec eq. 1)
      if (this.inputLn) h = this.inputLn.apply(h);
      h = dropout(h, this.cfg.dropout, opts);
      let x = tf.mul(h, tf.expandDims(mask, -1)) as tf.Tensor3D;
      const blocks = (xs: tf.Tensor3D, m: tf.Tensor2D): tf.Tensor3D => {
        for (const block of this.blocks) xs = block.apply(xs, { mask: m, training: opts.training, rng: opts.rng });
        return xs;
      };
      const groups = this.blocks.length > 0 ? planLengthGroups(ids, batchSize, length, { maxGroups: this.cfg.lengthGroups ?? 8 }) : null;
      x = groups ? applyByLengthGroups(x, ids, groups, (xg, idsG, n, Lg) => blocks(xg, paddingMask(idsG, n, Lg))) : blocks(x, mask);
      return (this.finalLn ? this.finalLn.apply(x) : x) as tf.Tensor3D;
    });
  }

  /** States `[B, L, d]` of `batch.seqs`. */
  encode(batch: SeqBatch, opts: ForwardOptions = {}): tf.Tensor3D {
    return this.encodeIds(batch.seqs, batch.batchSize, batch.maxLen, opts);
  }

  /** The state at the last position, `[B, d]`. */
  userVector(batch: SeqBatch, opts: ForwardOptions = {}): tf.Tensor2D {
    return tf.tidy(() => lastPosition(this.encode(batch, opts)));
  }

  /** Item table, positions, blocks, then the LayerNorms. */
  variables(): tf.Variable[] {
    return Object.values(this.namedVariables());
  }

  /** Variables by name: `items`, `positions`, `block{i}.{k}`, `inputLn.*`, `finalLn.*`. */
  namedVariables(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { items: this.items.table, positions: this.positions.table };
    this.blocks.forEach((b, i) => b.variables().forEach((v, k) => (out[`block${i}.${k}`] = v)));
    if (this.inputLn) this.inputLn.variables().forEach((v, k) => (out[`inputLn.${k}`] = v));
    if (this.finalLn) this.finalLn.variables().forEach((v, k) => (out[`finalLn.${k}`] = v));
    return out;
  }

  /** Frees every variable. */
  dispose(): void {
    this.items.dispose();
    this.positions.dispose();
    this.blocks.forEach((b) => b.dispose());
    this.inputLn?.dispose();
    this.finalLn?.dispose();
  }
}
