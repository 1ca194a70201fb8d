/**
 * Cell claims: several processes may work through one run at once (`--resume` in a second terminal). Before
 * a cell starts, its process claims it with a file `.claims/<cell>.json` created exclusively; a claim whose
 * process has exited (a crash, a kill) is stale and taken over. The claim is removed when the cell ends.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a claim file holds. */
export interface Claim {
  pid: number;
  host: string;
  at: string;
}

/** Whether process `pid` on this machine is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The claim file of the cell with key `key` in `runDir`. */
export function claimFile(runDir: string, key: string): string {
  return path.join(runDir, '.claims', `${encodeURIComponent(key)}.json`);
}

/** The training checkpoint directory of cell `key` in a run (see `CellContext.checkpointDir`). */
export function checkpointDir(runDir: string, key: string): string {
  return path.join(runDir, '.checkpoints', encodeURIComponent(key));
}

/**
 * Claims the cell `key` for this process. Returns a release function, or `undefined` when another live
 * process holds the claim. A claim left by an exited process on this host, or one that cannot be read, is
 * taken over; a claim from another host is respected (its process cannot be checked from here).
 */
export function claimCell(runDir: string, key: string): (() => void) | undefined {
  const file = claimFile(runDir, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const mine: Claim = { pid: process.pid, host: os.hostname(), at: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let held: Claim | undefined;
    try {
      held = JSON.parse(fs.readFileSync(file, 'utf8')) as Claim;
    } catch {
      held = undefined; // unreadable (half-written by a crash): stale
    }
    if (held && (held.host !== mine.host || alive(held.pid))) return undefined;
    fs.rmSync(file, { force: true });
  }
  return undefined;
}

/** Removes the run's claims and checkpoints directories when nothing is left in them (the run directory stays tidy). */
export function tidyClaims(runDir: string): void {
  try {
    fs.rmdirSync(path.join(runDir, '.checkpoints'));
  } catch {
    // not there, or a cell's checkpoint is still in it
  }
  try {
    fs.rmdirSync(path.join(runDir, '.claims'));
  } catch {
    // absent, or another process still holds a claim
  }
}

/** The claims in `runDir` held by live processes on this host (this one included), with their cell keys. */
export function liveClaims(runDir: string): Array<Claim & { key: string }> {
  const dir = path.join(runDir, '.claims');
  if (!fs.existsSync(dir)) return [];
  const out: Array<Claim & { key: string }> = [];
  for (const f of fs.readdirSync(dir)) {
    try {
      const c = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Claim;
      if (c.host === os.hostname() && alive(c.pid)) out.push({ ...c, key: decodeURIComponent(f.replace(/\.json$/, '')) });
    } catch {
      // released meanwhile, or unreadable: not a live claim
    }
  }
  return out;
}

/** Claims in `runDir` held by live processes on this host other than this one. */
export function othersAtWork(runDir: string): number {
  return liveClaims(runDir).filter((c) => c.pid !== process.pid).length;
}
