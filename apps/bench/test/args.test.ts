import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/cli/args.js';

describe('parseArgs', () => {
  it('defaults to the default experiment', () => {
    expect(parseArgs([]).command).toBe('default');
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const a = parseArgs(['baselines-beauty', '--data-dir', '/d', '--dataset=/x.txt', '--backend', 'wasm', '--seeds', '3', '--epochs=7', '--out', 'o', '--resume', '--run-id', 'r1', '--set', 'lr=0.01', '--set', 'models=A,B']);
    expect(a).toMatchObject({ command: 'baselines-beauty', dataDir: '/d', dataset: '/x.txt', backend: 'wasm', seeds: 3, epochs: 7, out: 'o', resume: true, runId: 'r1' });
    expect(a.set).toEqual([['lr', '0.01'], ['models', 'A,B']]);
    expect(parseArgs(['--only-seeds', '2,1,2']).onlySeeds).toEqual([2, 1]);
    expect(parseArgs(['--only-models', 'IaCN+DIN@lambda=0, DIN,DIN']).onlyModels).toEqual(['IaCN+DIN@lambda=0', 'DIN']);
    expect(parseArgs(['--workers', '2']).workers).toBe(2);
  });

  it.each([
    [['--epoch', '3'], /unknown option --epoch \(did you mean --epochs\?\)/],
    [['--backend', 'gpu'], /--backend expects one of tensorflow, wasm, cpu, got "gpu"/],
    [['--seeds', '0'], /--seeds expects a positive integer, got "0"/],
    [['--seeds'], /--seeds expects a value/],
    [['--set', 'lr'], /--set expects key=value/],
    [['--only-seeds', '1,x'], /--only-seeds expects comma-separated seed numbers/],
    [['--only-models', ','], /--only-models expects comma-separated model names/],
    [['--workers', '0'], /--workers expects a positive integer/],
    [['a', 'b'], /at most one experiment name/],
  ])('rejects %j', (argv, re) => {
    expect(() => parseArgs(argv)).toThrow(re);
  });
});
