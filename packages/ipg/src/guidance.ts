/**
 * The guidance protocol: from the end-of-logging simulator state, every user gets one item a round for
 * `rounds` rounds toward a target item, under one policy; clicked items extend the user's history.
 * All targets advance in lockstep, so identical histories (across targets, and for target-independent
 * policies their rankings too) are encoded and ranked once.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@recsuite/core';
import type { GuidanceBackbone } from './backbone.js';
import { encodeHistories, gatherVectors } from './encode.js';
import { IpgConfigError, checkInt } from './errors.js';
import { checkMethod, chooseFromRanking, dependsOnTarget, methodLabel, methodScores, rankingDepth, type GuidanceMethod } from './methods.js';
import type { UserSimulator } from './simulator/userSimulator.js';

/** Options of {@link runGuidance}. */
export interface GuidanceOptions {
  /** The end-of-logging simulator state (never modified: every target starts from a clone). */
  simulator: UserSimulator;
  /** Each user's logged clicks (chronological item ids), the start of the guidance history. */
  histories: readonly ArrayLike<number>[];
  /** The trained backbone (ignored by `random`). */
  backbone: GuidanceBackbone;
  /** The policy. */
  method: GuidanceMethod;
  /** Target items (ids `1..numItems`). */
  targets: readonly number[];
  /** Rounds per episode. Default 20. */
  rounds?: number;
  /** Seed of the click draws: every target (and every method) replays the same stream. */
  clickSeed: number;
  /** Seed of the random policy (a sub-stream per target). Default `clickSeed + 1`. */
  policySeed?: number;
  /**
   * User vectors `[numUsers × d]` of `histories` (from {@link encodeHistories}), shared by every target and
   * method of a run; computed when absent.
   */
  initialVectors?: Float32Array;
  /** Users per encoding and scoring batch. Default 1024. */
  batchSize?: number;
  /** Called after every round. */
  onRound?: (round: number, info: { clickRate: number; meanAffinityGain: number }) => void;
  /** Stops between rounds (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** A guidance run: mean true affinities and clicks per target and round. */
export interface GuidanceResult {
  /** Policy label (`IPG:cos`, `rec2inf(k=50)`, ...). */
  method: string;
  /** Targets, in order. */
  targets: Int32Array;
  /** Rounds per episode. */
  rounds: number;
  /** Users. */
  numUsers: number;
  /** `affinity[t·(rounds + 1) + r]`: mean over users of the true affinity to target `t` after `r` rounds (`r = 0`: before round 1). */
  affinity: Float64Array;
  /** `clicks[t·rounds + r]`: clicks in round `r + 1` (0-based `r`) of target `t`. */
  clicks: Int32Array;
  /** Work done and wall time. */
  stats: GuidanceStats;
}

/** Work counters and times of a guidance run. */
export interface GuidanceStats {
  /** Histories encoded (after round 1: clickers only, identical histories once). */
  encoded: number;
  /** (target, user) rankings needed (round 1: all; later: clickers only). */
  rankingsNeeded: number;
  /** Rankings actually scored (target-independent policies share identical histories' rankings). */
  rankingsScored: number;
  /** Wall seconds: total, encoding, scoring, simulator. */
  seconds: number;
  /** CPU seconds of the whole process over the run, all threads (Node only; NaN elsewhere): less sensitive than wall time to other load on the machine. */
  cpuSeconds: number;
  encodeSeconds: number;
  scoreSeconds: number;
  simSeconds: number;
}

/** `n` distinct target items drawn uniformly from `1..numItems` with `new Rng(seed)`. */
export function sampleTargets(numItems: number, n: number, seed: number): number[] {
  if (!(Number.isInteger(n) && n >= 1 && n <= numItems)) throw new IpgConfigError('sampleTargets', 'n', `an integer in [1, ${numItems}]`, n);
  return Array.from(new Rng(seed).permutation(numItems).subarray(0, n), (i) => i + 1);
}

/** The last `maxLen` items of `logged ++ suffix`. */
function joinHistory(logged: ArrayLike<number>, suffix: readonly number[], maxLen: number): Int32Array {
  const n = Math.min(maxLen, logged.length + suffix.length);
  const out = new Int32Array(n);
  let k = n - 1;
  for (let s = suffix.length - 1; s >= 0 && k >= 0; s--) out[k--] = suffix[s];
  for (let s = logged.length - 1; s >= 0 && k >= 0; s--) out[k--] = logged[s];
  return out;
}

/** Process CPU seconds so far (user + system, all threads), or NaN outside Node. */
function cpuNow(): number {
  const p = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  if (!p?.cpuUsage) return NaN;
  const u = p.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Runs the guidance protocol for every target (in lockstep). Per target: a clone of `simulator`; the
 * click stream `new Rng(clickSeed)`; each round, every user gets the policy's item among those not yet
 * recommended to them this episode (the logged history is not excluded); clicked items are appended to
 * the history (the backbone reads the last `maxLen`). Round 1 uses `initialVectors` for every target;
 * afterwards only users who clicked are re-encoded (others keep their ranking, which is kept deep
 * enough for every later exclusion), so the choices are exactly those of a full re-ranking.
 * `tf.memory().numTensors` is unchanged on return.
 */
export async function runGuidance(opts: GuidanceOptions): Promise<GuidanceResult> {
  const t0 = performance.now();
  const cpu0 = cpuNow();
  const { simulator: sim0, backbone, method } = opts;
  const R = opts.rounds ?? 20;
  checkInt('runGuidance', { rounds: R }, 'rounds', 1);
  const nU = sim0.numUsers;
  const N = sim0.numItems;
  checkMethod(method, N);
  if (opts.histories.length !== nU) throw new RangeError(`runGuidance: histories has ${opts.histories.length} entries, expected one per user (${nU})`);
  const T = opts.targets.length;
  if (T < 1) throw new IpgConfigError('runGuidance', 'targets', 'a non-empty list of item ids', opts.targets);
  const targets = Int32Array.from(opts.targets);
  targets.forEach((j, k) => {
    if (!(Number.isInteger(j) && j >= 1 && j <= N)) throw new IpgConfigError('runGuidance', `targets[${k}]`, `an item id in [1, ${N}]`, j);
  });
  const random = method.kind === 'random';
  if (!random && backbone.numItems !== N) throw new RangeError(`runGuidance: the backbone has ${backbone.numItems} items, the simulator ${N}`);
  const bs = opts.batchSize ?? 1024;
  const maxLen = backbone.maxLen;
  const stats: GuidanceStats = { encoded: 0, rankingsNeeded: 0, rankingsScored: 0, seconds: 0, cpuSeconds: NaN, encodeSeconds: 0, scoreSeconds: 0, simSeconds: 0 };

  const sims = Array.from({ length: T }, () => sim0.clone());
  const clickRngs = Array.from({ length: T }, () => new Rng(opts.clickSeed));
  const policyRoot = new Rng(opts.policySeed ?? opts.clickSeed + 1);
  const policyRngs = Array.from({ length: T }, () => policyRoot.fork());
  const suffix: (number[] | null)[][] = Array.from({ length: T }, () => new Array<number[] | null>(nU).fill(null));
  const excluded = Array.from({ length: T }, () => new Int32Array(nU * R));
  const depth = rankingDepth(method, R - 1, N);
  const ranked = random ? [] : Array.from({ length: T }, () => new Int32Array(nU * depth));
  const stale = Array.from({ length: T }, () => new Uint8Array(nU).fill(1));
  const affinity = new Float64Array(T * (R + 1));
  const clicks = new Int32Array(T * R);
  for (let t = 0; t < T; t++) affinity[t * (R + 1)] = sim0.meanAffinity(targets[t]);

  // Item embeddings without padding, each target's embedding, and rec2inf's target similarities.
  let items: tf.Tensor2D | null = null;
  let targetVecs: tf.Tensor2D | null = null;
  let targetSims: Float32Array[] = [];
  let h0 = opts.initialVectors ?? null;
  let d = 0;
  try {
    if (!random) {
      const table = backbone.itemEmbeddings();
      d = table.shape[1];
      items = tf.slice(table, [1, 0], [N, d]) as tf.Tensor2D;
      targetVecs = tf.tidy(() => tf.gather(table, tf.tensor1d(targets, 'int32')) as tf.Tensor2D);
      if (method.kind === 'rec2inf') {
        const sims = tf.tidy(() => tf.matMul(targetVecs as tf.Tensor2D, table, false, true)); // [T, N + 1]: e_jᵀe_c
        const all = (await sims.data()) as Float32Array;
        sims.dispose();
        targetSims = Array.from({ length: T }, (_, t) => all.slice(t * (N + 1), (t + 1) * (N + 1)));
      }
      if (!h0) {
        const te = performance.now();
        h0 = await encodeHistories(backbone, opts.histories, { batchSize: bs });
        stats.encoded += nU;
        stats.encodeSeconds += (performance.now() - te) / 1000;
      }
      if (h0.length !== nU * d) throw new RangeError(`runGuidance: initialVectors has ${h0.length} entries, expected numUsers·d = ${nU * d}`);
    }

    /** Rankings (item ids, best first) of `vecs` rows for target index `t` (any target for target-independent policies). */
    const rank = async (vecs: Float32Array, rows: ArrayLike<number>, t: number): Promise<Int32Array> => {
      const out = new Int32Array(rows.length * depth);
      for (let s = 0; s < rows.length; s += bs) {
        const part = Array.prototype.slice.call(rows, s, s + bs) as number[];
        const top = tf.tidy(() => {
          const h = gatherVectors(vecs, d, part);
          const ej = tf.reshape(tf.slice(targetVecs as tf.Tensor2D, [t, 0], [1, d]), [d]) as tf.Tensor1D;
          const scores = methodScores(method, h, items as tf.Tensor2D, ej);
          return tf.add(tf.topk(scores, depth).indices, 1); // column c is item c + 1
        });
        out.set((await top.data()) as Int32Array, s * depth);
        top.dispose();
      }
      stats.rankingsScored += rows.length;
      return out;
    };

    const targetFree = !dependsOnTarget(method);
    const recs = new Int32Array(nU);
    for (let r = 1; r <= R; r++) {
      opts.signal?.throwIfAborted();
      // A. rankings for stale (target, user) pairs, from (deduplicated) histories
      if (!random) {
        const te = performance.now();
        // vector of each stale pair: round 1 from h0, later from the encoded (deduplicated) histories
        const keyIndex = new Map<string, number>();
        const histList: Int32Array[] = [];
        const pairVec: Int32Array[] = []; // per target: index into the round's vector matrix, -1 if not stale
        let vecs: Float32Array;
        if (r === 1) {
          for (let t = 0; t < T; t++) pairVec.push(Int32Array.from({ length: nU }, (_, u) => u));
          vecs = h0 as Float32Array;
        } else {
          for (let t = 0; t < T; t++) {
            const pv = new Int32Array(nU).fill(-1);
            for (let u = 0; u < nU; u++) {
              if (!stale[t][u]) continue;
              const sfx = suffix[t][u] as number[];
              const key = `${u}:${sfx.join(',')}`;
              let k = keyIndex.get(key);
              if (k === undefined) {
                k = histList.length;
                keyIndex.set(key, k);
                histList.push(joinHistory(opts.histories[u], sfx, maxLen));
              }
              pv[u] = k;
            }
            pairVec.push(pv);
          }
          vecs = await encodeHistories(backbone, histList, { batchSize: bs });
          stats.encoded += histList.length;
        }
        const tr = performance.now();
        stats.encodeSeconds += (tr - te) / 1000;
        if (targetFree) {
          // one ranking per distinct vector, copied to every (target, user) that has it
          const nVec = r === 1 ? nU : histList.length;
          const all = await rank(vecs, Int32Array.from({ length: nVec }, (_, k) => k), 0);
          for (let t = 0; t < T; t++) {
            const pv = pairVec[t];
            for (let u = 0; u < nU; u++) {
              if (pv[u] < 0) continue;
              stats.rankingsNeeded++;
              ranked[t].set(all.subarray(pv[u] * depth, (pv[u] + 1) * depth), u * depth);
            }
          }
        } else {
          for (let t = 0; t < T; t++) {
            const pv = pairVec[t];
            const users: number[] = [];
            const rows: number[] = [];
            for (let u = 0; u < nU; u++) if (pv[u] >= 0) (users.push(u), rows.push(pv[u]));
            if (users.length === 0) continue;
            stats.rankingsNeeded += users.length;
            const out = await rank(vecs, rows, t);
            users.forEach((u, k) => ranked[t].set(out.subarray(k * depth, (k + 1) * depth), u * depth));
          }
        }
        stats.scoreSeconds += (performance.now() - tr) / 1000;
      }
      // B. choices, C. simulator steps, D. histories
      const ts = performance.now();
      let clickSum = 0;
      let gainSum = 0;
      for (let t = 0; t < T; t++) {
        const ex = excluded[t];
        const nEx = r - 1;
        for (let u = 0; u < nU; u++) {
          let item: number;
          if (random) {
            if (nEx >= N) throw new RangeError(`runGuidance: more rounds (${R}) than items (${N})`);
            const rng = policyRngs[t];
            do item = 1 + rng.int(N);
            while (ex.subarray(u * R, u * R + nEx).includes(item));
          } else {
            item = chooseFromRanking(method, ranked[t], u * depth, depth, ex, u * R, nEx, targetSims[t]);
            if (item === 0) throw new RangeError(`runGuidance: no candidate left for user ${u} in round ${r}`);
          }
          recs[u] = item;
          ex[u * R + nEx] = item;
        }
        const c = sims[t].step(recs, clickRngs[t]);
        const st = stale[t];
        let n = 0;
        for (let u = 0; u < nU; u++) {
          st[u] = c[u];
          if (!c[u]) continue;
          n++;
          (suffix[t][u] ??= []).push(recs[u]);
        }
        clicks[t * R + r - 1] = n;
        const a = sims[t].meanAffinity(targets[t]);
        affinity[t * (R + 1) + r] = a;
        clickSum += n;
        gainSum += a - affinity[t * (R + 1)];
      }
      stats.simSeconds += (performance.now() - ts) / 1000;
      opts.onRound?.(r, { clickRate: clickSum / (T * nU), meanAffinityGain: gainSum / T });
    }
  } finally {
    items?.dispose();
    targetVecs?.dispose();
  }
  stats.seconds = (performance.now() - t0) / 1000;
  stats.cpuSeconds = cpuNow() - cpu0;
  return { method: methodLabel(method), targets, rounds: R, numUsers: nU, affinity, clicks, stats };
}
