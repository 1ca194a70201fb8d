/**
 * Test helpers, exported as `@recsuite/core/test`: backend-parametrised suites, backend-aware closeness,
 * leak checks, finite-difference gradient checks and the `slow` tag.
 * @packageDocumentation
 */
export { describeBackends, defaultTolerance } from './backends.js';
export type { DescribeBackendsOptions } from './backends.js';
export { expectClose, expectNoLeak } from './assert.js';
export { gradCheck } from './gradcheck.js';
export type { GradCheckOptions } from './gradcheck.js';
export { SLOW, slowIt } from './slow.js';
