/**
 * Leave-one-out sequence data as the ranking cells use it: the split, the training interactions as
 * user–item sets (for the CF models), and each user's whole sequence (items never drawn as sampled
 * negatives).
 * @module
 */
import { leaveOneOut, loadSequenceFile, type EvalCase, type IdMap } from '@recsuite/core';
import path from 'node:path';
import { cfInteractions, type CFInteractions } from '@recsuite/baselines';

/** Prepared leave-one-out data. */
export interface SeqData {
  numUsers: number;
  numItems: number;
  /** Training sequences (validation and test items held out). */
  train: Int32Array[];
  /** Training interactions as user–item sets. */
  trainCF: CFInteractions;
  valid: EvalCase[];
  test: EvalCase[];
  /** Each user's whole sequence. */
  sequences: readonly Int32Array[];
  /** Dataset facts for the report. */
  stats: { users: number; items: number; interactions: number; testUsers: number };
}

/** Training sequences as user–item sets. */
export function sequencesToCF(train: readonly Int32Array[], numItems: number): CFInteractions {
  let n = 0;
  for (const s of train) n += s.length;
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  let k = 0;
  train.forEach((s, u) => {
    for (const i of s) {
      users[k] = u;
      items[k++] = i;
    }
  });
  return cfInteractions(Math.max(1, train.length), numItems, users, items);
}

/** Leave-one-out (last item test, second-last validation) of per-user sequences. */
export function prepareSeqData(sequences: readonly Int32Array[], numItems: number): SeqData {
  const split = leaveOneOut(sequences, numItems);
  let interactions = 0;
  for (const s of sequences) interactions += s.length;
  return {
    numUsers: split.numUsers,
    numItems,
    train: split.train,
    trainCF: sequencesToCF(split.train, numItems),
    valid: split.valid,
    test: split.test,
    sequences,
    stats: { users: split.numUsers, items: numItems, interactions, testUsers: split.test.length },
  };
}

/**
 * Loads a sequence file, splits it leave-one-out and logs its size in one line. `items` maps the file's
 * raw item ids to the dense ids (for side files such as item attributes).
 */
export async function loadSeqData(file: string, log: (line: string) => void): Promise<SeqData & { items: IdMap }> {
  const ds = await loadSequenceFile(file);
  const d = prepareSeqData(ds.sequences, ds.numItems);
  log(`${path.basename(file)}: ${d.stats.users} users, ${d.stats.items} items, ${d.stats.interactions} interactions, ${d.stats.testUsers} test users`);
  return { ...d, items: ds.items };
}
