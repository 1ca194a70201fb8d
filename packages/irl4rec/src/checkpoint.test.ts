import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Adam, fit, spuriousPropertyData, trainSequenceBatches, type Rng } from '@recsuite/core';
import { describeBackends } from '@recsuite/core/test';
import { afterAll, expect, it } from 'vitest';
import type { BackboneKind } from './config.js';
import { Irl4Rec } from './irl4rec.js';

// A training run interrupted after an epoch and resumed from core fit's checkpoint must reach the weights
// of an uninterrupted run: that needs every random stream training draws from in `generators()`.
const N = 20;
const data = spuriousPropertyData({ numUsers: 24, numItems: N, numClusters: 2, seed: 7 });
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'irl4rec-ck-'));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const build = (backbone: BackboneKind) => new Irl4Rec({ numItems: N, backbone, maxLen: 6, dim: 8, blocks: 1, heads: 1, dropout: 0.3, seed: 5 });
const weights = (m: Irl4Rec) => m.variables().map((v) => Array.from(v.dataSync()));

async function train(m: Irl4Rec, rngs: Record<string, Rng>, dir: string, extra: { stopAfterEpoch?: number; resume?: boolean } = {}) {
  const optimizer = new Adam({ lr: 0.01 });
  try {
    return await fit(m, {
      optimizer,
      epochs: 3,
      seed: 11,
      batches: (_e, rng) => trainSequenceBatches(data.train, { maxLen: 6, batchSize: 8, numItems: N, rng, numNegatives: 1 }),
      checkpointDir: dir,
      rngs,
      progress: false,
      ...extra,
    });
  } finally {
    optimizer.dispose();
  }
}

describeBackends('Irl4Rec checkpoint', (backend) => {
  for (const backbone of ['sasrec', 'gru4rec', 'bert4rec'] as const) {
    it(`${backbone}: generators() names every stream (model, backbone, confounder), so a resumed run ends on the uninterrupted weights`, async () => {
      const a = build(backbone);
      expect(Object.keys(a.generators())).toEqual(['model', 'backbone', 'confounder']);
      await train(a, a.generators(), path.join(tmp, `${backend}-${backbone}-a`));
      const dir = path.join(tmp, `${backend}-${backbone}-b`);
      const b = build(backbone);
      expect((await train(b, b.generators(), dir, { stopAfterEpoch: 1 })).interrupted).toBe(true);
      b.dispose();
      const c = build(backbone);
      const before = tf.memory().numTensors;
      expect((await train(c, c.generators(), dir, { resume: true })).resumedFrom).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      expect(weights(c)).toEqual(weights(a));
      c.dispose();
      // Without the confounder backbone's dropout stream in the checkpoint, the resumed run replays epoch 1's
      // dropout masks there, and ends elsewhere.
      const d = build(backbone);
      const { confounder: _, ...partial } = d.generators();
      await train(d, partial, path.join(tmp, `${backend}-${backbone}-d`), { stopAfterEpoch: 1 });
      d.dispose();
      const e = build(backbone);
      const { confounder: __, ...partialE } = e.generators();
      await train(e, partialE, path.join(tmp, `${backend}-${backbone}-d`), { resume: true });
      expect(weights(e)).not.toEqual(weights(a));
      a.dispose();
      e.dispose();
    });
  }
  it('without a parallel confounder branch there is no confounder stream', () => {
    const m = new Irl4Rec({ numItems: N, backbone: 'sasrec', maxLen: 6, dim: 8, blocks: 1, heads: 1, confounder: 'none', seed: 5 });
    expect(Object.keys(m.generators())).toEqual(['model', 'backbone']);
    m.dispose();
  });
});
