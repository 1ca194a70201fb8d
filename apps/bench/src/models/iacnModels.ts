/**
 * Factories of the IaCN experiments' models: `IaCN+<base>` (IaCN wrapping DIN, DIEN or Wide&Deep, trained
 * with the δ gradient mix), the base models themselves (core's CTR factories), and `<base>:2d`, the base model
 * with embedding width 2d as a capacity control. A cell name may carry overrides after `@`
 * (`IaCN+DIEN@delta=0.3`, `IaCN+DIN@lambda=0.5`, `DIN@maxLen=10`, `IaCN+DIN@candidateOnly=true`) for the
 * sweeps, the length study and the IaCN variants.
 * @module
 */
import { GradientMixOptimizer, IaCN, type IacnBase, type IacnOptions } from '@recsuite/iacn';
import { Adam, ctrBatches } from '@recsuite/core';
import { atSuffix, boolean, nonNegativeNumber, parseAtOverrides, positiveInt, unitNumber, type OverrideParsers } from '../config/atOverrides.js';
import { ConfigError } from '../errors.js';
import { CTR_MODELS, ctrModelConfig, type BuiltCtr, type CtrTask } from './ctrModels.js';

/** The base models IaCN wraps. */
export const IACN_BASES = ['DIN', 'WideDeep', 'DIEN'] as const satisfies readonly IacnBase[];

/** The main comparison's models, in report order. */
export const IACN_MAIN_MODELS = IACN_BASES.flatMap((b) => [`IaCN+${b}`, b, `${b}:2d`] as const);

/** Overrides a cell name can carry: `maxLen` (any model), and IaCN options (IaCN models only). */
export interface IacnOverrides {
  delta?: number;
  lambda?: number;
  maxLen?: number;
  candidateOnly?: boolean;
  dynamicK?: boolean;
  auxLoss?: 'pointwise' | 'sampledSoftmax';
  mixScope?: 'own' | 'embeddings';
  capsules?: number;
  routingIters?: number;
}

/** How each override key's value is read (undefined: malformed). */
const OVERRIDE_PARSERS: OverrideParsers<IacnOverrides> = {
  delta: unitNumber,
  lambda: nonNegativeNumber,
  maxLen: positiveInt,
  candidateOnly: boolean,
  dynamicK: boolean,
  auxLoss: (v) => (v === 'pointwise' || v === 'sampledSoftmax' ? v : undefined),
  mixScope: (v) => (v === 'own' || v === 'embeddings' ? v : undefined),
  capsules: positiveInt,
  routingIters: positiveInt,
};

/** The override keys, `maxLen` first (the only one a base model takes). */
export const IACN_OVERRIDE_KEYS = Object.keys(OVERRIDE_PARSERS) as (keyof IacnOverrides)[];

/** A parsed cell name. */
export interface IacnModelSpec {
  /** With IaCN (`IaCN+<base>`). */
  iacn: boolean;
  base: IacnBase;
  /** Base model at embedding width 2d (`<base>:2d`). */
  wide: boolean;
  overrides: IacnOverrides;
}

/**
 * Parses `[IaCN+]<base>[:2d][@key=value]...` (keys: {@link IACN_OVERRIDE_KEYS}; only `maxLen` on a base
 * model); throws a `ConfigError` on `key` (default `models`).
 */
export function parseIacnModel(name: string, key = 'models'): IacnModelSpec {
  const head = name.split('@')[0];
  const iacn = head.startsWith('IaCN+');
  const rest = iacn ? head.slice(5) : head;
  const wide = rest.endsWith(':2d');
  const base = (wide ? rest.slice(0, -3) : rest) as IacnBase;
  if (!(IACN_BASES as readonly string[]).includes(base) || (iacn && wide)) {
    throw new ConfigError(key, `unknown IaCN experiment model "${name}" (expected [IaCN+]DIN|WideDeep|DIEN, <base>:2d, with optional @key=value overrides: ${IACN_OVERRIDE_KEYS.join(', ')})`);
  }
  const only = (k: keyof IacnOverrides) => (!iacn && k !== 'maxLen' ? 'only IaCN models take IaCN options (a base model takes @maxLen=)' : null);
  const { overrides } = parseAtOverrides(name, OVERRIDE_PARSERS, key, only);
  return { iacn, base, wide, overrides };
}

/** The name of a sweep or length-study cell. */
export function iacnModelName(spec: IacnModelSpec): string {
  return `${spec.iacn ? 'IaCN+' : ''}${spec.base}${spec.wide ? ':2d' : ''}${atSuffix(spec.overrides)}`;
}

/** The IaCN options a cell name overrides (every override but `maxLen`). */
function iacnOverridesOf(spec: IacnModelSpec): IacnOptions {
  const { maxLen: _maxLen, ...rest } = spec.overrides;
  return rest;
}

/**
 * Builds a model of the IaCN experiments. Base models (and `:2d`) come from core's CTR factories, so their
 * training is exactly the `ctr-*` experiments'; `IaCN+<base>` gets the same features, batches and Adam, with
 * the δ mix applied by {@link GradientMixOptimizer}.
 */
export function buildIacnModel(spec: IacnModelSpec, task: CtrTask, iacn: IacnOptions): BuiltCtr {
  const maxLen = spec.overrides.maxLen ?? task.hyper.maxLen;
  const hyper = { ...task.hyper, maxLen, embedDim: task.hyper.embedDim * (spec.wide ? 2 : 1) };
  if (!spec.iacn) return CTR_MODELS[spec.base]({ ...task, hyper });
  const baseConfig = ctrModelConfig(spec.base, { ...task, hyper });
  const model = new IaCN({
    base: spec.base,
    baseConfig,
    iacn: { ...iacn, ...iacnOverridesOf(spec) },
  });
  return {
    model,
    train: {
      batches: (_epoch, rng) => ctrBatches(task.data, task.data.train, { batchSize: hyper.batchSize, maxLen, rng, ...task.batchFeatures }),
      steps: Math.ceil(task.data.train.length / hyper.batchSize),
      optimizer: new GradientMixOptimizer(model, new Adam({ lr: hyper.lr })),
      rngs: model.generators(),
    },
  };
}
