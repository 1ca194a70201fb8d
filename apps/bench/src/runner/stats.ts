/**
 * Mean and spread over seeds for the summary: core's `meanStd` (sample standard deviation, `n − 1`
 * divisor; one value has `std = 0`).
 * @module
 */
import { meanStd as coreMeanStd } from '@recsuite/core';

/**
 * Mean, sample standard deviation and count of `values`; `NaN`s for no values.
 * @param values - one value per seed.
 */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  if (values.length === 0) return { mean: NaN, std: NaN, n: 0 };
  return coreMeanStd(values);
}
