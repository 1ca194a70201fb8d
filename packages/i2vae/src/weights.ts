/**
 * The denoising weight of the augmented latent.
 * @module
 */

/** History lengths above this count as this (official: 20). */
export const DENOISE_CAP = 20;

/**
 * `w(i) = exp(0.8·min(|hist|, 20)/20) − 0.8` per row, `hist` = the target-domain history without the target
 * (range 0.2 for an empty history to e^0.8 − 0.8 ≈ 1.43 from 20 items on): users with short histories
 * lean less on `KL(Z_a ‖ Z)` (the official code uses the batch mean of `w`; we keep it per row).
 */
export function denoiseWeight(historyLength: number): number {
  return Math.exp((0.8 * Math.min(Math.max(historyLength, 0), DENOISE_CAP)) / DENOISE_CAP) - 0.8;
}
