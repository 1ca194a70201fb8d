// Tensor-level benchmark (issue 11): a SASRec-sized training step (item table 12,102×64, batch 256 ×
// length 50, two causal self-attention blocks, BCE with one negative per position, Adam) on each backend
// with core's lookup (row-sparse lazy Adam, or scatter-add gradient + dense Adam) and with the stock
// tf.gather gradient; and GFLOP/s of core's dense product vs a plain transposed tf.matMul.
// Run: pnpm --filter @recsuite/core bench:tensor [-- --steps 5 --backends tensorflow,wasm --batch 256]
// The bench app's `speed` experiment measures the real models; this isolates the core ops.
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { Adam, Embedding, Rng, glorotNormal, linear, matMulFast, registerNative, registerWasm } from '../src/index.js';
import type { BackendName, EmbeddingGradMode } from '../src/index.js';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '5' },
    batch: { type: 'string', default: '256' },
    backends: { type: 'string', default: 'tensorflow,wasm' },
    json: { type: 'boolean', default: false },
  },
});
const STEPS = Number(args.steps);
const B = Number(args.batch);
const L = 50;
const D = 64;
const V = 12_102;

interface Row { backend: string; variant: string; msPerStep: number | null; note: string; numTensorsDelta: number | null }

/** A SASRec-like model built from core ops only (not the baselines package: this measures core). */
function makeModel(mode: EmbeddingGradMode, rng: Rng) {
  const items = new Embedding(V, D, { grad: mode, rng });
  const pos = tf.variable(glorotNormal([L, D], rng), true);
  const blocks = Array.from({ length: 2 }, () => ({
    wq: tf.variable(glorotNormal([D, D], rng)) as tf.Variable<tf.Rank.R2>,
    wk: tf.variable(glorotNormal([D, D], rng)) as tf.Variable<tf.Rank.R2>,
    wv: tf.variable(glorotNormal([D, D], rng)) as tf.Variable<tf.Rank.R2>,
    w1: tf.variable(glorotNormal([D, D], rng)) as tf.Variable<tf.Rank.R2>,
    w2: tf.variable(glorotNormal([D, D], rng)) as tf.Variable<tf.Rank.R2>,
  }));
  const causal = tf.linalg.bandPart(tf.ones([L, L]), -1, 0);
  const vars = [items.table, pos, ...blocks.flatMap((b) => [b.wq, b.wk, b.wv, b.w1, b.w2])];
  const loss = (seqs: Int32Array, posIds: Int32Array, negIds: Int32Array) =>
    tf.tidy(() => {
      let h = tf.add(tf.mul(tf.reshape(items.lookup(seqs), [-1, L, D]), Math.sqrt(D)), pos) as tf.Tensor3D; // [B, L, D]
      for (const b of blocks) {
        const q = linear(h, b.wq);
        const k = linear(h, b.wk);
        const v = linear(h, b.wv);
        const att = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(D)), tf.mul(tf.sub(causal, 1), 1e9)));
        h = tf.add(h, tf.matMul(att, v)) as tf.Tensor3D;
        h = tf.add(h, linear(tf.relu(linear(h, b.w1)), b.w2)) as tf.Tensor3D;
      }
      const hp = tf.reshape(h, [-1, D]);
      const lp = tf.sum(tf.mul(hp, items.lookup(posIds)), -1);
      const ln = tf.sum(tf.mul(hp, items.lookup(negIds)), -1);
      // -log σ(lp) - log(1 - σ(ln)) = softplus(-lp) + softplus(ln)   (tf.logSigmoid's gradient throws in 4.22)
      return tf.mean(tf.add(tf.softplus(tf.neg(lp)), tf.softplus(ln))) as tf.Scalar;
    });
  return { vars, loss, dispose: () => { items.dispose(); tf.dispose([pos, causal, ...blocks.flatMap((b) => Object.values(b))]); } };
}

function batchIds(rng: Rng) {
  const seqs = new Int32Array(B * L);
  const posIds = new Int32Array(B * L);
  const negIds = new Int32Array(B * L);
  for (let i = 0; i < B * L; i++) {
    seqs[i] = 1 + rng.int(V - 1);
    posIds[i] = 1 + rng.int(V - 1);
    negIds[i] = 1 + rng.int(V - 1);
  }
  return { seqs, posIds, negIds };
}

