import { DIN } from '@recsuite/baselines';
import { buildCtrData } from '@recsuite/core';
import { IaCN } from '@recsuite/iacn';
import { describe, expect, it } from 'vitest';
import { CTR_MODELS, type CtrTask } from '../src/models/ctrModels.js';
import { buildIacnModel, iacnModelName, parseIacnModel } from '../src/models/iacnModels.js';
import { variantModels } from '../src/experiments/iacnCommon.js';

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

describe('IaCN cell names with overrides', () => {
  it('parse every IaCN option, round-trip through iacnModelName, and reach the built model', () => {
    const spec = parseIacnModel('IaCN+DIN@candidateOnly=true@capsules=2@auxLoss=sampledSoftmax@lambda=0.3');
    expect(spec.overrides).toEqual({ candidateOnly: true, capsules: 2, auxLoss: 'sampledSoftmax', lambda: 0.3 });
    expect(iacnModelName(spec)).toBe('IaCN+DIN@candidateOnly=true@capsules=2@auxLoss=sampledSoftmax@lambda=0.3');
    const b = buildIacnModel(parseIacnModel('IaCN+DIN@capsules=2@dynamicK=true@mixScope=embeddings'), task('softmax'), { capsules: 4 });
    const s = (b.model as IaCN).settings;
    expect([s.capsules, s.dynamicK, s.mixScope]).toEqual([2, true, 'embeddings']);
    b.model.dispose();
    expect(parseIacnModel('DIN@maxLen=10').overrides).toEqual({ maxLen: 10 });
  });

  it('name the key and the problem on a bad override', () => {
    expect(() => parseIacnModel('IaCN+DIN@capsules=0')).toThrow(/config key "models": bad value in "@capsules=0"/);
    expect(() => parseIacnModel('IaCN+DIN@routing=3')).toThrow(/bad override "@routing=3".*key one of delta, lambda, maxLen, candidateOnly/);
    expect(() => parseIacnModel('DIN@candidateOnly=true')).toThrow(/only IaCN models take IaCN options/);
    expect(() => parseIacnModel('IaCN+DIN@dynamicK=yes', 'variants')).toThrow(/config key "variants"/);
  });

  it('variants become IaCN+<sweepBase>@option cells; sweep keys and malformed items are refused', () => {
    expect(variantModels({ variants: ' candidateOnly=true, dynamicK=true ', sweepBase: ['WideDeep'] })).toEqual(['IaCN+WideDeep@candidateOnly=true', 'IaCN+WideDeep@dynamicK=true']);
    expect(variantModels({ variants: '', sweepBase: ['DIN'] })).toEqual([]);
    expect(() => variantModels({ variants: 'delta=0.3', sweepBase: ['DIN'] })).toThrow(/have their own sweeps/);
    expect(() => variantModels({ variants: 'candidateOnly', sweepBase: ['DIN'] })).toThrow(/one IaCN option key=value/);
  });
});
