import { describe, expect, it } from 'vitest';
import { RunProgress } from '../src/progress/progress.js';

const sink = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 120, write: (s: string) => chunks.push(s) } };
};

describe('RunProgress', () => {
  it('prints plain lines off a terminal: start, periodic notes, end', () => {
    const { chunks, stream } = sink(false);
    const p = new RunProgress({ totalCells: 2, stream, intervalMs: 0 });
    const c = p.startCell('SASRec seed 0');
    c.epoch(1, 5);
    c.step(3, 10);
    c.note('loss 0.5000');
    p.endCell('HR@10 0.5');
    const text = chunks.join('');
    expect(text).not.toContain('\r');
    expect(text.split('\n').filter(Boolean)).toEqual([
      '[1/2] SASRec seed 0: started',
      '[1/2] SASRec seed 0: epoch 1/5 loss 0.5000',
      expect.stringMatching(/^\[1\/2\] SASRec seed 0: HR@10 0\.5 \(\d+s\)$/),
    ]);
  });

  it('redraws one bar line on a terminal and clears it before printing a line', () => {
    const { chunks, stream } = sink(true);
    const p = new RunProgress({ totalCells: 1, stream });
    const c = p.startCell('GRU4Rec seed 1');
    c.phase('training');
    const bar = chunks.join('');
    expect(bar).toMatch(/\r\x1b\[2K.*0\/1 cells.*GRU4Rec seed 1 │ training/);
    p.log('a line');
    expect(chunks.join('')).toContain('\r\x1b[2Ka line\n');
    p.endCell('done');
    const tail = chunks.slice(chunks.findIndex((x) => x.includes('done'))).join('');
    expect(tail).not.toMatch(/cells/); // no bar redrawn after the last cell
  });
});
