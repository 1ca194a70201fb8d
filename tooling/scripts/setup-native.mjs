#!/usr/bin/env node
// Builds @tensorflow/tfjs-node's native addon against the libtensorflow inside the `tensorflow-cpu`
// Python wheel, because tfjs-node's own installer downloads libtensorflow from a host that is often
// unreachable (DESIGN.md, "Tensors"). Runs as the root `postinstall` and again by `pnpm setup:native`.
//
// - idempotent: an addon that already loads is left alone (about a second);
// - cached: the wheel is kept in $RECSUITE_CACHE, $XDG_CACHE_HOME/recsuite or ~/.cache/recsuite;
// - never fatal: any failure prints one line and exits 0, and @recsuite/core falls back to wasm;
// - no machine-specific paths: the wheel comes through `python3 -m pip download`, or $RECSUITE_TF_WHEEL.
//
// pnpm 10 skips tfjs-node's own build script (`ignoredBuiltDependencies` in pnpm-workspace.yaml) and
// copies packages with install scripts out of its store, so writing deps/ and lib/ into the resolved
// package directory never touches the store.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TF_WHEEL_VERSION = '2.21.0';
const LIBTF_ALIAS_VERSION = '2.9.1'; // the version tfjs-node 4.22 expects in deps/lib
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const quietOnSuccess = process.argv.includes('--quiet-on-success');
const force = process.argv.includes('--force');
const log = (msg) => console.log(`recsuite native: ${msg}`);

class SetupError extends Error {}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw new SetupError(`${cmd} could not start (${r.error.message})`);
  if (r.status !== 0) {
    const tail = `${r.stderr || ''}${r.stdout || ''}`.trim().split('\n').slice(-3).join(' | ');
    throw new SetupError(`${cmd} ${args.slice(0, 3).join(' ')} failed: ${tail}`);
  }
  return r.stdout;
}

function findTfjsNode() {
  const req = createRequire(path.join(root, 'packages/core/package.json'));
  let pkgJson;
  try {
    pkgJson = req.resolve('@tensorflow/tfjs-node/package.json');
  } catch {
    throw new SetupError('@tensorflow/tfjs-node is not installed in packages/core');
  }
  return fs.realpathSync(path.dirname(pkgJson));
}

/** True when the addon in `dir` loads and registers the tensorflow backend (checked in a child process). */
function addonLoads(dir) {
  const r = spawnSync(
    process.execPath,
    ['-e', `const tf=require(${JSON.stringify(dir)}); process.exit(tf.getBackend()==='tensorflow'?0:3)`],
    { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' }, timeout: 120_000 },
  );
  return r.status === 0;
}

function cacheDir() {
  if (process.env.RECSUITE_CACHE) return process.env.RECSUITE_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'recsuite');
}

function findWheel() {
  const given = process.env.RECSUITE_TF_WHEEL;
  if (given) {
    if (!fs.existsSync(given)) throw new SetupError(`RECSUITE_TF_WHEEL=${given} does not exist`);
    return given;
  }
  const dir = path.join(cacheDir(), 'wheels');
  fs.mkdirSync(dir, { recursive: true });
  const cached = () =>
    fs.readdirSync(dir).find((f) => f.startsWith(`tensorflow_cpu-${TF_WHEEL_VERSION}-`) && f.endsWith('.whl'));
  let whl = cached();
  if (!whl) {
    log(`downloading tensorflow-cpu==${TF_WHEEL_VERSION} through pip (about 270 MB, once) into ${dir}`);
    const py = process.env.PYTHON || 'python3';
    run(py, ['-m', 'pip', 'download', `tensorflow-cpu==${TF_WHEEL_VERSION}`, '--no-deps', '--only-binary=:all:', '-d', dir, '-q']);
    whl = cached();
    if (!whl) throw new SetupError('pip reported success but no tensorflow_cpu wheel was found');
  }
  return path.join(dir, whl);
}

