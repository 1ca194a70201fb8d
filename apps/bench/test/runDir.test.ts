import { describe, expect, it } from 'vitest';
import { checkSameConfig, type StoredRunConfig } from '../src/runner/runDir.js';

describe('checkSameConfig (resuming a run)', () => {
  const stored: StoredRunConfig = { experiment: 'x', runId: 'r', backend: 'tensorflow', config: { seeds: 3, epochs: 3 } };
  const defaults = { seeds: 3, epochs: 30, lengthBuffer: 0 };

  it('accepts the same settings, and a setting added after the run when it is at its default', () => {
    expect(() => checkSameConfig(stored, { seeds: 3, epochs: 3 }, 'tensorflow', defaults)).not.toThrow();
    expect(() => checkSameConfig(stored, { seeds: 3, epochs: 3, lengthBuffer: 0 }, 'tensorflow', defaults)).not.toThrow();
  });

  it('refuses a new setting away from its default, a changed one, a dropped one, and another backend', () => {
    expect(() => checkSameConfig(stored, { seeds: 3, epochs: 3, lengthBuffer: 20 }, 'tensorflow', defaults)).toThrow(/lengthBuffer.*is 20 but the run being resumed \(r\) used unset/);
    expect(() => checkSameConfig(stored, { seeds: 3, epochs: 3, lengthBuffer: 0 }, 'tensorflow')).toThrow(/lengthBuffer/);
    expect(() => checkSameConfig(stored, { seeds: 3, epochs: 30 }, 'tensorflow', defaults)).toThrow(/epochs.*is 30 but .* used 3/);
    expect(() => checkSameConfig(stored, { seeds: 3 }, 'tensorflow', defaults)).toThrow(/epochs.*is unset/);
    expect(() => checkSameConfig(stored, { seeds: 3, epochs: 3 }, 'wasm', defaults)).toThrow(/--backend tensorflow/);
  });

  it('lets models and the growable list settings gain items, never lose any', () => {
    const run: StoredRunConfig = { experiment: 'x', runId: 'r', backend: 'tensorflow', config: { models: ['A'], sweep: '0,1', epochs: 3 } };
    const g = checkSameConfig(run, { models: ['A', 'B'], sweep: '0, 0.5,1', epochs: 3 }, 'tensorflow', {}, ['sweep']);
    expect(g.modelsAdded).toEqual(['B']);
    expect(g.grown).toEqual({ models: { from: ['A'], to: ['A', 'B'] }, sweep: { from: '0,1', to: '0, 0.5,1' } });
    expect(checkSameConfig(run, { models: ['A'], sweep: '0,1', epochs: 3 }, 'tensorflow', {}, ['sweep']).grown).toEqual({});
    expect(() => checkSameConfig(run, { models: ['A'], sweep: '0', epochs: 3 }, 'tensorflow', {}, ['sweep'])).toThrow(/"sweep".*may only gain items/);
    expect(() => checkSameConfig(run, { models: ['A'], sweep: '0,1,2', epochs: 3 }, 'tensorflow')).toThrow(/"sweep": is "0,1,2"/);
    expect(() => checkSameConfig(run, { models: ['B'], sweep: '0,1', epochs: 3 }, 'tensorflow', {}, ['sweep'])).toThrow(/"models"/);
    // the same items written another way are no change; a single value may grow into a list
    expect(checkSameConfig({ ...run, config: { ...run.config, base: 'DIN' } }, { models: ['A'], sweep: '0,1', epochs: 3, base: ['DIN'] }, 'tensorflow', {}, ['base']).grown).toEqual({});
    expect(checkSameConfig({ ...run, config: { ...run.config, base: 'DIN' } }, { models: ['A'], sweep: '0,1', epochs: 3, base: ['DIN', 'WideDeep'] }, 'tensorflow', {}, ['base']).grown).toEqual({ base: { from: 'DIN', to: ['DIN', 'WideDeep'] } });
    // a list setting added after the run was made grows from its default
    const later = checkSameConfig(run, { models: ['A'], sweep: '0,1', epochs: 3, variants: 'x=1' }, 'tensorflow', { variants: '' }, ['sweep', 'variants']);
    expect(later.grown).toEqual({ variants: { from: '', to: 'x=1' } });
  });
});
