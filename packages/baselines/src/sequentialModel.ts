import * as tf from '@tensorflow/tfjs-core';
import { loadSavedModel, scoreAgainst, type RecModel, type Rng, type SeqBatch } from '@recsuite/core';
import { checkBatch, dotCandidates, historyBatch, saveModel, topItems, type SequenceEncoder } from './sequenceEncoder.js';

/**
 * What every sequential model of recsuite does the same way, under the model contract: it keeps its
 * validated `config`, a training flag, and its variables by name; `save(dir)` writes those variables and
 * `{ model, config }` through core's weight files (the format every model's static `load` reads with
 * core's `loadSavedModel`). Subclasses give `name`, `namedVariables`, `loss`, the scoring methods and
 * `dispose`.
 *
 * @typeParam B - the batch type (`SeqBatch` or an extension of it).
 * @typeParam C - the configuration type (plain, JSON-serialisable).
 */
export abstract class SequentialModel<B extends SeqBatch, C> implements RecModel<B> {
  /** Short name as used in reports. */
  abstract readonly name: string;
  /** The full, validated configuration. */
  readonly config: C;
  /** Whether training-only behaviour (dropout, noise) is on; set by {@link SequentialModel.setTraining}. */
  protected training = false;

  /** @param config the validated configuration */
  protected constructor(config: C) {
    this.config = config;
  }

  /** The model name `save` writes and the static `load` checks: {@link SequentialModel.name} unless overridden. */
  protected get savedAs(): string {
    return this.name;
  }

  /** Every variable by name, as `save` writes them (for weight files), in a stable order. */
  abstract namedVariables(): Record<string, tf.Variable>;

  /** Every trainable variable, in the stable order of {@link SequentialModel.namedVariables}. */
  variables(): tf.Variable[] {
    return Object.values(this.namedVariables());
  }

  /** Scalar training loss for a batch. */
  abstract loss(batch: B): tf.Scalar;
  /** Scores `[B, C]` of candidate ids `[B, C]`. */
  abstract score(batch: B, candidates: tf.Tensor2D): tf.Tensor2D;
  /** Scores `[B, numItems + 1]` of every item (column 0 is padding). */
  abstract scoreAll(batch: B): tf.Tensor2D;
  /** Top-`k` items after `history` (most recent last), never a seen item unless `includeSeen`. */
  abstract recommend(history: ArrayLike<number>, k: number, opts?: { includeSeen?: boolean }): Promise<number[]>;
  /** Frees every tensor the model owns. */
  abstract dispose(): void;

  /** Writes every named variable and `{ model, config }` into `dir` (atomically, through core's weight files). */
  async save(dir: string): Promise<void> {
    await saveModel(dir, this.savedAs, this.config, this.namedVariables());
  }

  /** `batch.targets`, checked for `loss`: present and `batchSize·maxLen` ids long (the error names the model). */
  protected trainingTargets(batch: B): Int32Array {
    const { targets } = batch;
    if (!targets) throw new RangeError(`${this.name}.loss: batch.targets is required for training`);
    if (targets.length !== batch.batchSize * batch.maxLen) {
      throw new RangeError(`${this.name}.loss: batch.targets has ${targets.length} ids, expected ${batch.batchSize * batch.maxLen}`);
    }
    return targets;
  }

  /** Dropout (and any other training-only behaviour) on in training. */
  setTraining(training: boolean): void {
    this.training = training;
  }

  /**
   * For a subclass's static `load` when its `variables()` leave out some of what `save` wrote: core's
   * `loadSavedModel`, reading into every {@link SequentialModel.namedVariables} instead.
   *
   * @param dir - the directory `save` wrote.
   * @param model - the model name the manifest must carry.
   * @param make - builds the model from its saved configuration.
   */
  protected static async loadNamed<C, M extends { namedVariables(): Record<string, tf.Variable>; dispose(): void }>(
    dir: string,
    model: string,
    make: (config: C) => M,
  ): Promise<M> {
    const loaded = await loadSavedModel(dir, model, (c: C) => {
      const m = make(c);
      return { m, variables: () => Object.values(m.namedVariables()), dispose: () => m.dispose() };
    });
    return loaded.m;
  }
}

