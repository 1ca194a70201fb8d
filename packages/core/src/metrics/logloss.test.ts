import { describe, expect, it } from 'vitest';
import { logLoss } from './logloss.js';

describe('logLoss', () => {
  it('matches a hand computation', () => {
    // −(ln 0.9 + ln(1 − 0.2) + ln 0.6) / 3 = (0.1053605 + 0.2231436 + 0.5108256) / 3 = 0.2797766
    expect(logLoss([1, 0, 1], [0.9, 0.2, 0.6])).toBeCloseTo(0.2797766, 6);
    // soft label 0.5 at p = 0.5: −(0.5 ln 0.5 + 0.5 ln 0.5) = ln 2
    expect(logLoss([0.5], [0.5])).toBeCloseTo(Math.LN2, 12);
  });

  it('clips probabilities to [eps, 1 − eps]', () => {
    // A certain wrong prediction costs −ln(eps): −ln(1e-7) = 16.1180957
    expect(logLoss([1], [0])).toBeCloseTo(16.1180957, 6);
    expect(logLoss([0], [1])).toBeCloseTo(16.1180957, 6);
    expect(logLoss([1, 0], [0, 1], 1e-3)).toBeCloseTo(-Math.log(1e-3), 9);
    expect(logLoss([1, 0], [1, 0])).toBeCloseTo(-Math.log(1 - 1e-7), 12);
  });

  it('rejects out-of-range input', () => {
    expect(() => logLoss([1], [1.2])).toThrow(/probs\[0\]/);
    expect(() => logLoss([2], [0.5])).toThrow(/labels\[0\]/);
    expect(() => logLoss([1], [NaN])).toThrow(/probs\[0\]/);
    expect(() => logLoss([1], [0.5], 0)).toThrow(/eps/);
    expect(() => logLoss([1, 0], [0.5])).toThrow(/same length/);
  });
});
