import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const coreDir = path.resolve(here, '../..');

/** Runs initBackend in a fresh Node process (backend choice is per process) and returns stdout/stderr. */
function runInit(env: Record<string, string>, preload?: string): { out: string; err: string } {
  const script = `import { initBackend } from './src/tensor/backend.ts';
    import * as tf from '@tensorflow/tfjs-core';
    const name = await initBackend(process.env.PREF || undefined);
    console.log('ACTIVE=' + name);
    console.log('GRAD=' + tf.grad((x) => tf.mean(x))(tf.ones([4])).dataSync()[0]);`;
  const args = ['--import', 'tsx', ...(preload ? ['--require', preload] : []), '--input-type=module', '-e', script];
  const r = spawnSync(process.execPath, args, {
    cwd: coreDir,
    env: { ...process.env, RECSUITE_BACKEND: '', TF_CPP_MIN_LOG_LEVEL: '3', ...env },
    encoding: 'utf8',
  });
  return { out: r.stdout, err: r.stderr };
}

describe('initBackend', () => {
  it('chooses tensorflow when the native addon is built, and logs the choice once', () => {
    const r = runInit({});
    expect(r.out).toContain('ACTIVE=tensorflow');
    expect(r.err.match(/recsuite: backend/g)).toHaveLength(1);
  });

  it('honours a forced backend (argument or RECSUITE_BACKEND)', () => {
    expect(runInit({ PREF: 'wasm' }).out).toContain('ACTIVE=wasm');
    expect(runInit({ PREF: 'cpu' }).out).toContain('ACTIVE=cpu');
    // gradients are registered whichever backend the process starts on
    expect(runInit({ PREF: 'cpu' }).out).toContain('GRAD=0.25');
    expect(runInit({ RECSUITE_BACKEND: 'wasm' }).out).toContain('ACTIVE=wasm');
  });

  it('falls through to wasm with a one-line reason when the native addon is missing', () => {
    // Simulate a tfjs-node whose addon is not built: its require throws like a missing .node file does.
    const preload = path.join(coreDir, 'src/test/fixtures/no-native-addon.cjs');
    const r = runInit({}, preload);
    expect(r.out).toContain('ACTIVE=wasm');
    expect(r.out).toContain('GRAD=0.25'); // the gradients come without the native addon
    const lines = r.err.split('\n').filter((l) => l.startsWith('recsuite:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/backend wasm \(tensorflow: native addon unavailable .*pnpm setup:native/);
  });

  it('rejects an unknown backend name, naming the variable', async () => {
    await expect(initBackend('gpu' as never)).rejects.toThrow(/Unknown backend "gpu"/);
    process.env.RECSUITE_BACKEND = 'webgpu';
    try {
      await expect(initBackend()).rejects.toThrow(/RECSUITE_BACKEND/);
    } finally {
      delete process.env.RECSUITE_BACKEND;
    }
  });
});
