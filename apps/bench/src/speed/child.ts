/**
 * Runs a child process to completion, killed when the run is interrupted; resolves to its last stdout
 * line parsed as JSON.
 * @module
 */
import { spawn } from 'node:child_process';
import { InterruptedError } from '../errors.js';

/**
 * Spawns `cmd args`, collects output, and parses the last non-empty stdout line as JSON.
 * @param cmd - executable.
 * @param args - arguments.
 * @param opts - working directory, abort signal, extra environment.
 */
export function runJsonChild<T>(cmd: string, args: string[], opts: { cwd: string; signal: AbortSignal; env?: Record<string, string> }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (opts.signal.aborted) return reject(new InterruptedError());
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    const onAbort = () => child.kill('SIGTERM');
    opts.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      opts.signal.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code) => {
      opts.signal.removeEventListener('abort', onAbort);
      if (opts.signal.aborted) return reject(new InterruptedError());
      const last = out.trim().split('\n').filter(Boolean).pop();
      if (code !== 0 || !last) {
        return reject(new Error(`${[cmd, ...args.map((a) => (a.length > 60 ? `${a.slice(0, 57)}...` : a))].join(' ')} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${cmd}: last output line is not JSON: ${last.slice(0, 200)}`));
      }
    });
  });
}
