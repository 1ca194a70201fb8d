/**
 * @recsuite/ipg: IPG, proactive recommendation with iterative preference guidance (Bi et al., WWW 2024
 * companion, arXiv 2403.07571), as a post-processor over any sequential recommender exposing a user
 * representation and item embeddings, with the paper's user simulator, log collection, guidance protocol,
 * baselines (backbone top-1, target heuristic, rec2inf, random) and metrics (IoI@K, HR@K).
 * @packageDocumentation
 */
export { IpgConfigError } from './errors.js';
export { SIMULATOR_DEFAULTS, simulatorConfig } from './simulator/config.js';
export type { SimulatorConfig } from './simulator/config.js';
export { dominantTopic, generateItems, generateUsers, normalizeRow } from './simulator/world.js';
export type { SimWorld } from './simulator/world.js';
export { UserSimulator, clickProbability } from './simulator/userSimulator.js';
export { collectLogs } from './simulator/logging.js';
export type { ClickLogs, LogOptions } from './simulator/logging.js';
export { encoderBackbone, sasrecBackbone } from './backbone.js';
export { lastStateVector, supportsLastState } from './lastState.js';
export type { GuidanceBackbone, SASRecBackboneOptions } from './backbone.js';
export { encodeHistories, gatherVectors } from './encode.js';
export type { EncodeOptions } from './encode.js';
export { IPG, ipgGain, ipgScores, l2Normalize } from './ipg.js';
export type { IpgForm, IpgOptions, IpgRecommendOptions } from './ipg.js';
export { checkMethod, chooseFromRanking, dependsOnTarget, methodLabel, methodScores, rankingDepth } from './methods.js';
export type { GuidanceMethod } from './methods.js';
export { runGuidance, sampleTargets } from './guidance.js';
export type { GuidanceOptions, GuidanceResult, GuidanceStats } from './guidance.js';
export { guidanceMetrics, hrAtK, hrAtKOfficial, ioiAtK, ioiAtKOfficial } from './metrics.js';
export type { Trajectory } from './metrics.js';
export { bucketedBatches, holdOutLastClick, trainBackbone } from './trainBackbone.js';
export type { BackboneTrainOptions, TrainedBackbone } from './trainBackbone.js';
