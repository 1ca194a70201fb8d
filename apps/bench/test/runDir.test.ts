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
});
