/**
 * @recsuite/baselines: standard recommenders on recsuite's model contract.
 * @packageDocumentation
 */
export {};
