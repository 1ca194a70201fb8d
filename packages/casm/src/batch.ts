/**
 * CASM's batches: core's {@link SeqBatch} plus the behaviour of every input event and of every target,
 * built on core's batchers (same user order, same negatives for the same generator as a behaviour-blind
 * model trained on the same events), and the check that every behaviour code is in the vocabulary.
 * @module
 */
import {
  leftPad,
  trainSequenceBatches,
  type BehaviourEvalCase,
  type BehaviourSeqSplit,
  type SeqBatch,
  type TrainBatchOptions,
} from '@recsuite/core';

/** A {@link SeqBatch} with behaviours (codes into the model's vocabulary). */
export interface BehaviourBatch extends SeqBatch {
  /** Behaviour code of each input event, aligned with `seqs` (`[B * L]`; ignored where `seqs` is 0). */
  behaviours: Int32Array;
  /** Behaviour code of each target, aligned with `targets` (training; ignored where `targets` is 0). */
  targetBehaviours?: Int32Array;
}

/** A batch holding a behaviour code outside the model's vocabulary. */
export class BehaviourCodeError extends RangeError {
  override name = 'BehaviourCodeError';
}

/**
 * Throws a {@link BehaviourCodeError} naming the field, row and position of the first behaviour code
 * outside `[0, numBehaviours)` at a real (non-padding) position.
 */
export function checkBehaviours(model: string, batch: BehaviourBatch, numBehaviours: number): void {
  const { batchSize: B, maxLen: L } = batch;
  const check = (field: 'behaviours' | 'targetBehaviours', codes: Int32Array | undefined, ids: Int32Array | undefined) => {
    if (!codes || !ids) return;
    if (codes.length !== B * L) throw new BehaviourCodeError(`${model}: batch.${field} has ${codes.length} codes, expected batchSize·maxLen = ${B * L}`);
    for (let i = 0; i < codes.length; i++) {
      if (ids[i] === 0) continue;
      const b = codes[i];
      if (!(Number.isInteger(b) && b >= 0 && b < numBehaviours)) {
        throw new BehaviourCodeError(
          `${model}: batch.${field}[${i}] (row ${Math.floor(i / L)}, position ${i % L}) is ${b}, expected a behaviour code in [0, ${numBehaviours - 1}]`,
        );
      }
    }
  };
  if (!batch.behaviours) throw new BehaviourCodeError(`${model}: batch.behaviours is required (one behaviour code per event)`);
  check('behaviours', batch.behaviours, batch.seqs);
  check('targetBehaviours', batch.targetBehaviours, batch.targets);
}

/**
 * One epoch of CASM training batches: core's `trainSequenceBatches` over `split.train` (users shuffled by
 * `opts.rng`, input `s[:-1]`, targets `s[1:]`, negatives drawn uniformly outside the user's training
 * items), with the behaviour of every input event and of every target copied from
 * `split.trainBehaviours`. For the same `rng` state it yields the same users, sequences and negatives as
 * `trainSequenceBatches(split.train, opts)`, so a behaviour-blind model sees the same epoch.
 */
export function* behaviourTrainBatches(
  split: Pick<BehaviourSeqSplit, 'train' | 'trainBehaviours'>,
  opts: TrainBatchOptions,
): Generator<BehaviourBatch> {
  for (const batch of trainSequenceBatches(split.train, opts)) {
    const { batchSize: B, maxLen: L } = batch;
    const behaviours = new Int32Array(B * L);
    const targetBehaviours = new Int32Array(B * L);
    for (let r = 0; r < B; r++) {
      const b = split.trainBehaviours[batch.users[r]];
      leftPad(b, L, behaviours, r * L, b.length - 1);
      leftPad(b.subarray(1), L, targetBehaviours, r * L);
    }
    yield { ...batch, behaviours, targetBehaviours };
  }
}

/** A batch of evaluation cases: the last `maxLen` events of each history, with their behaviours. */
export function behaviourEvalBatch(cases: readonly BehaviourEvalCase[], maxLen: number): BehaviourBatch {
  const B = cases.length;
  const users = new Int32Array(B);
  const seqs = new Int32Array(B * maxLen);
  const behaviours = new Int32Array(B * maxLen);
  cases.forEach((c, r) => {
    users[r] = c.user;
    leftPad(c.history, maxLen, seqs, r * maxLen);
    leftPad(c.historyBehaviours, maxLen, behaviours, r * maxLen);
  });
  return { users, seqs, behaviours, batchSize: B, maxLen };
}
