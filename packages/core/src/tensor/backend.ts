import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';

/** A backend recsuite can run on. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Preference order when nothing is forced (DESIGN.md: native first, wasm portable, cpu for tiny tests). */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

// The CommonJS builds of the backends register on the one tfjs-core instance every package shares.
createRequire(import.meta.url)('@tensorflow/tfjs-backend-cpu');

/** Why the native backend could not be registered, if it was tried and failed. */
let nativeFailure: string | null = null;
let announced = false;

const isBackendName = (s: string): s is BackendName => (BACKEND_ORDER as readonly string[]).includes(s);

/**
 * Registers the `tensorflow` backend from `@tensorflow/tfjs-node` if its native addon loads.
 * Returns `null` on success or a one-line reason on failure.
 */
export function registerNative(): string | null {
  if (tf.findBackend('tensorflow')) return null;
  if (nativeFailure !== null) return nativeFailure;
  if (process.env.RECSUITE_DISABLE_NATIVE === '1') {
    nativeFailure = 'disabled by RECSUITE_DISABLE_NATIVE=1';
    return nativeFailure;
  }
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  try {
    const req = createRequire(import.meta.url);
    req('@tensorflow/tfjs-node');
    if (!tf.findBackend('tensorflow')) throw new Error('tfjs-node loaded but registered no backend (two tfjs-core copies?)');
    return null;
  } catch (e) {
    const msg = (e as Error).message?.split('\n')[0] ?? String(e);
    nativeFailure = `native addon unavailable (${msg.slice(0, 160)})`;
    return nativeFailure;
  }
}

/** Registers the `wasm` backend (the .wasm binaries load from the package directory in Node). */
export async function registerWasm(): Promise<string | null> {
  if (tf.findBackendFactory('wasm')) return null;
  try {
    // require (not import): the CommonJS build registers on the same tfjs-core instance as tfjs-node.
    createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm');
    return tf.findBackendFactory('wasm') ? null : 'tfjs-backend-wasm registered no backend';
  } catch (e) {
    return `wasm backend unavailable (${(e as Error).message})`;
  }
}

/**
 * Makes sure TensorFlow.js's gradient functions are registered, and returns whether they are. They ship
 * with `@tensorflow/tfjs` (which `@tensorflow/tfjs-node` loads), not with `@tensorflow/tfjs-core`: a process
 * that starts on `wasm` or `cpu` without loading the native addon has none, and its first training step
 * fails with "gradient function not found". This loads the CommonJS build of `@tensorflow/tfjs` (a plain
 * JavaScript dependency of tfjs-node, installed even when the native build is not) on the shared
 * tfjs-core instance; a no-op when the gradients are there. {@link initBackend} calls it.
 */
export function ensureGradients(): boolean {
  if (tf.getGradient('Mean')) return true;
  try {
    const fromCore = createRequire(import.meta.url);
    createRequire(fromCore.resolve('@tensorflow/tfjs-node/package.json'))('@tensorflow/tfjs');
  } catch {
    // reported below
  }
  return tf.getGradient('Mean') !== undefined;
}

/** Options for {@link initBackend}. */
export interface InitBackendOptions {
  /** Print the choice (once per process). Default true. */
  log?: boolean;
  /** Where to print. Default `console.error`. */
  logger?: (line: string) => void;
}

/**
 * Chooses and activates the backend, and resolves to its name.
 *
 * Order: `RECSUITE_BACKEND` (env) or `preference`, then `tensorflow` (native, from `@tensorflow/tfjs-node`),
 * then `wasm`, then `cpu`. A forced backend that cannot start is an error; when nothing is forced and the
 * native addon is missing, recsuite uses wasm and says why in one line (build it with `pnpm setup:native`).
 */
export async function initBackend(preference?: BackendName, opts: InitBackendOptions = {}): Promise<BackendName> {
  const logger = opts.logger ?? ((l: string) => console.error(l));
  const env = process.env.RECSUITE_BACKEND?.trim();
  const forced = env || preference;
  if (forced !== undefined && !isBackendName(forced)) {
    throw new Error(
      `Unknown backend "${forced}"${env ? ' (from RECSUITE_BACKEND)' : ''}: expected one of ${BACKEND_ORDER.join(', ')}`,
    );
  }
  const candidates: BackendName[] = forced ? [forced] : [...BACKEND_ORDER];
  const notes: string[] = [];
  for (const name of candidates) {
    const why = name === 'tensorflow' ? registerNative() : name === 'wasm' ? await registerWasm() : null;
    if (why === null && (await tf.setBackend(name))) {
      await tf.ready();
      if (!ensureGradients()) {
        throw new Error('TensorFlow.js gradients could not be registered: @tensorflow/tfjs is missing or uses another copy of @tensorflow/tfjs-core');
      }
      if (opts.log !== false && !announced) {
        announced = true;
        const suffix = notes.length ? ` (${notes.join('; ')}; build it with \`pnpm setup:native\`)` : '';
        logger(`recsuite: backend ${name}${suffix}`);
      }
      return name;
    }
    notes.push(`${name}: ${why ?? 'failed to initialise'}`);
    if (forced) throw new Error(`Backend "${name}" was requested but cannot start: ${why ?? 'setBackend failed'}`);
  }
  throw new Error(`No TensorFlow.js backend could start: ${notes.join('; ')}`);
}

/** Backends that can run in this process (registered or registrable), in preference order. */
export async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  if (registerNative() === null) out.push('tensorflow');
  if ((await registerWasm()) === null) out.push('wasm');
  out.push('cpu');
  return out;
}

/** Resets the once-only log (tests). @internal */
export function _resetBackendLog(): void {
  announced = false;
}
