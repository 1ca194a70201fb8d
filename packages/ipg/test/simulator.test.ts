import { Rng } from '@recsuite/core';
import { describe, expect, it } from 'vitest';
import { IpgConfigError, UserSimulator, clickProbability, collectLogs, generateItems, simulatorConfig, type SimWorld, type SimulatorConfig } from '../src/index.js';

/** A hand-made world: 2 topics × 2 dims; item 1, 2 topic 0, item 3, 4 topic 1. */
function handWorld(): SimWorld {
  const rows = [
    [0, 0, 0, 0],
    [1, 0, 0, 0],
    [0.6, 0.8, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0.8, 0.6],
  ];
  return { numItems: 4, dim: 4, numTopics: 2, topicSize: 2, items: Float64Array.from(rows.flat()), itemTopic: Int16Array.from([-1, 0, 0, 1, 1]) };
}

const ALWAYS = { offset: -100 }; // σ(10·(s + 100)) = 1: every shown item is clicked
const NEVER = { offset: 100 };

function handSim(users: number[][], cfg: Partial<SimulatorConfig> = {}): UserSimulator {
  const c = { numUsers: users.length, numItems: 4, numTopics: 2, topicSize: 2, ...cfg };
  const u = users.map((v) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
  return new UserSimulator(c, handWorld(), Float64Array.from(u.flat()));
}

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('UserSimulator rules', () => {
  it('click probability is σ(slope·(⟨u,i⟩ − bias − offset)), drawn once per user in user order', () => {
    expect(clickProbability(0.7, 0.7, 10)).toBe(0.5);
    expect(clickProbability(0.8, 0.7, 10)).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    const sim = handSim([[1, 1, 0, 0], [0, 0, 1, 0], [1, 0, 1, 0]], { boredomThreshold: 99 });
    const recs = Int32Array.from([2, 3, 1]);
    const p = Array.from(recs, (i, u) => clickProbability(sim.dot(u, i), 0.7, 10));
    const r = new Rng(9);
    const expected = p.map((pi) => (r.float() < pi ? 1 : 0));
    expect(Array.from(sim.step(recs, new Rng(9)))).toEqual(expected);
    // frequency over many identical users matches p
    const many = handSim(Array.from({ length: 4000 }, () => [1, 0.5, 0, 0]), { boredomThreshold: 99 });
    const pi = many.clickProbability(0, 2);
    const clicks = many.step(new Int32Array(4000).fill(2), new Rng(1));
    const rate = clicks.reduce((a, b) => a + b, 0) / 4000;
    expect(pi).toBeGreaterThan(0.2);
    expect(Math.abs(rate - pi)).toBeLessThan(0.03);
  });

  it('drift: a clicker moves to normalise(0.8·user + 0.2·item); a non-clicker does not move', () => {
    const sim = handSim([[0, 1, 1, 0]], { ...ALWAYS, boredomThreshold: 99 });
    const u0 = Array.from(sim.users);
    sim.step(Int32Array.of(1), new Rng(0));
    const expected = unit(u0.map((x, k) => 0.8 * x + 0.2 * [1, 0, 0, 0][k]));
    Array.from(sim.users).forEach((x, k) => expect(x).toBeCloseTo(expected[k], 12));
    const still = handSim([[0, 1, 1, 0]], NEVER);
    const before = Array.from(still.users);
    expect(Array.from(still.step(Int32Array.of(1), new Rng(0)))).toEqual([0]);
    expect(Array.from(still.users)).toEqual(before);
  });

  it('bias: every click of (u, i) adds 0.1 to bias[u, i], which lowers the score and the affinity', () => {
    const sim = handSim([[1, 0, 1, 0]], { ...ALWAYS, boredomThreshold: 99 });
    sim.step(Int32Array.of(3), new Rng(0));
    expect(sim.biasOf(0, 3)).toBeCloseTo(0.1, 12);
    sim.step(Int32Array.of(3), new Rng(0));
    expect(sim.biasOf(0, 3)).toBeCloseTo(0.2, 12);
    expect(sim.biasOf(0, 1)).toBe(0);
    // affinity = ⟨user, item⟩ − bias (no offset, no sigmoid)
    expect(sim.affinity(0, 3)).toBeCloseTo(sim.dot(0, 3) - 0.2, 12);
    expect(sim.affinity(0, 1)).toBe(sim.dot(0, 1));
    const scores = sim.trueScores(0, new Float64Array(5));
    expect(scores[3]).toBeCloseTo(sim.dot(0, 3) - 0.2, 12);
  });

  it('boredom trigger: a topic is flagged when ≥ threshold of the last `window` clicks share it, the current one included', () => {
    const sim = handSim([[1, 1, 1, 1]], { ...ALWAYS, boredomThreshold: 4, boredomWindow: 10 });
    for (let s = 0; s < 3; s++) sim.step(Int32Array.of(1), new Rng(s));
    expect(sim.isBored(0, 0)).toBe(false);
    sim.step(Int32Array.of(2), new Rng(3)); // 4th click of topic 0
    expect(sim.isBored(0, 0)).toBe(true);
    expect(sim.isBored(0, 1)).toBe(false);
    // only the last `window` clicks count
    const w = handSim([[1, 1, 1, 1]], { ...ALWAYS, boredomThreshold: 2, boredomWindow: 2, boredomDuration: 1 });
    w.step(Int32Array.of(1), new Rng(0));
    w.step(Int32Array.of(3), new Rng(0));
    w.step(Int32Array.of(1), new Rng(0)); // window [3, 1]: no topic twice
    expect(w.isBored(0, 0)).toBe(false);
    expect(Array.from(w.recentClicks(0))).toEqual([3, 1]);
  });

  it('timer and expiry: a flag set at the end of step t is cleared at the start of step t + duration and is not extended by later triggers', () => {
    const sim = handSim([[1, 1, 1, 1]], { ...ALWAYS, boredomThreshold: 2, boredomWindow: 3, boredomDuration: 3 });
    const show = (i: number) => sim.step(Int32Array.of(i), new Rng(0));
    show(1);
    show(1); // step 2: topic 0 flagged
    expect(sim.isBored(0, 0)).toBe(true);
    show(3); // step 3: window [1,1,3] triggers topic 0 again: timer not reset
    expect(sim.isBored(0, 0)).toBe(true);
    show(3); // step 4: window [1,3,3]: topic 1 flagged, topic 0 still on
    expect(sim.isBored(0, 0)).toBe(true);
    expect(sim.isBored(0, 1)).toBe(true);
    show(4); // step 5 = 2 + 3: topic 0 cleared at the start and not re-triggered (window [3,3,4])
    expect(sim.isBored(0, 0)).toBe(false);
    expect(sim.isBored(0, 1)).toBe(true);
    // the timer of topic 1 (set at step 4) runs out at step 7 even though every step re-triggers it
    show(4);
    expect(sim.isBored(0, 1)).toBe(true);
    const tIdx = 0 * 2 + 1;
    expect(sim.timer[tIdx]).toBe(1);
    // step 7: cleared at the start, then re-triggered by the window [4,4,4]: a fresh flag with a full timer
    show(4);
    expect(sim.isBored(0, 1)).toBe(true);
    expect(sim.timer[tIdx]).toBe(3);
  });

  it('step order: timers, clicks (pre-step bias), drift + bias, flags, then decay of the clicked bored topic', () => {
    // threshold 1: the first click flags its topic, and the decay applies to that same click
    const sim = handSim([[0.5, 0.5, 1, 0]], { ...ALWAYS, boredomThreshold: 1, boredomWindow: 10, boredomDecay: 0.8 });
    const u0 = Array.from(sim.users);
    sim.step(Int32Array.of(2), new Rng(0));
    const drifted = unit(u0.map((x, k) => 0.8 * x + 0.2 * [0.6, 0.8, 0, 0][k]));
    const decayed = unit(drifted.map((x, k) => (k < 2 ? 0.8 * x : x)));
    Array.from(sim.users).forEach((x, k) => expect(x).toBeCloseTo(decayed[k], 12));
    expect(sim.isBored(0, 0)).toBe(true);
    // the click draw sees the bias before this step's update
    const s2 = handSim([[1, 0, 0, 0]], { offset: 0.95, boredomThreshold: 99 });
    s2.bias[0].set(1, 0.1);
    const p = clickProbability(1 - 0.1, 0.95, 10);
    const r = new Rng(4);
    const expected = r.float() < p ? 1 : 0;
    expect(s2.step(Int32Array.of(1), new Rng(4))[0]).toBe(expected);
    // a click on a topic that is not bored is not decayed even when another topic is bored
    const s3 = handSim([[1, 1, 1, 1]], { ...ALWAYS, boredomThreshold: 2, boredomWindow: 10 });
    s3.step(Int32Array.of(1), new Rng(0));
    s3.step(Int32Array.of(1), new Rng(0)); // topic 0 bored (and the 2nd click decayed)
    const before = Array.from(s3.users);
    s3.step(Int32Array.of(3), new Rng(0));
    const expect3 = unit(before.map((x, k) => 0.8 * x + 0.2 * [0, 0, 1, 0][k]));
    Array.from(s3.users).forEach((x, k) => expect(x).toBeCloseTo(expect3[k], 12));
  });

  it('affinity: ⟨user, target⟩ − bias; clicking the target itself costs 0.1 of bias', () => {
    const sim = handSim([[1, 0, 1, 0], [0, 1, 0, 1]], { ...ALWAYS, boredomThreshold: 99 });
    const a0 = sim.affinity(0, 1);
    expect(a0).toBeCloseTo(1 / Math.SQRT2, 12);
    sim.step(Int32Array.of(1, 3), new Rng(0));
    const dot = sim.dot(0, 1);
    expect(sim.affinity(0, 1)).toBeCloseTo(dot - 0.1, 12);
    expect(sim.meanAffinity(1)).toBeCloseTo((sim.affinity(0, 1) + sim.affinity(1, 1)) / 2, 12);
  });

  it('clones are independent and share the world', () => {
    const sim = handSim([[1, 0, 1, 0]], { ...ALWAYS, boredomThreshold: 1 });
    const c = sim.clone();
    c.step(Int32Array.of(1), new Rng(0));
    expect(sim.biasOf(0, 1)).toBe(0);
    expect(sim.t).toBe(0);
    expect(c.world).toBe(sim.world);
    expect(sim.isBored(0, 0)).toBe(false);
  });

  it('rejects bad input with named keys and positions', () => {
    expect(() => simulatorConfig({ omega: 2 })).toThrow(IpgConfigError);
    expect(() => simulatorConfig({ numUsers: 0 })).toThrow(/config\.numUsers/);
    const sim = handSim([[1, 0, 0, 0]]);
    expect(() => sim.step(Int32Array.of(5), new Rng(0))).toThrow(/recs\[0\] is 5/);
    expect(() => sim.step(Int32Array.of(1, 2), new Rng(0))).toThrow(/one per user/);
  });
});

describe('world generation', () => {
  it('items are non-negative unit vectors whose topic is the block with the largest norm', () => {
    const c = simulatorConfig({ numUsers: 10, numItems: 200 });
    const w = generateItems(c, new Rng(3));
    for (let i = 1; i <= 200; i++) {
      const v = Array.from(w.items.subarray(i * 20, i * 20 + 20));
      expect(Math.hypot(...v)).toBeCloseTo(1, 10);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      const norms = Array.from({ length: 10 }, (_, t) => Math.hypot(v[2 * t], v[2 * t + 1]));
      expect(w.itemTopic[i]).toBe(norms.indexOf(Math.max(...norms)));
    }
  });

  it('users are unit vectors with a non-negative dominant block', () => {
    const sim = UserSimulator.create({ numUsers: 200, numItems: 10 }, 4);
    let negatives = 0;
    for (let u = 0; u < 200; u++) {
      const v = Array.from(sim.users.subarray(u * 20, u * 20 + 20));
      expect(Math.hypot(...v)).toBeCloseTo(1, 10);
      const norms = Array.from({ length: 10 }, (_, t) => Math.hypot(v[2 * t], v[2 * t + 1]));
      const t = norms.indexOf(Math.max(...norms));
      expect(v[2 * t]).toBeGreaterThanOrEqual(0);
      expect(v[2 * t + 1]).toBeGreaterThanOrEqual(0);
      negatives += v.filter((x) => x < 0).length;
    }
    expect(negatives).toBeGreaterThan(0); // other blocks keep their signs
  });
});

describe('determinism and logging', () => {
  it('same seed, same world and same clicks; another seed differs', () => {
    const run = (worldSeed: number, logSeed: number) => {
      const sim = UserSimulator.create({ numUsers: 50, numItems: 300 }, worldSeed);
      return collectLogs(sim, { seed: logSeed, rounds: 30 });
    };
    const a = run(1, 2);
    const b = run(1, 2);
    expect(a.sequences.map((s) => Array.from(s))).toEqual(b.sequences.map((s) => Array.from(s)));
    expect(Array.from(a.clicksPerRound)).toEqual(Array.from(b.clicksPerRound));
    expect(run(1, 3).sequences.map((s) => Array.from(s))).not.toEqual(a.sequences.map((s) => Array.from(s)));
    expect(Array.from(UserSimulator.create({ numUsers: 5, numItems: 9 }, 1).world.items)).not.toEqual(Array.from(UserSimulator.create({ numUsers: 5, numItems: 9 }, 2).world.items));
  });

  it('logging at offset 0.7 gives 25–29 clicks per user (200 users, the paper\'s 3,533 items, 100 rounds)', () => {
    const sim = UserSimulator.create({ numUsers: 200 }, 11);
    const logs = collectLogs(sim, { seed: 12 });
    expect(logs.clicksPerUser).toBeGreaterThanOrEqual(25);
    expect(logs.clicksPerUser).toBeLessThanOrEqual(29);
    expect(logs.clicksPerRound.length).toBe(100);
    expect(sim.t).toBe(100);
    // every clicked id is an item; the logging leaves the simulator in its end-of-logging state
    for (const s of logs.sequences) for (const i of s) expect(i >= 1 && i <= 3533).toBe(true);
    let recent = 0;
    for (let u = 0; u < 200; u++) recent += sim.recentLen[u];
    expect(recent).toBeGreaterThan(0);
  });
});
