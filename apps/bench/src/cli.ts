/**
 * `pnpm bench [experiment] [options]`: runs a benchmark experiment and prints its results table.
 * Usage errors, bad config and missing data are one line on stderr with exit code 2, before any
 * training; Ctrl-C keeps finished cells (exit code 130) and `--resume` continues.
 * @module
 */
import { parseArgs, type CliArgs } from './cli/args.js';
import { experimentHelp, listLines, usage } from './cli/help.js';
import { closest, configFileLayer, type ConfigLayer } from './config/resolve.js';
import { BenchError, CellFailedError, UsageError } from './errors.js';
import type { AnyExperiment } from './experiment.js';
import { userPath } from './paths.js';
import path from 'node:path';

/** Finds an experiment by name, or throws a usage error listing the names. */
export function findExperiment(name: string, experiments: readonly AnyExperiment[]): AnyExperiment {
  const e = experiments.find((x) => x.name === name);
  if (e) return e;
  const near = closest(name, experiments.map((x) => x.name));
  throw new UsageError(`unknown experiment "${name}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${experiments.map((x) => x.name).join(', ')}`);
}

/** The config layers the command line gives, in precedence order. */
export function cliLayers(exp: AnyExperiment, args: CliArgs): ConfigLayer[] {
  const layers: ConfigLayer[] = [];
  if (args.configFile) layers.push(configFileLayer(userPath(args.configFile)));
  if (args.set.length) layers.push({ source: '--set', values: Object.fromEntries(args.set), text: true });
  const flags: Record<string, string> = {};
  for (const [flag, key, v] of [
    ['--seeds', 'seeds', args.seeds],
    ['--epochs', 'epochs', args.epochs],
    ['--dataset', 'dataset', args.dataset === undefined ? undefined : userPath(args.dataset)],
  ] as const) {
    if (v === undefined) continue;
    if (!(key in exp.schema)) throw new UsageError(`experiment "${exp.name}" has no "${key}" setting, so ${flag} does not apply`);
    flags[key] = String(v);
  }
  if (Object.keys(flags).length) layers.push({ source: 'the command line', values: flags, text: true });
  return layers;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv); // flag errors before loading any experiment (and TensorFlow.js)
  const { EXPERIMENTS } = await import('./experiments/index.js');
  const { planRun, runExperiment } = await import('./runner/run.js');
  const { resultsTable } = await import('./report/sections.js');
  const { tableToText } = await import('./report/table.js');
  if (args.command === 'list') {
    process.stdout.write(`${listLines(EXPERIMENTS).join('\n')}\n`);
    return 0;
  }
  if (args.help && (args.command === 'help' || !argv.some((a) => !a.startsWith('-')))) {
    process.stdout.write(usage());
    return 0;
  }
  const exp = findExperiment(args.command, EXPERIMENTS);
  if (args.help) {
    process.stdout.write(experimentHelp(exp));
    return 0;
  }
  if (args.status) {
    const { runStatus, statusLines } = await import('./runner/status.js');
    const { DEFAULT_OUT_DIR } = await import('./paths.js');
    const s = runStatus(args.out === undefined ? DEFAULT_OUT_DIR : userPath(args.out), exp.name, args.runId);
    process.stdout.write(`${statusLines(s).join('\n')}\n`);
    return 0;
  }
  const opts = {
    layers: cliLayers(exp, args),
    dataDir: args.dataDir,
    backend: args.backend,
    outDir: args.out === undefined ? undefined : userPath(args.out),
    resume: args.resume,
    runId: args.runId,
    maxCells: args.maxCells,
    onlySeeds: args.onlySeeds,
    onlyModels: args.onlyModels,
    tty: args.plain ? false : undefined,
    command: `pnpm bench ${argv.join(' ')}`.trim(),
    reportOnly: args.report,
  };
  const plan = planRun(exp, opts);
  const { startWorkers } = await import('./runner/workers.js');
  const workers: Awaited<ReturnType<typeof startWorkers>> = [];
  const onReady = ({ runDir, runId }: { runDir: string; runId: string }) => {
    if ((args.workers ?? 1) < 2 || args.report) return; // a report-only pass trains nothing to share
    workers.push(...startWorkers(args.workers! - 1, argv, runDir, runId));
    process.stderr.write(`${workers.length} more worker(s) share run ${runId}; their logs: ${path.join(runDir, '.workers')}\n`);
  };

  const ctrl = new AbortController();
  let hits = 0;
  const onSigint = () => {
    hits++;
    if (hits > 1) process.exit(130);
    process.stderr.write('\nstopping: the running cell is discarded, finished cells are kept (Ctrl-C again to quit now)\n');
    ctrl.abort();
    for (const w of workers) w.child.kill('SIGINT');
  };
  process.on('SIGINT', onSigint);
  try {
    let out;
    try {
      out = await runExperiment(plan, { ...opts, signal: ctrl.signal, onReady });
    } catch (e) {
      // this process failed: stop the others (their finished cells stay) before reporting the error
      for (const w of workers) w.child.kill('SIGINT');
      await Promise.all(workers.map((w) => w.exit));
      throw e;
    }
    if (workers.length) {
      // the report of the whole run, once every worker is done
      const codes = await Promise.all(workers.map((w) => w.exit));
      workers.forEach((w, k) => {
        if (codes[k] !== 0 && codes[k] !== 130) process.stderr.write(`worker ${w.index} failed (exit code ${codes[k]}); see ${w.log}\n`);
      });
      out = { ...(await runExperiment(plan, { ...opts, resume: true, runId: out.runId, quiet: true, reportOnly: true })), interrupted: out.interrupted || codes.includes(130) };
    }
    process.stdout.write(`\n${exp.name} on ${out.summary.dataset} (${out.summary.backend}): ${out.summary.protocol}\n`);
    process.stdout.write(`${tableToText(resultsTable(out.summary, exp.display))}\n`);
    const rel0 = path.relative(process.env.INIT_CWD ?? process.cwd(), out.runDir) || '.';
    const rel = rel0.startsWith('..') ? out.runDir : rel0;
    process.stdout.write(`report: ${path.join(rel, 'report.md')} · ${path.join(rel, 'report.html')}\n`);
    if (!out.complete && (args.onlySeeds || args.onlyModels) && out.ownComplete) {
      const asked = [args.onlySeeds && `seed${args.onlySeeds.length > 1 ? 's' : ''} ${args.onlySeeds.join(', ')}`, args.onlyModels && `model${args.onlyModels.length > 1 ? 's' : ''} ${args.onlyModels.join(', ')}`].filter(Boolean).join(' of ');
      process.stderr.write(`${asked} finished (${out.cellsDone}/${out.cellsTotal} cells of the run so far); the other cells: pnpm bench ${exp.name} --resume --run-id ${out.runId}${args.out ? ` --out ${args.out}` : ''}\n`);
      return 0;
    }
    if (args.report) {
      if (!out.complete) process.stderr.write(`report of ${out.cellsDone}/${out.cellsTotal} cells (the rest unfinished)\n`);
      return 0;
    }
    if (!out.complete && !out.interrupted && out.heldElsewhere > 0 && out.cellsDone + out.heldElsewhere === out.cellsTotal) {
      process.stderr.write(`${out.heldElsewhere} cell(s) still running in other processes on run ${out.runId}; the last to finish writes the complete report\n`);
      return 0;
    }
    if (!out.complete) {
      process.stderr.write(`stopped after ${out.cellsDone}/${out.cellsTotal} cells; continue with: pnpm bench ${exp.name} --resume --run-id ${out.runId}${args.out ? ` --out ${args.out}` : ''}\n`);
      return out.interrupted ? 130 : 1;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof BenchError) {
        process.stderr.write(`bench: ${err.message}\n`);
        process.exit(err.exitCode);
      }
      if (err instanceof CellFailedError) {
        const cause = err.cause as Error | undefined;
        process.stderr.write(`bench: ${err.message}\nfinished cells are kept; after a fix, continue with --resume\n${cause?.stack ?? ''}\n`);
        process.exit(1);
      }
      const e = err as Error & { file?: string };
      // Data errors from core name the file, line and field; print them as one line too.
      if (e && typeof e.message === 'string' && /DataFormatError|DataFileNotFoundError/.test(e.name ?? '')) {
        process.stderr.write(`bench: ${e.message.split('\n')[0]}\n`);
        process.exit(2);
      }
      process.stderr.write(`bench: unexpected error: ${e?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