/** Extracts the shared libraries and the C API headers from the wheel into `<dest>/{lib,include}`. */
function extractDeps(wheel, dest) {
  const py = process.env.PYTHON || 'python3';
  const script = `
import sys, zipfile, os, shutil
whl, dest = sys.argv[1], sys.argv[2]
libs = ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2')
incs = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/',
        'tensorflow/include/tsl/', 'tensorflow/include/xla/tsl/c/')
with zipfile.ZipFile(whl) as z:
    for n in z.namelist():
        if n in libs: out = os.path.join(dest, 'lib', os.path.basename(n))
        elif n.startswith(incs) and not n.endswith('/'): out = os.path.join(dest, 'include', n[len('tensorflow/include/'):])
        else: continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(n) as src, open(out, 'wb') as dst: shutil.copyfileobj(src, dst, 1 << 20)
`;
  run(py, ['-c', script, wheel, dest]);
  const lib = path.join(dest, 'lib');
  for (const f of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) {
    if (!fs.existsSync(path.join(lib, f))) throw new SetupError(`${f} not found in ${path.basename(wheel)}`);
  }
  // The addon links -ltensorflow -ltensorflow_framework; libtensorflow_cc.so.2 exports the whole C and
  // eager C API (TF_*, TFE_*), so aliases are enough (no patchelf: the real SONAMEs are recorded).
  for (const s of ['libtensorflow.so', 'libtensorflow.so.2', `libtensorflow.so.${LIBTF_ALIAS_VERSION}`]) {
    fs.symlinkSync('libtensorflow_cc.so.2', path.join(lib, s));
  }
  for (const s of ['libtensorflow_framework.so', `libtensorflow_framework.so.${LIBTF_ALIAS_VERSION}`]) {
    fs.symlinkSync('libtensorflow_framework.so.2', path.join(lib, s));
  }
}

function build(tfDir) {
  const wheel = findWheel();
  const depsDir = path.join(tfDir, 'deps');
  const staging = path.join(tfDir, `deps.recsuite-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    extractDeps(wheel, staging);
    fs.rmSync(depsDir, { recursive: true, force: true });
    fs.renameSync(staging, depsDir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  // With a custom tf-lib entry and no addon entry, tfjs-node builds from source instead of downloading.
  fs.writeFileSync(path.join(tfDir, 'scripts', 'custom-binary.json'), '{"tf-lib": "file:///unused"}\n');
  const tfReq = createRequire(path.join(tfDir, 'package.json'));
  const preGyp = path.join(path.dirname(tfReq.resolve('@mapbox/node-pre-gyp/package.json')), 'bin', 'node-pre-gyp');
  // node-gyp must use this Node's own headers rather than download them.
  const nodePrefix = path.dirname(path.dirname(process.execPath));
  const env = { ...process.env };
  if (fs.existsSync(path.join(nodePrefix, 'include', 'node', 'node_api.h'))) env.npm_config_nodedir = nodePrefix;
  run(process.execPath, [preGyp, 'install', '--build-from-source'], { cwd: tfDir, env });
}

function main() {
  if (process.env.RECSUITE_SKIP_NATIVE === '1') {
    log('skipped (RECSUITE_SKIP_NATIVE=1); the wasm backend will be used');
    return;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    log(`no wheel recipe for ${process.platform}-${process.arch}; the wasm backend will be used`);
    return;
  }
  const t0 = Date.now();
  const tfDir = findTfjsNode();
  if (!force && addonLoads(tfDir)) {
    if (!quietOnSuccess) log(`tensorflow backend already built (${tfDir})`);
    return;
  }
  build(tfDir);
  if (!addonLoads(tfDir)) throw new SetupError('the addon was built but does not load');
  log(`tensorflow backend built from the tensorflow-cpu ${TF_WHEEL_VERSION} wheel in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

try {
  main();
} catch (e) {
  const why = e instanceof SetupError ? e.message : `unexpected error: ${e?.message ?? e}`;
  log(`native backend not built (${why.replace(/\s+/g, ' ').slice(0, 400)}); recsuite will use wasm. Retry with \`pnpm setup:native\`.`);
}
process.exit(0);
