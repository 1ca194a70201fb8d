/**
 * i2VAE configuration, defaults (the official sizes) and the ablation variants.
 * @module
 */

/** The full model and its ablations. */
export type I2VAEVariant = 'i2VAE' | 'i2VAE:no-psg' | 'i2VAE:no-denoise' | 'i2VAE:no-cross';

/** Every variant name. */
export const I2VAE_VARIANTS: readonly I2VAEVariant[] = ['i2VAE', 'i2VAE:no-psg', 'i2VAE:no-denoise', 'i2VAE:no-cross'];

/** Configuration of {@link I2VAE}: a plain, JSON-serialisable object. */
export interface I2VAEConfig {
  /** Number of items over both domains (ids `1..numItems`, 0 = padding). */
  numItems: number;
  /** Item embedding width `d`, shared by both domains (official 128). */
  dim: number;
  /** Latent width `k` (official 128). */
  latent: number;
  /** Hidden width of the Gaussian encoders and decoders (official 256). */
  hidden: number;
  /** Hidden width of the scoring MLP (official 32). */
  scoreHidden: number;
  /** Self-attention blocks per domain encoder (official 2). */
  blocks: number;
  /** Heads per block (official 1). */
  heads: number;
  /** Heads of the cross-domain attention (official 4). */
  crossHeads: number;
  /** Dropout in the sequence encoders (official 0.2). */
  dropout: number;
  /** Dropout at the input of the Gaussian encoders (official 0.5). */
  latentDropout: number;
  /** History length (official 20). */
  maxLen: number;
  /** Augmented sequence length (official 40). */
  augLen: number;
  /**
   * Most length groups the encoders' blocks run in (core's `planLengthGroups`): rows of similar length
   * together, each group cut to its longest row. Without dropout the same outputs for less work (with
   * dropout, other random masks); 1 turns it off. Default 8.
   */
  lengthGroups: number;
  /** Weight λ_a of the denoising term `w(i)·KL(Z_a ‖ Z)` (official 0.005; 0 in `no-denoise`). */
  lambdaA: number;
  /** Weight λ_t of the cross-domain term `KL(q(Z_t | X, Y) ‖ r(· | Y))` (official 0.001; 0 in `no-cross`). */
  lambdaT: number;
  /**
   * Weight β of the three prior KL terms `KL(Z^X‖p_X) + KL(Z^X_a‖p_X) + KL(Z^Y_t‖N(0, 2.51²I))` (official
   * and default 1; smaller values are ours, for small data and fast tests).
   */
  beta: number;
  /**
   * Scale of the reparameterisation noise in training, `z = μ + noise·σ·ε` (official and default 1; the σ
   * transform keeps σ ≥ e^0.1, so at 1 every latent is noisy from the start; smaller values are ours, for
   * fast tests on small data).
   */
  noise: number;
  /** Whether the augmented sequence carries pseudo items (false in `no-psg`: it is the real history). */
  pseudo: boolean;
  /** The name in reports. */
  variant: I2VAEVariant;
  /** Seed of the initial weights and of the dropout / sampling stream. */
  seed: number;
}

/** Defaults (official sizes and weights). */
export const I2VAE_DEFAULTS: Readonly<Omit<I2VAEConfig, 'numItems'>> = Object.freeze({
  dim: 128,
  latent: 128,
  hidden: 256,
  scoreHidden: 32,
  blocks: 2,
  heads: 1,
  crossHeads: 4,
  dropout: 0.2,
  latentDropout: 0.5,
  maxLen: 20,
  augLen: 40,
  lengthGroups: 8,
  lambdaA: 0.005,
  lambdaT: 0.001,
  beta: 1,
  noise: 1,
  pseudo: true,
  variant: 'i2VAE',
  seed: 0,
});

/** The settings a variant changes (merge over a config). */
export function variantSettings(variant: I2VAEVariant, base: { lambdaA?: number; lambdaT?: number } = {}): Pick<I2VAEConfig, 'variant' | 'lambdaA' | 'lambdaT' | 'pseudo'> {
  const lambdaA = base.lambdaA ?? I2VAE_DEFAULTS.lambdaA;
  const lambdaT = base.lambdaT ?? I2VAE_DEFAULTS.lambdaT;
  switch (variant) {
    case 'i2VAE':
      return { variant, lambdaA, lambdaT, pseudo: true };
    case 'i2VAE:no-psg':
      return { variant, lambdaA, lambdaT, pseudo: false };
    case 'i2VAE:no-denoise':
      return { variant, lambdaA: 0, lambdaT, pseudo: true };
    case 'i2VAE:no-cross':
      return { variant, lambdaA, lambdaT: 0, pseudo: true };
    default:
      throw new RangeError(`i2VAE: unknown variant '${variant as string}' (expected ${I2VAE_VARIANTS.join(', ')})`);
  }
}

function bad(key: string, expected: string, got: unknown): RangeError {
  return new RangeError(`i2VAE config.${key} must be ${expected}, got ${JSON.stringify(got)}`);
}

/** Fills defaults into a partial config and validates every key (errors name the key). */
export function i2vaeConfig(cfg: Partial<I2VAEConfig> & { numItems: number }): I2VAEConfig {
  const c: I2VAEConfig = { ...I2VAE_DEFAULTS, ...Object.fromEntries(Object.entries(cfg).filter(([, v]) => v !== undefined)) } as I2VAEConfig;
  for (const k of ['numItems', 'dim', 'latent', 'hidden', 'scoreHidden', 'heads', 'crossHeads', 'maxLen', 'augLen', 'lengthGroups'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw bad(k, 'a positive integer', c[k]);
  }
  if (!Number.isInteger(c.blocks) || c.blocks < 0) throw bad('blocks', 'a non-negative integer', c.blocks);
  if (c.dim % c.heads !== 0) throw bad('heads', `a divisor of dim (${c.dim})`, c.heads);
  if (c.dim % c.crossHeads !== 0) throw bad('crossHeads', `a divisor of dim (${c.dim})`, c.crossHeads);
  for (const k of ['dropout', 'latentDropout'] as const) if (!(c[k] >= 0 && c[k] < 1)) throw bad(k, 'a number in [0, 1)', c[k]);
  for (const k of ['lambdaA', 'lambdaT', 'beta', 'noise'] as const) if (!(c[k] >= 0 && Number.isFinite(c[k]))) throw bad(k, 'a finite number >= 0', c[k]);
  if (typeof c.pseudo !== 'boolean') throw bad('pseudo', 'a boolean', c.pseudo);
  if (!I2VAE_VARIANTS.includes(c.variant)) throw bad('variant', `one of ${I2VAE_VARIANTS.join(', ')}`, c.variant);
  if (!Number.isInteger(c.seed)) throw bad('seed', 'an integer', c.seed);
  return c;
}
