/**
 * The simulated world: topic-structured item vectors (fixed) and initial user vectors, drawn from a
 * seeded {@link Rng}.
 * @module
 */
import { Rng } from '@recsuite/core';
import type { SimulatorConfig } from './config.js';

/** Items of a simulated world: unit vectors, row 0 unused (item ids are `1..numItems`). */
export interface SimWorld {
  /** Number of items. */
  numItems: number;
  /** Vector width (`numTopics · topicSize`). */
  dim: number;
  /** Topic count. */
  numTopics: number;
  /** Dimensions per topic. */
  topicSize: number;
  /** `[(numItems + 1) × dim]`, row-major; row 0 is zero. */
  items: Float64Array;
  /** Topic of each item (argmax of its topic-block norms); entry 0 is -1. */
  itemTopic: Int16Array;
}

/** Index of the topic block with the largest L2 norm in `v[off .. off + T·S)`. */
export function dominantTopic(v: ArrayLike<number>, off: number, numTopics: number, topicSize: number): number {
  let best = 0;
  let bestNorm = -1;
  for (let t = 0; t < numTopics; t++) {
    let s = 0;
    for (let k = 0; k < topicSize; k++) {
      const x = v[off + t * topicSize + k];
      s += x * x;
    }
    if (s > bestNorm) {
      bestNorm = s;
      best = t;
    }
  }
  return best;
}

/** Divides `v[off .. off + n)` by its L2 norm (a zero vector is left as is). */
export function normalizeRow(v: Float64Array, off: number, n: number): void {
  let s = 0;
  for (let k = 0; k < n; k++) s += v[off + k] * v[off + k];
  if (s === 0) return;
  const inv = 1 / Math.sqrt(s);
  for (let k = 0; k < n; k++) v[off + k] *= inv;
}

/**
 * Raw topic-mixed vectors: entries `clamp(scale · N(0, 1), −1, 1)` times a per-row topic weight
 * `w_t = U(0, 1) / Σ U(0, 1)` for the entries of topic `t`.
 */
function mixedVectors(rows: number, c: SimulatorConfig, rng: Rng): Float64Array {
  const T = c.numTopics;
  const S = c.topicSize;
  const D = T * S;
  const out = new Float64Array(rows * D);
  const w = new Float64Array(T);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let t = 0; t < T; t++) sum += w[t] = rng.float();
    for (let t = 0; t < T; t++) w[t] = sum > 0 ? w[t] / sum : 1 / T;
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < S; k++) {
        const x = Math.max(-1, Math.min(1, c.initScale * rng.normal()));
        out[r * D + t * S + k] = x * w[t];
      }
    }
  }
  return out;
}

/**
 * Item vectors: topic-mixed entries, squared (non-negative, which sharpens the dominant topic), then
 * L2-normalised; an item's topic is the argmax of its topic-block norms.
 * @param c - simulator configuration.
 * @param rng - seeded generator (consumed).
 */
export function generateItems(c: SimulatorConfig, rng: Rng): SimWorld {
  const T = c.numTopics;
  const S = c.topicSize;
  const D = T * S;
  const raw = mixedVectors(c.numItems, c, rng);
  const items = new Float64Array((c.numItems + 1) * D);
  const itemTopic = new Int16Array(c.numItems + 1);
  itemTopic[0] = -1;
  for (let i = 1; i <= c.numItems; i++) {
    const off = i * D;
    for (let k = 0; k < D; k++) {
      const x = raw[(i - 1) * D + k];
      items[off + k] = x * x;
    }
    itemTopic[i] = dominantTopic(items, off, T, S);
    normalizeRow(items, off, D);
  }
  return { numItems: c.numItems, dim: D, numTopics: T, topicSize: S, items, itemTopic };
}

/**
 * Initial user vectors `[numUsers × dim]`: topic-mixed entries, the dominant topic's block made
 * non-negative, L2-normalised.
 * @param c - simulator configuration.
 * @param rng - seeded generator (consumed).
 */
export function generateUsers(c: SimulatorConfig, rng: Rng): Float64Array {
  const T = c.numTopics;
  const S = c.topicSize;
  const D = T * S;
  const users = mixedVectors(c.numUsers, c, rng);
  for (let u = 0; u < c.numUsers; u++) {
    const off = u * D;
    const t = dominantTopic(users, off, T, S);
    for (let k = 0; k < S; k++) users[off + t * S + k] = Math.abs(users[off + t * S + k]);
    normalizeRow(users, off, D);
  }
  return users;
}
