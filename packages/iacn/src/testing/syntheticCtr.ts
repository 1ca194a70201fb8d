/**
 * Test fixture: a small CTR task from core's multi-interest generator (items in clusters, each user drawing
 * from several clusters), built with core's DIEN-style construction (`buildCtrData`, popularity negatives)
 * and batched by `ctrBatches`, with the cluster as the item attribute and a synthetic profile field.
 * Not part of the public API.
 * @module
 */
import { IdMap, Rng, buildCtrData, ctrBatches, multiInterestSequences, type CtrData, type ItemAttributes, type MultiInterestOptions, type UserProfile } from '@recsuite/core';
import type { CtrBatch, DINConfig } from '@recsuite/baselines';

/** A synthetic CTR task. */
export interface SyntheticCtr {
  data: CtrData;
  itemAttributes?: ItemAttributes;
  userProfile: UserProfile;
  /** The base configuration (sizes and a small embedding width). */
  baseConfig: (seed: number) => DINConfig;
}

/**
 * Builds the task; `profile`: whether the model reads the profile field `grp` (4 values, noise);
 * `attributes`: whether items carry their cluster as an attribute (without it, the cluster structure must
 * be learned from the histories).
 */
export function syntheticCtr(o: Partial<MultiInterestOptions> & { seed: number; embedDim?: number; profile?: boolean; attributes?: boolean }): SyntheticCtr {
  const mi = multiInterestSequences({ numUsers: 150, numItems: 120, numClusters: 12, minLength: 8, maxLength: 20, ...o });
  const data = buildCtrData(mi.sequences, { numItems: mi.numItems, seed: o.seed + 1 });
  const rng = new Rng(o.seed + 2);
  const grp = Int32Array.from({ length: data.numUsers }, () => 1 + rng.int(4));
  const userProfile: UserProfile = { numUsers: data.numUsers, fields: { grp: { values: grp, numValues: 4, vocab: new IdMap(1) } } };
  const profile = o.profile ?? true;
  const attributes = o.attributes ?? true;
  return {
    data,
    itemAttributes: attributes ? mi.itemAttributes : undefined,
    userProfile,
    baseConfig: (seed) => ({
      seed,
      numItems: mi.numItems,
      numAttributes: attributes ? mi.itemAttributes.numValues : undefined,
      profileFields: profile ? [{ name: 'grp', numValues: 4 }] : undefined,
      embedDim: o.embedDim ?? 4,
      attentionHidden: [8],
      mlpHidden: [16, 8],
    }),
  };
}

/** Batches of `rows` (shuffled with `rng` when given). */
export function batchesOf(t: SyntheticCtr, rows: CtrData['train'], batchSize: number, maxLen: number, rng?: Rng): CtrBatch[] {
  return [...ctrBatches(t.data, rows, { batchSize, maxLen, rng, itemAttributes: t.itemAttributes, userProfile: t.userProfile })];
}
