/**
 * @recsuite/i2vae
 * @packageDocumentation
 */
export {};
