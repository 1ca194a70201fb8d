import { DIN } from '@recsuite/baselines';
import { buildCtrData } from '@recsuite/core';
import { IaCN } from '@recsuite/iacn';
import { describe, expect, it } from 'vitest';
import { CTR_MODELS, type CtrTask } from '../src/models/ctrModels.js';
import { buildIacnModel, parseIacnModel } from '../src/models/iacnModels.js';

const seqs = Array.from({ length: 6 }, (_, u) => Int32Array.from({ length: 5 + u }, (_, k) => 1 + ((u * 3 + k) % 12)));
const data = buildCtrData(seqs, { numItems: 12, seed: 1, sampler: 'uniform' });
const task = (dinAttention?: 'none' | 'softmax'): CtrTask => ({
  data,
  features: { numItems: 12, numUsers: data.numUsers },
  batchFeatures: {},
  seed: 0,
  hyper: { embedDim: 4, lr: 1e-3, batchSize: 8, maxLen: 5, dropout: 0, auxWeight: 1, dinAttention },
});

describe('DIN attention normalisation in the bench factories', () => {
  it('DIN follows hyper.dinAttention (default: the paper, none); DIN:softmax is always softmax', () => {
    const norm = (m: unknown) => (m as DIN).config.attentionNorm;
    const built = [CTR_MODELS.DIN(task()), CTR_MODELS.DIN(task('softmax')), CTR_MODELS['DIN:softmax'](task())];
    expect(built.map((b) => norm(b.model))).toEqual(['none', 'softmax', 'softmax']);
    built.forEach((b) => b.model.dispose());
  });

  it('the IaCN experiments give DIN, DIN:2d and IaCN+DIN the same normalisation', () => {
    for (const n of ['none', 'softmax'] as const) {
      const got = ['DIN', 'DIN:2d', 'IaCN+DIN'].map((name) => {
        const b = buildIacnModel(parseIacnModel(name), task(n), {});
        const m = b.model instanceof IaCN ? b.model.base : b.model;
        const v = (m as DIN).config.attentionNorm;
        b.model.dispose();
        return v;
      });
      expect(got).toEqual([n, n, n]);
    }
  });
});
