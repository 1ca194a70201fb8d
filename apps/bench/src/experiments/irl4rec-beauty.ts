/**
 * `irl4rec-beauty`: Irl4Rec on SASRec, GRU4Rec and BERT4Rec beside the plain backbones on Amazon Beauty
 * (leave-one-out, full ranking with the user's items excluded, selected on validation NDCG@10, 3 seeds),
 * with the ablations `:gamma0` (γ = 0), `:beta0` (β = 0) and `:no-confounder` (no confounder branch), the
 * attribute-confounder variant `:attributes` (the confounder branch reads each item's first attribute in
 * `Beauty_item2attributes.json`) and its control `X+attributes` (the same network trained on the joint
 * score alone and scored with it at test: the backbone given the same attributes, so the objective is not
 * credited for side information). The paper (arXiv 2308.11728) is withdrawn; its gains are quoted in the
 * README, not a target.
 *
 * Defaults are the protocol of `baselines-beauty/ce3` (SASRec with full-softmax CE; validation every 3
 * epochs, patience 4), with a 60-epoch cap, and shuffled (not length-bucketed) batches: with
 * `lengthBuffer 20` SASRec (CE) reached HR@10 0.0802 and 0.0791 on seeds 0 and 1 (run `ce`, stopped), against
 * 0.0888 and 0.0901 without (`ce3`), a weaker backbone than the project's own.
 * @module
 */
import { loadItemAttributes } from '@recsuite/core';
import { Irl4Rec, backboneRankingLoss, type AdjustmentHeadKind, type BackboneKind, type Irl4RecConfig, type RankingLossKind } from '@recsuite/irl4rec';
import path from 'node:path';
import { runSeqRankingCell } from '../cells/rankingCell.js';
import { loadSeqData, type SeqData } from '../cells/seqData.js';
import { atSuffix, nonNegativeNumber, parseAtOverrides, unitNumber, type OverrideParsers } from '../config/atOverrides.js';
import { file, int, intList, nameList, oneOf, str } from '../config/fields.js';
import { hyperFor, hyperSchema } from '../config/hyper.js';
import { ConfigError } from '../errors.js';
import { dataLabel, defineExperiment, modelSeedCells, type CellRecord, type SelectionInfo } from '../experiment.js';
import { RANKING_MODELS } from '../models/rankingModels.js';
import { seqBatchingDetail, seqTrain, transformerSizes } from '../models/seqModels.js';
import type { ModelFactory, RankingHyper } from '../models/types.js';
import { fmtDiff, fmtMeanStd } from '../report/format.js';
import type { ReportSection } from '../report/sections.js';
import { recordsBySeed, seedPaired } from '../runner/paired.js';
import { meanStd } from '../runner/stats.js';

const BACKBONES: Record<string, BackboneKind> = { SASRec: 'sasrec', GRU4Rec: 'gru4rec', BERT4Rec: 'bert4rec' };

/** One attribute id per item (`0..numItems`) and the id range, for the attribute confounder. */
interface SingleAttribute {
  itemAttributes: number[];
  numAttributes: number;
}

/** The data of a run: the leave-one-out split, and each item's first attribute when a model needs it. */
interface Irl4RecBeautyData extends SeqData {
  attribute: SingleAttribute | null;
}

