import * as tf from '@tensorflow/tfjs-core';
import { Adam, Rng, type Optimizer } from '@recsuite/core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { GradientMixOptimizer, denseGradient, disposeGrads, gradientsOf, mixedGradients, type GradMap, type VariableGrad } from './gradientMix.js';
import { IaCN } from './iacn.js';
import { batchesOf, syntheticCtr } from './testing/syntheticCtr.js';

const task = syntheticCtr({ seed: 21, numUsers: 40 });
const batch = batchesOf(task, task.data.train, 16, 10, new Rng(2))[0];
const make = (iacn = {}) => {
  const m = new IaCN({ base: 'DIN', baseConfig: { ...task.baseConfig(5), mlpActivation: 'relu' }, iacn: { interestHidden: [8], lambda: 0.7, ...iacn } });
  m.setTraining(true);
  return m;
};

/** A gradient as a dense array of the variable's shape. */
function dense(v: tf.Variable, g: VariableGrad | undefined): Float32Array {
  if (!g) return new Float32Array(v.size);
  return tf.tidy(() => denseGradient(v, g).dataSync() as Float32Array);
}
const norm = (a: Float32Array) => Math.hypot(...a);
const lin = (a: Float32Array, x: number, b: Float32Array, y: number) => a.map((v, i) => x * v + y * b[i]);

function disposeAll(...maps: GradMap[]) {
  maps.forEach(disposeGrads);
}

