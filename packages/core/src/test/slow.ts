import { it } from 'vitest';

/** True when long convergence tests should run (`RECSUITE_SLOW=1`, as in `pnpm test:slow` and CI). */
export const SLOW = process.env.RECSUITE_SLOW === '1';

/** `it` for long convergence tests: skipped unless `RECSUITE_SLOW=1`; name prefixed with `[slow]`. */
export const slowIt = (name: string, fn: () => unknown, timeout = 900_000) =>
  it.skipIf(!SLOW)(`[slow] ${name}`, fn, timeout);
