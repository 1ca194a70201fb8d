import * as tf from '@tensorflow/tfjs-core';
import { Rng, type SeqBatch } from '@recsuite/core';
import { describeBackends } from '@recsuite/core/test';
import { SASRec } from '@recsuite/baselines';
import { beforeAll, afterAll, expect, it } from 'vitest';
import {
  UserSimulator,
  collectLogs,
  encodeHistories,
  runGuidance,
  sampleTargets,
  sasrecBackbone,
  type GuidanceBackbone,
  type GuidanceMethod,
} from '../src/index.js';

const MAXLEN = 12;
const R = 6;

/** A backbone that counts the histories it encodes. */
function counting(b: GuidanceBackbone): GuidanceBackbone & { rows: number } {
  const c = {
    numItems: b.numItems,
    maxLen: b.maxLen,
    rows: 0,
    userVector(batch: SeqBatch) {
      c.rows += batch.batchSize;
      return b.userVector(batch);
    },
    itemEmbeddings: () => b.itemEmbeddings(),
  };
  return c;
}

/**
 * The protocol written out naively, target after target: every round re-encodes every user at full
 * padding and takes the argmax over all items (excluded ones at −∞), scores computed in plain JS.
 */
async function naiveGuidance(
  sim0: UserSimulator,
  histories: Int32Array[],
  model: SASRec,
  method: GuidanceMethod,
  targets: number[],
  clickSeed: number,
  policySeed: number,
): Promise<{ affinity: number[]; clicks: number[] }> {
  const nU = sim0.numUsers;
  const N = sim0.numItems;
  const E = model.encoder.items.table.arraySync() as number[][];
  const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0);
  const cos = (a: number[], b: number[]) => dot(a, b) / Math.max(1e-12, Math.sqrt(dot(a, a) * dot(b, b))); // a zero vector has cos 0 (torch clamps the same way)
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const policyRoot = new Rng(policySeed);
  const affinity: number[] = [];
  const clicks: number[] = [];
  for (const j of targets) {
    const sim = sim0.clone();
    const rng = new Rng(clickSeed);
    const prng = policyRoot.fork();
    const hist = histories.map((h) => Array.from(h));
    const excluded = hist.map(() => new Set<number>());
    affinity.push(sim.meanAffinity(j));
    for (let r = 0; r < R; r++) {
      const seqs = new Int32Array(nU * MAXLEN);
      hist.forEach((h, u) => {
        const last = h.slice(-MAXLEN);
        seqs.set(last, u * MAXLEN + MAXLEN - last.length);
      });
      const H = tf.tidy(() => model.userVector({ users: new Int32Array(nU), seqs, batchSize: nU, maxLen: MAXLEN })).arraySync() as number[][];
      const recs = new Int32Array(nU);
      for (let u = 0; u < nU; u++) {
        const h = H[u];
        const free = Array.from({ length: N }, (_, k) => k + 1).filter((i) => !excluded[u].has(i));
        let item = 0;
        if (method.kind === 'random') {
          do item = 1 + prng.int(N);
          while (excluded[u].has(item));
        } else if (method.kind === 'rec2inf') {
          const short = free.sort((a, b) => dot(h, E[b]) - dot(h, E[a]) || a - b).slice(0, method.k);
          let best = -Infinity;
          for (const c of short) if (dot(E[c], E[j]) > best) (best = dot(E[c], E[j])), (item = c);
        } else {
          const score = (i: number): number => {
            const logit = dot(h, E[i]);
            switch (method.kind) {
              case 'sasrec':
                return logit;
              case 'heuristic':
                return logit + method.alpha * dot(E[j], E[i]);
              case 'ipg':
                return method.form === 'cos' ? sig(logit) * (cos(E[i], E[j]) - cos(h, E[j])) : sig(logit) * (1 - (method.gamma ?? 0.5)) * (dot(E[j], E[i]) - dot(E[j], h));
            }
          };
          let best = -Infinity;
          for (const i of free) {
            const s = score(i);
            if (s > best) (best = s), (item = i);
          }
        }
        recs[u] = item;
        excluded[u].add(item);
      }
      const c = sim.step(recs, rng);
      let n = 0;
      for (let u = 0; u < nU; u++) if (c[u]) (hist[u].push(recs[u]), n++);
      clicks.push(n);
      affinity.push(sim.meanAffinity(j));
    }
  }
  return { affinity, clicks };
}

