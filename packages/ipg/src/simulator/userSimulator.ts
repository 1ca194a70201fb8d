/**
 * The user simulator of the IPG paper's experiments: users with drifting preferences, a per-item bias that
 * grows with repeated clicks, and topic boredom. Everything is typed arrays; every random draw comes from
 * a caller-given {@link Rng}.
 * @module
 */
import { Rng } from '@recsuite/core';
import { IpgConfigError } from '../errors.js';
import { simulatorConfig, type SimulatorConfig } from './config.js';
import { generateItems, generateUsers, normalizeRow, type SimWorld } from './world.js';

/** `σ(slope · (score − offset))`. */
export function clickProbability(score: number, offset: number, slope: number): number {
  return 1 / (1 + Math.exp(-slope * (score - offset)));
}

/**
 * The simulator: its world (items, fixed) and its mutable state (user vectors, bias, boredom flags and
 * timers, the last clicks of every user). {@link UserSimulator.clone} copies the state and shares the world,
 * so guidance episodes can each restart from the end-of-logging state.
 *
 * One {@link UserSimulator.step} (every user gets exactly one item), in this order:
 * 1. boredom timers: a set flag's timer counts down and clears the flag when it reaches 0; unset flags
 *    keep a full timer (so a flag lives `boredomDuration` steps and is never extended by later triggers);
 * 2. click draws: `click ~ Bernoulli(σ(slope · (⟨user, item⟩ − bias[u, i] − offset)))`;
 * 3. for clickers: `user ← omega · user + (1 − omega) · item`, renormalised; `bias[u, i] += biasPenalty`;
 *    the click joins the user's last `boredomWindow` clicks;
 * 4. boredom flags (every user): topic `t` is flagged when at least `boredomThreshold` of the remembered
 *    clicks have topic `t`;
 * 5. for clickers whose item's topic is flagged: that topic's block of the user ×= `boredomDecay`,
 *    renormalised.
 */
export class UserSimulator {
  /** Rule constants. */
  readonly config: SimulatorConfig;
  /** Items (shared by clones, never modified). */
  readonly world: SimWorld;
  /** User vectors `[numUsers × dim]` (unit norm). */
  readonly users: Float64Array;
  /** `bias[u]`: item → accumulated penalty (absent = 0). */
  readonly bias: Map<number, number>[];
  /** Boredom flags `[numUsers × numTopics]` (1 = bored). */
  readonly bored: Uint8Array;
  /** Boredom timers `[numUsers × numTopics]`. */
  readonly timer: Uint8Array;
  /** The last `boredomWindow` clicked items per user, oldest first: `[numUsers × boredomWindow]`. */
  readonly recent: Int32Array;
  /** How many entries of `recent` each user has. */
  readonly recentLen: Uint8Array;
  /** Steps taken so far. */
  t = 0;

  /**
   * @param config - rule constants (validated).
   * @param world - the items.
   * @param users - initial user vectors `[numUsers × dim]` (kept, not copied).
   * @param state - internal: the rest of a state to adopt (used by {@link UserSimulator.clone}).
   */
  constructor(
    config: Partial<SimulatorConfig>,
    world: SimWorld,
    users: Float64Array,
    state?: Pick<UserSimulator, 'bias' | 'bored' | 'timer' | 'recent' | 'recentLen' | 't'>,
  ) {
    this.config = simulatorConfig(config);
    const c = this.config;
    if (world.numItems !== c.numItems || world.numTopics !== c.numTopics || world.topicSize !== c.topicSize) {
      throw new IpgConfigError('UserSimulator', 'numItems', `the world's sizes (${world.numItems} items, ${world.numTopics}×${world.topicSize})`, c.numItems);
    }
    if (users.length !== c.numUsers * world.dim) {
      throw new RangeError(`UserSimulator: users has ${users.length} entries, expected numUsers·dim = ${c.numUsers * world.dim}`);
    }
    this.world = world;
    this.users = users;
    const UT = c.numUsers * c.numTopics;
    if (state) {
      this.bias = state.bias;
      this.bored = state.bored;
      this.timer = state.timer;
      this.recent = state.recent;
      this.recentLen = state.recentLen;
      this.t = state.t;
    } else {
      this.bias = Array.from({ length: c.numUsers }, () => new Map<number, number>());
      this.bored = new Uint8Array(UT);
      this.timer = new Uint8Array(UT).fill(c.boredomDuration);
      this.recent = new Int32Array(c.numUsers * c.boredomWindow);
      this.recentLen = new Uint8Array(c.numUsers);
    }
  }

  /**
   * A fresh world and users from one seed (items and users from independent sub-streams).
   * @param config - partial configuration (defaults: the paper's world).
   * @param seed - the world seed.
   */
  static create(config: Partial<SimulatorConfig>, seed: number): UserSimulator {
    const c = simulatorConfig(config);
    const rng = new Rng(seed);
    const itemRng = rng.fork();
    const userRng = rng.fork();
    const world = generateItems(c, itemRng);
    return new UserSimulator(c, world, generateUsers(c, userRng));
  }

  /** Number of users. */
  get numUsers(): number {
    return this.config.numUsers;
  }

  /** Number of items. */
  get numItems(): number {
    return this.config.numItems;
  }

  /** An independent copy of the state (the world is shared). */
  clone(): UserSimulator {
    return new UserSimulator(this.config, this.world, this.users.slice(), {
      bias: this.bias.map((m) => new Map(m)),
      bored: this.bored.slice(),
      timer: this.timer.slice(),
      recent: this.recent.slice(),
      recentLen: this.recentLen.slice(),
      t: this.t,
    });
  }

