/**
 * The experiment registry: one line per experiment file. Add an experiment by writing
 * `src/experiments/<name>.ts` (default export: `defineExperiment({...})`) and adding its line here.
 * @module
 */
import type { AnyExperiment } from '../experiment.js';

/** Every experiment, in `pnpm bench list` order. */
export const EXPERIMENTS: AnyExperiment[] = [
  (await import('./default.js')).default,
  (await import('./baselines-beauty.js')).default,
  (await import('./cf-ml100k.js')).default,
  (await import('./ctr-ml100k.js')).default,
  (await import('./ctr-beauty.js')).default,
  (await import('./speed.js')).default,
  (await import('./casm-ml100k.js')).default,
  (await import('./iacn-beauty.js')).default,
  (await import('./iacn-ml100k.js')).default,
  (await import('./irl4rec-beauty.js')).default,
  (await import('./irl4rec-shift.js')).default,
  (await import('./i2vae-cloth-sport.js')).default,
  (await import('./ipg-sim.js')).default,
  (await import('./ml100k-all.js')).default,
];
