import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { type BackendName, registerNative, registerWasm } from '../tensor/backend.js';

/** Options for {@link describeBackends}. */
export interface DescribeBackendsOptions {
  /** Backends to try; default `['tensorflow', 'wasm']` (cpu is for tiny tests only). */
  backends?: BackendName[];
}

/**
 * Runs the same suite on every backend available in this process, like TensorFlow.js's
 * `describeWithFlags`: one `describe` block per backend, switched with `tf.setBackend`. A backend that
 * cannot start here is reported as a skipped suite, never silently dropped. `RECSUITE_TEST_BACKENDS`
 * (comma-separated) narrows the list.
 */
export function describeBackends(
  name: string,
  body: (backend: BackendName) => void,
  opts: DescribeBackendsOptions = {},
): void {
  const env = process.env.RECSUITE_TEST_BACKENDS?.split(',').map((s) => s.trim()) as BackendName[] | undefined;
  const wanted = (opts.backends ?? ['tensorflow', 'wasm']).filter((b) => !env || env.includes(b));
  for (const backend of wanted) {
    const reason = backend === 'tensorflow' ? registerNative() : null;
    const run = reason === null ? describe : describe.skip;
    run(`${name} [${backend}]${reason ? ` (skipped: ${reason})` : ''}`, () => {
      let previous: string | undefined;
      beforeAll(async () => {
        if (backend === 'wasm') {
          const why = await registerWasm();
          if (why) throw new Error(why);
        }
        previous = tf.getBackend();
        if (!(await tf.setBackend(backend))) throw new Error(`setBackend(${backend}) failed`);
        await tf.ready();
      });
      afterAll(async () => {
        if (previous && previous !== backend) await tf.setBackend(previous);
      });
      body(backend);
    });
  }
}

/** Absolute/relative tolerance for float32 comparisons on the current backend. */
export function defaultTolerance(): number {
  return tf.getBackend() === 'tensorflow' ? 1e-4 : 1e-3;
}
