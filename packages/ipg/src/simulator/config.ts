/**
 * Configuration of the user simulator (the semantics of the RecSim-style simulator released with IPG).
 * @module
 */
import { checkInt, checkNum } from '../errors.js';

/** Every rule constant of the simulator; a plain, JSON-serialisable object. */
export interface SimulatorConfig {
  /** Users (ids `0..numUsers-1`). Paper: 6,034. */
  numUsers: number;
  /** Items (ids `1..numItems`; 0 is never an item). Paper: 3,533. */
  numItems: number;
  /** Topics. Default 10. */
  numTopics: number;
  /** Dimensions per topic (vectors are `numTopics × topicSize`). Default 2. */
  topicSize: number;
  /** Standard deviation of the raw vector entries before clamping to `[-1, 1]`. Default 0.4. */
  initScale: number;
  /** Click probability `σ(slope · (score − offset))`. Default 0.7 (logging and guidance). */
  offset: number;
  /** Slope of the click sigmoid. Default 10. */
  slope: number;
  /** Drift on a click: `user ← omega · user + (1 − omega) · item`, renormalised. Default 0.8. */
  omega: number;
  /** Added to `bias[u, i]` when `u` clicks `i`. Default 0.1. */
  biasPenalty: number;
  /** Clicks remembered for boredom (the current one included). Default 10. */
  boredomWindow: number;
  /** A topic becomes boring when at least this many of the remembered clicks share it. Default 4. */
  boredomThreshold: number;
  /** Steps a boredom flag lives: set at the end of step `t`, cleared at the start of step `t + duration`. Default 5. */
  boredomDuration: number;
  /** A click on a boring topic multiplies the user's block of that topic by this, then renormalises. Default 0.8. */
  boredomDecay: number;
}

/** Defaults: the paper's world (6,034 users × 3,533 items) with the released simulator's constants. */
export const SIMULATOR_DEFAULTS: Readonly<SimulatorConfig> = Object.freeze({
  numUsers: 6034,
  numItems: 3533,
  numTopics: 10,
  topicSize: 2,
  initScale: 0.4,
  offset: 0.7,
  slope: 10,
  omega: 0.8,
  biasPenalty: 0.1,
  boredomWindow: 10,
  boredomThreshold: 4,
  boredomDuration: 5,
  boredomDecay: 0.8,
});

/** Fills defaults into a partial config and validates every key (errors name the key). */
export function simulatorConfig(cfg: Partial<SimulatorConfig> = {}): SimulatorConfig {
  const c: SimulatorConfig = { ...SIMULATOR_DEFAULTS, ...cfg };
  const M = 'UserSimulator';
  checkInt(M, c, 'numUsers', 1);
  checkInt(M, c, 'numItems', 1);
  checkInt(M, c, 'numTopics', 1, 255);
  checkInt(M, c, 'topicSize', 1);
  checkNum(M, c, 'initScale', 0);
  checkNum(M, c, 'offset');
  checkNum(M, c, 'slope', 0);
  checkNum(M, c, 'omega', 0, 1);
  checkNum(M, c, 'biasPenalty');
  checkInt(M, c, 'boredomWindow', 1);
  checkInt(M, c, 'boredomThreshold', 1);
  checkInt(M, c, 'boredomDuration', 1, 255);
  checkNum(M, c, 'boredomDecay', 0);
  return c;
}
