import { describe, expect, it } from 'vitest';
import { Progress, progressStyle } from './progress.js';

/** A fake stream that records writes. */
const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 100, write: (s: string) => void out.push(s) } };
};

describe('progress', () => {
  it('style: bar on a terminal, lines elsewhere, off in CI unless forced, off when false', () => {
    const tty = sink(true).stream;
    const pipe = sink(false).stream;
    expect(progressStyle('auto', tty, {})).toBe('bar');
    expect(progressStyle('auto', pipe, {})).toBe('lines');
    expect(progressStyle('auto', tty, { CI: 'true' })).toBe('off');
    expect(progressStyle('auto', tty, { CI: 'false' })).toBe('bar');
    expect(progressStyle(true, pipe, { CI: '1' })).toBe('lines');
    expect(progressStyle(false, tty, {})).toBe('off');
  });

  it('a terminal bar is redrawn in place with \\r, throttled, and ended with the summary', () => {
    let t = 0;
    const { out, stream } = sink(true);
    const p = new Progress('epoch 1/3', 4, { stream, env: {}, now: () => t });
    t = 500;
    p.tick(1, 'loss 0.5000');
    t = 520; // within 0.1 s: not redrawn
    p.tick(1);
    t = 1000;
    p.tick(1, 'loss 0.4000');
    p.end('epoch 1/3: loss 0.4');
    expect(out).toHaveLength(3);
    expect(out[0]).toBe('\repoch 1/3 [' + '#'.repeat(8) + '-'.repeat(22) + '] 1/4 (25%) 2.0 it/s ETA 1.5s loss 0.5000\x1b[K');
    expect(out[1]).toMatch(/^\repoch 1\/3 \[#+-+\] 3\/4 \(75%\) 3\.0 it\/s ETA 0\.3s loss 0\.4000/);
    expect(out[2]).toBe('\repoch 1/3: loss 0.4\x1b[K\n');
  });

  it('plain lines every lineInterval seconds when not a terminal; nothing when off', () => {
    let t = 0;
    const { out, stream } = sink(false);
    const p = new Progress('cells', undefined, { stream, env: {}, now: () => t, lineInterval: 10 });
    for (let i = 0; i < 30; i++) {
      t += 1000;
      p.tick();
    }
    p.end();
    expect(out).toEqual(['cells 10 1.0 it/s 10s\n', 'cells 20 1.0 it/s 20s\n', 'cells 30 1.0 it/s 30s\n', 'cells: 30 in 30s\n']);
    const off = sink(true);
    const q = new Progress('x', 2, { stream: off.stream, env: { CI: '1' } });
    q.tick();
    q.log('hello');
    q.end('done');
    expect(off.out).toEqual([]);
  });
});