/** Irl4Rec's config overrides by model-name suffix; the attribute ones need the items' attribute. */
const VARIANTS: Record<string, (a: SingleAttribute | null) => Partial<Irl4RecConfig>> = {
  '': () => ({}),
  ':gamma0': () => ({ gamma: 0 }),
  ':beta0': () => ({ beta: 0 }),
  ':no-confounder': () => ({ confounder: 'none' }),
  ':attributes': (a) => ({ confounder: 'attributes', ...a }),
};
/** A control's name (before any `@`), `X+attributes`, capturing the backbone `X`. */
const CONTROL_NAME = /^(\w+)\+attributes$/;
/** The "backbone + the same attributes" control: Irl4Rec's network on the joint score, used at test too (`@head` may set its adjustment mean, to match the Irl4Rec model it controls). */
const CONTROL = (a: SingleAttribute | null): Partial<Irl4RecConfig> => ({ confounder: 'attributes', ...a, alpha: 1, gamma: 0, beta: 0, testScore: 'joint' });
/** Irl4Rec options a model name may override after `@` (`Irl4Rec+SASRec:no-confounder@sigma=0`), in canonical order. */
type Irl4RecOverrides = Pick<Irl4RecConfig, 'alpha' | 'beta' | 'gamma'> & { sigma: number; head: AdjustmentHeadKind };
const OVERRIDE_PARSERS: OverrideParsers<Irl4RecOverrides> = {
  alpha: unitNumber,
  beta: nonNegativeNumber,
  gamma: nonNegativeNumber,
  sigma: nonNegativeNumber,
  head: (v) => (v === 'linear' || v === 'identity' ? v : undefined),
};
/** An override's Irl4Rec config key (`head` is `adjustmentHead`). */
const toConfig = ({ head, ...rest }: Partial<Irl4RecOverrides>): Partial<Irl4RecConfig> => ({ ...rest, ...(head ? { adjustmentHead: head } : {}) });

/**
 * A model name's base (before `@`) and its Irl4Rec overrides, which must be written in canonical order; a
 * `ConfigError` on `key` when malformed.
 */
export function parseIrl4RecModel(name: string, key = 'models'): { head: string; overrides: Partial<Irl4RecOverrides> } {
  const head = name.split('@')[0];
  if (!MODEL_NAMES.includes(head)) throw new ConfigError(key, `unknown model "${name}": expected one of ${MODEL_NAMES.join(', ')}, an Irl4Rec model optionally with @key=value overrides (${Object.keys(OVERRIDE_PARSERS).join(', ')})`);
  const control = CONTROL_NAME.test(head);
  const only = (k: keyof Irl4RecOverrides) =>
    head.startsWith('Irl4Rec+') || (control && k === 'head') ? null : control ? 'an attribute control takes only @head (its α, β, γ, σ are fixed)' : 'only Irl4Rec models take Irl4Rec options';
  const parsed = parseAtOverrides(name, OVERRIDE_PARSERS, key, only);
  const ordered = Object.fromEntries(Object.keys(OVERRIDE_PARSERS).filter((k) => k in parsed.overrides).map((k) => [k, parsed.overrides[k as keyof Irl4RecOverrides]]));
  const canonical = head + atSuffix(ordered);
  if (canonical !== name) throw new ConfigError(key, `"${name}": write it "${canonical}" (overrides in the order ${Object.keys(OVERRIDE_PARSERS).join(', ')})`);
  return parsed;
}
const needsAttribute = (model: string) => {
  const head = model.split('@')[0];
  return head.endsWith(':attributes') || head.endsWith('+attributes');
};

/** Irl4Rec's ranking loss: as set, or (`backbone`) the loss its backbone trains with where Irl4Rec has it. */
type IrlLoss = 'backbone' | RankingLossKind;
function irlRankingLoss(setting: IrlLoss, backbone: BackboneKind, hyper: RankingHyper): RankingLossKind {
  if (setting !== 'backbone') return setting;
  return backboneRankingLoss(backbone, backbone === 'sasrec' ? hyper.sasrecLoss : backbone === 'gru4rec' ? hyper.gru4recLoss : undefined);
}

/** Irl4Rec (default objective, parallel confounder branch, split item tables) on a backbone, with overrides. */
function irl4recFactory(backbone: BackboneKind, extra: Partial<Irl4RecConfig>, loss: IrlLoss): ModelFactory {
  return (t) => {
    const model = new Irl4Rec({ ...transformerSizes(t), rankingLoss: irlRankingLoss(loss, backbone, t.hyper), backbone, maskProb: t.hyper.maskProb, ...extra });
    // one sampled negative per position (BCE/BPR use it; BERT4Rec's cloze draws its own)
    return { model, train: seqTrain(t, 1, model.generators()) };
  };
}

