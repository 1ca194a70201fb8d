/**
 * Data layer of @recsuite/core: schemas, id maps, loaders for real formats, filters, splits, user groups,
 * samplers, stored evaluation negatives, batchers, CTR rows and synthetic generators.
 *
 * Conventions: users are dense `0..numUsers-1`; items dense `1..numItems` with `0` as padding; sequences
 * are chronological (most recent last); bad input raises {@link DataFormatError}.
 * @module
 */
export { DataFormatError, DataFileNotFoundError, type DataFormatErrorInit } from './errors.js';
export { IdMap, isCanonicalInt, type IdMapJSON } from './idmap.js';
export {
  InteractionTableBuilder,
  selectRows,
  userCounts,
  itemCounts,
  type InteractionTable,
  type InteractionDataset,
  type ItemAttributes,
  type UserField,
  type UserProfile,
} from './schema.js';
export { SequenceDataset, SequenceStore, SequenceStoreBuilder } from './sequenceStore.js';
export { loadAtomic, parseAtomicHeader, type AtomicField, type AtomicFieldType, type AtomicLoadOptions } from './loaders/atomic.js';
export { loadMovieLens, type MovieLensFormat, type MovieLensOptions } from './loaders/movielens.js';
export { loadSequenceFile, scanSequenceFile, type SequenceCallback, type SequenceFileOptions } from './loaders/sequenceFile.js';
export {
  loadCrossDomainCsv,
  crossDomainTarget,
  crossDomainHistory,
  crossDomainOther,
  type CrossDomainRow,
  type CrossDomainData,
  type CrossDomainCsvOptions,
} from './loaders/crossDomainCsv.js';
export { loadDelimited, type DelimitedOptions, type ColumnRef } from './loaders/delimited.js';
export { loadItemAttributes, type ItemAttributesOptions } from './loaders/itemAttributes.js';
export {
  filterRows,
  compactIds,
  kCore,
  filterByRating,
  ratingsToBehaviours,
  behaviourCode,
  chronologicalOrder,
  userSequences,
  MOVIELENS_BEHAVIOURS,
  type BehaviourRule,
  type KCoreOptions,
  type UserSequences,
} from './filters.js';
export {
  leaveOneOut,
  leaveOneOutByBehaviour,
  ratioSplit,
  timeSplit,
  type EvalCase,
  type SeqSplit,
  type BehaviourEvalCase,
  type BehaviourSeqSplit,
  type RatioSplit,
  type TimeSplit,
} from './splits.js';
export {
  lengthAtMostGroup,
  longTailThreshold,
  crossDomainGroups,
  crossDomainValidationSplit,
  type UserGroup,
  type CrossDomainGroupOptions,
  type CrossDomainValidationSplit,
} from './groups.js';
export {
  FRESH_PREFIX,
  rowsWithoutUser,
  crossDomainRowLabels,
  crossDomainItemPools,
  crossDomainEvalCases,
  drawCrossDomainNegatives,
  type CrossDomainLabelOptions,
} from './crossDomain.js';
export {
  SortedItemSet,
  UniformSampler,
  PopularitySampler,
  itemPopularity,
  sampleDistinct,
  EMPTY_ITEM_SET,
  type ItemSet,
  type NegativeSampler,
} from './samplers.js';
export {
  drawEvalNegatives,
  saveEvalNegatives,
  loadEvalNegatives,
  type EvalNegativesOptions,
  type StoredEvalNegatives,
} from './evalNegatives.js';
export { trainSequenceBatches, evalSequenceBatches, leftPad, type TrainBatchOptions } from './batchers.js';
export { edgeList, bprBatches, normalizedAdjacency, type BipartiteEdges, type BprBatch } from './graph.js';
export { buildCtrData, ctrBatches, type CtrRows, type CtrData, type CtrBuildOptions, type CtrBatch, type CtrBatchOptions } from './ctr.js';
export { resolveDataDir, loadMl100k, loadBeauty, loadClothSport } from './datasets.js';
export { markovSequences, type MarkovOptions, type MarkovData } from './synthetic/markov.js';
export { multiInterestSequences, type MultiInterestOptions, type MultiInterestData } from './synthetic/multiInterest.js';
export { spuriousPropertyData, type SpuriousOptions, type SpuriousData } from './synthetic/spurious.js';
export { crossDomainData, type CrossDomainSyntheticOptions, type CrossDomainSynthetic } from './synthetic/crossDomain.js';
export {
  behaviourChainData,
  chainsToTable,
  CHAIN_BEHAVIOURS,
  type BehaviourChainOptions,
  type BehaviourChainData,
} from './synthetic/behaviourChains.js';
export { RETAIL_BEHAVIOURS, RETAIL_ALIASES, BehaviourVocabularyError, mapBehaviours, retailBehaviours, multiBehaviourSequences, loadMl100kBehaviours, multiBehaviourSplit, targetBehaviourItems, type MultiBehaviourSequences, type MultiBehaviourSplit } from './multiBehaviour.js';
