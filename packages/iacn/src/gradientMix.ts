import * as tf from '@tensorflow/tfjs-core';
import { embeddingOf, type Embedding, type GivenGradient, type Optimizer, type OptimizerState } from '@recsuite/core';
import type { IaCN } from './iacn.js';

/** A variable's gradient: dense, or rows of an embedding table (`ids` may repeat; rows add up); core's `GivenGradient`. */
export type VariableGrad = GivenGradient;

/** Gradients of one loss part, by variable. */
export type GradMap = Map<tf.Variable, VariableGrad>;

/** The result of {@link mixedGradients}; its tensors are owned by the caller ({@link disposeGrads}). */
export interface MixedGradients {
  /** `L_main` value. */
  main: number;
  /** `λ·L_aux` value. */
  aux: number;
  /** `L_main + λ·L_aux`. */
  loss: number;
  /** `g_main`, by variable (as computed, before the mix). */
  gMain: GradMap;
  /** `g_aux = ∇(λ·L_aux)`, by variable. */
  gAux: GradMap;
  /** The mixed gradient every variable receives. */
  mixed: GradMap;
}

/** Frees the tensors of a gradient map. */
export function disposeGrads(g: GradMap): void {
  for (const v of g.values()) tf.dispose('dense' in v ? v.dense : v.rows);
  g.clear();
}

/**
 * One gradient call: `lossFn`'s value and its gradient for every trainable variable it reaches; tables of
 * `sparse` embeddings report the rows their lookups touched (core's row-sparse path).
 */
export function gradientsOf(lossFn: () => tf.Scalar, variables: readonly tf.Variable[]): { value: number; grads: GradMap } {
  const dense: tf.Variable[] = [];
  const sparse: Embedding[] = [];
  for (const v of variables) {
    if (!v.trainable) continue;
    const e = embeddingOf(v);
    if (e && e.mode === 'sparse') {
      e.clearSparseGrad();
      sparse.push(e);
    } else dense.push(v);
  }
  const { value, grads } = tf.variableGrads(lossFn, [...dense, ...sparse.map((e) => e.anchor)]);
  const out: GradMap = new Map();
  const loss = value.dataSync()[0];
  value.dispose();
  for (const v of dense) if (grads[v.name]) out.set(v, { dense: grads[v.name] });
  for (const e of sparse) {
    tf.dispose(grads[e.anchor.name]);
    const sg = e.drainSparseGrad();
    if (sg) out.set(e.table, 'dense' in sg ? { dense: sg.dense } : { ids: sg.ids, rows: sg.grads });
  }
  return { value: loss, grads: out };
}

/**
 * A gradient as a dense tensor of the variable's shape (row gradients scattered, repeated ids summed).
 * @internal
 */
export function denseGradient(v: tf.Variable, g: VariableGrad): tf.Tensor {
  return 'dense' in g ? g.dense : tf.scatterND(tf.tensor2d(g.ids, [g.ids.length, 1], 'int32'), g.rows, v.shape);
}

/** `c·x` as a new tensor; at `c` = 1 a copy (a reference count on the native backend) instead of a product. */
const scaled = (x: tf.Tensor, c: number): tf.Tensor => (c === 1 ? tf.clone(x) : tf.mul(x, c));

/** `a·x + b·y` of two (optional) gradients of one variable; a new tensor set owned by the caller. */
function combine(v: tf.Variable, x: VariableGrad | undefined, a: number, y: VariableGrad | undefined, b: number): VariableGrad | undefined {
  const parts = [
    ...(x && a !== 0 ? [{ g: x, c: a }] : []),
    ...(y && b !== 0 ? [{ g: y, c: b }] : []),
  ];
  if (parts.length === 0) return undefined;
  if (parts.every((p) => 'ids' in p.g)) {
    const ids = new Int32Array(parts.reduce((n, p) => n + (p.g as { ids: Int32Array }).ids.length, 0));
    let k = 0;
    for (const p of parts) {
      ids.set((p.g as { ids: Int32Array }).ids, k);
      k += (p.g as { ids: Int32Array }).ids.length;
    }
    const rows = tf.tidy(() => tf.concat(parts.map((p) => scaled((p.g as { rows: tf.Tensor2D }).rows, p.c)), 0) as tf.Tensor2D);
    return { ids, rows };
  }
  const dense = tf.tidy(() => {
    const terms = parts.map((p) =>
      scaled(denseGradient(v, p.g), p.c),
    );
    return terms.length === 1 ? terms[0] : tf.add(terms[0], terms[1]);
  });
  return { dense };
}

