/**
 * A fast inference pass of a causal pre-LN self-attention encoder (SASRec's) that returns only the last
 * position's state: the same weights and the same function as `TransformerEncoder.userVector` in
 * inference mode, arranged for speed when many histories are re-encoded every guidance round.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeqBatch } from '@recsuite/core';
import type { TransformerBlock } from '@recsuite/core';
import type { TransformerEncoder } from '@recsuite/baselines';

/** Additive attention mask value (softmax weight exp(−1e9) = 0). */
const MASKED = -1e9;

/** Layer normalisation over the last axis, inference only (no custom gradient). */
function layerNormInfer(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const xc = tf.sub(x, mean);
  const r = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps));
  return tf.add(tf.mul(tf.mul(xc, r), gamma), beta);
}

/** `x [n, d] · W + b` (and ReLU) as one fused kernel. */
function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, relu = false): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: w, bias: b, activation: relu ? 'relu' : 'linear' }) as tf.Tensor2D;
}

/** `[n, d]` → `[B, H, l, dh]` heads. */
function heads(x: tf.Tensor2D, B: number, l: number, H: number, dh: number): tf.Tensor4D {
  return tf.transpose(tf.reshape(x, [B, l, H, dh]), [0, 2, 1, 3]) as tf.Tensor4D;
}

/**
 * One pre-LN block (SASRec's order): `q = LN₁(x)`, `x' = q + MHA(q, x, x)`, `z = LN₂(x')`,
 * `out = (z + FFN(z)) ⊙ mask`. With `lastOnly`, queries (and everything after attention) only at the last
 * position: returns `[B, 1, d]`.
 */
function block(blk: TransformerBlock, x: tf.Tensor3D, bias: tf.Tensor, maskOut: tf.Tensor, lastOnly: boolean): tf.Tensor3D {
  const [B, L, d] = x.shape;
  const att = blk.attention;
  const H = att.heads;
  const dh = d / H;
  const lq = lastOnly ? 1 : L;
  const x2 = tf.reshape(x, [B * L, d]) as tf.Tensor2D;
  const xq = lastOnly ? (tf.reshape(tf.slice(x, [0, L - 1, 0], [B, 1, d]), [B, d]) as tf.Tensor2D) : x2;
  const q = layerNormInfer(xq, blk.ln1.gamma, blk.ln1.beta, blk.ln1.eps) as tf.Tensor2D; // [B·lq, d]
  const s = 1 / Math.sqrt(dh);
  const Q = heads(dense(q, tf.mul(att.wq, s) as tf.Tensor2D, tf.mul(att.bq, s) as tf.Tensor1D), B, lq, H, dh); // scaled queries
  const kv = dense(x2, tf.concat([att.wk, att.wv], 1) as tf.Tensor2D, tf.concat([att.bk, att.bv]) as tf.Tensor1D); // [B·L, 2d]
  const [k, v] = tf.split(kv, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  const scores = tf.add(tf.matMul(Q, heads(k, B, L, H, dh), false, true), bias); // [B, H, lq, L]
  const ctx = tf.matMul(tf.softmax(scores, -1), heads(v, B, L, H, dh)); // [B, H, lq, dh]
  let merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [B * lq, d]) as tf.Tensor2D;
  if (att.wo && att.bo) merged = dense(merged, att.wo, att.bo);
  const y = tf.add(q, merged) as tf.Tensor2D;
  const z = layerNormInfer(y, blk.ln2.gamma, blk.ln2.beta, blk.ln2.eps) as tf.Tensor2D;
  const ffn = blk.ffn;
  if (ffn.activation !== 'relu') throw new RangeError('lastStateVector: only ReLU feed-forward blocks are supported');
  const out = tf.add(z, dense(dense(z, ffn.w1, ffn.b1, true), ffn.w2, ffn.b2));
  return tf.mul(tf.reshape(out, [B, lq, d]), maskOut) as tf.Tensor3D;
}

/** Whether {@link lastStateVector} supports `encoder` (causal, pre-LN, ReLU, at least one block). */
export function supportsLastState(encoder: TransformerEncoder): boolean {
  const c = encoder.cfg;
  return c.norm === 'pre' && c.causal && c.activation === 'relu' && encoder.blocks.length > 0;
}

/**
 * The last position's output `[B, d]` of a causal pre-LN {@link TransformerEncoder} (SASRec's), equal to
 * `encoder.userVector(batch)` in inference mode, computed faster: the causal and padding masks are built
 * once per batch, the attention scale is folded into the query weights, keys and values come from one
 * product, bias and ReLU are fused into the products, and the last block runs its query, attention
 * output and feed-forward at the last position only (keys and values still come from every position).
 * Falls back to `encoder.userVector` for other encoders.
 */
export function lastStateVector(encoder: TransformerEncoder, batch: SeqBatch): tf.Tensor2D {
  if (!supportsLastState(encoder)) return encoder.userVector(batch);
  const { seqs, batchSize: B, maxLen: L } = batch;
  const d = encoder.dim;
  const cfg = encoder.cfg;
  return tf.tidy(() => {
    const m = new Float32Array(B * L);
    for (let k = 0; k < m.length; k++) m[k] = seqs[k] === 0 ? 0 : 1;
    const mask = tf.tensor2d(m, [B, L]);
    const keyBias = tf.reshape(tf.mul(tf.sub(1, mask), MASKED), [B, 1, 1, L]);
    const causal = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([L, L]), -1, 0)), MASKED);
    const bias = tf.add(keyBias, tf.reshape(causal, [1, 1, L, L])); // [B, 1, L, L]
    const maskOut = tf.reshape(mask, [B, L, 1]);
    let x: tf.Tensor = tf.reshape(tf.gather(encoder.items.table, tf.tensor1d(seqs, 'int32')), [B, L, d]);
    if (cfg.scaleEmbedding) x = tf.mul(x, Math.sqrt(d));
    x = tf.add(x, encoder.positions.apply(L));
    if (encoder.inputLn) x = layerNormInfer(x, encoder.inputLn.gamma, encoder.inputLn.beta, encoder.inputLn.eps);
    x = tf.mul(x, maskOut);
    const n = encoder.blocks.length;
    for (let b = 0; b < n - 1; b++) x = block(encoder.blocks[b], x as tf.Tensor3D, bias, maskOut, false);
    const lastMask = tf.slice(maskOut, [0, L - 1, 0], [B, 1, 1]);
    let y: tf.Tensor = block(encoder.blocks[n - 1], x as tf.Tensor3D, keyBias, lastMask, true); // [B, 1, d]
    if (encoder.finalLn) y = layerNormInfer(y, encoder.finalLn.gamma, encoder.finalLn.beta, encoder.finalLn.eps);
    return tf.reshape(y, [B, d]) as tf.Tensor2D;
  });
}
