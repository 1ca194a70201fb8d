/**
 * Factories of the IaCN experiments' models: `IaCN+<base>` (IaCN wrapping DIN, DIEN or Wide&Deep, trained
 * with the δ gradient mix), the base models themselves (core's CTR factories), and `<base>:2d`, the base model
 * with embedding width 2d as a capacity control. A cell name may carry overrides after `@`
 * (`IaCN+DIEN@delta=0.3`, `IaCN+DIN@lambda=0.5`, `DIN@maxLen=10`) for the sweeps and the length study.
 * @module
 */
import { GradientMixOptimizer, IaCN, type IacnBase, type IacnOptions } from '@recsuite/iacn';
import { Adam, ctrBatches } from '@recsuite/core';
import { ConfigError } from '../errors.js';
import { CTR_MODELS, ctrModelConfig, type BuiltCtr, type CtrTask } from './ctrModels.js';

/** The base models IaCN wraps. */
export const IACN_BASES = ['DIN', 'WideDeep', 'DIEN'] as const satisfies readonly IacnBase[];

/** The main comparison's models, in report order. */
export const IACN_MAIN_MODELS = IACN_BASES.flatMap((b) => [`IaCN+${b}`, b, `${b}:2d`] as const);

/** Overrides a cell name can carry. */
export interface IacnOverrides {
  delta?: number;
  lambda?: number;
  maxLen?: number;
}

/** A parsed cell name. */
export interface IacnModelSpec {
  /** With IaCN (`IaCN+<base>`). */
  iacn: boolean;
  base: IacnBase;
  /** Base model at embedding width 2d (`<base>:2d`). */
  wide: boolean;
  overrides: IacnOverrides;
}

/** Parses `[IaCN+]<base>[:2d][@key=value]...` (keys `delta`, `lambda`, `maxLen`); throws a `ConfigError` on `models`. */
export function parseIacnModel(name: string): IacnModelSpec {
  const [head, ...opts] = name.split('@');
  const iacn = head.startsWith('IaCN+');
  const rest = iacn ? head.slice(5) : head;
  const wide = rest.endsWith(':2d');
  const base = (wide ? rest.slice(0, -3) : rest) as IacnBase;
  if (!(IACN_BASES as readonly string[]).includes(base) || (iacn && wide)) {
    throw new ConfigError('models', `unknown IaCN experiment model "${name}" (expected [IaCN+]DIN|WideDeep|DIEN, <base>:2d, with optional @delta=, @lambda=, @maxLen=)`);
  }
  const overrides: IacnOverrides = {};
  for (const o of opts) {
    const m = /^(delta|lambda|maxLen)=([0-9.]+)$/.exec(o);
    if (!m) throw new ConfigError('models', `bad override "@${o}" in "${name}" (expected @delta=x, @lambda=x or @maxLen=n)`);
    overrides[m[1] as keyof IacnOverrides] = Number(m[2]);
  }
  return { iacn, base, wide, overrides };
}

/** The name of a sweep or length-study cell. */
export function iacnModelName(spec: IacnModelSpec): string {
  const o = Object.entries(spec.overrides).map(([k, v]) => `@${k}=${v}`).join('');
  return `${spec.iacn ? 'IaCN+' : ''}${spec.base}${spec.wide ? ':2d' : ''}${o}`;
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
    iacn: { ...iacn, ...(spec.overrides.delta !== undefined ? { delta: spec.overrides.delta } : {}), ...(spec.overrides.lambda !== undefined ? { lambda: spec.overrides.lambda } : {}) },
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