/**
 * IaCN's gradient mix from two gradient calls (specs/iacn.md): `g_main = ∇L_main` and `g_aux = ∇(λ·L_aux)`
 * under one routing draw; IaCN's own parameters ({@link IaCN.ownVariables}) receive
 * `(1 − δ)·g_aux + δ·g_main`, every other variable (the shared item table included) `g_main + g_aux`; with
 * `mixScope: 'embeddings'` the shared item tables get the mix too. `lossFn` must call `model.loss(batch)`
 * (as `fit` does): the model's loss part is switched between the calls.
 */
export function mixedGradients(model: IaCN, lossFn: () => tf.Scalar, variables: readonly tf.Variable[], opts: { delta?: number; mixScope?: 'own' | 'embeddings' } = {}): MixedGradients {
  const delta = opts.delta ?? model.settings.delta;
  const scope = opts.mixScope ?? model.settings.mixScope;
  const mixedVars = new Set([...model.ownVariables(), ...(scope === 'embeddings' ? model.sharedItemVariables() : [])]);
  let main: { value: number; grads: GradMap } | undefined;
  let aux: { value: number; grads: GradMap } | undefined;
  model.beginStep();
  try {
    model.setLossPart('main');
    main = gradientsOf(lossFn, variables);
    model.setLossPart('aux');
    aux = gradientsOf(lossFn, variables);
  } catch (e) {
    if (main) disposeGrads(main.grads);
    throw e;
  } finally {
    model.setLossPart('joint');
    model.endStep();
  }
  const mixed: GradMap = new Map();
  for (const v of new Set([...main.grads.keys(), ...aux.grads.keys()])) {
    const [cm, ca] = mixedVars.has(v) ? [delta, 1 - delta] : [1, 1];
    const g = combine(v, main.grads.get(v), cm, aux.grads.get(v), ca);
    if (g) mixed.set(v, g);
  }
  return { main: main.value, aux: aux.value, loss: main.value + aux.value, gMain: main.grads, gAux: aux.grads, mixed };
}

/** A loss whose gradient with respect to each variable is exactly `grads` (`Σ ⟨v, g⟩`, the row-sparse way for tables). */
function surrogate(grads: GradMap): tf.Scalar {
  return tf.tidy(() => {
    const terms: tf.Tensor[] = [];
    for (const [v, g] of grads) {
      const e = embeddingOf(v);
      if ('ids' in g) {
        if (!e) throw new Error(`GradientMixOptimizer: row gradient for ${v.name}, which is not an embedding table`);
        terms.push(tf.sum(tf.mul(e.lookup(g.ids), g.rows)));
      } else terms.push(tf.sum(tf.mul(e && e.mode === 'sparse' ? e.all() : v, g.dense)));
    }
    return (terms.length ? tf.addN(terms) : tf.scalar(0)) as tf.Scalar;
  });
}

/**
 * An {@link Optimizer} that trains an {@link IaCN} with the δ gradient mix: each `step` computes
 * {@link mixedGradients} (two gradient calls) and hands the mixed gradients to the inner optimizer (Adam,
 * with its row-sparse table updates) through a surrogate loss whose gradient is exactly the mix. Returns
 * the joint loss `L_main + λ·L_aux`; a non-finite loss updates nothing. Use it with `fit` like any optimizer.
 */
export class GradientMixOptimizer implements Optimizer {
  /**
   * @param model the IaCN model being trained (its loss part is switched during a step)
   * @param inner the optimizer that applies the mixed gradients (e.g. core's `Adam`)
   */
  constructor(
    readonly model: IaCN,
    readonly inner: Optimizer,
  ) {}

  private parts: { main: number; aux: number } | undefined;

  step(lossFn: () => tf.Scalar, variables: tf.Variable[]): number {
    const m = mixedGradients(this.model, lossFn, variables);
    this.parts = { main: m.main, aux: m.aux };
    try {
      if (!Number.isFinite(m.loss)) return m.loss;
      // The inner optimizer applies the mix directly when it can (core's Adam); otherwise through a loss
      // whose gradient is exactly the mix (one more gradient call).
      if (this.inner.applyGradients) this.inner.applyGradients(m.mixed);
      else this.inner.step(() => surrogate(m.mixed), variables);
      return m.loss;
    } finally {
      disposeGrads(m.gMain);
      disposeGrads(m.gAux);
      disposeGrads(m.mixed);
    }
  }

  /** The last step's `L_main` and `λ·L_aux` (fit logs their epoch means as `lossParts`). */
  lastLossParts(): Record<string, number> | undefined {
    return this.parts;
  }

  getState(variables: tf.Variable[]): OptimizerState {
    return this.inner.getState(variables);
  }

  setState(variables: tf.Variable[], state: OptimizerState): void {
    this.inner.setState(variables, state);
  }

  dispose(): void {
    this.inner.dispose();
  }
}
