/**
 * User–item graph data: edge lists (for LightGCN-style propagation) and BPR triples.
 * @module
 */
import type { Rng } from '../tensor/rng.js';
import type { EdgeList } from '../tensor/segment.js';
import { SortedItemSet } from './samplers.js';

/** A bipartite edge list: edge `k` joins user `users[k]` and item `items[k]`. */
export interface BipartiteEdges {
  /** User end of each edge (dense `0..numUsers-1`). */
  users: Int32Array;
  /** Item end of each edge (dense `1..numItems`). */
  items: Int32Array;
  /** Number of users. */
  numUsers: number;
  /** Number of items. */
  numItems: number;
}

/**
 * Edges from per-user item lists, users ascending, each (user, item) pair once (repeats collapse, the
 * first occurrence's order kept).
 */
export function edgeList(userItems: readonly ArrayLike<number>[], numItems: number): BipartiteEdges {
  const us: number[] = [];
  const is: number[] = [];
  userItems.forEach((items, u) => {
    const seen = new Set<number>();
    for (let k = 0; k < items.length; k++) {
      const i = items[k];
      if (seen.has(i)) continue;
      if (!(i >= 1 && i <= numItems)) throw new RangeError(`edgeList: item ${i} of user ${u} outside 1..${numItems}`);
      seen.add(i);
      us.push(u);
      is.push(i);
    }
  });
  return { users: Int32Array.from(us), items: Int32Array.from(is), numUsers: userItems.length, numItems };
}

/** A batch of BPR triples (user, positive, negative). */
export interface BprBatch {
  /** Users. */
  users: Int32Array;
  /** Positive items (an edge of the user). */
  pos: Int32Array;
  /** Negative items (not an item of the user), uniform. */
  neg: Int32Array;
}

/**
 * One epoch of BPR triples: every edge once in a shuffled order, each with one uniform negative the user
 * has no edge to.
 */
export function* bprBatches(edges: BipartiteEdges, opts: { batchSize: number; rng: Rng }): Generator<BprBatch> {
  const { batchSize, rng } = opts;
  const per: number[][] = Array.from({ length: edges.numUsers }, () => []);
  for (let k = 0; k < edges.users.length; k++) per[edges.users[k]].push(edges.items[k]);
  const sets = per.map((items) => new SortedItemSet(items));
  const order = rng.permutation(edges.users.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const B = Math.min(batchSize, order.length - start);
    const users = new Int32Array(B);
    const pos = new Int32Array(B);
    const neg = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const e = order[start + b];
      const u = edges.users[e];
      users[b] = u;
      pos[b] = edges.items[e];
      const s = sets[u];
      if (s.size >= edges.numItems) throw new RangeError(`bprBatches: user ${u} is linked to every item`);
      let c: number;
      do c = 1 + rng.int(edges.numItems);
      while (s.has(c));
      neg[b] = c;
    }
    yield { users, pos, neg };
  }
}

/**
 * The symmetrically normalised adjacency of the user–item graph (LightGCN, eq. 7): nodes are users
 * `0..U-1` then items `U..U+I-1` (item `i` is node `U + i - 1`); each edge appears in both directions with
 * weight `1/sqrt(deg(u)·deg(i))`. The result is the tensor layer's {@link EdgeList} for `spmm`.
 */
export function normalizedAdjacency(edges: BipartiteEdges): EdgeList {
  const U = edges.numUsers;
  const n = U + edges.numItems;
  const deg = new Float64Array(n);
  const m = edges.users.length;
  for (let k = 0; k < m; k++) {
    deg[edges.users[k]]++;
    deg[U + edges.items[k] - 1]++;
  }
  const rows = new Int32Array(2 * m);
  const cols = new Int32Array(2 * m);
  const vals = new Float32Array(2 * m);
  for (let k = 0; k < m; k++) {
    const a = edges.users[k];
    const b = U + edges.items[k] - 1;
    const w = 1 / Math.sqrt(deg[a] * deg[b]);
    rows[2 * k] = a;
    cols[2 * k] = b;
    vals[2 * k] = w;
    rows[2 * k + 1] = b;
    cols[2 * k + 1] = a;
    vals[2 * k + 1] = w;
  }
  return { rows, cols, vals, numRows: n, numCols: n };
}
