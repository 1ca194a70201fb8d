/**
 * `ipg-sim`: IPG (proactive recommendation by iterative preference guidance) against the backbone's top-1,
 * the target heuristic (α swept), rec2inf (k swept) and random, on the paper's user simulator: per seed a
 * new world (6,034 users × 3,533 items), 100 logging rounds, SASRec trained on the logged clicks, then 20
 * guidance rounds toward each of 50 targets from the end-of-logging state. IoI@K and HR@K (and the
 * released code's variants, labelled), the IoI–HR plane and the wall time of each method.
 * Reduced setting (CI): `--set users=1000 --set targets=5 --set epochs=20`.
 * @module
 */
import { writeFileAtomic, type FitResult } from '@recsuite/core';
import { SASRec } from '@recsuite/baselines';
import {
  UserSimulator,
  collectLogs,
  encodeHistories,
  guidanceMetrics,
  methodLabel,
  runGuidance,
  sampleTargets,
  sasrecBackbone,
  trainBackbone,
  type ClickLogs,
  type GuidanceBackbone,
  type GuidanceMethod,
} from '@recsuite/ipg';
import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs';
import path from 'node:path';
import { scatterChart, type ScatterSeries } from '../charts/index.js';
import { int, intList, num, subsetOf } from '../config/fields.js';
import { ConfigError } from '../errors.js';
import { defineExperiment, type CellRecord, type CellSpec } from '../experiment.js';
import { fmtRow } from '../report/format.js';
import type { ReportSection } from '../report/sections.js';
import type { Table } from '../report/table.js';
import { findRow, summaryModels, type Summary } from '../runner/summary.js';

const METHODS = ['IPG:cos', 'IPG', 'SASRec', 'Heuristic', 'rec2inf', 'Random'] as const;
type MethodName = (typeof METHODS)[number];

/** One seed's world: the end-of-logging simulator, the logs, the trained backbone and its round-1 vectors. */
interface SeedWorld {
  seed: number;
  sim: UserSimulator;
  logs: ClickLogs;
  model: SASRec;
  backbone: GuidanceBackbone;
  h0: Float32Array;
  targets: number[];
  info: Record<string, number | boolean>;
}

/** Prepared data: the seed worlds, built on first use and kept for the seed's cells. */
interface IpgData {
  world(seed: number): Promise<SeedWorld>;
  /** Tensors of the current seed's backbone (kept between the seed's cells). */
  heldTensors(): number;
}

/** Seeds of everything random in a seed's world (the seed's own world, logs, targets and clicks). */
const seedsOf = (s: number) => ({ world: 10_000 + s, log: 20_000 + s, targets: 30_000 + s, clicks: 40_000 + s, policy: 50_000 + s, init: s });

