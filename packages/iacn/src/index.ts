/**
 * @recsuite/iacn
 * @packageDocumentation
 */
export {};
