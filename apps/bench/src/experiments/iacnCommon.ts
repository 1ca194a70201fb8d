/**
 * What the two IaCN experiments share: settings (the CTR settings of `ctrCommon` plus IaCN's), the cells
 * (main comparison, δ and λ sweeps, the ml-100k length study), the cell runner on top of the CTR cell's
 * metrics and `trainAndTest`, and the report sections (paired differences, sweeps, length study). Not an
 * experiment itself.
 * @module
 */
import { auc, gauc, logLoss, pairedBootstrap, type CtrRows } from '@recsuite/core';
import type { IacnOptions } from '@recsuite/iacn';
import { lineChart, type LineSeries } from '../charts/lineChart.js';
import { predictRows } from '../cells/ctrCell.js';
import { trainAndTest } from '../cells/trainCell.js';
import { bool, int, nameList, num, oneOf, str, subsetOf } from '../config/fields.js';
import { ConfigError } from '../errors.js';
import { modelSeedCells, type CellContext, type CellRecord, type CellResult, type CellSpec, type Display, type SelectionInfo } from '../experiment.js';
import { IACN_BASES, IACN_MAIN_MODELS, buildIacnModel, iacnModelName, parseIacnModel } from '../models/iacnModels.js';
import { fmtCi, fmtDiff, fmtMeanStd, fmtSigned } from '../report/format.js';
import type { ReportSection } from '../report/sections.js';
import { recordsBySeed, seedPaired } from '../runner/paired.js';
import { meanStd } from '../runner/stats.js';
import { ctrSchema, ctrTask, type CtrConfig, type CtrPrepared } from './ctrCommon.js';

/**
 * Settings of an IaCN experiment (`lengths` is ml-100k's maxlen study: empty for none; `lengthBuffer` the
 * default of the length-bucketed batching, see {@link ctrSchema}).
 */
export function iacnSchema(lengthsDefault: string, lengthBuffer = 20) {
  const { models: _models, seeds: _seeds, ...ctr } = ctrSchema(lengthBuffer);
  return {
    models: nameList(IACN_MAIN_MODELS, checkMainModel, `a non-empty list of distinct models: ${IACN_MAIN_MODELS.join(', ')}, or IaCN+<base> with @key=value overrides`, 'models of the main comparison; an IaCN model may carry IaCN options, e.g. IaCN+DIN@lambda=0 (a sweep point given the main comparison\'s seeds: its cells are shared with the sweep\'s)'),
    seeds: int(5, { min: 1, max: 100, doc: 'seeds of the main comparison' }),
    ...ctr,
    dinAttention: oneOf(['none', 'softmax'] as const, 'softmax', "DIN's attention normalisation, for DIN, DIN:2d and IaCN+DIN alike: softmax (the released DIN/DIEN code; far stronger on ctr-beauty) or none (the DIN paper)"),
    delta: num(0.5, { min: 0, max: 1, doc: 'IaCN δ: its own parameters get (1−δ)·g_aux + δ·g_main' }),
    lambda: num(1, { min: 0, doc: 'IaCN λ, weight of the auxiliary loss (ours)' }),
    capsules: int(4, { min: 1, doc: 'interest capsules K' }),
    dynamicK: bool(false, 'dynamic K = max(1, min(K, ⌊log2(1+|history|)⌋))'),
    routingIters: int(3, { min: 1, doc: 'routing iterations r' }),
    interestHidden: int(64, { min: 1, doc: 'hidden width of the interest MLP (ours)' }),
    candidateOnly: bool(false, 'append ẽ_c to the final MLP input instead of widening every item embedding'),
    auxLoss: oneOf(['pointwise', 'sampledSoftmax'] as const, 'pointwise', 'auxiliary head: σ(⟨ẽ_c, e_c⟩) BCE (ours) or MIND\'s in-batch sampled softmax'),
    mixScope: oneOf(['own', 'embeddings'] as const, 'own', 'δ mix on IaCN\'s own parameters only, or on the shared item tables too'),
    sweepBase: subsetOf(IACN_BASES, ['DIN'], 'base models of the δ and λ sweeps, each swept alike (DIEN compares with the paper\'s δ = 0.3 finding, at about 4× the cost); the variants use the first'),
    deltaSweep: str('0,0.1,0.3,0.5,0.7,0.9,1', 'δ values of the δ sweep (empty: no sweep)'),
    lambdaSweep: str('0,0.3,1,3', 'λ values of the λ sweep (empty: no sweep)'),
    sweepSeeds: int(3, { min: 1, max: 100, doc: 'seeds of each sweep, variant and length-study point' }),
    variants: str('', 'IaCN variants of IaCN+<first sweepBase>, each one option key=value (candidateOnly, dynamicK, auxLoss, mixScope, capsules, routingIters), comma-separated, e.g. "candidateOnly=true,dynamicK=true" (empty: none)'),
    lengthBase: oneOf(IACN_BASES, 'DIN', 'base model of the length study'),
    lengths: str(lengthsDefault, 'history lengths (maxLen) of the length study (empty: none)'),
    bootstrap: int(2000, { min: 100, doc: 'paired per-user bootstrap resamples' }),
  };
}