export default defineExperiment({
  name: 'ipg-sim',
  description: 'IPG vs rec2inf/heuristic guidance on the preference-drift simulator (IoI@20 vs HR)',
  status: 'ready',
  schema: {
    methods: subsetOf(METHODS, METHODS, 'guidance methods (Heuristic and rec2inf at alpha and k)'),
    seeds: int(3, { min: 1, max: 100, doc: 'number of seeds (each: a new world, logs, backbone and targets)' }),
    users: int(6034, { min: 10, doc: 'simulated users' }),
    items: int(3533, { min: 50, doc: 'simulated items' }),
    targets: int(50, { min: 1, doc: 'target items per seed' }),
    rounds: int(20, { min: 1, doc: 'guidance rounds per target' }),
    logRounds: int(100, { min: 1, doc: 'logging rounds' }),
    oracleProb: num(0.3, { min: 0, max: 1, doc: 'logging: probability of the oracle item' }),
    offset: num(0.7, { doc: 'click offset (logging and guidance)' }),
    gamma: num(0.5, { min: 0, max: 0.99, doc: 'γ of IPG (paper form; never changes the ranking)' }),
    alpha: int(10, { doc: 'Heuristic weight α of the main row' }),
    k: int(50, { min: 1, doc: 'rec2inf shortlist k of the main row' }),
    alphaSweep: intList([1, 3, 30, 100], { doc: 'further α of the Heuristic (IoI–HR plane)' }),
    kSweep: intList([10, 20, 100, 200], { min: 1, doc: 'further k of rec2inf (IoI–HR plane)' }),
    sweepSeeds: int(1, { min: 0, doc: 'seeds 0..n-1 also run the α and k sweeps' }),
    epochs: int(40, { min: 1, doc: 'maximum backbone epochs (the spec\'s reference run: 40; the released code: 200)' }),
    validateEvery: int(5, { min: 1, doc: 'validate the backbone every this many epochs' }),
    patience: int(4, { min: 1, doc: 'validations without improvement before stopping' }),
    dim: int(48, { min: 1, doc: 'SASRec width' }),
    blocks: int(4, { min: 1, doc: 'SASRec blocks' }),
    heads: int(8, { min: 1, doc: 'SASRec heads' }),
    dropout: num(0.5, { min: 0, max: 0.95, doc: 'SASRec dropout' }),
    maxLen: int(70, { min: 2, doc: 'SASRec history length' }),
    batchSize: int(128, { min: 1, doc: 'SASRec training batch (users)' }),
    lr: num(0.001, { min: 0, doc: 'Adam learning rate (β 0.9, 0.98)' }),
    encodeBatch: int(512, { min: 1, doc: 'histories per encoding/scoring batch during guidance' }),
    ks: intList([5, 10, 15, 20], { min: 1, doc: 'cut-offs K of IoI@K and HR@K' }),
  },
  validate(c) {
    if (c.ks.some((K) => K > c.rounds)) throw new ConfigError('ks', `every K must be ≤ rounds (${c.rounds}), got ${c.ks.join(',')}`);
    if (!c.ks.includes(c.rounds)) throw new ConfigError('ks', `must include rounds (${c.rounds}): the headline is IoI@${c.rounds}`);
    if (c.targets > c.items) throw new ConfigError('targets', `must be ≤ items (${c.items}), got ${c.targets}`);
    if ([c.k, ...c.kSweep].some((k) => k > c.items)) throw new ConfigError('kSweep', `every k must be ≤ items (${c.items})`);
  },
  cells: (c) => {
    const out: CellSpec[] = [];
    for (let seed = 0; seed < c.seeds; seed++) {
      for (const m of c.methods) out.push({ model: labelOf(m, c), seed });
      if (seed < c.sweepSeeds) {
        if (c.methods.includes('Heuristic')) for (const a of c.alphaSweep) if (a !== c.alpha) out.push({ model: methodLabel({ kind: 'heuristic', alpha: a }), seed });
        if (c.methods.includes('rec2inf')) for (const k of c.kSweep) if (k !== c.k) out.push({ model: methodLabel({ kind: 'rec2inf', k }), seed });
      }
    }
    return out;
  },
  datasetName: (c) => `ipg-simulator(users=${c.users}, items=${c.items}, offset=${c.offset})`,
  protocol: (c) => ({
    summary: `user simulator (${c.users} users × ${c.items} items), ${c.logRounds} logging rounds, SASRec on the clicks, ${c.targets} targets × ${c.rounds} guidance rounds; IoI@K, HR@K`,
    details: [
      `world (per seed s: world seed ${seedsOf(0).world}+s): 10 topics × 2 dims; users clamp(0.4·N(0,1)) × normalised U(0,1) topic weights, dominant topic made positive, L2-normalised; items the same squared, L2-normalised; topic = argmax block norm`,
      `clicks ~ Bernoulli(σ(10·(⟨user, item⟩ − bias − ${c.offset}))); on a click user ← normalise(0.8·user + 0.2·item), bias += 0.1, and boredom (≥ 4 of the last 10 clicks in one topic flags it for 5 steps; a click on a flagged topic multiplies that block by 0.8) — the official simulator's step order`,
      `logging: ${c.logRounds} rounds; each user gets with probability ${c.oracleProb} the best item by true score not yet recommended to them, else a uniform item; the clicks are the training data`,
      `backbone: SASRec d ${c.dim}, ${c.blocks} blocks, ${c.heads} heads, dropout ${c.dropout}, maxlen ${c.maxLen}, batch ${c.batchSize}, Adam lr ${c.lr} β (0.9, 0.98), BCE with one uniform negative; each user's last click held out, validation NDCG@10 every ${c.validateEvery} epochs, best kept, stop after ${c.patience} validations without improvement, at most ${c.epochs} epochs (the released code: 200 epochs, last kept, no validation)`,
      `guidance: ${c.targets} targets per seed (uniform, seed ${seedsOf(0).targets}+s); every target restarts from the end-of-logging state (users, bias, boredom flags, timers and queues) with the same click seed; ${c.rounds} rounds, one item per user per round among the items not yet recommended in the episode; only clicked items join the history (last ${c.maxLen} kept)`,
      `methods: IPG = σ(h·e_i)·(1−γ)(e_j·e_i − e_j·h) (paper form, γ ${c.gamma}, ranking independent of γ); IPG:cos = σ(h·e_i)·(cos(e_i,e_j) − cos(h,e_j)) (released code); SASRec = top-1 logit; Heuristic = logit + α·e_j·e_i (α ${c.alpha}; swept ${c.alphaSweep.join(', ')}); rec2inf = the k best logits, then the most similar to the target (k ${c.k}; swept ${c.kSweep.join(', ')}); Random = uniform`,
      `metrics: IoI@K = mean over targets and users of the true affinity ⟨user, target⟩ − bias after K rounds minus before round 1; HR@K = click rate over the first K rounds; "(official)" = the released code's variants (IoI after K−1 rounds; HR = the 20-round rate averaged over the first K targets)`,
      `speed: round-1 user vectors shared by all targets and methods of a seed; afterwards only clickers are re-encoded (identical histories once); eval_s = the method's wall seconds for all targets; sweeps on seeds 0..${c.sweepSeeds - 1}`,
    ],
  }),
  async prepare({ config: c, runDir, log }) {
    const build = async (seed: number): Promise<SeedWorld> => {
      const s = seedsOf(seed);
      const t0 = performance.now();
      const sim = UserSimulator.create({ numUsers: c.users, numItems: c.items, offset: c.offset }, s.world);
      const logs = collectLogs(sim, { seed: s.log, rounds: c.logRounds, oracleProb: c.oracleProb });
      const logSeconds = (performance.now() - t0) / 1000;
      log(`seed ${seed}: ${logs.clicksPerUser.toFixed(2)} clicks per user, ${logs.usersWithoutClicks} users without clicks (${logSeconds.toFixed(0)} s)`);
      const dir = path.join(runDir, 'backbones', `seed-${seed}`);
      const infoFile = `${dir}.json`;
      let model: SASRec;
      let info: Record<string, number | boolean>;
      if (fs.existsSync(infoFile)) {
        model = await SASRec.load(dir);
        info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as Record<string, number | boolean>;
        log(`seed ${seed}: backbone loaded from ${dir}`);
      } else {
        const t1 = performance.now();
        const tb = await trainBackbone(logs.sequences, c.items, {
          seed: s.init,
          dim: c.dim,
          blocks: c.blocks,
          heads: c.heads,
          dropout: c.dropout,
          maxLen: c.maxLen,
          batchSize: c.batchSize,
          lr: c.lr,
          epochs: c.epochs,
          validateEvery: c.validateEvery,
          patience: c.patience,
          onEpoch: (l) => {
            if (l.validation) log(`seed ${seed}: backbone epoch ${l.epoch} loss ${l.loss.toFixed(4)} valid NDCG@10 ${l.validation['NDCG@10'].toFixed(4)}${l.best ? ' *' : ''} (${l.seconds.toFixed(1)} s/epoch)`);
          },
        });
        model = tb.model;
        const fr: FitResult = tb.fit;
        info = {
          clicksPerUser: logs.clicksPerUser,
          usersWithoutClicks: logs.usersWithoutClicks,
          log_s: logSeconds,
          train_s: (performance.now() - t1) / 1000,
          bestEpoch: fr.bestEpoch,
          epochsRun: fr.epochsRun,
          epoch_s: fr.secondsPerEpoch,
          validNDCG10: fr.bestValue,
          stoppedEarly: fr.stoppedEarly,
        };
        await model.save(dir);
        await writeFileAtomic(infoFile, JSON.stringify(info, null, 2));
      }
      const backbone = sasrecBackbone(model);
      const t2 = performance.now();
      const h0 = await encodeHistories(backbone, logs.sequences, { batchSize: c.encodeBatch });
      info = { ...info, encode_s: (performance.now() - t2) / 1000 };
      const targets = sampleTargets(c.items, c.targets, s.targets);
      return { seed, sim, logs, model, backbone, h0, targets, info };
    };
    // A seed's world is built by its first cell and kept for the seed's other cells (cells run seed by
    // seed; the previous seed's backbone is freed when the next seed starts). Its backbone is saved in
    // backbones/, so a resumed run reloads it instead of retraining. The first cell of each seed therefore
    // leaves the backbone's tensors allocated: that is the shared backbone, not a leak (`heldTensors`).
    let current: { seed: number; world: Promise<SeedWorld> } | null = null;
    let held = 0;
    const data: IpgData = {
      async world(seed) {
        if (current?.seed === seed) return current.world;
        if (current) {
          (await current.world.catch(() => null))?.model.dispose();
          held = 0;
        }
        // Everything the world keeps (the backbone's variables and whatever else the model owns); its
        // training is leak-checked by fit itself.
        const start = tf.memory().numTensors;
        current = {
          seed,
          world: build(seed).then((w) => {
            held = tf.memory().numTensors - start;
            return w;
          }),
        };
        return current.world;
      },
      heldTensors: () => held,
    };
    return data;
  },
  heldTensors: (data) => data.heldTensors(),
  async runCell(ctx) {
    const c = ctx.config;
    const w = await ctx.data.world(ctx.cell.seed);
    const method = methodOf(ctx.cell.model, c);
    ctx.progress.phase(`guiding ${c.targets} targets`);
    const res = await runGuidance({
      simulator: w.sim,
      histories: w.logs.sequences,
      backbone: w.backbone,
      method,
      targets: w.targets,
      rounds: c.rounds,
      clickSeed: seedsOf(ctx.cell.seed).clicks,
      policySeed: seedsOf(ctx.cell.seed).policy,
      initialVectors: w.h0,
      batchSize: c.encodeBatch,
      signal: ctx.signal,
      onRound: (r, i) => {
        ctx.progress.step(r, c.rounds);
        ctx.progress.note(`round ${r}: click rate ${i.clickRate.toFixed(3)}, IoI ${i.meanAffinityGain.toFixed(4)}`);
      },
    });
    const metrics: Record<string, number> = { ...guidanceMetrics(res, c.ks), eval_s: res.stats.seconds, 'eval_s (cpu)': res.stats.cpuSeconds, encoded: res.stats.encoded };
    return {
      metrics: { all: metrics },
      info: { ...res.stats, backbone: w.info, targets: Array.from(res.targets) },
    };
  },
  display: {
    metrics: ['IoI@20', 'HR@20', 'IoI@10', 'HR@10', 'IoI@5', 'HR@5', 'eval_s', 'eval_s (cpu)'],
    chartMetrics: ['IoI@20', 'HR@20'],
    digits: 4,
  },
  sections: (summary, records, c) => ipgSections(summary, records, c),
});

