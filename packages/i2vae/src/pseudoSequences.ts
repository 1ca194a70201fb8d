/**
 * The pseudo-sequence generator (PSG) of i2VAE: a LightGCN (from `@recsuite/baselines`) over a user–item
 * graph built from histories only (never a target), whose top items of each domain, minus what the user
 * has already interacted with, become the row's pseudo items.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { LightGCN, cfInteractions, cfTrainBatches } from '@recsuite/baselines';
import { Adam, Rng, crossDomainHistory, crossDomainOther, crossDomainTarget, topK, type CrossDomainRow } from '@recsuite/core';
import type { PseudoItems } from './batch.js';

/** Options of {@link generatePseudoItems}. */
export interface PseudoOptions {
  /** LightGCN width (official 64). */
  dim?: number;
  /** LightGCN layers (official 3). */
  layers?: number;
  /** Adam learning rate (official 1e-3). */
  lr?: number;
  /** L2 weight (official 1e-4). */
  l2?: number;
  /** BPR batch size (official 2048). */
  batchSize?: number;
  /** Training epochs over the graph's edges (default 20). */
  epochs?: number;
  /** Pseudo items per row and domain (official 20). */
  topK?: number;
  /** Seed of LightGCN's initialisation and of the BPR sampling. */
  seed: number;
  /** Called after each epoch with the mean BPR loss. */
  onEpoch?: (epoch: number, loss: number) => void;
  /** Stops the generator between epochs (it rejects with an `AbortError`); Ctrl-C handlers run there too. */
  signal?: AbortSignal;
}

/** What {@link generatePseudoItems} returns. */
export interface PseudoResult {
  /** Per row set (in the order given), per row: pseudo items of domain 0 and domain 1. */
  items: PseudoItems[][];
  /** Graph facts, for the record. */
  stats: { users: number; itemNodes: number; edges: number; epochs: number; finalLoss: number };
}

/**
 * The graph's edges of one row: its target-domain history (the target never) and its other-domain
 * sequence, as `(domain, item)` pairs.
 */
export function rowEdges(row: CrossDomainRow): Array<[0 | 1, number]> {
  const d = row.domain;
  const out: Array<[0 | 1, number]> = [];
  for (const i of crossDomainHistory(row)) out.push([d, i]);
  for (const i of crossDomainOther(row)) out.push([(1 - d) as 0 | 1, i]);
  return out;
}

/**
 * The PSG graph's edges per user (raw user ids mapped to `0..U-1` in order of appearance): the union of the
 * user's rows' {@link rowEdges} over every set, as item nodes `domain·numItems + item`, minus the targets
 * of all the user's rows (a row's other-domain column can hold the target of the same user's row in the
 * other domain: those pairs are held out of the graph, as test interactions are).
 */
export function pseudoGraphEdges(rowSets: readonly (readonly CrossDomainRow[])[], numItems: number): { userIndex: Map<number, number>; userItems: Set<number>[] } {
  const node = (d: 0 | 1, item: number) => d * numItems + item;
  const targets = new Map<number, Set<number>>();
  for (const rows of rowSets) {
    for (const r of rows) {
      const t = targets.get(r.user) ?? new Set<number>();
      t.add(node(r.domain, crossDomainTarget(r)));
      targets.set(r.user, t);
    }
  }
  const userIndex = new Map<number, number>();
  const userItems: Set<number>[] = [];
  for (const rows of rowSets) {
    for (const r of rows) {
      let u = userIndex.get(r.user);
      if (u === undefined) {
        u = userIndex.size;
        userIndex.set(r.user, u);
        userItems.push(new Set());
      }
      const held = targets.get(r.user)!;
      for (const [d, i] of rowEdges(r)) {
        if (!(i >= 1 && i <= numItems)) throw new RangeError(`generatePseudoItems: item ${i} (line ${r.line}) is outside 1..${numItems}`);
        const n = node(d, i);
        if (!held.has(n)) userItems[u].add(n);
      }
    }
  }
  return { userIndex, userItems };
}

/**
 * Trains the PSG and returns the pseudo items of every row of every set in `rowSets` (e.g. train, valid,
 * test). The graph has one node per user (raw id, shared by the user's rows in every set) and one per
 * (domain, item); its edges are every row's history edges ({@link rowEdges}): training rows', and — ours,
 * so that evaluation users are in the graph — validation and test rows' histories too, never a target of
 * any of the user's rows ({@link pseudoGraphEdges}).
 * A row's pseudo items of domain `d` are the `topK` items of that domain (among the items with an edge)
 * by LightGCN score, excluding every item the user has an edge to, every item of the row's own histories, and — for the
 * rows of `trainSets` (indices into `rowSets`, whose targets are training labels) — the row's target.
 * Evaluation rows' targets are never looked at. Tensor count unchanged on return.
 */