/** A main-comparison model: a base, a base at 2d, or IaCN+<base> with optional overrides, written canonically. */
function checkMainModel(name: string, key: string): void {
  const spec = parseIacnModel(name, key);
  if ('maxLen' in spec.overrides) throw new ConfigError(key, `"${name}": maxLen has its own study (lengths)`);
  const canonical = iacnModelName(spec);
  if (canonical !== name) throw new ConfigError(key, `"${name}": write it "${canonical}" (the name its sweep cells use)`);
}

/** Settings that only add cells (the sweeps' and the length study's values): a resumed run may extend them. */
export const IACN_GROWABLE = ['deltaSweep', 'lambdaSweep', 'lengths', 'variants', 'sweepBase'] as const;

/** The typed settings of {@link iacnSchema}. */
export interface IacnExperimentConfig extends CtrConfig {
  models: string[];
  dinAttention: 'none' | 'softmax';
  delta: number;
  lambda: number;
  capsules: number;
  dynamicK: boolean;
  routingIters: number;
  interestHidden: number;
  candidateOnly: boolean;
  auxLoss: 'pointwise' | 'sampledSoftmax';
  mixScope: 'own' | 'embeddings';
  sweepBase: (typeof IACN_BASES)[number][];
  deltaSweep: string;
  lambdaSweep: string;
  sweepSeeds: number;
  variants: string;
  lengthBase: (typeof IACN_BASES)[number];
  lengths: string;
  bootstrap: number;
}

/** Parses a comma-separated list of numbers of config key `key`. */
export function numberList(text: string, key: string, check: (x: number) => boolean, what: string): number[] {
  const v = text.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (v.some((x) => !Number.isFinite(x) || !check(x))) throw new ConfigError(key, `must be comma-separated ${what}, got "${text}"`);
  return v;
}

/** The variant cells' model names (`IaCN+<first sweepBase>@key=value`), checked; a `ConfigError` on `variants`. */
export function variantModels(c: Pick<IacnExperimentConfig, 'variants' | 'sweepBase'>): string[] {
  const items = c.variants.split(',').map((s) => s.trim()).filter(Boolean);
  return items.map((v) => {
    if (v.includes('@') || !v.includes('=')) throw new ConfigError('variants', `each variant is one IaCN option key=value, got "${v}"`);
    const name = `IaCN+${c.sweepBase[0]}@${v}`;
    const spec = parseIacnModel(name, 'variants');
    if ('maxLen' in spec.overrides || 'delta' in spec.overrides || 'lambda' in spec.overrides) {
      throw new ConfigError('variants', `"${v}": δ, λ and maxLen have their own sweeps (deltaSweep, lambdaSweep, lengths)`);
    }
    return iacnModelName(spec);
  });
}

/** Cross-field checks of the settings. */
export function validateIacn(c: IacnExperimentConfig): void {
  variantModels(c);
  numberList(c.deltaSweep, 'deltaSweep', (x) => x >= 0 && x <= 1, 'values in [0, 1]');
  numberList(c.lambdaSweep, 'lambdaSweep', (x) => x >= 0, 'values >= 0');
  numberList(c.lengths, 'lengths', (x) => Number.isInteger(x) && x >= 1, 'positive integers');
}

