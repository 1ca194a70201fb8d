/**
 * Errors of @recsuite/ipg: a bad configuration value names the component and the key.
 * @module
 */

/** A configuration value out of range; the message names the component, the key and what was expected. */
export class IpgConfigError extends RangeError {
  override name = 'IpgConfigError';
  /**
   * @param component - what was being configured (`UserSimulator`, `runGuidance`, ...).
   * @param key - the offending key.
   * @param expected - what was expected.
   * @param got - the value given.
   */
  constructor(
    readonly component: string,
    readonly key: string,
    expected: string,
    got: unknown,
  ) {
    super(`${component} config.${key} must be ${expected}, got ${JSON.stringify(got)}`);
  }
}

/** Checks that `cfg[key]` is an integer `>= min` (and `<= max` when given). */
export function checkInt(component: string, cfg: object, key: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  const v = (cfg as Record<string, unknown>)[key];
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    throw new IpgConfigError(component, key, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`, v);
  }
}

/** Checks that `cfg[key]` is a finite number in `[lo, hi]`. */
export function checkNum(component: string, cfg: object, key: string, lo = -Infinity, hi = Infinity): void {
  const v = (cfg as Record<string, unknown>)[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) throw new IpgConfigError(component, key, `a finite number in [${lo}, ${hi}]`, v);
}
