import * as tf from '@tensorflow/tfjs-core';
import { Adam, Rng, randomNormal } from '@recsuite/core';
import { describeBackends } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { Club } from './club.js';

describeBackends(
  'Club',
  () => {
    it('after fitting q(s|t), the estimate is near 0 for independent samples and large for dependent ones', () => {
      const rng = new Rng(11);
      const t = randomNormal([256, 2], 1, rng) as tf.Tensor2D;
      const noise = randomNormal([256, 2], 1, rng);
      const dep = tf.tidy(() => tf.add(t, tf.mul(noise, 0.3))) as tf.Tensor2D; // I(t; s) = 2 · ½ log(1 + 1/0.09) ≈ 2.5 nats
      const ind = randomNormal([256, 2], 1, rng) as tf.Tensor2D;
      const fitted = (s: tf.Tensor2D) => {
        const club = new Club(2, 2, new Rng(3));
        const opt = new Adam({ lr: 0.1 });
        for (let i = 0; i < 60; i++) {
          opt.step(() => {
            const { estimate, nll } = club.terms(t, s);
            estimate.dispose();
            return nll;
          }, club.variables());
        }
        const before = tf.memory().numTensors;
        const e = tf.tidy(() => {
          const r = club.terms(t, s);
          return r.estimate.dataSync()[0];
        });
        expect(tf.memory().numTensors).toBe(before);
        opt.dispose();
        club.dispose();
        return e;
      };
      const eDep = fitted(dep);
      const eInd = fitted(ind);
      console.log(`[club] dependent ${eDep}, independent ${eInd}`);
      expect(Math.abs(eInd)).toBeLessThan(0.15);
      expect(eDep).toBeGreaterThan(1.5);
      tf.dispose([t, noise, dep, ind]);
    });

    it('the estimate carries gradient to t and s but not to q; the nll only to q', () => {
      const rng = new Rng(2);
      const club = new Club(3, 2, rng);
      const t = randomNormal([8, 3], 1, rng) as tf.Tensor2D;
      const s = randomNormal([8, 2], 1, rng) as tf.Tensor2D;
      const q = club.variables();
      const est = tf.variableGrads(() => club.terms(t, s).estimate, q);
      for (const g of Object.values(est.grads)) expect(tf.sum(tf.abs(g)).dataSync()[0]).toBe(0);
      const nll = tf.variableGrads(() => club.terms(t, s).nll, q);
      expect(Object.values(nll.grads).some((g) => tf.sum(tf.abs(g)).dataSync()[0] > 0)).toBe(true);
      const [gt, gs] = tf.grads((a: tf.Tensor, b: tf.Tensor) => club.terms(a as tf.Tensor2D, b as tf.Tensor2D).estimate)([t, s]);
      expect(tf.sum(tf.abs(gt)).dataSync()[0]).toBeGreaterThan(0);
      expect(tf.sum(tf.abs(gs)).dataSync()[0]).toBeGreaterThan(0);
      const [nt] = tf.grads((a: tf.Tensor) => club.terms(a as tf.Tensor2D, s).nll)([t]);
      expect(tf.sum(tf.abs(nt)).dataSync()[0]).toBe(0);
      tf.dispose([t, s, est.value, nll.value, gt, gs, nt, ...Object.values(est.grads), ...Object.values(nll.grads)]);
      club.dispose();
    });
  },
  { backends: ['tensorflow'] },
);