/**
 * A sequential model whose score of item `i` is `⟨u, E_i⟩`: a user vector ({@link ItemDotModel.userVector})
 * against row `i` of an item table. `score`, `scoreAll` and `recommend` are that product.
 *
 * @typeParam C - the configuration type; it carries `numItems` and `maxLen`.
 */
export abstract class ItemDotModel<C extends { numItems: number; maxLen: number }> extends SequentialModel<SeqBatch, C> {
  /** The user's query vector `[B, d]`, in inference mode. */
  abstract userVector(batch: SeqBatch): tf.Tensor2D;

  /** The item table scored against, `[numItems + 1, d]` (row 0 = padding); owned by the model. */
  protected abstract itemTable(): tf.Tensor2D;

  /** Length of the one-row batch `recommend` builds for a history of `n` items. */
  protected historyLength(n: number): number {
    return Math.min(this.config.maxLen, Math.max(1, n));
  }

  /** Scores `⟨u_b, E_c⟩` `[B, C]` of candidate ids `[B, C]`. */
  score(batch: SeqBatch, candidates: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => dotCandidates(this.userVector(batch), this.itemTable(), candidates));
  }

  /** Scores `[B, numItems + 1]` of every item (column 0 is padding). */
  scoreAll(batch: SeqBatch): tf.Tensor2D {
    return tf.tidy(() => scoreAgainst(this.userVector(batch), this.itemTable()));
  }

  /** Top-`k` items after `history` (most recent last), never padding, never a seen item unless `includeSeen`. */
  async recommend(history: ArrayLike<number>, k: number, opts: { includeSeen?: boolean } = {}): Promise<number[]> {
    const batch = historyBatch(this.name, history, this.historyLength(history.length), this.config.numItems);
    return topItems(this.scoreAll(batch), history, k, opts.includeSeen ?? false);
  }
}

/**
 * An {@link ItemDotModel} built on one {@link SequenceEncoder}: the user vector is the encoder's last state
 * and the encoder's own item table is the output layer (SASRec, GRU4Rec). Subclasses give `name`,
 * `config`, `encoder`, `rng` and `loss`.
 *
 * @typeParam C - the configuration type; it carries `numItems` and `maxLen`.
 * @typeParam E - the encoder type.
 */
export abstract class EncoderModel<C extends { numItems: number; maxLen: number }, E extends SequenceEncoder> extends ItemDotModel<C> {
  /** The sequence encoder (`encode`, `userVector`), usable as a backbone. */
  abstract readonly encoder: E;
  /** The dropout stream (checkpoint it with the trainer's `rngs` option to resume exactly). */
  abstract readonly rng: Rng;

  /** The encoder's variables. */
  override variables(): tf.Variable[] {
    return this.encoder.variables();
  }

  /** The encoder's variables by name. */
  namedVariables(): Record<string, tf.Variable> {
    return this.encoder.namedVariables();
  }

  /** States `[B, L, d]` (inference mode unless `training` is set). */
  encode(batch: SeqBatch, training = false): tf.Tensor3D {
    checkBatch(this.name, batch, this.config.maxLen, this.config.numItems + 1);
    return this.encoder.encode(batch, { training, rng: this.rng });
  }

  /** The user's query vector `[B, d]` (state at the last position), in inference mode. */
  userVector(batch: SeqBatch): tf.Tensor2D {
    checkBatch(this.name, batch, this.config.maxLen, this.config.numItems + 1);
    return this.encoder.userVector(batch);
  }

  /** The encoder's item table (shared as output layer). */
  protected itemTable(): tf.Tensor2D {
    return this.encoder.items.table;
  }

  /** Frees every tensor. */
  dispose(): void {
    this.encoder.dispose();
  }
}