/** IaCN's options from the settings. */
export function iacnOptions(c: IacnExperimentConfig): IacnOptions {
  return {
    capsules: c.capsules,
    dynamicK: c.dynamicK,
    routingIters: c.routingIters,
    interestHidden: [c.interestHidden],
    lambda: c.lambda,
    delta: c.delta,
    mixScope: c.mixScope,
    candidateOnly: c.candidateOnly,
    auxLoss: c.auxLoss,
  };
}

const sweepCells = (c: IacnExperimentConfig, key: 'delta' | 'lambda' | 'maxLen', values: number[], def: number, bases: string[]): CellSpec[] =>
  values
    .filter((v) => v !== def)
    .flatMap((v) => bases.map((b) => iacnModelName({ ...parseIacnModel(b), overrides: { [key]: v } })))
    .flatMap((m) => modelSeedCells([m], c.sweepSeeds));

/** The cells: the main comparison, then the δ sweep, the λ sweep, the length study (points equal to the main setting reuse its cells), then the variants; each (model, seed) once. */
export function iacnCells(c: IacnExperimentConfig): CellSpec[] {
  const cells = [
    ...modelSeedCells(c.models, c.seeds),
    ...sweepCells(c, 'delta', numberList(c.deltaSweep, 'deltaSweep', () => true, ''), c.delta, c.sweepBase.map((b) => `IaCN+${b}`)),
    ...sweepCells(c, 'lambda', numberList(c.lambdaSweep, 'lambdaSweep', () => true, ''), c.lambda, c.sweepBase.map((b) => `IaCN+${b}`)),
    ...sweepCells(c, 'maxLen', numberList(c.lengths, 'lengths', () => true, ''), c.maxLen, [`IaCN+${c.lengthBase}`, c.lengthBase]),
    ...modelSeedCells(variantModels(c), c.sweepSeeds),
  ];
  // a sweep point listed in the main comparison (IaCN+DIN@lambda=0) shares its cells once
  const seen = new Set<string>();
  return cells.filter((cell) => {
    const key = `${cell.model}\u0000${cell.seed}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Protocol lines of the IaCN experiments (after the CTR lines). */
export function iacnProtocolDetails(c: IacnExperimentConfig): string[] {
  return [
    `models: IaCN+X wraps X ∈ {DIN, WideDeep, DIEN} (@recsuite/iacn; DIN's attention ${c.dinAttention === 'softmax' ? 'softmax-normalised, as the released DIN/DIEN code' : 'unnormalised, as the DIN paper'}): K = ${c.capsules}${c.dynamicK ? ' (dynamic)' : ''} capsules, r = ${c.routingIters} routing iterations, interest MLP [${c.interestHidden}] over [capsule ‖ user profile], ${c.candidateOnly ? 'ẽ_c appended to the final MLP input' : 'every item embedding X consumes widened to [e ‖ ẽ]'}; auxiliary head ${c.auxLoss}, λ = ${c.lambda}, δ = ${c.delta} (mix on ${c.mixScope === 'own' ? "IaCN's own parameters" : 'IaCN\'s own parameters and the shared item tables'}, from two gradient calls). X and IaCN+X get identical features, batches, Adam and selection; X:2d is X with embedding width ${2 * c.embedDim} (capacity control: IaCN+X's item embeddings are that wide)`,
    `paired differences: per seed IaCN+X − X on test AUC/GAUC/LogLoss (mean, 95% t-interval over the shared seeds); per test user, the user's pair AUC averaged over the shared seeds, ${c.bootstrap} paired bootstrap resamples of users (95% percentile interval)`,
    c.deltaSweep.trim() || c.lambdaSweep.trim()
      ? `sweeps (base${c.sweepBase.length > 1 ? 's' : ''} ${c.sweepBase.join(', ')}, ${c.sweepSeeds} seeds per point): δ ∈ {${c.deltaSweep.trim() || 'not run'}} at λ = ${c.lambda}; λ ∈ {${c.lambdaSweep.trim() || 'not run'}} at δ = ${c.delta}; the point equal to the main setting reuses the main cells`
      : 'sweeps: not run (deltaSweep and lambdaSweep empty)',
    ...(c.variants.trim() ? [`variants (IaCN+${c.sweepBase[0]}, ${c.sweepSeeds} seeds each, one option changed from the main setting): ${c.variants}`] : []),
  ];
}

/** Per-user AUC over each test user's rows (users with both labels, ascending id; ties count ½). */
export function perUserAuc(rows: CtrRows, p: Float32Array): { users: number[]; values: number[] } {
  const by = new Map<number, { pos: number[]; neg: number[] }>();
  for (let k = 0; k < rows.length; k++) {
    let e = by.get(rows.user[k]);
    if (!e) by.set(rows.user[k], (e = { pos: [], neg: [] }));
    (rows.label[k] ? e.pos : e.neg).push(p[k]);
  }
  const users = [...by.keys()].filter((u) => by.get(u)!.pos.length && by.get(u)!.neg.length).sort((a, b) => a - b);
  const values = users.map((u) => {
    const { pos, neg } = by.get(u)!;
    let s = 0;
    for (const a of pos) for (const b of neg) s += a > b ? 1 : a === b ? 0.5 : 0;
    return s / (pos.length * neg.length);
  });
  return { users, values };
}

/** Buckets of actual history length (Beauty's length study). */
export const LENGTH_BUCKETS: ReadonlyArray<readonly [number, number]> = [
  [1, 4],
  [5, 9],
  [10, 19],
  [20, 49],
  [50, Infinity],
];
const bucketName = ([lo, hi]: readonly [number, number]) => (hi === Infinity ? `len ≥${lo}` : `len ${lo}-${hi}`);

/** Test metrics by bucket of the row's actual history length (`pos`, untruncated). */
function bucketMetrics(rows: CtrRows, p: Float32Array): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const b of LENGTH_BUCKETS) {
    const idx: number[] = [];
    for (let k = 0; k < rows.length; k++) if (rows.pos[k] >= b[0] && rows.pos[k] <= b[1]) idx.push(k);
    const labels = Uint8Array.from(idx, (k) => rows.label[k]);
    if (!labels.includes(0) || !labels.includes(1)) continue;
    const sc = Float32Array.from(idx, (k) => p[k]);
    out[bucketName(b)] = { AUC: auc(labels, sc), GAUC: gauc(Int32Array.from(idx, (k) => rows.user[k]), labels, sc), LogLoss: logLoss(labels, sc), rows: idx.length };
  }
  return out;
}

