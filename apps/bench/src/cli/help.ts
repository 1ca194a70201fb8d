/**
 * `--help` text and `pnpm bench list`.
 * @module
 */
import type { AnyExperiment } from '../experiment.js';

/** General usage. */
export function usage(): string {
  return `Usage: pnpm bench [experiment] [options]
       pnpm bench list                 one line per experiment
       pnpm bench <experiment> --help  the experiment's settings

Runs an experiment's (model, seed) cells, then writes config.json, results.jsonl, summary.json,
report.md and report.html to <out>/<experiment>/<run-id>/ and prints the results table.
With no experiment, runs "default" (synthetic data, no files needed).

Options:
  --data-dir DIR        data directory (default: RECSUITE_DATA_DIR, else <repo>/../shared/data)
  --dataset PATH        run the experiment on another file of the same format
  --backend NAME        tensorflow | wasm | cpu (default: tensorflow, then wasm, then cpu)
  --seeds N             number of seeds (0..N-1)
  --only-seeds LIST     run only these seeds' cells (e.g. 1,2); another process may run the other
                        seeds in the same run (--resume --run-id ID); the report includes every
                        finished cell in the run directory
  --workers N           N processes share the run's cells (each claims a cell before training it);
                        the others log to <run>/.workers/; the report includes every cell
  --only-models LIST    run only these models' cells (names as in results.jsonl), the same way
  --epochs N            maximum training epochs (validation-based model selection)
  --out DIR             output root (default: <repo>/bench-out)
  --resume              continue the latest (or --run-id) run with its stored settings (flags name
                        only what changes, e.g. more models), skipping finished cells
  --report              rewrite the latest (or --run-id) run's reports from its finished cells; no
                        training
  --status              where the latest (or --run-id) run stands: cells finished and running, time
                        left; no training
  --run-id ID           name of the run directory (default: the start time)
  --set KEY=VALUE       set any experiment setting (repeatable; lists comma-separated)
  --config FILE         JSON object of settings
  --plain               plain progress lines even on a terminal
  -h, --help            this help
`;
}

/** One line per experiment. */
export function listLines(experiments: readonly AnyExperiment[]): string[] {
  const w = Math.max(...experiments.map((e) => e.name.length));
  return experiments.map((e) => `${e.name.padEnd(w)}  ${e.status === 'planned' ? '[planned] ' : ''}${e.description}`);
}

/** An experiment's settings with types and defaults. */
export function experimentHelp(e: AnyExperiment): string {
  const keys = Object.entries(e.schema);
  const w = Math.max(...keys.map(([k]) => k.length));
  const kw = Math.max(...keys.map(([, f]) => f.kind.length));
  const lines = keys.map(([k, f]) => `  ${k.padEnd(w)}  ${f.kind.padEnd(kw)}  default ${JSON.stringify(f.default)}${f.doc ? `  ${f.doc}` : ''}`);
  return `${e.name}${e.status === 'planned' ? ' [planned]' : ''}: ${e.description}\n\nSettings (--set KEY=VALUE):\n${lines.join('\n')}\n`;
}
