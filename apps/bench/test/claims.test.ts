import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimCell, claimFile, othersAtWork, tidyClaims } from '../src/runner/claims.js';
import { tmpDir } from './helpers.js';

/** The pid of a process that has already exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

describe('cell claims (several processes on one run)', () => {
  it('a claim is exclusive while its process lives, and released by its release function', () => {
    const dir = tmpDir();
    const release = claimCell(dir, 'SASRec|0|');
    expect(release).toBeTypeOf('function');
    expect(JSON.parse(fs.readFileSync(claimFile(dir, 'SASRec|0|'), 'utf8')).pid).toBe(process.pid);
    expect(claimCell(dir, 'SASRec|0|')).toBeUndefined(); // held by a live process (this one)
    expect(claimCell(dir, 'SASRec|1|')).toBeTypeOf('function'); // another cell is free
    release!();
    expect(fs.existsSync(claimFile(dir, 'SASRec|0|'))).toBe(false);
    expect(claimCell(dir, 'SASRec|0|')).toBeTypeOf('function');
  });

  it("takes over a claim whose process has exited, or that cannot be read; respects another host's", () => {
    const dir = tmpDir();
    const file = claimFile(dir, 'a|0|');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), host: os.hostname(), at: '' }));
    expect(claimCell(dir, 'a|0|')).toBeTypeOf('function');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).pid).toBe(process.pid);

    const half = claimFile(dir, 'b|0|');
    fs.writeFileSync(half, '{"pid": 12');
    expect(claimCell(dir, 'b|0|')).toBeTypeOf('function');

    const remote = claimFile(dir, 'c|0|');
    fs.writeFileSync(remote, JSON.stringify({ pid: deadPid(), host: 'another-machine', at: '' }));
    expect(claimCell(dir, 'c|0|')).toBeUndefined();
  });

  it("othersAtWork counts other live processes' claims only", () => {
    const dir = tmpDir();
    expect(othersAtWork(dir)).toBe(0);
    const mine = claimCell(dir, 'm|0|')!;
    expect(othersAtWork(dir)).toBe(0); // this process's own claim
    fs.writeFileSync(claimFile(dir, 'dead|0|'), JSON.stringify({ pid: deadPid(), host: os.hostname(), at: '' }));
    expect(othersAtWork(dir)).toBe(0);
    fs.writeFileSync(claimFile(dir, 'live|0|'), JSON.stringify({ pid: process.ppid, host: os.hostname(), at: '' }));
    expect(othersAtWork(dir)).toBe(1);
    mine();
  });

  it('tidyClaims removes the directory only once it is empty', () => {
    const dir = tmpDir();
    const release = claimCell(dir, 'x|0|')!;
    tidyClaims(dir);
    expect(fs.existsSync(path.join(dir, '.claims'))).toBe(true);
    release();
    tidyClaims(dir);
    expect(fs.existsSync(path.join(dir, '.claims'))).toBe(false);
  });
});
