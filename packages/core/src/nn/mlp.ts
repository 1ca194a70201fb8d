import * as tf from '@tensorflow/tfjs-core';
import { variableFrom } from '../tensor/init.js';
import { linear } from '../tensor/dense.js';
import { glorotUniform } from '../tensor/init.js';
import type { Rng } from '../tensor/rng.js';
import { Dice } from './dice.js';
import { dropout, type ForwardOptions } from './dropout.js';
import { PReLU } from './prelu.js';

/** Activations an {@link MLP} layer can use (`dice` and `prelu` carry their own parameters). */
export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'dice' | 'prelu' | 'linear';

/** A fully connected layer `x W + b` over the last axis, through core's {@link linear} (fast path per backend). */
export class Dense {
  /** Weights `[inDim, outDim]`, Glorot uniform. */
  readonly w: tf.Variable<tf.Rank.R2>;
  /** Bias `[outDim]`, zeros (absent when `bias` is false). */
  readonly b: tf.Variable<tf.Rank.R1> | null;

  /**
   * @param inDim input width
   * @param outDim output width
   * @param rng seeded generator for the initial weights
   * @param bias whether to add a bias (default true)
   */
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    rng: Rng,
    bias = true,
  ) {
    if (!(inDim > 0 && outDim > 0)) throw new RangeError(`Dense: sizes must be positive, got ${inDim} -> ${outDim}`);
    const w = glorotUniform([inDim, outDim], rng);
    this.w = tf.variable(w, true) as tf.Variable<tf.Rank.R2>;
    w.dispose();
    this.b = bias ? variableFrom(() => tf.zeros([outDim]) as tf.Tensor1D) : null;
  }

  /** `x [..., inDim] → [..., outDim]`. */
  apply(x: tf.Tensor): tf.Tensor {
    if (x.shape[x.shape.length - 1] !== this.inDim) {
      throw new RangeError(`Dense: input width ${x.shape[x.shape.length - 1]} does not match inDim ${this.inDim}`);
    }
    return linear(x, this.w, this.b ?? undefined);
  }

  /** Trainable variables: `[w, b]` (or `[w]`). */
  variables(): tf.Variable[] {
    return this.b ? [this.w, this.b] : [this.w];
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(this.variables());
  }
}

/** Options for {@link MLP}. */
export interface MLPOptions {
  /** Seeded generator for weights and dropout masks. */
  rng: Rng;
  /** Hidden activation, default `relu`. */
  activation?: Activation;
  /** Dropout rate after each hidden activation (training only), default 0. */
  dropout?: number;
  /** Width of a final linear layer with no activation (e.g. 1 for a logit); omitted: none. */
  output?: number;
}

type Act = { apply(x: tf.Tensor, opts?: ForwardOptions): tf.Tensor; variables(): tf.Variable[]; dispose(): void; setTraining?(t: boolean): void };

function makeActivation(kind: Activation, dim: number): Act | ((x: tf.Tensor) => tf.Tensor) {
  switch (kind) {
    case 'relu':
      return (x) => tf.relu(x);
    case 'sigmoid':
      return (x) => tf.sigmoid(x);
    case 'tanh':
      return (x) => tf.tanh(x);
    case 'linear':
      return (x) => x;
    case 'dice':
      return new Dice(dim);
    case 'prelu':
      return new PReLU(dim);
    default:
      throw new RangeError(`MLP: unknown activation '${kind as string}' (expected relu, sigmoid, tanh, dice, prelu or linear)`);
  }
}

/**
 * Multi-layer perceptron over the last axis of its input (any leading shape): for each hidden size,
 * `Dense → activation → dropout`, then an optional linear output layer. With `dice` the layer's output
 * depends on the training flag (batch vs running statistics, see {@link Dice}); dropout is active only in
 * training. The variables are listed in layer order.
 */
export class MLP {
  /** The dense layers, hidden then (if any) output. */
  readonly layers: Dense[] = [];
  private readonly acts: (Act | ((x: tf.Tensor) => tf.Tensor))[] = [];
  private readonly rng: Rng;
  private readonly dropout: number;
  private training = false;
  /** Width of the result. */
  readonly outDim: number;

  /**
   * @param inDim input width
   * @param hidden hidden layer sizes, e.g. `[200, 80]`
   */
  constructor(
    readonly inDim: number,
    readonly hidden: readonly number[],
    opts: MLPOptions,
  ) {
    const dropout = opts.dropout ?? 0;
    if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`MLP: dropout must be in [0, 1), got ${dropout}`);
    this.dropout = dropout;
    this.rng = opts.rng;
    const act = opts.activation ?? 'relu';
    let d = inDim;
    for (const h of hidden) {
      this.layers.push(new Dense(d, h, opts.rng));
      this.acts.push(makeActivation(act, h));
      d = h;
    }
    if (opts.output !== undefined) {
      this.layers.push(new Dense(d, opts.output, opts.rng));
      d = opts.output;
    }
    this.outDim = d;
  }

  /** Dropout and Dice statistics follow this flag (default: evaluation). */
  setTraining(training: boolean): void {
    this.training = training;
    for (const a of this.acts) if (typeof a !== 'function') a.setTraining?.(training);
  }

  /**
   * `x [..., inDim] → [..., outDim]`. `opts.training` (when given) overrides the flag set by
   * {@link MLP.setTraining}; dropout masks come from `opts.rng`, else the MLP's own generator.
   */
  apply(x: tf.Tensor, opts: ForwardOptions = {}): tf.Tensor {
    const training = opts.training ?? this.training;
    const fwd: ForwardOptions = { training, rng: opts.rng ?? this.rng };
    return tf.tidy(() => {
      let y = x;
      this.layers.forEach((layer, i) => {
        y = layer.apply(y);
        const a = this.acts[i];
        if (!a) return; // output layer
        y = typeof a === 'function' ? a(y) : a.apply(y, fwd);
        y = dropout(y, this.dropout, fwd);
      });
      return y;
    });
  }

  /** Trainable variables in layer order (weights, bias, then the activation's parameters). */
  variables(): tf.Variable[] {
    const out: tf.Variable[] = [];
    this.layers.forEach((l, i) => {
      out.push(...l.variables());
      const a = this.acts[i];
      if (a && typeof a !== 'function') out.push(...a.variables());
    });
    return out;
  }

  /** Non-trainable state to save with the model (Dice running statistics), in layer order. */
  stateVariables(): tf.Variable[] {
    return this.acts.flatMap((a) => (a instanceof Dice ? a.stateVariables() : []));
  }

  /** Frees every variable. */
  dispose(): void {
    this.layers.forEach((l) => l.dispose());
    for (const a of this.acts) if (typeof a !== 'function') a.dispose();
  }
}
