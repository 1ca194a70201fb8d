/**
 * Helpers for the data layer's own tests (temporary files, the shared data directory, catching errors).
 * Not part of the public API and free of test-framework imports.
 * @internal
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (`packages/core/src/data` → four levels up). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** `../shared/data` relative to the repository root, or `null` when it does not exist. */
export function sharedDataDir(): string | null {
  const dir = path.resolve(REPO_ROOT, '../shared/data');
  return fs.existsSync(dir) ? dir : null;
}

/** A fresh temporary directory. */
export function tmpDir(prefix = 'recsuite-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `content` to `dir/name` and returns the path. */
export function writeTmp(dir: string, name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

/** The error thrown by `fn` (sync or async), or `undefined` if it did not throw. */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