/** Trains and tests one cell of an IaCN experiment; `buckets`: add test metrics by history-length bucket. */
export async function runIacnCell(ctx: CellContext<IacnExperimentConfig, CtrPrepared>, buckets: boolean): Promise<CellResult> {
  const c = ctx.config;
  const { data } = ctx.data;
  const spec = parseIacnModel(ctx.cell.model);
  const task = { ...ctrTask(c, ctx.data, { dinAttention: c.dinAttention }), seed: ctx.cell.seed };
  const { batchFeatures } = task;
  const built = buildIacnModel(spec, task, iacnOptions(c));
  const evalOpts = { batchSize: c.evalBatchSize, maxLen: spec.overrides.maxLen ?? c.maxLen, ...batchFeatures };
  const metricsOf = async (rows: CtrRows) => {
    const p = await predictRows(built.model, data, rows, evalOpts);
    return { p, m: { AUC: auc(rows.label, p), GAUC: gauc(rows.user, rows.label, p), LogLoss: logLoss(rows.label, p) } };
  };
  let perUser: number[] = [];
  const res = await trainAndTest(ctx, built, {
    epochs: c.epochs,
    patience: c.patience,
    validateEvery: c.validateEvery,
    selectMetric: 'AUC',
    // CTR models keep Dice's running statistics in variables() and their streams in generators()
    checkpoint: true,
    validate: async () => (await metricsOf(data.valid)).m,
    test: async () => {
      const { p, m } = await metricsOf(data.test);
      perUser = perUserAuc(data.test, p).values;
      return { all: m, ...(buckets ? bucketMetrics(data.test, p) : {}) };
    },
  });
  return { ...res, info: { ...res.info, userAuc: perUser } };
}

