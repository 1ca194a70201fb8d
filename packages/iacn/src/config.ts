/**
 * IaCN's configuration (JSON, saved with the model): the capsule network, the auxiliary task and the
 * gradient mix. Choices marked (ours) are not fixed by the paper (specs/iacn.md).
 * @module
 */

/** An IaCN setting that is out of range (names the config key). */
export class IacnConfigError extends RangeError {
  override name = 'IacnConfigError';
  /** @param key the offending config key */
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`IaCN config.${key}: ${message}`);
  }
}

/** How the auxiliary head turns interests into a click prediction. */
export type IacnAuxLoss =
  /** (ours, default) `ŷ_aux = σ(⟨Σ_k a_k v_k, e_c⟩)` with binary cross-entropy against the click label. */
  | 'pointwise'
  /** MIND's: softmax over the batch's positive candidates (in-batch negatives), positive rows only. */
  | 'sampledSoftmax';

/** Settings of the interest capsule network and its joint training. */
export interface IacnOptions {
  /** Number of interest capsules `K`, default 4. */
  capsules?: number;
  /** Dynamic `K = max(1, min(K, ⌊log2(1 + |history|)⌋))` per user (MIND), default false. */
  dynamicK?: boolean;
  /** Routing iterations `r`, default 3 (gradient flows through the last one). */
  routingIters?: number;
  /** Std of the routing logits `b ~ N(0, σ²)` drawn each training forward, default 1. */
  routingStd?: number;
  /** Seed of the fixed routing logits used at evaluation, default 0. */
  evalSeed?: number;
  /** At evaluation, average the interest-based embeddings over this many fixed draws (ours), default 1. */
  evalDraws?: number;
  /** Hidden sizes of the ReLU interest MLP over `[capsule ‖ user profile]` (ours), default `[64]`. */
  interestHidden?: number[];
  /** Capsule width `d_c` (ours), default: the item embedding width. */
  capsuleDim?: number;
  /** Weight λ of the auxiliary loss (ours), default 1. */
  lambda?: number;
  /**
   * δ of the gradient mix: IaCN's own parameters receive `(1 − δ)·g_aux + δ·g_main`; the others
   * `g_main + g_aux`. Default 0.5 (ours; the paper found 0.3 best for DIEN on Amazon Books).
   */
  delta?: number;
  /** `own` (default): the mix applies to IaCN's own parameters; `embeddings`: to the shared item table too. */
  mixScope?: 'own' | 'embeddings';
  /**
   * `false` (default): every item embedding the base model consumes is widened to `[e_i ‖ ẽ_i]`, history
   * and candidate; `true`: only `ẽ_c` of the candidate is appended to the base model's final MLP input.
   */
  candidateOnly?: boolean;
  /** The auxiliary head, default `pointwise` (ours). */
  auxLoss?: IacnAuxLoss;
}

/** {@link IacnOptions} with every default filled in (except `capsuleDim`, which depends on the base model). */
export type IacnSettings = Required<Omit<IacnOptions, 'capsuleDim'>> & { capsuleDim?: number };

/** The defaults (see {@link IacnOptions}). */
export const IACN_DEFAULTS: IacnSettings = {
  capsules: 4,
  dynamicK: false,
  routingIters: 3,
  routingStd: 1,
  evalSeed: 0,
  evalDraws: 1,
  interestHidden: [64],
  lambda: 1,
  delta: 0.5,
  mixScope: 'own',
  candidateOnly: false,
  auxLoss: 'pointwise',
};

const isInt = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** Fills defaults and checks ranges; throws {@link IacnConfigError} naming the key. */
export function iacnSettings(o: IacnOptions = {}): IacnSettings {
  const s: IacnSettings = { ...IACN_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) };
  if (!isInt(s.capsules, 1)) throw new IacnConfigError('capsules', `must be an integer >= 1, got ${s.capsules}`);
  if (!isInt(s.routingIters, 1)) throw new IacnConfigError('routingIters', `must be an integer >= 1, got ${s.routingIters}`);
  if (!(s.routingStd >= 0)) throw new IacnConfigError('routingStd', `must be >= 0, got ${s.routingStd}`);
  if (!Number.isInteger(s.evalSeed)) throw new IacnConfigError('evalSeed', `must be an integer, got ${s.evalSeed}`);
  if (!isInt(s.evalDraws, 1)) throw new IacnConfigError('evalDraws', `must be an integer >= 1, got ${s.evalDraws}`);
  if (!Array.isArray(s.interestHidden) || !s.interestHidden.every((h) => isInt(h, 1))) {
    throw new IacnConfigError('interestHidden', `must be a list of positive integers, got ${JSON.stringify(s.interestHidden)}`);
  }
  if (s.capsuleDim !== undefined && !isInt(s.capsuleDim, 1)) throw new IacnConfigError('capsuleDim', `must be a positive integer, got ${s.capsuleDim}`);
  if (!(s.lambda >= 0)) throw new IacnConfigError('lambda', `must be >= 0, got ${s.lambda}`);
  if (!(s.delta >= 0 && s.delta <= 1)) throw new IacnConfigError('delta', `must be in [0, 1], got ${s.delta}`);
  if (s.mixScope !== 'own' && s.mixScope !== 'embeddings') throw new IacnConfigError('mixScope', `must be "own" or "embeddings", got ${JSON.stringify(s.mixScope)}`);
  if (typeof s.candidateOnly !== 'boolean') throw new IacnConfigError('candidateOnly', `must be a boolean, got ${JSON.stringify(s.candidateOnly)}`);
  if (s.auxLoss !== 'pointwise' && s.auxLoss !== 'sampledSoftmax') {
    throw new IacnConfigError('auxLoss', `must be "pointwise" or "sampledSoftmax", got ${JSON.stringify(s.auxLoss)}`);
  }
  return s;
}
