/**
 * Cell-name overrides written after `@`: `Model@key=value@key=value`. Each experiment gives the keys it
 * accepts and how each value is read; a malformed or unknown override is a `ConfigError` on the config key
 * that holds the name, naming the override and the keys accepted.
 * @module
 */
import { ConfigError } from '../errors.js';

/** How each override key's value is read: the value, or undefined when malformed. */
export type OverrideParsers<T> = { [K in keyof T]-?: (v: string) => T[K] | undefined };

/** Reads a non-negative decimal number (`0`, `0.1`, `1e-3`). */
export const nonNegativeNumber = (v: string): number | undefined => (/^[0-9.e+-]+$/.test(v) && Number.isFinite(Number(v)) && Number(v) >= 0 ? Number(v) : undefined);
/** Reads a number in [0, 1]. */
export const unitNumber = (v: string): number | undefined => {
  const x = nonNegativeNumber(v);
  return x !== undefined && x <= 1 ? x : undefined;
};
/** Reads a positive integer. */
export const positiveInt = (v: string): number | undefined => (/^[1-9][0-9]*$/.test(v) ? Number(v) : undefined);
/** Reads `true` or `false`. */
export const boolean = (v: string): boolean | undefined => (v === 'true' ? true : v === 'false' ? false : undefined);

/**
 * Splits `name` into the part before the first `@` and its overrides, read with `parsers`; throws a
 * `ConfigError` on `key` for an override that is not `key=value` with a known key and a well-formed value.
 * `allow(k)` may refuse a known key for this name (its message is the error's).
 */
export function parseAtOverrides<T extends object>(
  name: string,
  parsers: OverrideParsers<T>,
  key: string,
  allow: (k: keyof T) => string | null = () => null,
): { head: string; overrides: Partial<T> } {
  const [head, ...opts] = name.split('@');
  const keys = Object.keys(parsers).join(', ');
  const overrides: Record<string, unknown> = {};
  for (const o of opts) {
    const eq = o.indexOf('=');
    const k = o.slice(0, eq) as keyof T;
    const parse = eq > 0 && Object.hasOwn(parsers, k) ? parsers[k] : undefined;
    if (!parse) throw new ConfigError(key, `bad override "@${o}" in "${name}" (expected @key=value, key one of ${keys})`);
    const refused = allow(k);
    if (refused) throw new ConfigError(key, `"@${o}" in "${name}": ${refused}`);
    const v = parse(o.slice(eq + 1));
    if (v === undefined) throw new ConfigError(key, `bad value in "@${o}" of "${name}"`);
    if (Object.hasOwn(overrides, k)) throw new ConfigError(key, `"${name}" sets ${String(k)} twice`);
    overrides[k as string] = v;
  }
  return { head, overrides: overrides as Partial<T> };
}

/** The `@key=value` suffix of overrides, in their insertion order (the inverse of {@link parseAtOverrides}). */
export function atSuffix(overrides: object): string {
  return Object.entries(overrides).map(([k, v]) => `@${k}=${v}`).join('');
}
