import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { int } from '../src/config/fields.js';
import { defineExperiment, modelSeedCells } from '../src/experiment.js';
import { planRun, runExperiment } from '../src/runner/run.js';
import { tmpDir } from './helpers.js';

/**
 * A toy experiment whose cells keep `keep` tensors in shared data (freed when the next seed starts, like
 * ipg-sim's backbone) and leak `leak` tensors each, declaring the shared ones held when `declare` is on.
 */
function toy(leak: number, declare: boolean) {
  const kept: tf.Tensor[] = [];
  let seedOfKept = -1;
  return defineExperiment({
    name: 'toy-leaks',
    description: 'runner leak check',
    status: 'ready',
    schema: { seeds: int(2, { min: 1, doc: 'seeds' }), keep: int(3, { min: 0, doc: 'tensors kept per seed' }) },
    cells: (c) => modelSeedCells(['A', 'B'], c.seeds),
    datasetName: () => 'none',
    protocol: () => ({ summary: 'toy', details: [] }),
    prepare: async () => ({ kept }),
    heldTensors: declare ? (d) => d.kept.length : undefined,
    async runCell({ config, data, cell }) {
      if (seedOfKept !== cell.seed) {
        for (const t of data.kept.splice(0)) t.dispose();
        for (let i = 0; i < config.keep; i++) data.kept.push(tf.scalar(i));
        seedOfKept = cell.seed;
      }
      for (let i = 0; i < leak; i++) tf.scalar(i);
      return { metrics: { all: { x: cell.seed } } };
    },
    display: { metrics: ['x'] },
  });
}

async function leaksOf(leak: number, declare: boolean) {
  const exp = toy(leak, declare);
  const out = tmpDir();
  const r = await runExperiment(planRun(exp, { outDir: out }), { outDir: out, runId: 'r', quiet: true });
  return { leaks: r.leaks };
}

describe('runner leak check', () => {
  it('reports the tensors a cell leaves behind, per cell', async () => {
    const { leaks } = await leaksOf(2, true);
    expect(leaks).toEqual(['A seed 0', 'A seed 1', 'B seed 0', 'B seed 1'].map((cell) => ({ cell, tensors: 2 })));
  });

  it('leaves out the tensors the experiment declares held (built, kept and freed across seeds)', async () => {
    expect((await leaksOf(0, true)).leaks).toEqual([]);
  });

  it('without the declaration, keeping shared tensors is reported where they are built', async () => {
    const { leaks } = await leaksOf(0, false);
    // seed 0 builds 3; seed 1 frees those 3 and builds 3 (net 0); each seed's second cell builds nothing
    expect(leaks).toEqual([{ cell: 'A seed 0', tensors: 3 }]);
  });
});
