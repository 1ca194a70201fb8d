import * as tf from '@tensorflow/tfjs-core';
import { Adam, Rng } from '@recsuite/core';
import { describeBackends, expectClose } from '@recsuite/core/test';
import { expect, it } from 'vitest';
import { cfInteractions, cfTrainBatches, CFInputError, type CFBatch } from './cfBatch.js';
import { LightGCN } from './lightgcn.js';
import { allUsers, describeAcrossBackends, itRecommends, itSavesAndLoads, smallCF as small, trainedOneEpoch } from './testing/cfTestkit.js';

// Toy graph of graph.test.ts: user 0 saw {1, 2}, user 1 saw {2, 3}.
const toy = () => cfInteractions(2, 3, [0, 0, 1, 1], [1, 2, 2, 3]);
const r2 = Math.SQRT1_2;

describeBackends('LightGCN', (backend) => {
  it('K = 1 final embeddings, scores and loss match a hand computation on the toy graph', () => {
    const init = {
      users: tf.tensor2d([[1, 0], [0, 1]]),
      items: tf.tensor2d([[9, 9], [1, 1], [2, 0], [0, 3]]), // row 0 (padding) is zeroed
    };
    const m = new LightGCN(toy(), { dim: 2, layers: 1, l2: 0.1, init });
    // (E0 + Ã E0) / 2, see graph.test.ts.
    const u = [[(1 + r2 + 1) / 2, r2 / 2], [1 / 2, (1 + 3 * r2) / 2]];
    const it = [[0, 0], [(1 + r2) / 2, 1 / 2], [(2 + 0.5) / 2, 0.5 / 2], [0, (3 + r2) / 2]];
    const f = m.finalEmbeddings();
    expectClose(f.users, tf.tensor2d(u));
    expectClose(f.items, tf.tensor2d(it));
    const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1];
    expectClose(m.scoreAll({ users: Int32Array.of(1, 0) }), tf.tensor2d([it.map((v) => dot(u[1], v)), it.map((v) => dot(u[0], v))]));
    // BPR on (u0, pos 1, neg 3) plus λ ½ (‖u0⁰‖² + ‖i1⁰‖² + ‖i3⁰‖²) / 1 on the layer-0 rows.
    const x = dot(u[0], it[1]) - dot(u[0], it[3]);
    const want = Math.log(1 + Math.exp(-x)) + 0.1 * 0.5 * (1 + 2 + 9);
    expectClose(m.loss({ users: Int32Array.of(0), pos: Int32Array.of(1), neg: Int32Array.of(3) }), want);
    // Padding row of the layer-0 items is zero.
    expectClose(tf.slice(m.itemEmb.table, [0, 0], [1, 2]), tf.zeros([1, 2]));
    m.dispose();
    tf.dispose(init);
  });

  it('shapes of scoreAll, score, embeddings', () => {
    const m = new LightGCN(small(), { dim: 8, seed: 3 });
    const b = { users: Int32Array.of(0, 5, 11) };
    expect(m.scoreAll(b).shape).toEqual([3, 21]);
    expect(m.score(b, tf.tensor2d([[1, 2], [3, 4], [5, 0]], [3, 2], 'int32')).shape).toEqual([3, 2]);
    const e = m.embeddings();
    expect(e.users.shape).toEqual([12, 8]);
    expect(e.items.shape).toEqual([21, 8]);
    // score agrees with scoreAll on the same items.
    const all = m.scoreAll(b).arraySync();
    const some = m.score(b, tf.tensor2d([[1, 2], [3, 4], [5, 0]], [3, 2], 'int32')).arraySync();
    expectClose(some.flat(), [all[0][1], all[0][2], all[1][3], all[1][4], all[2][5], all[2][0]]);
    expect(() => m.scoreAll({ users: Int32Array.of(12) })).toThrow(/batch.users\[0\] = 12 is outside 0..11/);
    expect(() => m.loss({ users: Int32Array.of(0), pos: Int32Array.of(0), neg: Int32Array.of(1) })).toThrow(CFInputError);
    m.dispose();
  });

  it('the loss gradient matches finite differences on the layer-0 tables', () => {
    const m = new LightGCN(small(2), { dim: 3, layers: 3, l2: 0.05, seed: 4 });
    const users = Int32Array.of(0, 1, 1, 7);
    const seen = (u: number) => m.train.userItems[u];
    const batch: CFBatch = {
      users,
      pos: users.map((u) => seen(u)[0]),
      neg: users.map((u, r) => [20, 19, 18, 17, 16, 15, 14, 13].filter((j) => !seen(u).includes(j))[r]),
    };
    const { grads } = tf.variableGrads(() => m.loss(batch), m.variables());
    const eps = 1e-2;
    for (const v of m.variables()) {
      const g = grads[v.name].dataSync();
      const base = v.dataSync().slice();
      const stride = Math.max(1, Math.floor(base.length / 25));
      for (let k = v === m.itemEmb.table ? 3 : 0; k < base.length; k += stride) {
        const at = (d: number) => {
          const w = base.slice();
          w[k] += d;
          v.assign(tf.tensor(w, v.shape));
          return tf.tidy(() => m.loss(batch).dataSync()[0]);
        };
        const num = (at(eps) - at(-eps)) / (2 * eps);
        expect(Math.abs(num - g[k]), `${v.name}[${k}]: analytic ${g[k]} vs numeric ${num}`).toBeLessThan(2e-2 * Math.max(1, Math.abs(num)));
        v.assign(tf.tensor(base, v.shape));
      }
    }
    tf.dispose(grads);
    m.dispose();
  });

  it('caches the propagation for evaluation until the weights change; training steps leave numTensors unchanged', () => {
    const data = small(3);
    const m = new LightGCN(data, { dim: 8, seed: 5 });
    const opt = new Adam({ lr: 0.01 });
    const rng = new Rng(9);
    const batches = [...cfTrainBatches(data, { batchSize: 16, rng })];
    opt.step(() => m.loss(batches[0]), m.variables()); // creates the optimizer's slots
    const base = tf.memory().numTensors;
    for (const b of batches.slice(1)) opt.step(() => m.loss(b), m.variables());
    expect(tf.memory().numTensors).toBe(base);

    const users = { users: Int32Array.of(0, 3) };
    const s1 = m.scoreAll(users);
    const cached = tf.memory().numTensors - 1 - base; // the cache (users, items[, itemsT on wasm])
    expect(cached).toBe(backend === 'wasm' ? 3 : 2);
    const s2 = m.scoreAll(users);
    expect(tf.memory().numTensors).toBe(base + cached + 2); // no second propagation
    expect(s2.arraySync()).toEqual(s1.arraySync());
    tf.dispose([s1, s2]);
    // A training step frees the cache; the next evaluation sees the new weights.
    opt.step(() => m.loss(batches[0]), m.variables());
    expect(tf.memory().numTensors).toBe(base);
    const fresh = tf.tidy(() => {
      const e = m.embeddings();
      return tf.matMul(tf.gather(e.users, [0, 3]), e.items, false, true);
    });
    const s3 = m.scoreAll(users);
    expectClose(s3, fresh);
    tf.dispose([s3, fresh]);
    // Weights changed behind its back (assign): the cache key notices.
    const s4 = m.scoreAll(users).arraySync();
    for (const v of m.variables()) v.assign(tf.tidy(() => tf.mul(v, 2)));
    const s5 = m.scoreAll(users).arraySync();
    expectClose(s5.flat(), s4.flat().map((v) => 4 * v)); // propagation is linear: scores scale by 2²
    opt.dispose();
    m.dispose();
  });

  itRecommends((data) => new LightGCN(data, { dim: 8, seed: 6 }));

  itSavesAndLoads({
    build: () => trainedOneEpoch(small(5), (d) => new LightGCN(d, { dim: 8, layers: 2, l2: 1e-3, seed: 7 }), 0.05, 1),
    load: LightGCN.load,
    users: allUsers(12),
    check: (l) => expect(l.config).toEqual({ dim: 8, layers: 2, l2: 1e-3 }),
  });
});

describeAcrossBackends('LightGCN', {
  build: () => trainedOneEpoch(small(6), (d) => new LightGCN(d, { dim: 8, seed: 8 }), 0.05, 2),
  load: LightGCN.load,
  users: allUsers(12),
  tol: 1e-4,
});