/**
 * The Irl4Rec options of an Irl4Rec or control model name (its variant's, then its `@` overrides), given the
 * items' attribute (null when no model of the run needs it).
 */
export function irl4recOptionsOf(name: string, attribute: SingleAttribute | null): { backbone: BackboneKind; options: Partial<Irl4RecConfig> } {
  const { head, overrides } = parseIrl4RecModel(name);
  const control = CONTROL_NAME.exec(head);
  if (control) return { backbone: BACKBONES[control[1]], options: { ...CONTROL(attribute), ...toConfig(overrides) } };
  const m = /^Irl4Rec\+(\w+)(:[\w-]+)?$/.exec(head);
  if (!m) throw new ConfigError('models', `"${name}" is not an Irl4Rec model`);
  return { backbone: BACKBONES[m[1]], options: { ...VARIANTS[m[2] ?? ''](attribute), ...toConfig(overrides) } };
}

/** The factory of a model name, given the items' attribute (null when no model of the run needs it). */
function factoryOf(name: string, attribute: SingleAttribute | null, loss: IrlLoss): ModelFactory {
  if (name in BACKBONES) return RANKING_MODELS[name as keyof typeof RANKING_MODELS];
  const { backbone, options } = irl4recOptionsOf(name, attribute);
  return irl4recFactory(backbone, options, loss);
}

const MODEL_NAMES: string[] = [];
for (const name of Object.keys(BACKBONES)) {
  MODEL_NAMES.push(name);
  for (const suffix of Object.keys(VARIANTS)) MODEL_NAMES.push(`Irl4Rec+${name}${suffix}`);
  MODEL_NAMES.push(`${name}+attributes`);
}
/** The acceptance table: the three backbones, Irl4Rec on each, and the ablations and attribute control on SASRec. */
const DEFAULT_MODELS = [
  ...Object.keys(BACKBONES).flatMap((b) => [b, `Irl4Rec+${b}`]),
  ...[':gamma0', ':beta0', ':no-confounder', ':attributes'].map((v) => `Irl4Rec+SASRec${v}`),
  'SASRec+attributes',
];

/** Each item's first listed attribute (0 when it has none), as one attribute id per item. */
function firstAttribute(values: readonly Int32Array[], numValues: number): SingleAttribute {
  return { itemAttributes: values.map((v, i) => (i > 0 && v.length > 0 ? v[0] : 0)), numAttributes: numValues };
}

