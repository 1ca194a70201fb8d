/**
 * Test helpers, exported as `@recsuite/core/test`.
 * @packageDocumentation
 */
export {};
