/**
 * Data-layer benchmark: load times of ml-100k and Beauty (target < 1 s each), then a synthetic ~1 GB
 * sequence file generated in os.tmpdir(), loaded in a separate process so its peak RSS is its own
 * (target: well under the file size), and deleted afterwards.
 *
 *   cd packages/core && node --conditions=recsuite-source --import tsx scripts/bench-data.ts
 *     [--data-dir DIR] [--size-mb 1024] [--runs 5] [--keep]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/tensor/rng.js';
import { loadAtomic } from '../src/data/loaders/atomic.js';
import { loadItemAttributes } from '../src/data/loaders/itemAttributes.js';
import { loadSequenceFile, scanSequenceFile } from '../src/data/loaders/sequenceFile.js';
import { loadCrossDomainCsv } from '../src/data/loaders/crossDomainCsv.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

function arg(name: string, fallback?: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : fallback;
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const ms = (x: number) => `${x.toFixed(0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall-clock and CPU (user + system) milliseconds of `f`. The machine may be shared: CPU time is the steadier figure. */
async function time<T>(f: () => Promise<T>): Promise<[number, T, number]> {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await f();
  const dc = process.cpuUsage(c);
  return [performance.now() - t, r, (dc.user + dc.system) / 1000];
}

/** Child mode: load (or scan) one file and print JSON with the peak RSS of this process. */
async function child(mode: string, file: string): Promise<void> {
  const t = performance.now();
  const c0 = process.cpuUsage();
  let info: Record<string, number> = {};
  if (mode === 'load') {
    const d = await loadSequenceFile(file);
    info = { users: d.numUsers, items: d.numItems, interactions: d.numInteractions, storeBytes: d.store.byteLength };
  } else {
    let users = 0;
    let interactions = 0;
    await scanSequenceFile(file, (_u, items) => {
      users++;
      interactions += items.length;
    });
    info = { users, interactions };
  }
  const seconds = (performance.now() - t) / 1000;
  const cu = process.cpuUsage(c0);
  const cpuSeconds = (cu.user + cu.system) / 1e6;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ mode, seconds, cpuSeconds, peakRssBytes, ...info }) + '\n');
}

/** Generator state for {@link fillChunk}. */
interface GenState {
  rng: Rng;
  digits: Uint8Array[];
  user: number;
}

const NUM_ITEMS = 50_000;

/**
 * Fills `buf` with whole lines `user i1 i2 …` (lengths 5–100, mostly nearby ids as in sessions) until it is
 * nearly full; returns the number of bytes written. Synchronous, all locals: the hot loop of the generator.
 */
function fillChunk(st: GenState, buf: Uint8Array, limit: number): number {
  const { rng, digits } = st;
  let p = 0;
  while (p < limit) {
    const u = String(++st.user);
    for (let j = 0; j < u.length; j++) buf[p++] = u.charCodeAt(j);
    const n = 5 + rng.int(96);
    let prev = 1 + rng.int(NUM_ITEMS);
    for (let k = 0; k < n; k++) {
      // One 32-bit draw per id: low 10 bits pick nearby (70%) or anywhere, the high 22 bits the step or id.
      const r = rng.nextU32();
      prev = (r & 1023) < 717 ? 1 + ((prev + ((r >>> 10) % 50)) % NUM_ITEMS) : 1 + ((r >>> 10) % NUM_ITEMS);
      buf[p++] = 32;
      const d = digits[prev];
      for (let j = 0; j < d.length; j++) buf[p++] = d[j];
    }
    buf[p++] = 10;
  }
  return p;
}