/** Cell label of a main method. */
function labelOf(m: MethodName, c: { alpha: number; k: number; gamma: number }): string {
  return methodLabel(mainMethod(m, c));
}

function mainMethod(m: MethodName, c: { alpha: number; k: number; gamma: number }): GuidanceMethod {
  switch (m) {
    case 'IPG:cos':
      return { kind: 'ipg', form: 'cos' };
    case 'IPG':
      return { kind: 'ipg', form: 'paper', gamma: c.gamma };
    case 'SASRec':
      return { kind: 'sasrec' };
    case 'Heuristic':
      return { kind: 'heuristic', alpha: c.alpha };
    case 'rec2inf':
      return { kind: 'rec2inf', k: c.k };
    case 'Random':
      return { kind: 'random' };
  }
}

/** The method of a cell label (main methods and sweep points). */
function methodOf(label: string, c: { alpha: number; k: number; gamma: number; alphaSweep: number[]; kSweep: number[] }): GuidanceMethod {
  const all: GuidanceMethod[] = [
    ...METHODS.map((m) => mainMethod(m, c)),
    ...c.alphaSweep.map((alpha): GuidanceMethod => ({ kind: 'heuristic', alpha })),
    ...c.kSweep.map((k): GuidanceMethod => ({ kind: 'rec2inf', k })),
  ];
  const m = all.find((x) => methodLabel(x) === label);
  if (!m) throw new ConfigError('methods', `unknown guidance method "${label}"`);
  return m;
}

