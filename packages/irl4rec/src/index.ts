/**
 * @recsuite/irl4rec
 * @packageDocumentation
 */
export {};
