/**
 * Atomic file output: write to a temporary file in the same directory, then rename over the target, so a
 * reader (or a crash) never sees half a file.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `content` to `file` atomically (temp file + rename).
 * @param file - target path; its directory is created if needed.
 * @param content - file content.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes `value` as pretty JSON (2-space indent, trailing newline) atomically.
 * @param file - target path.
 * @param value - JSON-serialisable value.
 */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
