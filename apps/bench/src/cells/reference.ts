/**
 * Published reference numbers shown beside ours.
 * @module
 */
import type { Reference } from '../experiment.js';

/**
 * S3-Rec (Zhou et al., CIKM 2020) on Amazon Beauty, leave-one-out, as quoted in
 * `../shared/data/README.md`: full ranking over all items, and 99 sampled negatives per test user.
 */
export const S3REC_BEAUTY: Reference = {
  source: 'S3-Rec paper (CIKM 2020), Beauty: full ranking, and 99 sampled negatives ("(99 neg)")',
  values: {
    GRU4Rec: { 'HR@10': 0.0283, 'NDCG@10': 0.0137, 'HR@20': 0.0479, 'NDCG@20': 0.0187, 'HR@10 (99 neg)': 0.4106, 'NDCG@10 (99 neg)': 0.2584 },
    SASRec: { 'HR@10': 0.0605, 'NDCG@10': 0.0318, 'HR@20': 0.0902, 'NDCG@20': 0.0394, 'HR@10 (99 neg)': 0.4696, 'NDCG@10 (99 neg)': 0.3156 },
    BERT4Rec: { 'HR@10': 0.0347, 'NDCG@10': 0.017, 'HR@20': 0.0599, 'NDCG@20': 0.0233, 'HR@10 (99 neg)': 0.4739, 'NDCG@10 (99 neg)': 0.2975 },
  },
};
