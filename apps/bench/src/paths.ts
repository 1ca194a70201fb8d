/**
 * Where things are: the repository root, the default data directory (`<repo>/../shared/data`, or
 * `RECSUITE_DATA_DIR`) and the default output directory (`<repo>/bench-out`).
 * @module
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (three levels above this file: apps/bench/src). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The bench app's directory. */
export const BENCH_DIR = path.join(REPO_ROOT, 'apps/bench');

/**
 * The data directory and where it came from: the `--data-dir` flag, then `RECSUITE_DATA_DIR`, then
 * `<repo>/../shared/data`.
 * @param flag - the `--data-dir` value, if given.
 */
export function dataDir(flag?: string): { dir: string; source: string } {
  if (flag !== undefined) return { dir: userPath(flag), source: '--data-dir' };
  const env = process.env.RECSUITE_DATA_DIR?.trim();
  if (env) return { dir: path.resolve(env), source: 'RECSUITE_DATA_DIR' };
  return { dir: path.resolve(REPO_ROOT, '../shared/data'), source: 'the default <repo>/../shared/data' };
}

/**
 * A path the user typed, resolved against the directory they typed it in: `pnpm bench` runs the script
 * from the repository root, and records the caller's directory in `INIT_CWD`.
 */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** Default output directory: `<repo>/bench-out`. */
export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, 'bench-out');
