/** Shared helpers of the bench tests: temp dirs, reading run files, the tiny default config. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigLayer } from '../src/config/resolve.js';
import type { Summary } from '../src/runner/summary.js';
import { isTimingMetric } from '../src/runner/summary.js';

/** A fresh temporary directory. */
export function tmpDir(prefix = 'bench-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Reads a JSON file. */
export function readJson<T = unknown>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Summary rows without timing metrics (those differ between runs by nature). */
export function qualityRows(s: Summary): Summary['rows'] {
  return s.rows.filter((r) => !isTimingMetric(r.metric));
}

/** Tiny settings of the default experiment: seconds per cell. */
export const TINY: Record<string, string> = {
  users: '60',
  items: '30',
  minLength: '5',
  maxLength: '10',
  dim: '8',
  maxLen: '8',
  batchSize: '32',
};

/** The tiny settings as a `--set` layer, with models and epochs. */
export function tinyLayers(models: string[], epochs = 1, seeds = 2): ConfigLayer[] {
  return [{ source: '--set', text: true, values: { ...TINY, models: models.join(','), epochs: String(epochs), seeds: String(seeds) } }];
}