/** What the IaCN reports show. */
export const IACN_DISPLAY: Display = {
  metrics: ['AUC', 'GAUC', 'LogLoss', 'epochs', 'epoch_s'],
  chartMetrics: ['AUC', 'GAUC'],
  curveMetric: 'AUC',
};

// ------------------------------------------------------------------------------------------------------
// Report sections
// ------------------------------------------------------------------------------------------------------

/** A paired difference: its mean, and with two or more seeds its 95% interval. */
const meanCi = (p: { n: number; mean: number; lo: number; hi: number }) => fmtDiff(p);
const pm = (v: number[]) => fmtMeanStd(meanStd(v), 4);

/** Seed-averaged per-user AUCs of a model over `seeds`, or null when a cell lacks them. */
function userAucs(records: readonly CellRecord[], model: string, seeds: readonly number[]): Float64Array | null {
  const m = recordsBySeed(records, model);
  let acc: Float64Array | null = null;
  for (const s of seeds) {
    const v = (m.get(s)?.info as { userAuc?: number[] } | undefined)?.userAuc;
    if (!v || (acc && acc.length !== v.length)) return null;
    acc ??= new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) acc[i] += v[i] / seeds.length;
  }
  return acc;
}

/**
 * The paired-difference section: for every IaCN model of the main comparison (`IaCN+X`, and `IaCN+X@...`
 * when listed), IaCN+X − X and IaCN+X − X:2d.
 */
export function pairedSection(records: readonly CellRecord[], models: readonly string[], resamples: number): ReportSection | null {
  const rows: string[][] = [];
  const verdict: string[] = [];
  for (const a of models) {
    const { iacn, base } = parseIacnModel(a);
    if (!iacn) continue;
    for (const b of [base, `${base}:2d`]) {
      const auc = seedPaired(records, a, b, 'AUC');
      if (auc.n === 0) continue;
      const g = seedPaired(records, a, b, 'GAUC');
      const ll = seedPaired(records, a, b, 'LogLoss');
      const ua = userAucs(records, a, auc.seeds);
      const ub = userAucs(records, b, auc.seeds);
      const bs = ua && ub && ua.length === ub.length ? pairedBootstrap(ua, ub, { resamples, seed: 0 }) : null;
      const wins = auc.d.filter((x) => x > 0).length;
      const reading = auc.n > 1 ? (auc.lo > 0 ? 'IaCN better' : auc.hi < 0 ? 'IaCN worse' : 'no clear difference') : auc.mean > 0 ? 'IaCN ahead (1 seed)' : 'IaCN behind (1 seed)';
      rows.push([
        `${a} − ${b}`,
        String(auc.n),
        fmtSigned(auc.mean),
        fmtCi(auc.lo, auc.hi),
        `${wins}/${auc.n}`,
        fmtSigned(g.mean),
        bs ? fmtDiff({ mean: bs.diff, lo: bs.lo, hi: bs.hi }) : '—',
        fmtSigned(ll.mean),
        reading,
      ]);
      if (b === base) {
        verdict.push(`${a} ${auc.mean > 0 ? '>' : '≤'} ${b} on test AUC by ${fmtSigned(auc.mean)} (95% seed-paired CI ${fmtCi(auc.lo, auc.hi)}, ${wins}/${auc.n} seeds won): ${auc.n < 2 ? 'one seed, no interval yet: not judged' : auc.lo > 0 ? 'the gain holds' : auc.mean > 0 ? 'ahead, but the interval includes 0' : 'the gain does not hold here'}`);
      }
    }
  }
  if (!rows.length) return null;
  if (verdict.some((v) => !v.endsWith('the gain holds'))) {
    verdict.push(
      'Where the gain does not hold, note what differs from the paper: substitute data (Beauty, ml-100k instead of Amazon Books/Electronics), our per-user time split, and choices the paper leaves open (λ, the pointwise auxiliary head, the interest MLP, widening history items too): see the δ and λ sweeps below before reading it as a refutation.',
    );
  }
  return {
    title: 'Paired differences: IaCN+X − X (and − X:2d, the capacity control)',
    text: [
      'Per seed, the difference of test metrics between IaCN+X and the other model trained with the same seed; mean and 95% t-interval over the shared seeds. "user-AUC bootstrap": per test user the AUC of the user\'s test pairs, averaged over the shared seeds, paired bootstrap over users (95% percentile interval). LogLoss: negative = IaCN better.',
      ...verdict.map((v) => `- ${v}`),
    ],
    tables: [{ header: ['difference', 'seeds', 'ΔAUC', '95% CI (seeds)', 'seeds won', 'ΔGAUC', 'Δ user-AUC, bootstrap CI', 'ΔLogLoss', 'reading'], rows }],
  };
}