export default defineExperiment({
  name: 'irl4rec-beauty',
  description: 'Irl4Rec on SASRec, GRU4Rec, BERT4Rec vs the backbones on Amazon Beauty, with ablations (leave-one-out, full ranking)',
  status: 'ready',
  schema: {
    dataset: file('amazon-beauty/Beauty.txt', 'sequence file: one user per line, "user item1 item2 ..." in time order'),
    models: nameList(
      DEFAULT_MODELS,
      (name, key) => void parseIrl4RecModel(name, key),
      `a non-empty list of distinct models: ${MODEL_NAMES.join(', ')}; an Irl4Rec model may carry @key=value overrides (${Object.keys(OVERRIDE_PARSERS).join(', ')})`,
      'models to run (ablations: suffixes :gamma0, :beta0, :no-confounder; :attributes with its control X+attributes; an Irl4Rec model may override alpha, beta, gamma, sigma, head (linear | identity: the adjustment mean) after @, e.g. Irl4Rec+SASRec@head=identity; a control only head, e.g. SASRec+attributes@head=identity)',
    ),
    irlLoss: oneOf(['backbone', 'bce', 'bpr', 'ce'] as const, 'backbone', 'Irl4Rec\'s ranking loss L: backbone = the loss its backbone trains with (sasrecLoss; GRU4Rec ce when gru4recLoss is ce, else bce; BERT4Rec ce), or bce / bpr (one sampled negative) / ce (full softmax)'),
    attributes: str('Beauty_item2attributes.json', 'item → attribute-ids JSON beside the dataset (the :attributes variant and the X+attributes control read each item\'s first attribute)'),
    seeds: int(3, { min: 1, max: 100, doc: 'number of seeds' }),
    epochs: int(60, { min: 1, doc: 'maximum epochs' }),
    patience: int(4, { min: 1, doc: 'validations without improvement before stopping' }),
    minEpochs: int(0, { min: 0, doc: 'epochs before model selection starts (validated, never selected)' }),
    validateEvery: int(3, { min: 1, doc: 'validate every this many epochs' }),
    ...hyperSchema(
      { dim: 64, lr: 0.001, batchSize: 256, maxLen: 50, dropout: 0.2, blocks: 2, heads: 1, l2: 1e-4, gcnLayers: 3, maskProb: 0.2, sasrecLoss: 'ce', gru4recLoss: 'ce', numNegatives: 100 },
      MODEL_NAMES,
      Object.fromEntries(MODEL_NAMES.filter((m) => m.includes('BERT4Rec')).map((m) => [m, { heads: 2 }])),
    ),
    ks: intList([10, 20], { min: 1, doc: 'cut-offs K' }),
    evalBatchSize: int(1024, { min: 1, doc: 'users per evaluation batch' }),
  },
  validate(c) {
    if (!c.ks.includes(10)) throw new ConfigError('ks', 'must include 10 (models are selected on validation NDCG@10)');
  },
  requiredFiles: (c) => (c.models.some(needsAttribute) ? [{ path: path.resolve(path.dirname(c.dataset), c.attributes), key: 'attributes' }] : []),
  cells: (c) => modelSeedCells(c.models, c.seeds),
  datasetName: (c, dataDir) => dataLabel(c.dataset, dataDir),
  protocol: (c) => ({
    summary: 'leave-one-out; full ranking over all items, seen items excluded; selected on validation NDCG@10',
    details: [
      `data: ${path.basename(c.dataset)} (one user per line, items in time order)`,
      'split: per user, last item = test target, second-last = validation target, the rest = training',
      `Irl4Rec: default objective (α 0.2, β 1e-3, γ 0.05 with the random-scorer clip, fixed σ 0.1), parallel confounder branch, split item tables; ranking loss L ${c.irlLoss === 'backbone' ? `= the backbone's (SASRec ${c.sasrecLoss}, GRU4Rec ${c.gru4recLoss === 'ce' ? 'ce' : 'bce'}, BERT4Rec ce; ce = full softmax, bce = one sampled negative)` : c.irlLoss}; test scores use the adjustment part only; a name's @key=value overrides that option (e.g. @sigma=0: t = μ_t in training too; @head=identity: μ_t = h, no linear mean layer)`,
      ...(c.models.some(needsAttribute)
        ? [`attributes: each item's first attribute in ${c.attributes} (brand or category, as listed); Irl4Rec+X:attributes = Irl4Rec with the attribute confounder branch (default α, β, γ); X+attributes = the same network with α = 1, γ = 0, β = 0, scored with ⟨μ_t, e^t⟩ + ⟨s, e^s⟩ at test (the backbone given the same attributes)`]
        : []),
      seqBatchingDetail(c),
      `model selection: validation NDCG@10 every ${c.validateEvery} epoch(s), best weights restored, stop after ${c.patience} validations without improvement, at most ${c.epochs} epochs`,
      `seeds: ${c.seeds}; required: non-inferiority (Irl4Rec mean >= backbone mean - one std); the withdrawn paper's gains are not a reference`,
    ],
  }),
  async prepare({ config: c, log }): Promise<Irl4RecBeautyData> {
    const d = await loadSeqData(c.dataset, log);
    let attribute: SingleAttribute | null = null;
    if (c.models.some(needsAttribute)) {
      const a = await loadItemAttributes(path.resolve(path.dirname(c.dataset), c.attributes), { items: d.items });
      attribute = firstAttribute(a.values, a.numValues);
      log(`${c.attributes}: first attribute of each item, ${new Set(attribute.itemAttributes.filter((v) => v > 0)).size} distinct values`);
    }
    return { ...d, attribute };
  },
  sections: (_summary, records, c) => [nonInferioritySection(records, c.models), ablationSection(records, c.models)].filter((s): s is ReportSection => s !== null),
  runCell: (ctx) => runSeqRankingCell(ctx, ctx.data, factoryOf(ctx.cell.model, ctx.data.attribute, ctx.config.irlLoss), hyperFor(ctx.config, parseIrl4RecModel(ctx.cell.model).head), ctx.config),
  display: {
    metrics: ['HR@10', 'NDCG@10', 'HR@20', 'NDCG@20', 'epochs', 'epoch_s'],
    chartMetrics: ['HR@10', 'NDCG@10'],
    curveMetric: 'NDCG@10',
  },
});