function timeStep(variant: { mode: EmbeddingGradMode; embeddings: 'lazy' | 'dense' }, backend: string): Row {
  const name = `${variant.mode === 'sparse' ? 'core lookup' : variant.mode === 'scatter' ? 'core scatter-add lookup' : 'stock tf.gather'} + ${variant.mode === 'sparse' && variant.embeddings === 'lazy' ? 'row-sparse Adam' : 'dense Adam'}`;
  const rng = new Rng(1);
  const m = makeModel(variant.mode, rng);
  const opt = new Adam({ lr: 1e-3, beta2: 0.98, embeddings: variant.embeddings });
  const batches = Array.from({ length: 2 }, () => batchIds(rng));
  try {
    const step = (i: number) => {
      const b = batches[i % 2];
      return opt.step(() => m.loss(b.seqs, b.posIds, b.negIds), m.vars);
    };
    step(0); // warm-up (kernels, optimizer slots)
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (let i = 0; i < STEPS; i++) step(i + 1);
    const ms = (performance.now() - t0) / STEPS;
    return { backend, variant: name, msPerStep: ms, note: '', numTensorsDelta: tf.memory().numTensors - before };
  } catch (e) {
    return { backend, variant: name, msPerStep: null, note: `fails: ${(e as Error).message.split('\n')[0].slice(0, 90)}`, numTensorsDelta: null };
  } finally {
    opt.dispose();
    m.dispose();
  }
}

function gflops(fn: () => tf.Tensor, n: number, reps = 10): number {
  fn().dispose();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const out = fn();
    out.dataSync();
    times.push(performance.now() - t0);
    out.dispose();
  }
  times.sort((a, b) => a - b);
  return (2 * n ** 3) / (times[Math.floor(reps / 2)] / 1e3) / 1e9;
}

const rows: Row[] = [];
const flops: { backend: string; product: string; gflops: number }[] = [];
for (const backend of args.backends.split(',') as BackendName[]) {
  const why = backend === 'tensorflow' ? registerNative() : backend === 'wasm' ? await registerWasm() : null;
  if (why || !(await tf.setBackend(backend))) {
    console.error(`skip ${backend}: ${why ?? 'setBackend failed'}`);
    continue;
  }
  await tf.ready();
  const n = 1024;
  const rng = new Rng(0);
  const a = tf.randomNormal([n, n], 0, 1, 'float32', rng.nextU32()) as tf.Tensor2D;
  const b = tf.randomNormal([n, n], 0, 1, 'float32', rng.nextU32()) as tf.Tensor2D;
  flops.push({ backend, product: 'tf.matMul(a, b) plain', gflops: gflops(() => tf.matMul(a, b), n) });
  flops.push({ backend, product: 'tf.matMul(a, bᵀ) transposed', gflops: gflops(() => tf.matMul(a, b, false, true), n) });
  flops.push({ backend, product: 'core matMulFast(a, bᵀ)', gflops: gflops(() => matMulFast(a, b, false, true), n) });
  tf.dispose([a, b]);
  for (const v of [
    { mode: 'sparse', embeddings: 'lazy' },
    { mode: 'sparse', embeddings: 'dense' },
    { mode: 'scatter', embeddings: 'dense' },
    { mode: 'stock', embeddings: 'dense' },
  ] as const) {
    rows.push(timeStep(v, backend));
    console.error(`${backend}: ${rows[rows.length - 1].variant}: ${rows[rows.length - 1].msPerStep?.toFixed(1) ?? rows[rows.length - 1].note}`);
  }
}

const fmt = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
console.log(`\nSASRec-sized step (table ${V}×${D}, batch ${B}×${L}, 2 attention blocks, Adam), ms per step, median over ${STEPS}:`);
console.log('| backend | variant | ms/step | Δ numTensors | note |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.backend} | ${r.variant} | ${fmt(r.msPerStep)} | ${r.numTensorsDelta ?? '—'} | ${r.note} |`);
console.log('\n1024² products, GFLOP/s (median of 10):\n| backend | product | GFLOP/s |\n|---|---|---|');
for (const f of flops) console.log(`| ${f.backend} | ${f.product} | ${fmt(f.gflops)} |`);
const tfStep = rows.find((r) => r.backend === 'tensorflow' && r.variant.startsWith('core lookup + row-sparse'))?.msPerStep;
const wasmStep = rows.find((r) => r.backend === 'wasm' && r.variant.startsWith('core lookup + row-sparse'))?.msPerStep;
const wasmFast = flops.find((f) => f.backend === 'wasm' && f.product.startsWith('core'))?.gflops;
const wasmT = flops.find((f) => f.backend === 'wasm' && f.product.includes('transposed'))?.gflops;
console.log('\nRatios (same run):');
if (tfStep && wasmStep) console.log(`  wasm step / tensorflow step (core lookup, row-sparse Adam): ${(wasmStep / tfStep).toFixed(2)}× (required ≥ 3)`);
if (wasmFast && wasmT) console.log(`  wasm core matMulFast / plain transposed matMul: ${(wasmFast / wasmT).toFixed(2)}× (required ≥ 4)`);
if (args.json) console.log(JSON.stringify({ rows, flops }));
