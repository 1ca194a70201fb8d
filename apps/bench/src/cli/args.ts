/**
 * Command-line parsing for `pnpm bench`: `[experiment|list|help] [flags]`. Unknown flags and malformed
 * values are a {@link UsageError} (one line, exit code 2).
 * @module
 */
import type { BackendName } from '@recsuite/core';
import { closest } from '../config/resolve.js';
import { UsageError } from '../errors.js';

/** Parsed command line. */
export interface CliArgs {
  /** `list`, `help`, or an experiment name (default `default`). */
  command: string;
  help: boolean;
  dataDir?: string;
  dataset?: string;
  backend?: BackendName;
  seeds?: number;
  /** `--only-seeds LIST`: run only these seeds' cells (another process may run the others in the same run). */
  onlySeeds?: number[];
  /** `--only-models LIST`: run only these models' cells (names as in results.jsonl), the same way. */
  onlyModels?: string[];
  epochs?: number;
  out?: string;
  resume: boolean;
  runId?: string;
  /** `--set key=value` pairs, in order. */
  set: Array<[string, string]>;
  /** `--config FILE`. */
  configFile?: string;
  /** Hidden: stop after this many new cells (tests of --resume). */
  maxCells?: number;
  /** `--plain`: plain progress lines even on a terminal. */
  plain: boolean;
  /** `--workers N`: processes sharing the run's cells (this one and N − 1 started beside it). */
  workers?: number;
  /** `--status`: print where the run stands (no training). */
  status: boolean;
  /** `--report`: rewrite the run's reports from its finished cells (no training; implies `--resume`). */
  report: boolean;
}

/** Flags taking a value, and the boolean ones. */
const VALUE_FLAGS = ['--data-dir', '--dataset', '--backend', '--seeds', '--only-seeds', '--only-models', '--epochs', '--out', '--run-id', '--set', '--config', '--max-cells', '--workers'] as const;
const BOOL_FLAGS = ['--resume', '--help', '-h', '--plain', '--status', '--report'] as const;
const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

function positiveInt(flag: string, v: string): number {
  if (!/^[0-9]+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} expects a positive integer, got "${v}"`);
  return Number(v);
}

/**
 * Parses `argv` (without `node` and the script).
 * @param argv - arguments.
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const out: CliArgs = { command: 'default', help: false, resume: false, set: [], plain: false, status: false, report: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (a === '--') continue;
    if (!a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if ((BOOL_FLAGS as readonly string[]).includes(a)) {
      if (value !== undefined) throw new UsageError(`${a} takes no value`);
      if (a === '--resume') out.resume = true;
      else if (a === '--plain') out.plain = true;
      else if (a === '--status') out.status = true;
      else if (a === '--report') out.report = out.resume = true;
      else out.help = true;
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(a)) {
      const near = closest(a, [...VALUE_FLAGS, ...BOOL_FLAGS].filter((f) => f !== '--max-cells'));
      throw new UsageError(`unknown option ${a}${near ? ` (did you mean ${near}?)` : ''}; see pnpm bench --help`);
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(`${a} expects a value`);
    }
    switch (a) {
      case '--data-dir':
        out.dataDir = value;
        break;
      case '--dataset':
        out.dataset = value;
        break;
      case '--backend':
        if (!(BACKENDS as readonly string[]).includes(value)) throw new UsageError(`--backend expects one of ${BACKENDS.join(', ')}, got "${value}"`);
        out.backend = value as BackendName;
        break;
      case '--seeds':
        out.seeds = positiveInt(a, value);
        break;
      case '--only-seeds': {
        const list = value.split(',').map((x) => x.trim());
        if (list.length === 0 || list.some((x) => !/^[0-9]+$/.test(x))) throw new UsageError(`--only-seeds expects comma-separated seed numbers (0-based), got "${value}"`);
        out.onlySeeds = [...new Set(list.map(Number))];
        break;
      }
      case '--only-models': {
        const list = value.split(',').map((x) => x.trim()).filter(Boolean);
        if (list.length === 0) throw new UsageError(`--only-models expects comma-separated model names, got "${value}"`);
        out.onlyModels = [...new Set(list)];
        break;
      }
      case '--epochs':
        out.epochs = positiveInt(a, value);
        break;
      case '--max-cells':
        out.maxCells = positiveInt(a, value);
        break;
      case '--workers':
        out.workers = positiveInt(a, value);
        break;
      case '--out':
        out.out = value;
        break;
      case '--run-id':
        out.runId = value;
        break;
      case '--config':
        out.configFile = value;
        break;
      case '--set': {
        const k = value.indexOf('=');
        if (k <= 0) throw new UsageError(`--set expects key=value, got "${value}"`);
        out.set.push([value.slice(0, k).trim(), value.slice(k + 1)]);
        break;
      }
    }
  }
  if (positional.length > 1) throw new UsageError(`expected at most one experiment name, got ${positional.map((p) => `"${p}"`).join(' ')}`);
  if (positional.length === 1) out.command = positional[0];
  if (out.command === 'help') out.help = true;
  return out;
}