/** A sweep section over cells named `<model>@<key>=v` (the main setting from the plain cells). */
export function sweepSection(records: readonly CellRecord[], base: string, key: 'delta' | 'lambda', values: number[], main: number, label: string, fixed: string): ReportSection | null {
  const model = `IaCN+${base}`;
  const pts = [...new Set([...values, main])].sort((x, y) => x - y);
  const baseAuc = [...recordsBySeed(records, base).values()].map((r) => r.metrics.all.AUC);
  const rows: string[][] = [];
  const line: [number, number][] = [];
  const band: [number, number, number][] = [];
  const validOf = (r: CellRecord) => (r.info as Partial<SelectionInfo> | undefined)?.bestValid ?? NaN;
  const present: Array<{ v: number; name: string; bySeed: Map<number, CellRecord> }> = [];
  for (const v of pts) {
    const name = v === main ? model : `${model}@${key}=${v}`;
    const bySeed = recordsBySeed(records, name);
    const rs = [...bySeed.values()];
    if (!rs.length) continue;
    present.push({ v, name, bySeed });
    const a = rs.map((r) => r.metrics.all.AUC);
    const s = meanStd(a);
    const paired = seedPaired(records, name, base, 'AUC');
    rows.push([String(v), String(s.n), pm(rs.map(validOf)), pm(a), pm(rs.map((r) => r.metrics.all.GAUC)), pm(rs.map((r) => r.metrics.all.LogLoss)), paired.n ? `${fmtSigned(paired.mean)} (${paired.n} seeds)` : '—']);
    line.push([v, s.mean]);
    band.push([v, s.mean - s.std, s.mean + s.std]);
  }
  if (rows.length < 2) return null;
  // the point a user would pick: best mean validation AUC over the seeds every point has
  const shared = [...present[0].bySeed.keys()].filter((s) => present.every((p) => p.bySeed.has(s)));
  const selection: string[] = [];
  if (shared.length) {
    const score = (p: (typeof present)[number]) => meanStd(shared.map((s) => validOf(p.bySeed.get(s)!))).mean;
    const best = present.reduce((a, b) => (score(b) > score(a) ? b : a));
    const pick = seedPaired(records.filter((r) => shared.includes(r.seed)), best.name, base, 'AUC');
    rows[present.indexOf(best)][0] += ' ← selected on validation';
    selection.push(
      `Selected on validation (mean validation AUC over seeds ${shared.join(', ')}): ${label} = ${best.v}; its test AUC − ${base} on those seeds: ${meanCi(pick)}, ${pick.d.filter((x) => x > 0).length}/${pick.n} seeds ahead.`,
    );
  }
  const series: LineSeries[] = [{ name: model, points: line, band }];
  const b = meanStd(baseAuc);
  if (b.n) series.push({ name: `${base} (no IaCN)`, points: [[pts[0], b.mean], [pts[pts.length - 1], b.mean]], dashed: true });
  return {
    title: `${label} sweep (IaCN+${base}, ${fixed})`,
    text: [`Validation AUC (at the selected epoch) and test metrics (mean ± std over seeds) at each ${label}; the gain is IaCN+${base} − ${base} paired by seed. ${key === 'delta' ? 'The paper found δ = 0.3 best for DIEN on Amazon Books: a finding to compare with, not a gate.' : ''}`, ...selection],
    tables: [{ header: [label, 'seeds', 'valid AUC', 'AUC', 'GAUC', 'LogLoss', `ΔAUC vs ${base}`], rows }],
    charts: [lineChart({ title: `Test AUC vs ${label}`, xLabel: label, yLabel: 'AUC', series })],
  };
}