export async function generatePseudoItems(
  rowSets: readonly (readonly CrossDomainRow[])[],
  numItems: number,
  opts: PseudoOptions & { trainSets?: readonly number[] },
): Promise<PseudoResult> {
  const dim = opts.dim ?? 64;
  const K = opts.topK ?? 20;
  const epochs = opts.epochs ?? 20;
  const trainSets = new Set(opts.trainSets ?? [0]);
  const node = (d: 0 | 1, item: number) => d * numItems + item; // item node ids 1..2·numItems
  const { userIndex, userItems } = pseudoGraphEdges(rowSets, numItems);
  const pairs = new Set<number>();
  // Compact item nodes: only the (domain, item) pairs with an edge get a graph node (1..P).
  for (const s of userItems) for (const n of s) pairs.add(n);
  const nodes = Int32Array.from(pairs).sort();
  const compact = new Int32Array(2 * numItems + 1).fill(0);
  nodes.forEach((n, j) => (compact[n] = j + 1));
  const users: number[] = [];
  const items: number[] = [];
  userItems.forEach((s, u) => {
    for (const n of s) {
      users.push(u);
      items.push(compact[n]);
    }
  });
  if (users.length === 0) throw new RangeError('generatePseudoItems: the rows have no history edges');
  const U = userIndex.size;
  const graph = cfInteractions(U, nodes.length, users, items);
  const rng = new Rng(opts.seed);
  const model = new LightGCN(graph, { dim, layers: opts.layers ?? 3, l2: opts.l2 ?? 1e-4, rng: rng.fork() });
  const opt = new Adam({ lr: opts.lr ?? 1e-3 });
  let finalLoss = NaN;
  try {
    for (let e = 1; e <= epochs; e++) {
      let sum = 0;
      let n = 0;
      for (const b of cfTrainBatches(graph, { batchSize: opts.batchSize ?? 2048, rng })) {
        sum += opt.step(() => model.loss(b), model.variables());
        n++;
      }
      finalLoss = sum / Math.max(n, 1);
      opts.onEpoch?.(e, finalLoss);
      await new Promise<void>((resolve) => setImmediate(resolve)); // the event loop runs between epochs (signal handlers)
      opts.signal?.throwIfAborted();
    }
    // Candidate pools: per domain, the item nodes with an edge; column 0 of each score block is a dummy
    // (core's topK never returns column 0).
    const pools: Int32Array[] = [0, 1].map((d) => Int32Array.from([0, ...Array.from(nodes).filter((n) => (n > numItems ? 1 : 0) === d)]));
    const column: Int32Array[] = pools.map((p) => {
      const m = new Int32Array(2 * numItems + 1).fill(-1);
      p.forEach((n, j) => j > 0 && (m[n] = j));
      return m;
    });
    const { users: uEmb, items: iEmb } = model.finalEmbeddings();
    const poolEmb = pools.map((p) => tf.gather(iEmb, Int32Array.from(p, (n) => compact[n])));
    const out: PseudoItems[][] = rowSets.map((rows) => rows.map(() => [new Int32Array(0), new Int32Array(0)] as PseudoItems));
    try {
      for (let si = 0; si < rowSets.length; si++) {
        const rows = rowSets[si];
        for (let s = 0; s < rows.length; s += 512) {
          const part = rows.slice(s, s + 512);
          const uIdx = Int32Array.from(part, (r) => userIndex.get(r.user)!);
          for (const d of [0, 1] as const) {
            const scores = tf.tidy(() => tf.matMul(tf.gather(uEmb, uIdx), poolEmb[d], false, true) as tf.Tensor2D);
            try {
              const exclude = part.map((r, j) => {
                const ex = new Set<number>();
                const add = (n: number) => {
                  const col = column[d][n];
                  if (col > 0) ex.add(col);
                };
                for (const n of userItems[uIdx[j]]) add(n);
                // the row's own histories (some may be held out of the graph as another row's target)
                for (const [dd, i] of rowEdges(r)) if (dd === d) add(node(dd, i));
                // (an evaluation row's target is never read)
                if (trainSets.has(si) && r.domain === d) add(node(d, crossDomainTarget(r)));
                return [...ex];
              });
              const top = await topK(scores, K, exclude);
              top.items.forEach((cols, j) => (out[si][s + j][d] = Int32Array.from(cols, (col) => pools[d][col] - d * numItems)));
            } finally {
              scores.dispose();
            }
          }
        }
      }
    } finally {
      tf.dispose(poolEmb);
    }
    return { items: out, stats: { users: U, itemNodes: pairs.size, edges: users.length, epochs, finalLoss } };
  } finally {
    model.dispose();
    opt.dispose();
  }
}
