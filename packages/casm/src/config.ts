/**
 * CASM's configuration: a plain, JSON-serialisable object, validated key by key before any tensor exists,
 * and the three variants compared in the paper's ablation (`CASM`, `CASM:no-context`,
 * `CASM:uniform-weights`).
 * @module
 */

/** The attention block: the official CASM code's (default) or our SASRec's pre-LN block (a deviation). */
export type CASMBlockKind = 'official' | 'sasrec';

/** The variants of the ablation. */
export type CASMVariant = 'CASM' | 'CASM:no-context' | 'CASM:uniform-weights';

/** Every CASM variant, in report order. */
export const CASM_VARIANTS: readonly CASMVariant[] = Object.freeze(['CASM', 'CASM:no-context', 'CASM:uniform-weights']);

/** Configuration of {@link CASM}. */
export interface CASMConfig {
  /** Number of items (ids `1..numItems`; 0 is padding). */
  numItems: number;
  /** Behaviour vocabulary (code = index), e.g. `['pos', 'neutral', 'neg']` or `['view', 'cart', 'fav', 'buy']`. */
  behaviours: string[];
  /** The target behaviour (MovieLens `pos`, retail `buy`): every candidate is scored with it at evaluation. */
  targetBehaviour: string;
  /**
   * Loss weight α per behaviour, on the positive term only (eq. of the weighted BCE): one finite value
   * ≥ 0 for every behaviour of the vocabulary. Defaults: the official MovieLens weights (pos 0.9, neutral
   * 0.1, neg 0) or Tmall weights (buy 0.3, cart 0.3, fav 0.2, view 0.2) when the vocabulary is one of
   * those; otherwise required.
   */
  alpha: Record<string, number>;
  /** Behaviour context in the input and the targets, `W_f [E_i ‖ C_b]` (false: `CASM:no-context`, `W_f E_i`). */
  context: boolean;
  /** Every α = 1 (`CASM:uniform-weights`). */
  uniformWeights: boolean;
  /** Attention block: `official` (default) or `sasrec` (our SASRec's pre-LN block; labelled in the name). */
  block: CASMBlockKind;
  /** Longest history used (positional table size). Default 50 (official 70). */
  maxLen: number;
  /** Width `d`. Default 64 (official 70). */
  dim: number;
  /** Attention blocks. Default 1 (official). */
  blocks: number;
  /** Heads per block. Default 1 (official). */
  heads: number;
  /** Dropout rate (input, attention weights, feed-forward). Default 0.4 (official). */
  dropout: number;
  /** LayerNorm epsilon. Default 1e-8 (official). */
  eps: number;
  /** Standard deviation of the dense kernels `W_f` and of the context table. Default 0.01 (official). */
  denseInitStd: number;
  /** Seed of the initial weights and of the dropout stream. Default 0. */
  seed: number;
}

/** The official MovieLens α (pos 0.9, neutral 0.1, neg 0.0). */
export const MOVIELENS_ALPHA: Readonly<Record<string, number>> = Object.freeze({ pos: 0.9, neutral: 0.1, neg: 0.0 });

/** The official Tmall α (buy 0.3, cart 0.3, fav 0.2, view 0.2). */
export const RETAIL_ALPHA: Readonly<Record<string, number>> = Object.freeze({ buy: 0.3, cart: 0.3, fav: 0.2, view: 0.2 });

/** Defaults of the keys that have one. */
export const CASM_DEFAULTS: Readonly<Omit<CASMConfig, 'numItems' | 'behaviours' | 'targetBehaviour' | 'alpha'>> = Object.freeze({
  context: true,
  uniformWeights: false,
  block: 'official',
  maxLen: 50,
  dim: 64,
  blocks: 1,
  heads: 1,
  dropout: 0.4,
  eps: 1e-8,
  denseInitStd: 0.01,
  seed: 0,
});

/** What the caller must give; everything else has a default. */
export type CASMConfigInput = Partial<CASMConfig> & Pick<CASMConfig, 'numItems' | 'behaviours' | 'targetBehaviour'>;