/** The variants: each against the base model and against IaCN+base at the main setting, paired by seed. */
export function variantSection(records: readonly CellRecord[], c: Pick<IacnExperimentConfig, 'variants' | 'sweepBase'>): ReportSection | null {
  const base = c.sweepBase[0];
  const main = `IaCN+${base}`;
  const rows: string[][] = [];
  for (const name of [main, ...variantModels(c)]) {
    const rs = [...recordsBySeed(records, name).values()];
    if (!rs.length) continue;
    const vsBase = seedPaired(records, name, base, 'AUC');
    const vsMain = name === main ? null : seedPaired(records, name, main, 'AUC');
    const fmt = (p: ReturnType<typeof seedPaired> | null) => (p && p.n ? `${meanCi(p)} (${p.n})` : '—');
    rows.push([name === main ? `${main} (main setting)` : name, String(rs.length), pm(rs.map((r) => r.metrics.all.AUC)), pm(rs.map((r) => r.metrics.all.GAUC)), pm(rs.map((r) => r.metrics.all.LogLoss)), fmt(vsBase), fmt(vsMain)]);
  }
  if (rows.length < 2) return null;
  return {
    title: `IaCN variants (IaCN+${base}, one option changed each)`,
    text: [`Test metrics (mean ± std over seeds); ΔAUC paired by seed with a 95% t-interval, (n) = shared seeds. What each option means: the IaCN package README.`],
    tables: [{ header: ['model', 'seeds', 'AUC', 'GAUC', 'LogLoss', `ΔAUC vs ${base}`, `ΔAUC vs ${main}`], rows }],
  };
}

/**
 * ml-100k's length study: the gain of IaCN+base over base at each maxLen (the main cells at the main
 * maxLen), paired by seed; a point with one shared seed has no interval. Null below two points.
 */
export function lengthSection(records: readonly CellRecord[], base: string, lengths: number[], main: number): ReportSection | null {
  const pts = [...new Set([...lengths, main])].sort((x, y) => x - y);
  const rows: string[][] = [];
  const gain: [number, number][] = [];
  const band: [number, number, number][] = [];
  for (const L of pts) {
    const suffix = L === main ? '' : `@maxLen=${L}`;
    const p = seedPaired(records, `IaCN+${base}${suffix}`, `${base}${suffix}`, 'AUC');
    if (!p.n) continue;
    const aucOf = (m: string) => p.seeds.map((s) => recordsBySeed(records, m).get(s)!.metrics.all.AUC);
    rows.push([String(L), String(p.n), pm(aucOf(`${base}${suffix}`)), pm(aucOf(`IaCN+${base}${suffix}`)), fmtSigned(p.mean), p.n > 1 ? fmtCi(p.lo, p.hi) : '—']);
    gain.push([L, p.mean]);
    if (p.n > 1) band.push([L, p.lo, p.hi]);
  }
  if (rows.length < 2) return null;
  return {
    title: `Sequence length: IaCN+${base} − ${base} by maxLen`,
    text: ['The gain at each history length (paired by seed, 95% t-interval): reported as a trend, not a gate.'],
    tables: [{ header: ['maxLen', 'seeds', base, `IaCN+${base}`, 'ΔAUC', '95% CI'], rows }],
    charts: [lineChart({ title: `ΔAUC (IaCN+${base} − ${base}) vs maxLen`, xLabel: 'maxLen', yLabel: 'ΔAUC', series: [{ name: 'ΔAUC', points: gain, band }] })],
  };
}

