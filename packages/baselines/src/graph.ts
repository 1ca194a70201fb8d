/**
 * The user–item bipartite graph of LightGCN (He et al. 2020) and its propagation layer.
 *
 * Node numbering: users are nodes `0..numUsers-1`, item `j` (`0..numItems`) is node `numUsers + j`; the
 * padding item (node `numUsers`) has no edge, so its propagated embeddings stay at its ego value.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { spmm, type EdgeList, type EdgeTensors } from '@recsuite/core';
import { CFInputError, type CFInteractions } from './cfBatch.js';

/** Node index of item `item` in the bipartite graph of `numUsers` users. */
export const itemNode = (numUsers: number, item: number): number => numUsers + item;

/** Number of graph nodes: users, then items `0..numItems` (item 0 = padding, isolated). */
export const numNodes = (numUsers: number, numItems: number): number => numUsers + numItems + 1;

/**
 * The symmetric-normalised adjacency `Ã = D^-1/2 A D^-1/2` with `A = [[0, R], [Rᵀ, 0]]` (Eq. 6–7) as a
 * weighted edge list, built from training interactions only: for each distinct training pair `(u, i)`,
 * the edges `u ← i` and `i ← u`, both weighted `1 / sqrt(|N_u| |N_i|)` (Eq. 3), where `|N_u|`, `|N_i|`
 * are the training degrees. Feed it to `edgeTensors` and {@link propagate}.
 * @param data - the training interactions.
 */
export function bipartiteAdjacency(data: CFInteractions): EdgeList {
  const { numUsers, numItems, userItems } = data;
  if (userItems.length !== numUsers) {
    throw new CFInputError(`bipartiteAdjacency: userItems has ${userItems.length} users, numUsers is ${numUsers}`);
  }
  const itemDeg = new Float64Array(numItems + 1);
  let m = 0;
  for (const items of userItems) {
    for (const i of items) {
      if (!(i >= 1 && i <= numItems)) throw new CFInputError(`bipartiteAdjacency: item ${i} is outside 1..${numItems}`);
      itemDeg[i] += 1;
    }
    m += items.length;
  }
  const rows = new Int32Array(2 * m);
  const cols = new Int32Array(2 * m);
  const vals = new Float32Array(2 * m);
  let e = 0;
  userItems.forEach((items, u) => {
    const du = items.length;
    for (const i of items) {
      const w = 1 / Math.sqrt(du * itemDeg[i]);
      const node = itemNode(numUsers, i);
      rows[e] = u;
      cols[e] = node;
      vals[e++] = w;
      rows[e] = node;
      cols[e] = u;
      vals[e++] = w;
    }
  });
  const n = numNodes(numUsers, numItems);
  return { rows, cols, vals, numRows: n, numCols: n };
}

/**
 * LightGCN propagation and layer combination: `E^(k+1) = Ã E^(k)` (Eq. 7) for `k < layers`, then the
 * mean `E = (1 / (K+1)) Σ_{k=0..K} E^(k)` (Eq. 4 and 8, `α_k = 1/(K+1)`). Differentiable in `ego`
 * (the gradient of `spmm` is `Ãᵀ dy`).
 * @param adj - the normalised adjacency uploaded with `edgeTensors`.
 * @param ego - layer-0 embeddings `[numNodes, d]`.
 * @param layers - `K ≥ 0`.
 * @returns the final embeddings `[numNodes, d]`.
 */
export function propagate(adj: EdgeTensors, ego: tf.Tensor2D, layers: number): tf.Tensor2D {
  if (!Number.isInteger(layers) || layers < 0) throw new CFInputError(`propagate: layers must be a non-negative integer, got ${layers}`);
  if (ego.shape[0] !== adj.numCols) throw new CFInputError(`propagate: ego has ${ego.shape[0]} rows, the graph has ${adj.numCols} nodes`);
  return tf.tidy(() => {
    let h = ego;
    let sum: tf.Tensor2D = ego;
    for (let k = 0; k < layers; k++) {
      h = spmm(adj, h); // Eq. 7
      sum = tf.add(sum, h);
    }
    return tf.div(sum, layers + 1) as tf.Tensor2D; // Eq. 8
  });
}
