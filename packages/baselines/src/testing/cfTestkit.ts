/**
 * Test helpers of the CF baselines' suites (Pop, BPR-MF, LightGCN): a small random interaction set, one
 * epoch of BPR training, and the tests every CF model shares (recommending, a save/load round trip, a
 * save on tensorflow loaded on wasm). Not part of the public API.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Adam, registerNative, registerWasm, Rng } from '@recsuite/core';
import { expectClose } from '@recsuite/core/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cfInteractions, cfTrainBatches, type CFInteractions, type UserBatch } from '../cfBatch.js';
import type { FactorConfig, FactorModel } from '../factorModel.js';

/** The members of a CF model these helpers use (Pop, BPR-MF and LightGCN all have them). */
export type CFModel = Pick<FactorModel<FactorConfig>, 'loss' | 'variables' | 'save' | 'scoreAll' | 'recommend' | 'recommendForUser' | 'dispose'>;

/** A small random CF set: 12 users, 20 items, 5 uniform draws per user (repeats merged). */
export function smallCF(seed = 1): CFInteractions {
  const rng = new Rng(seed);
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 12; u++) for (let k = 0; k < 5; k++) (users.push(u), items.push(1 + rng.int(20)));
  return cfInteractions(12, 20, users, items);
}

/** Users `0..numUsers-1` as one batch. */
export function allUsers(numUsers: number): UserBatch {
  return { users: Int32Array.from({ length: numUsers }, (_, u) => u) };
}

/** The model `make` builds on `data`, trained one epoch on BPR batches of 16 (Adam at `lr`; order and negatives from `seed`). */
export function trainedOneEpoch<M extends CFModel>(data: CFInteractions, make: (data: CFInteractions) => M, lr: number, seed: number): M {
  const model = make(data);
  const opt = new Adam({ lr });
  for (const b of cfTrainBatches(data, { batchSize: 16, rng: new Rng(seed) })) opt.step(() => model.loss(b), model.variables());
  opt.dispose();
  return model;
}

/** Saves `model` into a fresh temporary directory (its new subdirectory `sub`, when given), loads it back with `load`, removes the directory. */
export async function saveAndLoad<M>(model: CFModel, load: (dir: string) => Promise<M>, sub?: string): Promise<M> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-save-'));
  try {
    const dir = sub === undefined ? root : path.join(root, sub);
    await model.save(dir);
    return await load(dir);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Registers the test of `recommendForUser` and `recommend` on the model `make` builds from
 * {@link smallCF}`(4)`: no excluded item, no repeats, never the padding item; a folded-in history is never
 * recommended back unless `includeSeen`; an empty history or an item out of range fails clearly.
 */
export function itRecommends(make: (data: CFInteractions) => CFModel): void {
  it('recommendForUser never returns an excluded item; recommend folds a history in and never returns it', async () => {
    const data = smallCF(4);
    const m = make(data);
    for (let u = 0; u < data.numUsers; u++) {
      const rec = await m.recommendForUser(u, 10, data.userItems[u]);
      expect(rec).toHaveLength(10);
      for (const i of rec) expect(data.userItems[u].includes(i)).toBe(false);
      expect(new Set(rec).size).toBe(10);
    }
    expect(await m.recommendForUser(0, 25, [])).toHaveLength(20); // padding is never returned
    const h = [3, 7, 7, 11];
    const r = await m.recommend(h, 17);
    expect(r).toHaveLength(17);
    for (const i of r) expect(h.includes(i)).toBe(false);
    expect(await m.recommend(h, 20, { includeSeen: true })).toHaveLength(20);
    await expect(m.recommend([], 5)).rejects.toThrow(/history is empty.*recommendForUser/);
    await expect(m.recommend([0], 3)).rejects.toThrow(/history\[0\] = 0 is outside 1..20/);
    m.dispose();
  });
}

/** A model to save and load again, for {@link itSavesAndLoads} and {@link describeAcrossBackends}. */
export interface SavedModelSpec<M extends CFModel> {
  /** Builds (and trains, if wanted) the model. */
  build: () => M;
  /** Loads a save on the active backend (the class's static `load`). */
  load: (dir: string) => Promise<M>;
  /** The users to score. */
  users: UserBatch;
  /** Across backends: tolerance of the comparison (scores must be equal when omitted). */
  tol?: number;
  /** Further checks of the loaded model (its config). */
  check?: (loaded: M) => void;
}

/**
 * Registers the test "save/load gives identical scores": the model is saved into a directory the save
 * creates and loaded back with exactly the same scores; loading a missing directory fails clearly.
 */
export function itSavesAndLoads<M extends CFModel>(spec: SavedModelSpec<M>): void {
  it('save/load gives identical scores', async () => {
    const m = spec.build();
    const loadChecked = async (dir: string) => {
      await expect(spec.load(path.join(path.dirname(dir), 'nope'))).rejects.toThrow(/not found/);
      return spec.load(dir);
    };
    const l = await saveAndLoad(m, loadChecked, 'model');
    spec.check?.(l);
    expect(l.scoreAll(spec.users).arraySync()).toEqual(m.scoreAll(spec.users).arraySync());
    m.dispose();
    l.dispose();
  });
}

/**
 * Registers the suite "`name` across backends": the model built on tensorflow is saved, then loaded on
 * wasm, where it must give the same scores. Skipped when either backend cannot be registered.
 */
export function describeAcrossBackends<M extends CFModel>(name: string, spec: SavedModelSpec<M>): void {
  describe(`${name} across backends`, () => {
    let ok = true;
    beforeAll(async () => {
      ok = registerNative() === null && (await registerWasm()) === null;
    });
    afterAll(async () => {
      if (ok) await tf.setBackend('tensorflow');
    });

    it('saved on tensorflow, loaded on wasm: the same scores', async (ctx) => {
      if (!ok) ctx.skip();
      await tf.setBackend('tensorflow');
      const m = spec.build();
      const want = m.scoreAll(spec.users).arraySync();
      const l = await saveAndLoad(m, async (dir) => {
        await tf.setBackend('wasm');
        return spec.load(dir);
      });
      expect(tf.getBackend()).toBe('wasm');
      const got = l.scoreAll(spec.users);
      if (spec.tol === undefined) expect(got.arraySync()).toEqual(want);
      else expectClose(got, tf.tensor2d(want), spec.tol);
      l.dispose();
      await tf.setBackend('tensorflow');
      m.dispose();
    });
  });
}
