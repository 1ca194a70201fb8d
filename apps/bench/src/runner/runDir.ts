/**
 * Run directories `<out>/<experiment>/<run-id>/`: new ids, finding the run to resume, and checking that a
 * resumed run has the same config.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, UsageError } from '../errors.js';

/** A new run id from the current time: `20261123-074512`. */
export function newRunId(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/** Checks a user-given run id is a plain directory name. */
export function checkRunId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) {
    throw new UsageError(`--run-id "${id}": use letters, digits, '.', '_' and '-' only (it names a directory)`);
  }
  return id;
}

/** The most recently started run of an experiment under `outDir` (by its config.json time), if any. */
export function latestRun(outDir: string, experiment: string): string | undefined {
  const dir = path.join(outDir, experiment);
  if (!fs.existsSync(dir)) return undefined;
  let best: { id: string; t: number } | undefined;
  for (const id of fs.readdirSync(dir)) {
    const cfg = path.join(dir, id, 'config.json');
    if (!fs.existsSync(cfg)) continue;
    const t = fs.statSync(cfg).mtimeMs;
    if (!best || t > best.t) best = { id, t };
  }
  return best?.id;
}

/** The stored `config.json` of a run. */
export interface StoredRunConfig {
  experiment: string;
  runId: string;
  backend: string;
  config: Record<string, unknown>;
  [k: string]: unknown;
}

/** Reads a run's config.json. */
export function readRunConfig(runDir: string): StoredRunConfig | undefined {
  const file = path.join(runDir, 'config.json');
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StoredRunConfig;
}

/** Items of a list setting: an array, or a comma-separated string (`'0,0.3,1'`). */
function listItems(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.split(',').map((x) => x.trim()).filter(Boolean);
  return undefined;
}

/** How a resumed run grows: the list settings that gained items (`models` among them). */
export interface RunGrowth {
  /** Models added to `models`. */
  modelsAdded: string[];
  /** Every grown list setting, with its stored and new value. */
  grown: Record<string, { from: unknown; to: unknown }>;
}

/**
 * Throws a {@link ConfigError} naming the first key whose value differs between the stored run and the
 * resumed one (a resumed run must use the same settings, or its cells would not be comparable). A key the
 * stored run does not have (a setting added after it was made) passes when it is at its default in
 * `defaults`: a new setting's default keeps the old behaviour. `models`, and the list settings named in
 * `growable` (settings that only choose which cells run, such as a sweep's values), may grow: every stored
 * item kept, every other setting equal; the run then gains the new items' cells. Returns what grew.
 */
export function checkSameConfig(
  stored: StoredRunConfig,
  config: Record<string, unknown>,
  backend: string,
  defaults: Record<string, unknown> = {},
  growable: readonly string[] = [],
): RunGrowth {
  const keys = new Set([...Object.keys(stored.config), ...Object.keys(config)]);
  const out: RunGrowth = { modelsAdded: [], grown: {} };
  for (const k of keys) {
    const a = JSON.stringify(stored.config[k]);
    const b = JSON.stringify(config[k]);
    if (a === b) continue;
    const newAtDefault = !(k in stored.config) && k in defaults && b === JSON.stringify(defaults[k]);
    if (newAtDefault) continue;
    // a list setting added after the run was made stood at its default there
    const from = k in stored.config ? stored.config[k] : defaults[k];
    const was = listItems(from);
    const now = listItems(config[k]);
    if ((k === 'models' || growable.includes(k)) && was && now && was.every((m) => now.includes(m))) {
      if (now.every((m) => was.includes(m))) continue; // the same items, written another way ('DIN' for ['DIN'])
      out.grown[k] = { from, to: config[k] };
      if (k === 'models') out.modelsAdded = now.filter((m) => !was.includes(m));
      continue;
    }
    const grow = k === 'models' || growable.includes(k) ? ' (it may only gain items on a resume)' : '';
    throw new ConfigError(k, `is ${b ?? 'unset'} but the run being resumed (${stored.runId}) used ${a ?? 'unset'}${grow}; pass the same settings or start a new run`);
  }
  if (stored.backend !== backend) {
    throw new UsageError(`--resume: the run ${stored.runId} used backend ${stored.backend}, this one ${backend}; pass --backend ${stored.backend}`);
  }
  return out;
}