/** A bad CASM configuration: names the key, what was expected and what was given. */
export class CASMConfigError extends RangeError {
  override name = 'CASMConfigError';
  /**
   * @param key - the configuration key.
   * @param expected - what the key must hold.
   * @param got - the value given.
   */
  constructor(
    readonly key: string,
    expected: string,
    got: unknown,
  ) {
    super(`CASM config.${key} must be ${expected}, got ${JSON.stringify(got)}`);
  }
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

function defaultAlpha(behaviours: readonly string[]): Record<string, number> | undefined {
  if (sameSet(behaviours, Object.keys(MOVIELENS_ALPHA))) return { ...MOVIELENS_ALPHA };
  if (sameSet(behaviours, Object.keys(RETAIL_ALPHA))) return { ...RETAIL_ALPHA };
  return undefined;
}

/**
 * Fills defaults into a partial config and validates every key; throws a {@link CASMConfigError} naming
 * the key (a behaviour vocabulary with duplicates, a target outside it, α weights that do not cover it
 * or name an unknown behaviour, sizes that are not positive integers, ...).
 */
export function casmConfig(input: CASMConfigInput): CASMConfig {
  const behaviours = input.behaviours;
  if (!Array.isArray(behaviours) || behaviours.length === 0 || behaviours.length > 255 || !behaviours.every((b) => typeof b === 'string' && b.length > 0)) {
    throw new CASMConfigError('behaviours', 'a list of 1..255 non-empty behaviour names', behaviours);
  }
  if (new Set(behaviours).size !== behaviours.length) throw new CASMConfigError('behaviours', 'a list without duplicates', behaviours);
  if (!behaviours.includes(input.targetBehaviour)) {
    throw new CASMConfigError('targetBehaviour', `one of the behaviours [${behaviours.join(', ')}]`, input.targetBehaviour);
  }
  const alpha = input.alpha ?? defaultAlpha(behaviours);
  if (alpha === undefined || typeof alpha !== 'object') {
    throw new CASMConfigError('alpha', `a weight for every behaviour [${behaviours.join(', ')}] (no default for this vocabulary)`, input.alpha);
  }
  for (const b of behaviours) {
    const v = alpha[b];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new CASMConfigError(`alpha.${b}`, 'a finite number >= 0 (α must cover every behaviour)', v);
  }
  for (const k of Object.keys(alpha)) {
    if (!behaviours.includes(k)) throw new CASMConfigError(`alpha.${k}`, `a behaviour of the vocabulary [${behaviours.join(', ')}]`, k);
  }
  const c: CASMConfig = { ...CASM_DEFAULTS, ...input, behaviours: [...behaviours], alpha: { ...alpha } };
  const int = (key: keyof CASMConfig, min: number) => {
    const v = c[key];
    if (!Number.isInteger(v) || (v as number) < min) throw new CASMConfigError(key, `an integer >= ${min}`, v);
  };
  int('numItems', 1);
  int('maxLen', 1);
  int('dim', 1);
  int('blocks', 0);
  int('heads', 1);
  if (c.dim % c.heads !== 0) throw new CASMConfigError('heads', `a divisor of dim (${c.dim})`, c.heads);
  if (!Number.isInteger(c.seed)) throw new CASMConfigError('seed', 'an integer', c.seed);
  if (!(typeof c.dropout === 'number' && c.dropout >= 0 && c.dropout < 1)) throw new CASMConfigError('dropout', 'a number in [0, 1)', c.dropout);
  if (!(typeof c.eps === 'number' && c.eps >= 0 && c.eps < 1)) throw new CASMConfigError('eps', 'a number in [0, 1)', c.eps);
  if (!(typeof c.denseInitStd === 'number' && c.denseInitStd > 0)) throw new CASMConfigError('denseInitStd', 'a positive number', c.denseInitStd);
  if (typeof c.context !== 'boolean') throw new CASMConfigError('context', 'a boolean', c.context);
  if (typeof c.uniformWeights !== 'boolean') throw new CASMConfigError('uniformWeights', 'a boolean', c.uniformWeights);
  if (c.block !== 'official' && c.block !== 'sasrec') throw new CASMConfigError('block', "'official' or 'sasrec'", c.block);
  return c;
}

/** The configuration keys a variant sets. */
export function variantConfig(variant: CASMVariant): Pick<CASMConfig, 'context' | 'uniformWeights'> {
  switch (variant) {
    case 'CASM':
      return { context: true, uniformWeights: false };
    case 'CASM:no-context':
      return { context: false, uniformWeights: false };
    case 'CASM:uniform-weights':
      return { context: true, uniformWeights: true };
    default:
      throw new CASMConfigError('variant', `one of ${CASM_VARIANTS.join(', ')}`, variant);
  }
}

/**
 * The report name of a configuration: `CASM`, `CASM:no-context`, `CASM:uniform-weights` (both ablations:
 * `CASM:no-context:uniform-weights`), with `:sasrec-block` appended when our SASRec block replaces the
 * official one.
 */
export function casmName(c: Pick<CASMConfig, 'context' | 'uniformWeights' | 'block'>): string {
  let name = 'CASM';
  if (!c.context) name += ':no-context';
  if (c.uniformWeights) name += ':uniform-weights';
  if (c.block === 'sasrec') name += ':sasrec-block';
  return name;
}

/** The α actually used, by behaviour code (all 1 under `uniformWeights`). */
export function alphaByCode(c: Pick<CASMConfig, 'behaviours' | 'alpha' | 'uniformWeights'>): Float32Array {
  return Float32Array.from(c.behaviours, (b) => (c.uniformWeights ? 1 : c.alpha[b]));
}
