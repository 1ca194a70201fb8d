import * as tf from '@tensorflow/tfjs-core';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerNative, registerWasm } from '../tensor/backend.js';
import { randomNormal } from '../tensor/init.js';
import { Adam } from '../tensor/optimizer.js';
import { Rng } from '../tensor/rng.js';
import { expectNoLeak } from '../test/index.js';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { disposeCheckpoint, hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { WeightsError, assignWeights, loadWeights, loadWeightsInto, saveWeights } from './weights.js';

let tmp: string;
const nativeMissing = registerNative();
beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'recsuite-weights-'));
  const why = await registerWasm();
  if (why) throw new Error(why);
  await tf.setBackend(nativeMissing ? 'cpu' : 'tensorflow');
});
afterAll(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

/** Entries of `dir`'s parent other than `dir` itself (leftover temp or old copies). */
const siblings = async (dir: string) => (await fsp.readdir(path.dirname(dir))).filter((f) => f !== path.basename(dir));

function sample(rng: Rng): Record<string, tf.Tensor> {
  return {
    'emb/table': randomNormal([7, 3], 1, rng),
    bias: tf.tensor1d([0.5, -1.25, Math.PI]),
    counts: tf.tensor2d([[1, -2], [2147483647, -2147483648]], [2, 2], 'int32'),
    mask: tf.tensor1d([true, false, true], 'bool'),
    scalar: tf.scalar(-0.1),
    empty: tf.zeros([0, 4]),
  };
}

describe('weights', () => {
  it('save/load round trip gives identical names, shapes, dtypes, values and meta', async () => {
    const dir = path.join(tmp, 'roundtrip');
    const t = sample(new Rng(1));
    const meta = { config: { dim: 3, layers: [1, 2] }, itemIds: ['a', 'b'] };
    await saveWeights(dir, t, meta, { files: { 'config.json': '{"dim":3}' } });
    expect((await fsp.readdir(dir)).sort()).toEqual(['config.json', 'manifest.json', 'weights.bin']);
    const loaded = await loadWeights(dir);
    expect(loaded.names).toEqual(Object.keys(t));
    expect(loaded.meta).toEqual(meta);
    Object.values(t).forEach((x, i) => {
      const y = loaded.tensors[i];
      expect(y.shape).toEqual(x.shape);
      expect(y.dtype).toBe(x.dtype);
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    });
    // Offsets are 4-byte aligned after the 3-byte bool tensor.
    expect(loaded.manifest.tensors.every((e) => e.offset % 4 === 0)).toBe(true);
    tf.dispose(loaded.tensors);
    tf.dispose(Object.values(t));
    expect(await siblings(dir)).toEqual([]);
  });

  it.skipIf(nativeMissing !== null)('weights saved on tensorflow load bit-identical on wasm', async () => {
    const dir = path.join(tmp, 'cross-backend');
    await tf.setBackend('tensorflow');
    const vars = [tf.variable(randomNormal([50, 8], 1, new Rng(2))), tf.variable(tf.tensor1d([1, 2, 3], 'int32'))];
    const expected = vars.map((v) => Array.from(v.dataSync()));
    await saveWeights(dir, vars, { backend: 'tensorflow' });
    tf.dispose(vars);
    await tf.setBackend('wasm');
    try {
      const loaded = await loadWeights<{ backend: string }>(dir);
      expect(loaded.meta.backend).toBe('tensorflow');
      expect(loaded.names).toEqual(['0', '1']);
      loaded.tensors.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(expected[i]));
      // And into existing variables on wasm.
      const target = [tf.variable(tf.zeros([50, 8])), tf.variable(tf.zeros([3], 'int32'))];
      await expectNoLeak(() => loadWeightsInto(dir, target));
      target.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(expected[i]));
      tf.dispose([...loaded.tensors, ...target]);
    } finally {
      await tf.setBackend('tensorflow');
    }
  });

  it('assignWeights names the variable index and both shapes, and assigns nothing on a mismatch', () => {
    const vars = [tf.variable(tf.ones([2, 2])), tf.variable(tf.ones([3]))];
    const vals = [tf.zeros([2, 2]), tf.zeros([4])];
    expect(() => assignWeights(vars, vals, { source: '/x/model' })).toThrow(
      'assignWeights: variable 1 has shape [3] but the saved tensor has shape [4] (from /x/model)',
    );
    expect(Array.from(vars[0].dataSync())).toEqual([1, 1, 1, 1]); // untouched
    expect(() => assignWeights(vars, [vals[0]])).toThrow(/model has 2 variables but 1 tensors were saved/);
    expect(() => assignWeights(vars, [vals[0], tf.zeros([3], 'int32')], { names: ['a', 'b'] })).toThrow(
      /variable 1 has dtype float32 but the saved tensor "b" has int32/,
    );
    tf.dispose([...vars, ...vals]);
  });

  it('clear errors for a missing directory, missing files, truncation and a corrupt manifest', async () => {
    await expect(loadWeights(path.join(tmp, 'nope'))).rejects.toThrow(/weights directory not found: .*nope/);
    const dir = path.join(tmp, 'broken');
    await saveWeights(dir, [tf.ones([4])], {});
    await fsp.truncate(path.join(dir, 'weights.bin'), 8);
    const err = await loadWeights(dir).catch((e) => e);
    expect(err).toBeInstanceOf(WeightsError);
    expect(err.message).toMatch(/weights\.bin: 8 bytes, the manifest expects 16/);
    await fsp.rm(path.join(dir, 'weights.bin'));
    await expect(loadWeights(dir)).rejects.toThrow(/weights\.bin missing in/);
    await fsp.writeFile(path.join(dir, 'manifest.json'), '{"format":"recsuite-weights","version":1,"byteOrder":"little","totalBytes":4,"tensors":[{"name":"a","shape":[2],"dtype":"float32","offset":0,"byteLength":8}]}');
    await expect(loadWeights(dir)).rejects.toThrow(/manifest\.json: field tensors\[0\]\.offset must be/);
    await fsp.writeFile(path.join(dir, 'manifest.json'), '{not json');
    await expect(loadWeights(dir)).rejects.toThrow(/manifest\.json: not valid JSON/);
    await fsp.rm(path.join(dir, 'manifest.json'));
    await expect(loadWeights(dir)).rejects.toThrow(/manifest\.json missing in/);
    await expect(saveWeights(path.join(tmp, 'x'), { a: tf.zeros([1], 'complex64') })).rejects.toThrow(/dtype complex64/);
  });

  it('a failing write leaves no partial directory and keeps the previous contents', async () => {
    const dir = path.join(tmp, 'atomic', 'model');
    await saveWeights(dir, [tf.tensor1d([1, 2, 3])], { v: 1 });
    // meta that cannot be serialised: the failure comes after weights.bin is written.
    const bad = { v: 2, n: BigInt(1) };
    await expect(saveWeights(dir, [tf.tensor1d([9, 9, 9])], bad)).rejects.toThrow(/BigInt/);
    const still = await loadWeights<{ v: number }>(dir);
    expect(still.meta.v).toBe(1);
    expect(Array.from(still.tensors[0].dataSync())).toEqual([1, 2, 3]);
    tf.dispose(still.tensors);
    expect(await siblings(dir)).toEqual([]);
    // A fresh target that fails halfway does not appear at all.
    const fresh = path.join(tmp, 'atomic', 'fresh');
    await expect(
      writeDirAtomic(fresh, async (d) => {
        await fsp.writeFile(path.join(d, 'weights.bin'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    await expect(fsp.stat(fresh)).rejects.toThrow(/ENOENT/);
    expect(await siblings(fresh)).toEqual(['model']);
    // A disposed tensor fails before anything is written.
    const gone = tf.ones([2]);
    gone.dispose();
    await expect(saveWeights(fresh, [gone], {})).rejects.toThrow(/tensor "0" is disposed/);
    await expect(fsp.stat(fresh)).rejects.toThrow(/ENOENT/);
    // writeFileAtomic replaces whole files only.
    const f = path.join(tmp, 'atomic', 'log.txt');
    await writeFileAtomic(f, 'one');
    await writeFileAtomic(f, 'two');
    expect(await fsp.readFile(f, 'utf8')).toBe('two');
  });
});

describe('checkpoint', () => {
  it('round-trips variables, optimizer slots, generators, best-so-far, best weights and history', async () => {
    const dir = path.join(tmp, 'ckpt');
    const rng = new Rng(3);
    const vars = [tf.variable(randomNormal([4, 2], 1, rng)), tf.variable(randomNormal([2], 1, rng)), tf.variable(tf.zeros([3]))];
    const adam = new Adam({ lr: 0.1 });
    // Two steps touching only the first two variables: the third has no slots yet.
    for (let i = 0; i < 2; i++) adam.step(() => tf.sum(tf.square(tf.matMul(vars[0], tf.reshape(vars[1], [2, 1])))), vars);
    const opt = adam.getState(vars);
    expect(opt.slots.map((s) => s.length)).toEqual([2, 2, 0]);
    rng.nextU32();
    const best = vars.map((v) => tf.mul(v, 2));
    const history = [{ epoch: 1, loss: 0.5, steps: 2, seconds: 0.1, validation: { 'NDCG@10': 0.25 }, best: true }];
    expect(await hasCheckpoint(dir)).toBe(false);
    await saveCheckpoint(dir, {
      epoch: 1, variables: vars, optimizer: opt, rngs: { trainer: [...rng.getState()] }, best: { epoch: 1, value: 0.25 },
      bestWeights: best, badValidations: 0, history, finished: false, info: { seed: 3 },
    });
    expect(await hasCheckpoint(dir)).toBe(true);
    const before = tf.memory().numTensors;
    const ck = await loadCheckpoint(dir);
    expect(ck.epoch).toBe(1);
    expect(ck.optimizer.step).toBe(2);
    expect(ck.rngs.trainer).toEqual(rng.getState());
    expect(ck.best).toEqual({ epoch: 1, value: 0.25 });
    expect(ck.history).toEqual(history);
    expect(ck.info).toEqual({ seed: 3 });
    const same = (a: tf.Tensor[], b: tf.Tensor[]) => a.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(b[i].dataSync())));
    same(ck.variables, vars);
    same(ck.bestWeights!, best);
    ck.optimizer.slots.forEach((s, i) => same(s, opt.slots[i]));
    // Loading and disposing leaves no tensor behind.
    const ck2 = await loadCheckpoint(dir);
    disposeCheckpoint(ck2);
    expect(tf.memory().numTensors).toBe(before + 10);
    // A new optimizer restored from it takes the same next step as the original.
    const vars2 = ck.variables.map((t) => tf.variable(t));
    const adam2 = new Adam({ lr: 0.1 });
    adam2.setState(vars2, ck.optimizer);
    const f = (vs: tf.Variable[]) => () => tf.sum(tf.square(tf.add(tf.matMul(vs[0], tf.reshape(vs[1], [2, 1])), tf.sum(vs[2])))) as tf.Scalar;
    adam.step(f(vars), vars);
    adam2.step(f(vars2), vars2);
    same(vars2, vars);
    disposeCheckpoint(ck);
    tf.dispose(vars2);
    adam2.dispose();
    const plain = path.join(tmp, 'plain-weights');
    await saveWeights(plain, vars, {});
    await expect(loadCheckpoint(plain)).rejects.toThrow(/not a checkpoint/);
    tf.dispose([...vars, ...best, ...opt.slots.flat()]);
    adam.dispose();
  });
});
