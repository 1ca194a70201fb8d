import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

/** A fresh hidden sibling path of `target` (same directory, hence the same file system, so rename is atomic). */
function siblingPath(target: string, tag: string): string {
  const abs = path.resolve(target);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Writes a directory atomically: `fill` writes the files into a temporary sibling directory, which then
 * replaces `dir` by rename. When `fill` (or anything before the swap) fails, the temporary directory is
 * removed and `dir` is left exactly as it was, so a reader never sees a half-written directory.
 *
 * An existing `dir` is first renamed aside, then the new one is renamed in, then the old one is removed:
 * a crash between the two renames leaves the complete old copy as a hidden `.<name>.old-*` sibling, never a
 * partial one.
 *
 * @param dir - the directory to create or replace (its parent is created if missing).
 * @param fill - writes the contents into the given temporary directory.
 */
export async function writeDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const target = path.resolve(dir);
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const tmp = siblingPath(target, 'tmp');
  await fsp.mkdir(tmp);
  try {
    await fill(tmp);
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  let old: string | null = null;
  try {
    if (await exists(target)) {
      old = siblingPath(target, 'old');
      await fsp.rename(target, old);
    }
    await fsp.rename(tmp, target);
  } catch (e) {
    // Put the old copy back if it was moved aside and the new one did not land.
    if (old !== null && !(await exists(target))) await fsp.rename(old, target).catch(() => undefined);
    await fsp.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  if (old !== null) await fsp.rm(old, { recursive: true, force: true });
}

/**
 * Writes a file atomically: the data goes to a temporary sibling file, which is flushed to disk and then
 * renamed over `file`. On failure the temporary file is removed and `file` is untouched.
 *
 * @param file - the file to create or replace (its directory is created if missing).
 * @param data - the contents.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const target = path.resolve(file);
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const tmp = siblingPath(target, 'tmp');
  try {
    const fh = await fsp.open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, target);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}
