/**
 * Makes sure TensorFlow.js's gradient functions are registered. They come with `@tensorflow/tfjs` (which
 * `@tensorflow/tfjs-node` loads), not with `@tensorflow/tfjs-core`: a process that starts on `wasm` or
 * `cpu` without ever loading the native addon has none, and the first training step fails with "gradient
 * function not found for Mean". This loads `@tensorflow/tfjs` (through core's `@tensorflow/tfjs-node`
 * dependency, about 28 MB) when they are missing; a no-op otherwise.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../paths.js';

/** Registers the gradients if none are registered yet. */
export function ensureGradients(): void {
  if (tf.getGradient('Mean')) return;
  const fromCore = createRequire(path.join(REPO_ROOT, 'packages/core/package.json'));
  const fromNode = createRequire(fromCore.resolve('@tensorflow/tfjs-node'));
  fromNode('@tensorflow/tfjs');
  if (!tf.getGradient('Mean')) throw new Error('TensorFlow.js gradients could not be registered (two copies of @tensorflow/tfjs-core?)');
}