/** Beauty's length study: the gain by bucket of actual history length (from the main cells' test groups). */
function bucketSection(records: readonly CellRecord[]): ReportSection | null {
  const rows: string[][] = [];
  const series: LineSeries[] = [];
  for (const base of IACN_BASES) {
    const pts: [number, number][] = [];
    for (const b of LENGTH_BUCKETS) {
      const g = bucketName(b);
      const p = seedPaired(records, `IaCN+${base}`, base, 'AUC', g);
      if (!p.n) continue;
      const n = recordsBySeed(records, base).get(p.seeds[0])!.metrics[g].rows;
      const aucOf = (m: string) => p.seeds.map((s) => recordsBySeed(records, m).get(s)!.metrics[g].AUC);
      rows.push([base, g, String(n), pm(aucOf(base)), pm(aucOf(`IaCN+${base}`)), fmtSigned(p.mean), p.n > 1 ? fmtCi(p.lo, p.hi) : '—']);
      pts.push([b[0], p.mean]);
    }
    if (pts.length) series.push({ name: `IaCN+${base} − ${base}`, points: pts });
  }
  if (!rows.length) return null;
  return {
    title: 'Sequence length: the gain by bucket of actual history length (test rows)',
    text: ['Test rows grouped by the user\'s actual number of earlier items (before truncation to maxLen); AUC within each bucket, gain paired by seed. A trend, not a gate (few Beauty users have long histories).'],
    tables: [{ header: ['base', 'bucket', 'test rows', 'X AUC', 'IaCN+X AUC', 'ΔAUC', '95% CI (seeds)'], rows }],
    charts: series.length ? [lineChart({ title: 'ΔAUC by history-length bucket (x = bucket start)', xLabel: 'history length', yLabel: 'ΔAUC', series })] : [],
  };
}

/**
 * Training losses at the selected epoch: X's loss beside IaCN+X's main loss and λ·L_aux (cells whose curve
 * carries the loss parts), to tell a main loss that trains worse from one that generalises worse.
 */
export function trainingLossSection(records: readonly CellRecord[], models: readonly string[]): ReportSection | null {
  const rows: string[][] = [];
  for (const model of models) {
    const at = [...recordsBySeed(records, model).values()]
      .map((r) => r.curve?.find((e) => e.epoch === r.metrics.all.epochs))
      .filter((e): e is NonNullable<typeof e> => e !== undefined);
    const iacn = parseIacnModel(model).iacn;
    const usable = iacn ? at.filter((e) => e.lossParts) : at.filter((e) => e.loss !== undefined);
    if (!usable.length) continue;
    const main = usable.map((e) => (iacn ? e.lossParts!.main : e.loss!));
    rows.push([model, String(usable.length), pm(main), iacn ? pm(usable.map((e) => e.lossParts!.aux)) : '—', pm(usable.map((e) => e.valid?.AUC ?? NaN))]);
  }
  if (!rows.some((r) => r[3] !== '—')) return null;
  return {
    title: 'Training losses at the selected epoch',
    text: ["Mean training loss over the selected epoch's steps (mean ± std over seeds): X's BCE, and IaCN+X's main BCE and λ·L_aux separately, beside the validation AUC that selected the epoch. Only cells run with the loss parts recorded count."],
    tables: [{ header: ['model', 'seeds', 'main loss (BCE)', 'λ·L_aux', 'valid AUC'], rows }],
  };
}

/** The IaCN report sections. */
export function iacnSections(records: readonly CellRecord[], c: IacnExperimentConfig, study: 'maxLen' | 'buckets'): ReportSection[] {
  const out = [
    pairedSection(records, c.models, c.bootstrap),
    trainingLossSection(records, [...new Set(records.map((r) => r.model))]),
    ...c.sweepBase.map((b) => sweepSection(records, b, 'delta', numberList(c.deltaSweep, 'deltaSweep', () => true, ''), c.delta, 'δ', `λ = ${c.lambda}`)),
    ...c.sweepBase.map((b) => sweepSection(records, b, 'lambda', numberList(c.lambdaSweep, 'lambdaSweep', () => true, ''), c.lambda, 'λ', `δ = ${c.delta}`)),
    variantSection(records, c),
    study === 'maxLen' ? lengthSection(records, c.lengthBase, numberList(c.lengths, 'lengths', () => true, ''), c.maxLen) : bucketSection(records),
  ];
  return out.filter((s): s is ReportSection => s !== null);
}