type Cfg = { ks: number[]; rounds: number; alpha: number; k: number; targets: number; users: number; items: number };

/** Report sections: the K table, the official variants, the IoI–HR plane with the dominance check, speed. */
function ipgSections(summary: Summary, records: CellRecord[], c: Cfg): ReportSection[] {
  const models = summaryModels(summary);
  const R = c.rounds;
  const cell = (m: string, metric: string) => fmtRow(findRow(summary, m, metric), 4);
  const mean = (m: string, metric: string) => findRow(summary, m, metric)?.mean ?? NaN;
  const kTable: Table = {
    header: ['method', ...c.ks.map((K) => `IoI@${K}`), ...c.ks.map((K) => `HR@${K}`)],
    rows: models.map((m) => [m, ...c.ks.map((K) => cell(m, `IoI@${K}`)), ...c.ks.map((K) => cell(m, `HR@${K}`))]),
    caption: `mean ± std over seeds; IoI@K = mean true-affinity gain after K rounds, HR@K = click rate over the first K rounds (${c.targets} targets × ${c.users} users per seed)`,
  };
  const offTable: Table = {
    header: ['method', ...c.ks.map((K) => `IoI@${K} (official)`), ...c.ks.filter((K) => K <= c.targets).map((K) => `HR@${K} (official)`)],
    rows: models.map((m) => [m, ...c.ks.map((K) => cell(m, `IoI@${K} (official)`)), ...c.ks.filter((K) => K <= c.targets).map((K) => cell(m, `HR@${K} (official)`))]),
    caption: 'the released code\'s measurements: IoI after K−1 rounds; HR = the full-episode click rate averaged over the first K targets (not the paper\'s definition)',
  };
  // IoI–HR plane at K = rounds
  const ioi = `IoI@${R}`;
  const hr = `HR@${R}`;
  const point = (m: string, label?: string) => {
    const x = findRow(summary, m, hr);
    const y = findRow(summary, m, ioi);
    return x && y ? [{ x: x.mean, y: y.mean, xError: x.std || undefined, yError: y.std || undefined, label }] : [];
  };
  const sweep = (prefix: string, param: string) =>
    models
      .filter((m) => m.startsWith(`${prefix}(`))
      .map((m) => ({ m, v: Number(m.slice(prefix.length + param.length + 2, -1)) }))
      .sort((a, b) => a.v - b.v)
      .flatMap(({ m, v }) => point(m, `${param}=${v}`));
  const series: ScatterSeries[] = [
    { name: 'IPG:cos', points: point('IPG:cos') },
    { name: 'IPG', points: point('IPG') },
    { name: 'SASRec', points: point('SASRec') },
    { name: 'Heuristic (α sweep)', points: sweep('Heuristic', 'α'), line: true },
    { name: 'rec2inf (k sweep)', points: sweep('rec2inf', 'k'), line: true },
    { name: 'Random', points: point('Random') },
  ].filter((s) => s.points.length > 0);
  const chart = scatterChart({ title: `IoI@${R} vs HR@${R} (mean over seeds, bars ± std)`, xLabel: `HR@${R}`, yLabel: `IoI@${R}`, series, width: 640, height: 400 });
  const text: string[] = [];
  const ipgCos = { x: mean('IPG:cos', hr), y: mean('IPG:cos', ioi) };
  if (Number.isFinite(ipgCos.y)) {
    const baselines = models.filter((m) => !m.startsWith('IPG'));
    const dominating = baselines.filter((m) => mean(m, ioi) >= ipgCos.y && mean(m, hr) >= ipgCos.x);
    text.push(
      dominating.length === 0
        ? `- No baseline point (α and k swept) dominates IPG:cos on the IoI@${R}–HR@${R} plane (none has both a higher IoI and a higher HR).`
        : `- Baseline points dominating IPG:cos (IoI and HR both ≥): ${dominating.join(', ')}.`,
    );
    const cmp = (a: string, b: string) => {
      const ya = mean(a, ioi);
      const yb = mean(b, ioi);
      if (!Number.isFinite(ya) || !Number.isFinite(yb)) return;
      text.push(`- ${a} ${ya > yb ? 'above' : 'NOT above'} ${b} on ${ioi}: ${ya.toFixed(4)} vs ${yb.toFixed(4)}.`);
    };
    cmp('IPG:cos', `rec2inf(k=${c.k})`);
    cmp('IPG:cos', `Heuristic(α=${c.alpha})`);
    cmp('IPG', 'SASRec');
    cmp('IPG', `rec2inf(k=${c.k})`);
    cmp('IPG', `Heuristic(α=${c.alpha})`);
  }
  // speed: per method, and the per-seed backbone
  const speed: Table = {
    header: ['method', 'eval_s (all targets)', 'eval_s (cpu)', 'histories encoded', 'seeds'],
    rows: models.map((m) => [m, cell(m, 'eval_s'), cell(m, 'eval_s (cpu)'), fmtRow(findRow(summary, m, 'encoded'), 0), String(findRow(summary, m, 'eval_s')?.n ?? 0)]),
    caption: 'eval_s: wall seconds of one method over all targets and rounds of a seed; eval_s (cpu): the process\'s CPU seconds over the same span (all threads; less sensitive to other load on the shared machine). Round-1 vectors are computed once per seed (encode all_s below).',
  };
  const bySeed = new Map<number, Record<string, unknown>>();
  for (const r of records) if (!bySeed.has(r.seed) && r.info?.backbone) bySeed.set(r.seed, r.info.backbone as Record<string, unknown>);
  const num2 = (v: unknown, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '—');
  const backbone: Table = {
    header: ['seed', 'clicks/user', 'no clicks', 'log_s', 'train_s', 'epochs run', 'best epoch', 'valid NDCG@10', 'encode all_s'],
    rows: [...bySeed.entries()].sort((a, b) => a[0] - b[0]).map(([s, b]) => [String(s), num2(b.clicksPerUser, 2), num2(b.usersWithoutClicks, 0), num2(b.log_s), num2(b.train_s), num2(b.epochsRun, 0), num2(b.bestEpoch, 0), num2(b.validNDCG10, 4), num2(b.encode_s)]),
  };
  return [
    { title: 'IoI@K and HR@K', tables: [kTable] },
    { title: 'IoI–HR plane', text, charts: [chart] },
    { title: 'Released-code variants (labelled)', tables: [offTable] },
    { title: 'Speed', tables: [speed, backbone] },
  ];
}
