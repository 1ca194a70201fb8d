import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '../tensor/rng.js';
import { describeBackends, expectClose, expectNoLeak, gradCheck } from '../test/index.js';
import { Dice } from './dice.js';
import { GaussianHead, klDiagGaussians, klStandardNormal, reparameterize } from './gaussian.js';
import { Dense, MLP } from './mlp.js';
import { PReLU } from './prelu.js';

const sig = (v: number) => 1 / (1 + Math.exp(-v));

describeBackends('nn layers: Dense, MLP, Dice, PReLU, Gaussian head', () => {
  it('PReLU: max(0, x) + α min(0, x) per feature', () => {
    const p = new PReLU(2);
    tf.tidy(() => p.alpha.assign(tf.tensor1d([0.25, 0.5])));
    const y = p.apply(tf.tensor2d([[-2, -2], [3, 1]]));
    expectClose(y, [-0.5, -1, 3, 1]);
    p.dispose();
  });

  it('Dice in evaluation uses running statistics (hand-computed)', () => {
    const d = new Dice(1, { epsilon: 0 });
    tf.tidy(() => d.alpha.assign(tf.tensor1d([0.1])));
    const y = d.apply(tf.tensor2d([[1], [-2]]));
    // mean 0, var 1: f(s) = s (α + σ(s)(1 − α))
    expectClose(y, [1 * (0.1 + sig(1) * 0.9), -2 * (0.1 + sig(-2) * 0.9)]);
    // a row's output does not depend on the rest of the batch
    const one = d.apply(tf.tensor2d([[1]]));
    expectClose(one, [1 * (0.1 + sig(1) * 0.9)]);
    d.dispose();
  });

  it('Dice in training uses batch statistics and updates running ones (hand-computed)', () => {
    const d = new Dice(2, { epsilon: 0, momentum: 0.9 });
    tf.tidy(() => d.alpha.assign(tf.tensor1d([0.2, 0])));
    d.setTraining(true);
    // feature 0: values 1, 3 -> mean 2, var 1; feature 1: 0, 4 -> mean 2, var 4
    const y = d.apply(tf.tensor2d([[1, 0], [3, 4]]));
    expectClose(y, [1 * (0.2 + sig(-1) * 0.8), 0, 3 * (0.2 + sig(1) * 0.8), 4 * sig(1)]);
    expectClose(d.runningMean, [0.2, 0.2]);
    expectClose(d.runningVar, [0.9 + 0.1, 0.9 + 0.4]);
    // statistics over every axis but the last ([B, L, d] input)
    const y3 = d.apply(tf.tensor3d([[[1, 0]], [[3, 4]]]), { training: true });
    expectClose(tf.reshape(y3, [2, 2]), y);
    d.dispose();
  });

  it('Dice and MLP gradients match finite differences (training mode, batch statistics)', () => {
    const d = new Dice(3);
    d.setTraining(true);
    tf.tidy(() => d.alpha.assign(tf.tensor1d([0.1, -0.2, 0.3])));
    const x = tf.tensor2d([[0.5, -1, 2], [1.5, 0.2, -0.3], [-0.7, 0.9, 0.4]]);
    const wts = tf.tensor2d([[1, 2, 3], [-1, 0.5, 2], [0.3, -2, 1]]);
    const withAlpha = (xx: tf.Tensor, a: tf.Tensor) => {
      const dd = Object.assign(Object.create(Dice.prototype) as Dice, d, { alpha: a });
      return tf.sum(tf.mul(dd.apply(xx), wts)) as tf.Scalar;
    };
    gradCheck(withAlpha, [x, tf.tensor1d([0.1, -0.2, 0.3])], { eps: 1e-2, tol: 3e-2 });
    // same gradient as autodiff of the unfused formula
    const unfused = (xx: tf.Tensor, a: tf.Tensor) => {
      const { mean, variance } = tf.moments(xx, 0);
      const p = tf.sigmoid(tf.div(tf.sub(xx, mean), tf.sqrt(tf.add(variance, d.epsilon))));
      return tf.sum(tf.mul(tf.mul(xx, tf.add(a, tf.mul(p, tf.sub(1, a)))), wts)) as tf.Scalar;
    };
    const al = tf.tensor1d([0.1, -0.2, 0.3]);
    const g1 = tf.grads(withAlpha)([x, al]);
    const g2 = tf.grads(unfused)([x, al]);
    g1.forEach((g, i) => expectClose(g, g2[i]));
    const mlp = new MLP(3, [4], { rng: new Rng(1), activation: 'prelu', output: 1 });
    gradCheck((xx) => tf.sum(tf.square(mlp.apply(xx))) as tf.Scalar, [x]);
    d.dispose();
    mlp.dispose();
  });

  it('MLP: shapes, layer-by-layer value, variables, any leading shape', () => {
    const rng = new Rng(7);
    const mlp = new MLP(3, [4, 2], { rng, activation: 'sigmoid', output: 1 });
    expect(mlp.outDim).toBe(1);
    expect(mlp.variables().length).toBe(6);
    expect(mlp.stateVariables().length).toBe(0);
    const x = tf.tensor2d([[0.1, 0.2, -0.3], [1, -1, 0.5]]);
    const y = mlp.apply(x);
    expect(y.shape).toEqual([2, 1]);
    const [l1, l2, l3] = mlp.layers;
    const ref = tf.tidy(() => l3.apply(tf.sigmoid(l2.apply(tf.sigmoid(tf.add(tf.matMul(x, l1.w), l1.b!))))));
    expectClose(y, ref);
    const y3 = mlp.apply(tf.reshape(x, [1, 2, 3]));
    expect(y3.shape).toEqual([1, 2, 1]);
    expectClose(tf.reshape(y3, [2, 1]), y);
    expect(() => new MLP(3, [2], { rng, activation: 'nope' as never })).toThrow(/unknown activation 'nope'/);
    expect(() => mlp.apply(tf.zeros([2, 5]))).toThrow(/input width 5/);
    mlp.dispose();
  });

  it('MLP: dropout only in training, same mask for the same seed; Dice state listed', () => {
    const mk = () => new MLP(4, [16], { rng: new Rng(3), activation: 'dice', dropout: 0.5 });
    const a = mk();
    const b = mk();
    expect(a.stateVariables().length).toBe(2);
    const x = tf.tensor2d([[1, 2, 3, 4], [-1, 0, 1, 2]]);
    expectClose(a.apply(x), b.apply(x));
    a.setTraining(true);
    b.setTraining(true);
    const ya = a.apply(x);
    const yb = b.apply(x);
    expectClose(ya, yb);
    const zeros = Array.from(ya.dataSync()).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(4);
    a.setTraining(false);
    const ye = a.apply(x);
    expect(Array.from(ye.dataSync()).filter((v) => v === 0).length).toBe(0);
    a.dispose();
    b.dispose();
  });

  it('Gaussian head: z = μ in evaluation, μ + σ ε with seeded ε in training', () => {
    const head = new GaussianHead(3, 2, new Rng(11));
    const x = tf.tensor2d([[0.3, -0.1, 0.8]]);
    const ev = head.apply(x);
    expect(ev.mu.shape).toEqual([1, 2]);
    expectClose(ev.z, ev.mu);
    const noise = new Rng(5);
    const expectEps = new Rng(5);
    const tr = head.apply(x, { training: true, rng: noise });
    const mu = tr.mu.dataSync();
    const lv = tr.logVar.dataSync();
    const e = [expectEps.normal(), expectEps.normal()];
    expectClose(tr.z, [mu[0] + Math.exp(0.5 * lv[0]) * e[0], mu[1] + Math.exp(0.5 * lv[1]) * e[1]]);
    expect(head.variables().length).toBe(4);
    head.dispose();
  });

  it('KL helpers match closed forms computed by hand; gradients of the sample flow to μ and log σ²', () => {
    // ½[(1 + 1 − 1 − 0) + (2 + 0 − 1 − ln 2)]
    expectClose(klStandardNormal(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, Math.log(2)]])), [0.5 * (1 + 1 - Math.log(2))]);
    // ½[ln 4 − 0 + (1 + 1) / 4 − 1]
    expectClose(klDiagGaussians(tf.tensor2d([[1]]), tf.tensor2d([[0]]), tf.tensor2d([[0]]), tf.tensor2d([[Math.log(4)]])), [
      0.5 * (Math.log(4) + 0.5 - 1),
    ]);
    // KL(q‖q) = 0; KL to N(0, 1) equals the general form with μ₂ = 0, log σ₂² = 0
    const mu = tf.tensor2d([[0.3, -1.2, 2], [0, 0.5, -0.1]]);
    const lv = tf.tensor2d([[0.1, -0.7, 1.3], [0, 2, -2]]);
    expectClose(klDiagGaussians(mu, lv, mu, lv), [0, 0]);
    expectClose(klDiagGaussians(mu, lv, tf.zerosLike(mu), tf.zerosLike(lv)), klStandardNormal(mu, lv));
    gradCheck((m, l) => tf.sum(klStandardNormal(m, l)) as tf.Scalar, [mu, lv]);
    const [dmu, dlv] = tf.grads((m: tf.Tensor, l: tf.Tensor) => tf.sum(reparameterize(m, l, new Rng(1))))([mu, lv]);
    expectClose(dmu, tf.onesLike(mu));
    const eps = Array.from({ length: 6 }, ((r) => () => r.normal())(new Rng(1)));
    const lvs = lv.dataSync();
    expectClose(dlv, eps.map((e, i) => 0.5 * Math.exp(0.5 * lvs[i]) * e));
  });

  it('Dense rejects bad sizes; a forward/backward pass leaks nothing', async () => {
    expect(() => new Dense(0, 3, new Rng(1))).toThrow(/sizes must be positive/);
    const mlp = new MLP(4, [8, 4], { rng: new Rng(2), activation: 'dice', dropout: 0.2, output: 1 });
    mlp.setTraining(true);
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 1);
    await expectNoLeak(() => {
      for (let step = 0; step < 2; step++) {
        const r = tf.variableGrads(() => tf.sum(mlp.apply(x)) as tf.Scalar, mlp.variables());
        tf.dispose([r.value, ...Object.values(r.grads)]);
      }
    });
    x.dispose();
    mlp.dispose();
  });
});