describeBackends('runGuidance', () => {
  let sim: UserSimulator;
  let histories: Int32Array[];
  let model: SASRec;
  let targets: number[];
  beforeAll(() => {
    sim = UserSimulator.create({ numUsers: 24, numItems: 40 }, 5);
    histories = collectLogs(sim, { seed: 6, rounds: 20 }).sequences;
    model = new SASRec({ numItems: 40, maxLen: MAXLEN, dim: 8, blocks: 1, heads: 2, dropout: 0, seed: 7 });
    targets = sampleTargets(40, 3, 8);
  });
  afterAll(() => model.dispose());

  const methods: GuidanceMethod[] = [
    { kind: 'ipg', form: 'cos' },
    { kind: 'ipg', form: 'paper', gamma: 0.3 },
    { kind: 'sasrec' },
    { kind: 'heuristic', alpha: 2 },
    { kind: 'rec2inf', k: 5 },
    { kind: 'random' },
  ];
  for (const method of methods) {
    it(`${method.kind}${'form' in method ? `:${method.form}` : ''}: clicker-only re-encoding gives exactly the naive protocol's trajectory`, async () => {
      const before = tf.memory().numTensors;
      const res = await runGuidance({ simulator: sim, histories, backbone: sasrecBackbone(model), method, targets, rounds: R, clickSeed: 9, policySeed: 10 });
      expect(tf.memory().numTensors).toBe(before);
      const ref = await naiveGuidance(sim, histories, model, method, targets, 9, 10);
      expect(Array.from(res.clicks)).toEqual(ref.clicks);
      Array.from(res.affinity).forEach((a, k) => expect(a).toBeCloseTo(ref.affinity[k], 10));
      expect(sim.t).toBe(20); // the end-of-logging state is untouched
    });
  }

  it('round-1 vectors are shared across targets and only clickers are re-encoded (identical histories once)', async () => {
    const bb = counting(sasrecBackbone(model));
    const h0 = await encodeHistories(bb, histories);
    expect(bb.rows).toBe(24);
    bb.rows = 0;
    const ipg = await runGuidance({ simulator: sim, histories, backbone: bb, method: { kind: 'ipg', form: 'cos' }, targets, rounds: R, clickSeed: 9, initialVectors: h0 });
    expect(ipg.stats.encoded).toBe(bb.rows);
    let clicksBeforeLast = 0;
    for (let t = 0; t < targets.length; t++) for (let r = 0; r < R - 1; r++) clicksBeforeLast += ipg.clicks[t * R + r];
    expect(bb.rows).toBeLessThanOrEqual(clicksBeforeLast);
    expect(bb.rows).toBeGreaterThan(0);
    // a target-free policy replays one trajectory for every target (same click stream): encoded once
    bb.rows = 0;
    const top1 = await runGuidance({ simulator: sim, histories, backbone: bb, method: { kind: 'sasrec' }, targets, rounds: R, clickSeed: 9, initialVectors: h0 });
    let oneTarget = 0;
    for (let r = 0; r < R - 1; r++) oneTarget += top1.clicks[r];
    expect(bb.rows).toBe(oneTarget);
    expect(Array.from(top1.clicks.subarray(0, R))).toEqual(Array.from(top1.clicks.subarray(R, 2 * R)));
    expect(top1.stats.rankingsScored).toBeLessThan(top1.stats.rankingsNeeded);
  });

  it('the same seeds give the same result; another click seed differs', async () => {
    const run = (clickSeed: number) => runGuidance({ simulator: sim, histories, backbone: sasrecBackbone(model), method: { kind: 'ipg', form: 'cos' }, targets, rounds: R, clickSeed });
    const a = await run(1);
    const b = await run(1);
    expect(Array.from(a.affinity)).toEqual(Array.from(b.affinity));
    expect(Array.from((await run(2)).clicks)).not.toEqual(Array.from(a.clicks));
  });

  it('rejects bad targets and rounds with the key named', async () => {
    const base = { simulator: sim, histories, backbone: sasrecBackbone(model), method: { kind: 'sasrec' } as GuidanceMethod, clickSeed: 1 };
    await expect(runGuidance({ ...base, targets: [41] })).rejects.toThrow(/targets\[0\]/);
    await expect(runGuidance({ ...base, targets: [1], rounds: 0 })).rejects.toThrow(/config\.rounds/);
    await expect(runGuidance({ ...base, targets: [1], method: { kind: 'rec2inf', k: 0 } })).rejects.toThrow(/config\.k/);
  });
});