/** The metrics the non-inferiority check covers. */
const CHECKED = ['HR@10', 'NDCG@10', 'HR@20', 'NDCG@20'] as const;

/** The backbone a model is compared with (`Irl4Rec+X…` and `X+attributes` → `X`), or null for a backbone. */
function backboneOf(model: string): string | null {
  const m = /^Irl4Rec\+(\w+)/.exec(model) ?? CONTROL_NAME.exec(model.split('@')[0]);
  return m ? m[1] : null;
}

/** An Irl4Rec configuration (`Irl4Rec+X`, or with `@` overrides), not an ablation (`:…`) or a control. */
const isConfiguration = (model: string) => /^Irl4Rec\+\w+(@.*)?$/.test(model);

/**
 * Which Irl4Rec configuration on backbone `base` validation selects: the highest mean validation NDCG@10
 * (the selected epoch's) over the seeds every configuration finished; null with fewer than two.
 */
export function validationChoice(records: readonly CellRecord[], models: readonly string[], base: string): string | null {
  const configs = models.filter((m) => isConfiguration(m) && backboneOf(m) === base);
  const by = configs.map((m) => recordsBySeed(records, m));
  if (configs.length < 2 || by.some((x) => x.size === 0)) return null;
  const seeds = [...by[0].keys()].filter((sd) => by.every((x) => x.has(sd))).sort((a, b) => a - b);
  if (!seeds.length) return null;
  const valid = by.map((x) => meanStd(seeds.map((sd) => (x.get(sd)!.info as Partial<SelectionInfo> | undefined)?.bestValid ?? NaN)).mean);
  const order = configs.map((_, i) => i).sort((a, b) => valid[b] - valid[a]);
  const list = order.map((i) => `${configs[i]} ${valid[i].toFixed(4)}`).join(', ');
  return `Selected on validation for ${base} (mean validation NDCG@10 at the selected epoch, seeds ${seeds.join(', ')}): **${configs[order[0]]}** (${list}).`;
}

/**
 * Every Irl4Rec model (and attribute control) against its backbone on the seeds both finished: mean ± std,
 * the spec's non-inferiority check (mean ≥ backbone mean − one std of the backbone), and the seed-paired
 * difference with its 95% t-interval.
 */
