/**
 * Model hyper-parameters as config fields: one field per shared hyper-parameter (with the experiment's
 * defaults), plus `overrides`, per-model values written `Model.key=value` separated by `;`
 * (e.g. `--set "overrides=BERT4Rec.heads=2;SASRec.dropout=0.5"`), each checked like the shared field.
 * @module
 */
import { ConfigError } from '../errors.js';
import type { RankingHyper } from '../models/types.js';
import { int, num, oneOf, type Field } from './fields.js';

/** The typed fields of every ranking hyper-parameter. */
const HYPER_FIELDS: { [K in keyof RankingHyper]-?: (def: NonNullable<RankingHyper[K]>) => Field<NonNullable<RankingHyper[K]>> } = {
  dim: (d) => int(d, { min: 1, doc: 'embedding size' }),
  lr: (d) => num(d, { min: 0, doc: 'Adam learning rate' }),
  batchSize: (d) => int(d, { min: 1, doc: 'rows per batch (users for sequence models, pairs for BPR models)' }),
  maxLen: (d) => int(d, { min: 2, doc: 'sequence length fed to sequence models' }),
  dropout: (d) => num(d, { min: 0, max: 0.95, doc: 'dropout of sequence models' }),
  blocks: (d) => int(d, { min: 1, doc: 'transformer blocks (SASRec, BERT4Rec)' }),
  heads: (d) => int(d, { min: 1, doc: 'attention heads (SASRec, BERT4Rec)' }),
  l2: (d) => num(d, { min: 0, doc: 'L2 weight of the BPR models' }),
  gcnLayers: (d) => int(d, { min: 0, doc: 'LightGCN propagation layers' }),
  maskProb: (d) => num(d, { min: 0.01, max: 0.99, doc: 'BERT4Rec mask probability' }),
  sasrecLoss: (d) => oneOf(['bce', 'ce'] as const, d, 'SASRec loss: bce (paper, 1 sampled negative) or ce (full softmax)'),
  gru4recLoss: (d) => oneOf(['ce', 'bprMax', 'sampled'] as const, d, 'GRU4Rec loss'),
  numNegatives: (d) => int(d, { min: 1, doc: 'sampled negatives per position (sampled losses)' }),
  lengthBuffer: (d) => int(d, { min: 0, doc: 'length bucketing of sequence training batches: users sorted by length within this many batches, each batch cut to its longest (0: off; the models\' losses and gradients are unchanged by the cut, only batch membership changes)' }),
};

/** Every hyper-parameter, with a value. */
export type FullHyper = Required<RankingHyper>;

/** Per-model overrides: model → some hyper-parameters. */
export type HyperOverrides = Record<string, Partial<FullHyper>>;

/**
 * The config fields of the ranking hyper-parameters with the given defaults, plus `overrides`.
 * @param defaults - every hyper-parameter's default for this experiment (`lengthBuffer`: 0 unless given).
 * @param models - model names that may appear in overrides.
 * @param overrideDefaults - per-model defaults (e.g. `{ BERT4Rec: { heads: 2 } }`).
 */
export function hyperSchema(defaults: Omit<FullHyper, 'lengthBuffer'> & { lengthBuffer?: number }, models: readonly string[], overrideDefaults: HyperOverrides = {}) {
  const all: FullHyper = { lengthBuffer: 0, ...defaults };
  const fields = Object.fromEntries(
    (Object.keys(HYPER_FIELDS) as (keyof FullHyper)[]).map((k) => [k, (HYPER_FIELDS[k] as (d: unknown) => Field<unknown>)(all[k])]),
  ) as { [K in keyof FullHyper]: Field<FullHyper[K]> };
  return { ...fields, overrides: overridesField(models, overrideDefaults) };
}

function formatOverrides(o: HyperOverrides): string {
  return Object.entries(o)
    .flatMap(([m, kv]) => Object.entries(kv).map(([k, v]) => `${m}.${k}=${v}`))
    .join(';');
}

/** The `overrides` field: `Model.key=value;...` on the command line, `{ Model: { key: value } }` in JSON. */
function overridesField(models: readonly string[], def: HyperOverrides): Field<HyperOverrides> {
  const expected = `per-model hyper-parameters, e.g. "SASRec.dropout=0.5;BERT4Rec.heads=2" (models: ${models.join(', ')})`;
  const one = (model: string, key: string, value: unknown, text: boolean): unknown => {
    if (!models.includes(model)) throw new ConfigError('overrides', `unknown model "${model}" (models: ${models.join(', ')})`);
    const mk = HYPER_FIELDS[key as keyof FullHyper] as ((d: never) => Field<unknown>) | undefined;
    if (!mk) throw new ConfigError('overrides', `unknown hyper-parameter "${key}" for ${model} (known: ${Object.keys(HYPER_FIELDS).join(', ')})`);
    const field = mk(undefined as never);
    return text ? field.parse(String(value), `overrides ${model}.${key}`) : field.check(value, `overrides ${model}.${key}`);
  };
  const check = (v: unknown): HyperOverrides => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError('overrides', `expected ${expected}`);
    const out: HyperOverrides = {};
    for (const [m, kv] of Object.entries(v as Record<string, unknown>)) {
      if (kv === null || typeof kv !== 'object' || Array.isArray(kv)) throw new ConfigError('overrides', `expected an object of values for "${m}"`);
      out[m] = {};
      for (const [k, x] of Object.entries(kv as Record<string, unknown>)) (out[m] as Record<string, unknown>)[k] = one(m, k, x, false);
    }
    return out;
  };
  return {
    kind: 'overrides',
    default: def,
    doc: `per-model hyper-parameters "Model.key=value;..." (default ${JSON.stringify(formatOverrides(def))})`,
    expected,
    check,
    parse: (text) => {
      const out: HyperOverrides = {};
      for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
        const m = /^([^.=]+)\.([A-Za-z0-9]+)=(.+)$/.exec(part);
        if (!m) throw new ConfigError('overrides', `"${part}": expected Model.key=value`);
        out[m[1]] ??= {};
        (out[m[1]] as Record<string, unknown>)[m[2]] = one(m[1], m[2], m[3].trim(), true);
      }
      return out;
    },
  };
}

/** The hyper-parameters of one model: the shared values, then the model's overrides. */
export function hyperFor(config: FullHyper & { overrides: HyperOverrides }, model: string): FullHyper {
  const base = Object.fromEntries((Object.keys(HYPER_FIELDS) as (keyof FullHyper)[]).map((k) => [k, config[k]])) as FullHyper;
  return { ...base, ...(config.overrides[model] ?? {}) };
}
