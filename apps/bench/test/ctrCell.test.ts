import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctrDataStored } from '../src/cells/ctrCell.js';
import { ctrProtocolDetails, ctrSchema, ctrSplitSummary } from '../src/experiments/ctrCommon.js';
import { tmpDir } from './helpers.js';

const seqs = Array.from({ length: 6 }, (_, u) => Int32Array.from({ length: 12 + 5 * u }, (_, i) => 1 + ((u * 7 + i) % 40)));

describe('ctrDataStored', () => {
  it('stores the negatives once; holdout changes the split, never the negatives', () => {
    const dir = tmpDir();
    const one = ctrDataStored(dir, seqs, 41, { negativeSeed: 5, sampler: 'popularity', holdout: 0 });
    const file = path.join(dir, 'negatives', 'ctr-popularity-seed5.i32');
    const bytes = fs.readFileSync(file);
    const held = ctrDataStored(dir, seqs, 41, { negativeSeed: 5, sampler: 'popularity', holdout: 0.2 });
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(Array.from(held.negatives)).toEqual(Array.from(one.negatives));
    // one pair per user and label at holdout 0; n = round(0.2 · pairs) per user at 0.2 (pairs = length − 1)
    expect(one.test.length).toBe(2 * seqs.length);
    const n = seqs.map((s) => Math.max(1, Math.round(0.2 * (s.length - 1))));
    expect(held.test.length).toBe(2 * n.reduce((a, b) => a + b, 0));
    expect(held.valid.length).toBe(held.test.length);
    expect(held.train.length + held.valid.length + held.test.length).toBe(one.train.length + one.valid.length + one.test.length);
  });
});

describe('ctrSchema holdout', () => {
  it('defaults to one test pair per user and writes the rule into the protocol', () => {
    expect(ctrSchema().holdout.default).toBe(0);
    const base = { maxLen: 50, sampler: 'popularity', negativeSeed: 1, embedDim: 18, lengthBuffer: 0, batchSize: 128, validateEvery: 1, patience: 2, epochs: 8 } as const;
    expect(ctrProtocolDetails({ ...base, holdout: 0 } as never, 'f').join('\n')).toContain('the last pair is test');
    expect(ctrProtocolDetails({ ...base, holdout: 0.1 } as never, 'f').join('\n')).toContain('round(0.1 × the user');
    expect(ctrSplitSummary({ holdout: 0 })).toBe('per-user time split (last pair test)');
    expect(ctrSplitSummary({ holdout: 0.1 })).toBe("per-user time split (each user's last 10% of pairs test)");
  });
});