  /** `bias[u, i]`. */
  biasOf(u: number, i: number): number {
    return this.bias[u].get(i) ?? 0;
  }

  /** `⟨user_u, item_i⟩`. */
  dot(u: number, i: number): number {
    const D = this.world.dim;
    const U = this.users;
    const I = this.world.items;
    let s = 0;
    for (let k = 0, a = u * D, b = i * D; k < D; k++) s += U[a + k] * I[b + k];
    return s;
  }

  /** True affinity of user `u` to item `j`: `⟨user_u, item_j⟩ − bias[u, j]` (no offset, no sigmoid). */
  affinity(u: number, j: number): number {
    return this.dot(u, j) - this.biasOf(u, j);
  }

  /** Mean over users of {@link UserSimulator.affinity} to item `j`. */
  meanAffinity(j: number): number {
    let s = 0;
    for (let u = 0; u < this.numUsers; u++) s += this.affinity(u, j);
    return s / this.numUsers;
  }

  /** Probability that `u` clicks `i` now. */
  clickProbability(u: number, i: number): number {
    return clickProbability(this.affinity(u, i), this.config.offset, this.config.slope);
  }

  /** True scores `⟨user_u, item_i⟩ − bias[u, i]` of every item into `out[1..numItems]` (`out[0]` = -Infinity). */
  trueScores(u: number, out: Float64Array): Float64Array {
    const D = this.world.dim;
    const N = this.numItems;
    const I = this.world.items;
    const a = u * D;
    const U = this.users;
    out[0] = -Infinity;
    for (let i = 1; i <= N; i++) {
      let s = 0;
      for (let k = 0, b = i * D; k < D; k++) s += U[a + k] * I[b + k];
      out[i] = s;
    }
    for (const [i, b] of this.bias[u]) out[i] -= b;
    return out;
  }

  /** Whether `u` is bored with topic `t`. */
  isBored(u: number, t: number): boolean {
    return this.bored[u * this.config.numTopics + t] === 1;
  }

  /** The remembered last clicks of `u`, oldest first. */
  recentClicks(u: number): Int32Array {
    const W = this.config.boredomWindow;
    return this.recent.slice(u * W, u * W + this.recentLen[u]);
  }

  /**
   * One step: user `u` is shown item `recs[u]` (every user, one item each). Returns the clicks (1/0 per
   * user). Click draws take one `rng.float()` per user, in user order.
   * @param recs - `[numUsers]` item ids in `1..numItems`.
   * @param rng - the click stream.
   */
  step(recs: Int32Array, rng: Rng): Uint8Array {
    const c = this.config;
    const nU = c.numUsers;
    const T = c.numTopics;
    const S = c.topicSize;
    const D = this.world.dim;
    const W = c.boredomWindow;
    const items = this.world.items;
    const topic = this.world.itemTopic;
    if (recs.length !== nU) throw new RangeError(`UserSimulator.step: recs has ${recs.length} entries, expected one per user (${nU})`);
    for (let u = 0; u < nU; u++) {
      const i = recs[u];
      if (!(i >= 1 && i <= c.numItems)) throw new RangeError(`UserSimulator.step: recs[${u}] is ${i}, expected an item id in [1, ${c.numItems}]`);
    }
    this.t++;
    // 1. boredom timers
    const { bored, timer } = this;
    for (let k = 0; k < nU * T; k++) {
      if (bored[k]) {
        timer[k]--;
        if (timer[k] === 0) bored[k] = 0;
      }
      if (!bored[k]) timer[k] = c.boredomDuration;
    }
    // 2. click draws
    const clicks = new Uint8Array(nU);
    for (let u = 0; u < nU; u++) {
      const p = clickProbability(this.affinity(u, recs[u]), c.offset, c.slope);
      clicks[u] = rng.float() < p ? 1 : 0;
    }
    // 3. drift, bias, remembered clicks
    const U = this.users;
    for (let u = 0; u < nU; u++) {
      if (!clicks[u]) continue;
      const i = recs[u];
      const a = u * D;
      const b = i * D;
      for (let k = 0; k < D; k++) U[a + k] = c.omega * U[a + k] + (1 - c.omega) * items[b + k];
      normalizeRow(U, a, D);
      const m = this.bias[u];
      m.set(i, (m.get(i) ?? 0) + c.biasPenalty);
      const n = this.recentLen[u];
      if (n < W) {
        this.recent[u * W + n] = i;
        this.recentLen[u] = n + 1;
      } else {
        this.recent.copyWithin(u * W, u * W + 1, u * W + W);
        this.recent[u * W + W - 1] = i;
      }
    }
    // 4. boredom flags
    const counts = new Int32Array(T);
    for (let u = 0; u < nU; u++) {
      const n = this.recentLen[u];
      if (n === 0) continue;
      counts.fill(0);
      for (let k = 0; k < n; k++) counts[topic[this.recent[u * W + k]]]++;
      for (let t = 0; t < T; t++) if (counts[t] >= c.boredomThreshold) bored[u * T + t] = 1;
    }
    // 5. boredom decay of the clicked topic
    for (let u = 0; u < nU; u++) {
      if (!clicks[u]) continue;
      const t = topic[recs[u]];
      if (!bored[u * T + t]) continue;
      const a = u * D + t * S;
      for (let k = 0; k < S; k++) U[a + k] *= c.boredomDecay;
      normalizeRow(U, u * D, D);
    }
    return clicks;
  }
}
