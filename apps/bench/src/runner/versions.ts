/**
 * Versions recorded in `config.json` and the reports: the workspace packages, TensorFlow.js, Node.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths.js';

function pkgVersion(dir: string): string | undefined {
  try {
    const p = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8')) as { version?: string };
    return p.version;
  } catch {
    return undefined;
  }
}

/** Versions of everything that can change a result. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, dir] of [
    ['@recsuite/bench', 'apps/bench'],
    ['@recsuite/core', 'packages/core'],
    ['@recsuite/baselines', 'packages/baselines'],
    ['@recsuite/iacn', 'packages/iacn'],
    ['@recsuite/i2vae', 'packages/i2vae'],
    ['@recsuite/irl4rec', 'packages/irl4rec'],
    ['@recsuite/casm', 'packages/casm'],
    ['@recsuite/ipg', 'packages/ipg'],
  ] as const) {
    const v = pkgVersion(dir);
    if (v) out[name] = v;
  }
  out['@tensorflow/tfjs-core'] = tf.version_core;
  out.node = process.version;
  return out;
}