export function nonInferioritySection(records: readonly CellRecord[], models: readonly string[]): ReportSection | null {
  const rows: string[][] = [];
  const verdicts: string[] = [];
  const stat = (model: string, metric: string, seeds: readonly number[]) => {
    const by = recordsBySeed(records, model);
    return meanStd(seeds.map((sd) => by.get(sd)!.metrics.all[metric]));
  };
  for (const model of models) {
    const base = backboneOf(model);
    if (!base) continue;
    const checks: Array<{ metric: string; ok: boolean; diff: string }> = [];
    for (const metric of CHECKED) {
      const p = seedPaired(records, model, base, metric);
      if (p.n === 0) continue;
      const a = stat(model, metric, p.seeds);
      const b = stat(base, metric, p.seeds);
      const ok = p.n > 1 ? a.mean >= b.mean - b.std : null;
      rows.push([
        `${model} vs ${base}`,
        metric,
        String(p.n),
        fmtMeanStd(a, 4),
        fmtMeanStd(b, 4),
        (b.mean - b.std).toFixed(4),
        ok === null ? '— (1 seed)' : ok ? 'yes' : '**no**',
        fmtDiff(p),
        `${p.ahead}/${p.n}`,
        `${(((a.mean - b.mean) / b.mean) * 100).toFixed(1)}%`,
      ]);
      if (ok !== null) checks.push({ metric, ok, diff: fmtDiff(p) });
    }
    if (checks.length && isConfiguration(model)) {
      const passed = checks.filter((x) => x.ok).length;
      const list = checks.map((x) => `${x.metric} ${x.ok ? 'yes' : 'no'} (Δ ${x.diff})`).join('; ');
      const where = passed === checks.length ? 'on every metric' : passed === 0 ? 'on **no** metric' : '**not** on every metric';
      verdicts.push(`${model} vs ${base}: non-inferior ${where}: ${list}.`);
    }
  }
  if (!rows.length) return null;
  const selected = Object.keys(BACKBONES).map((b) => validationChoice(records, models, b)).filter((x): x is string => x !== null);
  return {
    title: 'Non-inferiority and paired differences: Irl4Rec − backbone',
    text: [
      'Required by the spec: non-inferiority, mean ≥ backbone mean − one std (the backbone\'s sample std over the same seeds). Both means are over the seeds both models finished; Δ = model − backbone per seed, mean and 95% t-interval over those seeds; relative Δ = difference of the means over the backbone mean. A gain is a gain and a loss a loss: the check only says whether the loss stays within one std.',
      ...verdicts.map((v) => `- ${v}`),
      ...selected.map((v) => `- ${v}`),
    ],
    tables: [{ header: ['comparison', 'metric', 'seeds', 'model', 'backbone', 'backbone − std', 'non-inferior', 'Δ [95% CI]', 'seeds ahead', 'relative Δ'], rows }],
  };
}

/** The full configuration of an ablation or variant (`Irl4Rec+X:variant@…` → `Irl4Rec+X@…`), or null. */
export function fullConfigurationOf(model: string): string | null {
  const m = /^(Irl4Rec\+\w+):[\w-]+(@.*)?$/.exec(model);
  return m ? m[1] + (m[2] ?? '') : null;
}

/** The control of an attribute variant (`Irl4Rec+X:attributes@…` → `X+attributes@…`), or null. */
export function attributeControlOf(model: string): string | null {
  const m = /^Irl4Rec\+(\w+):attributes(@.*)?$/.exec(model);
  return m ? `${m[1]}+attributes${m[2] ?? ''}` : null;
}

/**
 * Every ablation or variant against the full Irl4Rec configuration with the same backbone and `@`
 * overrides, and the attribute variant also against its control `X+attributes` (the same attributes without
 * the objective), on the seeds both finished: the seed-paired difference with its 95% t-interval, so what each
 * term of the objective contributes is read directly rather than through two comparisons with the backbone.
 */
export function ablationSection(records: readonly CellRecord[], models: readonly string[]): ReportSection | null {
  const rows: string[][] = [];
  for (const model of models) {
    const against = [fullConfigurationOf(model), attributeControlOf(model)].filter((m): m is string => m !== null && models.includes(m));
    for (const other of against) {
      for (const metric of CHECKED) {
        const p = seedPaired(records, model, other, metric);
        if (p.n === 0) continue;
        rows.push([`${model} vs ${other}`, metric, String(p.n), fmtDiff(p), `${p.ahead}/${p.n}`]);
      }
    }
  }
  if (!rows.length) return null;
  return {
    title: 'Ablations and variants: variant − full configuration, and the attribute variant − its control',
    text: [
      'Each variant against the full Irl4Rec configuration with the same backbone and @ overrides (:gamma0, :beta0 and :no-confounder each remove one part; :attributes replaces the learned confounder branch with one over the items\' attribute); Δ = variant − other per seed, mean and 95% t-interval over the seeds both finished.',
      'The attribute variant is also paired with its control X+attributes (the same attributes and network, trained and tested on the joint score, without the objective), so the objective is not credited for the side information.',
    ],
    tables: [{ header: ['comparison', 'metric', 'seeds', 'Δ [95% CI]', 'seeds variant ahead'], rows }],
  };
}
