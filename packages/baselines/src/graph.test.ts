import * as tf from '@tensorflow/tfjs-core';
import { edgeTensors, randomNormal, Rng } from '@recsuite/core';
import { describeBackends, expectClose, expectNoLeak, gradCheck } from '@recsuite/core/test';
import { describe, expect, it } from 'vitest';
import { cfInteractions } from './cfBatch.js';
import { itemNode, bipartiteAdjacency, numNodes, propagate } from './graph.js';

// Toy graph: user 0 saw items {1, 2}, user 1 saw items {2, 3}. Degrees: users 2, 2; items 1, 2, 1.
// Nodes: users 0, 1; padding item 2; items 1, 2, 3 -> nodes 3, 4, 5.
const toy = () => cfInteractions(2, 3, [0, 0, 1, 1, 0], [1, 2, 2, 3, 2]); // (0, 2) twice: collapses
const r2 = Math.SQRT1_2; // 1 / sqrt(2 * 1)

/** Dense Ã from an edge list (rows += vals at cols). */
function dense(e: ReturnType<typeof bipartiteAdjacency>): number[][] {
  const m = Array.from({ length: e.numRows }, () => new Array<number>(e.numCols).fill(0));
  for (let k = 0; k < e.rows.length; k++) m[e.rows[k]][e.cols[k]] += e.vals[k];
  return m;
}

describe('bipartiteAdjacency', () => {
  it('weights every edge 1/sqrt(d_u d_i), both directions, on the 2-user 3-item example', () => {
    const e = bipartiteAdjacency(toy());
    expect(numNodes(2, 3)).toBe(6);
    expect(itemNode(2, 1)).toBe(3);
    expect(e.numRows).toBe(6);
    expect(e.numCols).toBe(6);
    expect(e.rows.length).toBe(8); // 4 distinct pairs, 2 directions
    const expected = [
      //  u0   u1  pad  i1   i2   i3
      [0, 0, 0, r2, 0.5, 0],
      [0, 0, 0, 0, 0.5, r2],
      [0, 0, 0, 0, 0, 0],
      [r2, 0, 0, 0, 0, 0],
      [0.5, 0.5, 0, 0, 0, 0],
      [0, r2, 0, 0, 0, 0],
    ];
    expectClose(dense(e).flat(), expected.flat(), 1e-6);
  });

  it('rejects items out of range', () => {
    expect(() => bipartiteAdjacency({ numUsers: 1, numItems: 2, userItems: [Int32Array.of(3)] })).toThrow(/item 3 is outside 1..2/);
  });
});

describeBackends('propagate', () => {
  const ego = () =>
    tf.tensor2d([
      [1, 0], // u0
      [0, 1], // u1
      [0, 0], // padding item
      [1, 1], // i1
      [2, 0], // i2
      [0, 3], // i3
    ]);

  it('K = 1 equals (E0 + Ã E0) / 2, computed by hand', () => {
    const adj = edgeTensors(bipartiteAdjacency(toy()));
    const e0 = ego();
    // Ã E0: u0 = r2*i1 + 0.5*i2; u1 = 0.5*i2 + r2*i3; i1 = r2*u0; i2 = 0.5*(u0 + u1); i3 = r2*u1.
    const e1 = [
      [r2 + 1, r2],
      [1, 3 * r2],
      [0, 0],
      [r2, 0],
      [0.5, 0.5],
      [0, r2],
    ];
    const want = e1.map((row, n) => row.map((v, j) => (v + (e0.arraySync() as number[][])[n][j]) / 2));
    expectClose(propagate(adj, e0, 1), tf.tensor2d(want));
    // K = 0 is the identity.
    expectClose(propagate(adj, e0, 0), e0);
    adj.dispose();
  });

  it('K = 3 equals the mean of Ã^k E0 with a dense Ã', () => {
    const e = bipartiteAdjacency(toy());
    const adj = edgeTensors(e);
    const A = tf.tensor2d(dense(e));
    const e0 = ego();
    let h: tf.Tensor2D = e0;
    let sum: tf.Tensor2D = e0;
    for (let k = 0; k < 3; k++) {
      h = tf.matMul(A, h);
      sum = tf.add(sum, h);
    }
    expectClose(propagate(adj, e0, 3), tf.div(sum, 4));
    adj.dispose();
  });

  it('passes a finite-difference gradient check through 3 layers, and leaks nothing', async () => {
    const adj = edgeTensors(bipartiteAdjacency(toy()));
    const rng = new Rng(7);
    const e0 = randomNormal([6, 3], 1, rng) as tf.Tensor2D;
    const w = randomNormal([6, 3], 1, rng);
    gradCheck((x) => tf.sum(tf.mul(tf.square(propagate(adj, x as tf.Tensor2D, 3)), w)), [e0]);
    await expectNoLeak(() => tf.tidy(() => propagate(adj, e0, 3)));
    tf.dispose([e0, w]);
    adj.dispose();
  });

  it('rejects an embedding table of the wrong size', () => {
    const adj = edgeTensors(bipartiteAdjacency(toy()));
    expect(() => propagate(adj, tf.zeros([5, 2]) as tf.Tensor2D, 1)).toThrow(/5 rows, the graph has 6 nodes/);
    adj.dispose();
  });
});