describeBackends('IaCN gradient mix', () => {
  it('δ = 1: the auxiliary loss sends nothing into IaCN’s own parameters; the shared item table receives both losses', () => {
    const m = make({ delta: 1 });
    const r = mixedGradients(m, () => m.loss(batch), m.variables());
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(r.aux).toBeGreaterThan(0);
    for (const v of m.ownVariables()) {
      const gm = dense(v, r.gMain.get(v));
      const ga = dense(v, r.gAux.get(v));
      expect(norm(gm)).toBeGreaterThan(1e-6); // the main loss reaches them (through ẽ)
      expect(norm(ga)).toBeGreaterThan(1e-6); // and the auxiliary loss would too ...
      expectClose(dense(v, r.mixed.get(v)), gm, 1e-6); // ... but only g_main is applied
    }
    for (const v of m.sharedItemVariables()) {
      const gm = dense(v, r.gMain.get(v));
      const ga = dense(v, r.gAux.get(v));
      expect(norm(gm)).toBeGreaterThan(1e-6);
      expect(norm(ga)).toBeGreaterThan(1e-6);
      expectClose(dense(v, r.mixed.get(v)), lin(gm, 1, ga, 1), 1e-5);
    }
    // The base model's MLP gets the main loss only (the auxiliary head does not use it).
    const w = m.base.variables().find((v) => !m.sharedItemVariables().includes(v) && r.gMain.has(v) && !r.gAux.has(v));
    expect(w).toBeDefined();
    disposeAll(r.gMain, r.gAux, r.mixed);
    m.dispose();
  });

  it('δ = 0: the main loss sends nothing into IaCN’s own parameters; the shared item table still receives both', () => {
    const m = make({ delta: 0 });
    const r = mixedGradients(m, () => m.loss(batch), m.variables());
    for (const v of m.ownVariables()) {
      expect(norm(dense(v, r.gMain.get(v)))).toBeGreaterThan(1e-6);
      expectClose(dense(v, r.mixed.get(v)), dense(v, r.gAux.get(v)), 1e-6);
    }
    for (const v of m.sharedItemVariables()) {
      expectClose(dense(v, r.mixed.get(v)), lin(dense(v, r.gMain.get(v)), 1, dense(v, r.gAux.get(v)), 1), 1e-5);
    }
    disposeAll(r.gMain, r.gAux, r.mixed);
    m.dispose();
  });

  it('δ = 0.3 matches gradients computed separately under the same routing draw; mixScope embeddings mixes the table', () => {
    for (const scope of ['own', 'embeddings'] as const) {
      const m = make({ delta: 0.3, mixScope: scope });
      const state = m.routingRng.getState();
      const r = mixedGradients(m, () => m.loss(batch), m.variables());
      // by hand: the same draw, then ∇L_main and ∇(λ L_aux) as two separate calls on the model's own loss functions
      m.routingRng.setState(state);
      m.beginStep();
      const gm = gradientsOf(() => m.mainLoss(batch), m.variables()).grads;
      const ga = gradientsOf(() => m.auxLoss(batch), m.variables()).grads;
      m.endStep();
      for (const v of m.ownVariables()) expectClose(dense(v, r.mixed.get(v)), lin(dense(v, gm.get(v)), 0.3, dense(v, ga.get(v)), 0.7), 1e-5);
      for (const v of m.sharedItemVariables()) {
        const [a, b] = scope === 'own' ? [1, 1] : [0.3, 0.7];
        expectClose(dense(v, r.mixed.get(v)), lin(dense(v, gm.get(v)), a, dense(v, ga.get(v)), b), 1e-5);
      }
      disposeAll(r.gMain, r.gAux, r.mixed, gm, ga);
      m.dispose();
    }
  });

  it('GradientMixOptimizer: Adam applying the mix directly ends where the surrogate-loss path (an optimizer with only step) ends', () => {
    const [m1, m2] = [make({ delta: 0.3 }), make({ delta: 0.3 })];
    const a1 = new Adam({ lr: 0.01 });
    const a2 = new Adam({ lr: 0.01 });
    const stepOnly: Optimizer = { step: (f, v) => a2.step(f, v), getState: (v) => a2.getState(v), setState: (v, s) => a2.setState(v, s), dispose: () => a2.dispose() };
    const o1 = new GradientMixOptimizer(m1, a1);
    const o2 = new GradientMixOptimizer(m2, stepOnly);
    const bs = batchesOf(task, task.data.train, 16, 10, new Rng(3)).slice(0, 3);
    for (const b of bs) expect(o1.step(() => m1.loss(b), m1.variables())).toBeCloseTo(o2.step(() => m2.loss(b), m2.variables()), 5);
    const v2 = m2.variables();
    m1.variables().forEach((v, i) => expectClose(v, v2[i], 1e-5));
    [o1, o2].forEach((o) => o.dispose());
    [m1, m2].forEach((m) => m.dispose());
  });

  it('GradientMixOptimizer applies exactly the mixed gradient (first Adam step moves each weight by −lr·sign(g))', () => {
    const m = make({ delta: 1 });
    const lr = 0.01;
    const opt = new GradientMixOptimizer(m, new Adam({ lr }));
    const state = m.routingRng.getState();
    const r = mixedGradients(m, () => m.loss(batch), m.variables());
    m.routingRng.setState(state);
    const vars = [...m.ownVariables(), ...m.sharedItemVariables()];
    const before = vars.map((v) => v.dataSync().slice());
    expect(opt.lastLossParts()).toBeUndefined();
    const loss = opt.step(() => m.loss(batch), m.variables());
    expect(loss).toBeCloseTo(r.loss, 4);
    // the step reports its two loss parts (fit logs their epoch means), summing to the joint loss
    const parts = opt.lastLossParts()!;
    expect(parts.main).toBeCloseTo(r.main, 4);
    expect(parts.aux).toBeCloseTo(r.aux, 4);
    expect(parts.main + parts.aux).toBeCloseTo(loss, 4);
    vars.forEach((v, k) => {
      const g = dense(v, r.mixed.get(v));
      const after = v.dataSync();
      let checked = 0;
      for (let i = 0; i < g.length; i++) {
        if (Math.abs(g[i]) < 1e-4) continue;
        expect(after[i] - before[k][i]).toBeCloseTo(-lr * Math.sign(g[i]), 4);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
    disposeAll(r.gMain, r.gAux, r.mixed);
    opt.dispose();
    m.dispose();
  });
});
