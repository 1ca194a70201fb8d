import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExperiment } from '../src/cli.js';
import { EXPERIMENTS } from '../src/experiments/index.js';
import { bool, file, int, intList, num, oneOf, subsetOf } from '../src/config/fields.js';
import { resolveConfig, resolveFiles } from '../src/config/resolve.js';
import { ConfigError, MissingDataError, NotImplementedError, UsageError } from '../src/errors.js';
import { definePlanned } from '../src/planned.js';
import { planRun } from '../src/runner/run.js';
import { tmpDir } from './helpers.js';

const schema = {
  epochs: int(10, { min: 1 }),
  lr: num(0.001, { min: 0 }),
  shuffle: bool(true),
  loss: oneOf(['bce', 'ce'] as const, 'bce'),
  models: subsetOf(['A', 'B', 'C'] as const, ['A', 'B']),
  ks: intList([10, 20], { min: 1 }),
  dataset: file('sub/data.txt'),
};

describe('config resolution', () => {
  it('applies defaults, then JSON values, then command-line text, with types', () => {
    const c = resolveConfig('x', schema, [
      { source: 'file', values: { epochs: 5, models: ['C'] } },
      { source: '--set', text: true, values: { lr: '0.01', shuffle: 'false', ks: '5,10', loss: 'ce' } },
    ]);
    expect(c).toEqual({ epochs: 5, lr: 0.01, shuffle: false, loss: 'ce', models: ['C'], ks: [5, 10], dataset: 'sub/data.txt' });
  });

  it('names the key of an unknown setting and suggests the closest one', () => {
    const err = (() => {
      try {
        resolveConfig('x', schema, [{ source: '--set', text: true, values: { epoch: '3' } }]);
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.key).toBe('epoch');
    expect(err!.message).toMatch(/config key "epoch": unknown key.*did you mean "epochs"/);
  });

  it.each([
    ['epochs', 'three', /config key "epochs": expected an integer ≥ 1, got "three"/],
    ['epochs', '0', /config key "epochs": expected an integer ≥ 1, got 0/],
    ['epochs', '2.5', /config key "epochs": expected an integer ≥ 1/],
    ['lr', 'fast', /config key "lr": expected a number ≥ 0/],
    ['shuffle', 'maybe', /config key "shuffle": expected true or false/],
    ['loss', 'mse', /config key "loss": expected one of bce, ce, got "mse"/],
    ['models', 'A,D', /config key "models": unknown value "D"/],
    ['models', 'A,A', /config key "models": value "A" appears twice/],
    ['ks', '5,x', /config key "ks": expected a non-empty list of integers ≥ 1/],
  ])('rejects %s=%s naming the key', (key, value, re) => {
    expect(() => resolveConfig('x', schema, [{ source: '--set', text: true, values: { [key]: value } }])).toThrow(re);
  });

  it('rejects wrong JSON types naming the key', () => {
    expect(() => resolveConfig('x', schema, [{ source: 'file', values: { epochs: '5' } }])).toThrow(/config key "epochs": expected an integer/);
    expect(() => resolveConfig('x', schema, [{ source: 'file', values: { models: 'A' } }])).toThrow(/config key "models"/);
  });

  it('resolves dataset files against the data directory and names a missing one', () => {
    const dir = tmpDir();
    const c = resolveConfig('x', schema, []);
    expect(() => resolveFiles(schema, c, { dir, source: '--data-dir' })).toThrow(MissingDataError);
    expect(() => resolveFiles(schema, c, { dir, source: '--data-dir' })).toThrow(path.join(dir, 'sub/data.txt'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub/data.txt'), '1 2 3\n');
    expect(resolveFiles(schema, c, { dir, source: '--data-dir' }).dataset).toBe(path.join(dir, 'sub/data.txt'));
    expect(() => resolveFiles(schema, c, { dir: '/nonexistent-bench-dir', source: '--data-dir' })).toThrow(/missing data: \/nonexistent-bench-dir does not exist/);
  });
});

describe('planRun (validation before any training)', () => {
  it('names the key of a cross-field rule', () => {
    const exp = findExperiment('default', EXPERIMENTS);
    expect(() => planRun(exp, { layers: [{ source: '--set', text: true, values: { minLength: '10', maxLength: '5' } }] })).toThrow(/config key "maxLength": must be ≥ minLength/);
  });

  it('fails a data experiment on a missing data directory, naming the path', () => {
    for (const name of ['baselines-beauty', 'cf-ml100k', 'ctr-ml100k', 'ctr-beauty', 'speed']) {
      expect(() => planRun(findExperiment(name, EXPERIMENTS), { dataDir: '/nonexistent' })).toThrow(/missing data: \/nonexistent does not exist/);
    }
  });

  it('names a missing dataset file given with --dataset', () => {
    expect(() => planRun(findExperiment('baselines-beauty', EXPERIMENTS), { layers: [{ source: 'the command line', text: true, values: { dataset: '/nonexistent/x.txt' } }] })).toThrow(
      /missing data: \/nonexistent\/x\.txt does not exist \(config key "dataset"\)/,
    );
  });

  it('fails a planned experiment with a clear line once its data are there', () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'ml-100k'));
    fs.writeFileSync(path.join(dir, 'ml-100k/ml-100k.inter'), 'user_id:token\titem_id:token\n');
    const planned = definePlanned({ name: 'later', description: 'x', missing: 'the @recsuite/later package', dataset: 'ml-100k/ml-100k.inter' });
    expect(() => planRun(planned, { dataDir: '/nonexistent' })).toThrow(MissingDataError);
    expect(() => planRun(planned, { dataDir: dir })).toThrow(NotImplementedError);
    expect(() => planRun(planned, { dataDir: dir })).toThrow(/experiment "later" is not implemented yet: the @recsuite\/later package does not exist yet/);
  });

  it('rejects an unknown experiment with the closest name', () => {
    expect(() => findExperiment('defualt', EXPERIMENTS)).toThrow(UsageError);
    expect(() => findExperiment('defualt', EXPERIMENTS)).toThrow(/did you mean "default"/);
  });
});