/** Writes a Beauty-like sequence file of about `bytes` bytes (50,000 items), streaming 4 MB chunks. */
async function generate(file: string, bytes: number, seed: number): Promise<{ bytes: number; users: number }> {
  const st: GenState = {
    rng: new Rng(seed),
    digits: Array.from({ length: NUM_ITEMS + 1 }, (_, k) => Uint8Array.from(String(k), (c) => c.charCodeAt(0))),
    user: 0,
  };
  const out = fs.createWriteStream(file);
  const CHUNK = 1 << 22;
  let written = 0;
  while (written < bytes) {
    const buf = Buffer.allocUnsafe(CHUNK + 8192);
    const n = fillChunk(st, buf, Math.min(CHUNK, bytes - written));
    written += n;
    if (!out.write(buf.subarray(0, n))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  return { bytes: written, users: st.user };
}

function runChild(mode: string, file: string): Record<string, number> {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', mode, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  const childMode = arg('child');
  if (childMode) return child(childMode, process.argv[process.argv.indexOf('--child') + 2]);

  const dataDir = arg('data-dir', process.env.RECSUITE_DATA_DIR ?? path.resolve(repoRoot, '../shared/data'))!;
  const runs = Number(arg('runs', '5'));
  const sizeMb = Number(arg('size-mb', '1024'));
  console.log(`# recsuite data benchmark — node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);

  if (runs > 0 && fs.existsSync(dataDir)) {
    const ml = path.join(dataDir, 'ml-100k', 'ml-100k');
    const beauty = path.join(dataDir, 'amazon-beauty');
    const cs = path.join(dataDir, 'amazon-cloth-sport');
    const cases: [string, () => Promise<unknown>][] = [
      ['ml-100k (.inter + .item + .user)', () => loadAtomic(ml)],
      ['Beauty.txt', () => loadSequenceFile(path.join(beauty, 'Beauty.txt'))],
      [
        'Beauty.txt + item2attributes.json',
        async () => {
          const d = await loadSequenceFile(path.join(beauty, 'Beauty.txt'));
          return loadItemAttributes(path.join(beauty, 'Beauty_item2attributes.json'), { items: d.items });
        },
      ],
      ['cloth_sport_train.csv (csv-parse)', () => loadCrossDomainCsv(path.join(cs, 'cloth_sport_train.csv'))],
    ];
    console.log(`\n## Real datasets (${dataDir}); first run, then median of ${runs} (wall / CPU)`);
    for (const [name, f] of cases) {
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r <= runs; r++) {
        const [w, , c] = await time(f);
        wall.push(w);
        cpu.push(c);
      }
      console.log(
        `${name.padEnd(38)} first ${ms(wall[0]).padStart(8)} / ${ms(cpu[0]).padStart(8)}   median ${ms(median(wall.slice(1))).padStart(8)} / ${ms(median(cpu.slice(1))).padStart(8)}`,
      );
    }
  } else {
    console.log(`\n(real datasets skipped: ${runs > 0 ? `${dataDir} does not exist` : '--runs 0'})`);
  }

  const file = path.join(os.tmpdir(), `recsuite-bench-${process.pid}.txt`);
  if (sizeMb <= 0) return;
  const need = sizeMb * 2 ** 20;
  const free = (() => {
    try {
      const s = fs.statfsSync(os.tmpdir());
      return s.bavail * s.bsize;
    } catch {
      return Infinity;
    }
  })();
  if (free < need * 1.1) {
    console.log(`\n(synthetic file skipped: ${mb(free)} MB free in ${os.tmpdir()}, need ${mb(need * 1.1)} MB)`);
    return;
  }
  console.log(`\n## Synthetic sequence file, ~${sizeMb} MB in ${os.tmpdir()}`);
  try {
    const [tg, g, cg] = await time(() => generate(file, need, 1));
    console.log(
      `generated ${mb(g.bytes)} MB, ${g.users.toLocaleString('en')} users in ${(tg / 1000).toFixed(1)} s wall / ${(cg / 1000).toFixed(1)} s CPU ` +
        `(generator process peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB)`,
    );
    const scan = runChild('scan', file);
    console.log(
      `scan (stream, keep nothing): ${scan.seconds.toFixed(1)} s wall / ${scan.cpuSeconds.toFixed(1)} s CPU (${(g.bytes / 2 ** 20 / scan.cpuSeconds).toFixed(0)} MB per CPU-s), ` +
        `${scan.interactions.toLocaleString('en')} interactions, peak RSS ${mb(scan.peakRssBytes)} MB`,
    );
    const load = runChild('load', file);
    console.log(
      `load (loadSequenceFile):     ${load.seconds.toFixed(1)} s wall / ${load.cpuSeconds.toFixed(1)} s CPU (${(g.bytes / 2 ** 20 / load.cpuSeconds).toFixed(0)} MB per CPU-s), ` +
        `${load.users.toLocaleString('en')} users, ${load.interactions.toLocaleString('en')} interactions, ${load.items.toLocaleString('en')} items; ` +
        `sequences held in ${mb(load.storeBytes)} MB; peak RSS ${mb(load.peakRssBytes)} MB (${((100 * load.peakRssBytes) / g.bytes).toFixed(0)}% of the file)`,
    );
  } finally {
    if (!process.argv.includes('--keep')) fs.rmSync(file, { force: true });
  }
}

await main();
