/**
 * Multi-behaviour views for behaviour-aware sequential models (CASM, arXiv 2312.09684): per-user event
 * sequences with the behaviour of every event (stored per event, never per (user, item)), in the total
 * order (timestamp, row order in the file); the MovieLens rating → behaviour view (pos / neutral / neg,
 * target pos) and a retail vocabulary (view / cart / fav / buy, target buy); and the leave-one-out split on
 * the target behaviour with everything the evaluation protocol needs beside it (the target-only view for a
 * behaviour-blind baseline, each user's interacted items for the sampled negatives, the items seen under
 * the target behaviour for full-ranking exclusion).
 *
 * Built on the data layer's own pieces: `ratingsToBehaviours`, `userSequences`, `leaveOneOutByBehaviour`.
 * @module
 */
import { loadMl100k } from './datasets.js';
import { MOVIELENS_BEHAVIOURS, behaviourCode, ratingsToBehaviours, userSequences } from './filters.js';
import { SortedItemSet } from './samplers.js';
import type { InteractionDataset, InteractionTable } from './schema.js';
import { leaveOneOutByBehaviour, type BehaviourEvalCase, type BehaviourSeqSplit, type EvalCase, type SeqSplit } from './splits.js';

/** Retail behaviour vocabulary, by code: `view` 0, `cart` 1, `fav` 2, `buy` 3 (target: `buy`). */
export const RETAIL_BEHAVIOURS: readonly string[] = Object.freeze(['view', 'cart', 'fav', 'buy']);

/**
 * Spellings of retail behaviours in public logs (Taobao/Tmall `pv`, `cart`, `fav`, `buy`; `click`,
 * `collect`, `purchase` elsewhere) → the {@link RETAIL_BEHAVIOURS} name. Matching is case-insensitive.
 */
export const RETAIL_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  view: 'view',
  pv: 'view',
  click: 'view',
  browse: 'view',
  cart: 'cart',
  'add-to-cart': 'cart',
  addtocart: 'cart',
  fav: 'fav',
  favorite: 'fav',
  favourite: 'fav',
  collect: 'fav',
  buy: 'buy',
  purchase: 'buy',
  order: 'buy',
});

/** A behaviour name outside the configured vocabulary (or a table without behaviours). */
export class BehaviourVocabularyError extends RangeError {
  override name = 'BehaviourVocabularyError';
}

/**
 * Recodes a table's behaviours onto `vocabulary` (code = index in it). Each of the table's behaviour names
 * is looked up (case-insensitively) in `aliases` first, then in `vocabulary`; a name found in neither is a
 * {@link BehaviourVocabularyError} naming it and the first row that has it.
 */
export function mapBehaviours(
  table: InteractionTable,
  vocabulary: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): InteractionTable {
  if (!table.behaviour || !table.behaviourNames) throw new BehaviourVocabularyError('mapBehaviours: the table has no behaviour column');
  if (vocabulary.length === 0 || vocabulary.length > 255) throw new BehaviourVocabularyError('mapBehaviours: the vocabulary needs 1..255 names');
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(aliases)) lower[k.toLowerCase()] = v;
  const recode = table.behaviourNames.map((raw) => {
    const name = lower[raw.toLowerCase()] ?? raw;
    const code = vocabulary.indexOf(name);
    if (code >= 0) return code;
    const ci = vocabulary.findIndex((v) => v.toLowerCase() === name.toLowerCase());
    return ci;
  });
  const behaviour = new Uint8Array(table.length);
  for (let k = 0; k < table.length; k++) {
    const code = recode[table.behaviour[k]];
    if (code === undefined || code < 0) {
      const raw = table.behaviourNames[table.behaviour[k]];
      throw new BehaviourVocabularyError(`behaviour "${raw}" (row ${table.row[k]}) is not in the vocabulary [${vocabulary.join(', ')}]`);
    }
    behaviour[k] = code;
  }
  return { ...table, behaviour, behaviourNames: [...vocabulary] };
}

/** Recodes a table onto {@link RETAIL_BEHAVIOURS} through {@link RETAIL_ALIASES} (plus `aliases`). */
export function retailBehaviours(table: InteractionTable, aliases: Readonly<Record<string, string>> = {}): InteractionTable {
  return mapBehaviours(table, RETAIL_BEHAVIOURS, { ...RETAIL_ALIASES, ...aliases });
}

/** Per-user event sequences with one behaviour per event (see {@link multiBehaviourSequences}). */
export interface MultiBehaviourSequences {
  /** Number of users (dense ids `0..numUsers-1`). */
  numUsers: number;
  /** Number of items (dense ids `1..numItems`). */
  numItems: number;
  /** Items per user in (timestamp, row order). */
  sequences: Int32Array[];
  /** Behaviour code of every event, aligned with `sequences`. */
  behaviours: Uint8Array[];
  /** Timestamps aligned with `sequences`. */
  timestamps: Float64Array[];
  /** Behaviour vocabulary: `behaviourNames[code]`. */
  behaviourNames: readonly string[];
  /** Code of the target behaviour. */
  target: number;
}

/**
 * Each user's events in the total order (timestamp, then row order in the source), with the behaviour of
 * every event as stored in the table (so an item viewed, then carted, then bought appears three times
 * with three behaviours). `target` names the target behaviour.
 */
export function multiBehaviourSequences(table: InteractionTable, target: string): MultiBehaviourSequences {
  if (!table.behaviour || !table.behaviourNames) throw new BehaviourVocabularyError('multiBehaviourSequences: the table has no behaviour column');
  let code: number;
  try {
    code = behaviourCode(table, target);
  } catch (err) {
    throw new BehaviourVocabularyError(`multiBehaviourSequences: target ${(err as Error).message}`);
  }
  const s = userSequences(table);
  return {
    numUsers: table.numUsers,
    numItems: table.numItems,
    sequences: s.sequences,
    behaviours: s.behaviours!,
    timestamps: s.timestamps,
    behaviourNames: table.behaviourNames,
    target: code,
  };
}

/**
 * MovieLens 100K as multi-behaviour sequences (CASM's rule for ML10M): rating ≥ 4 → `pos`, 3 → `neutral`,
 * ≤ 2 → `neg`; target `pos`; events in (timestamp, row order). Reads `<dataDir>/ml-100k/ml-100k.inter`
 * (see `loadMl100k`). The dataset (id maps, item and user fields) is returned beside.
 */
export async function loadMl100kBehaviours(dataDir?: string): Promise<MultiBehaviourSequences & { dataset: InteractionDataset }> {
  const dataset = ratingsToBehaviours(await loadMl100k(dataDir), MOVIELENS_BEHAVIOURS);
  return { ...multiBehaviourSequences(dataset.interactions, 'pos'), dataset };
}

/** A {@link BehaviourSeqSplit} with what the evaluation protocol needs beside it. */
export interface MultiBehaviourSplit extends BehaviourSeqSplit {
  /** Behaviour vocabulary. */
  behaviourNames: readonly string[];
  /**
   * Every item each user interacted with, under any behaviour, anywhere in the data (events after the test
   * event included): what "an item the user never interacted with" excludes when drawing the sampled
   * negatives.
   */
  interacted: SortedItemSet[];
  /**
   * The same split seen by a behaviour-blind model trained on target-behaviour events only: training =
   * the target events of `train`, and the same cases (same order, users and targets) with histories
   * reduced to their target events.
   */
  targetOnly: SeqSplit;
}

/**
 * Leave-one-out on the target behaviour (CASM protocol, spec "Protocol"): per user, the last
 * target-behaviour event is the test event and the target event before it the validation event; training
 * events end before the validation event; the test history is every event before the test event (the
 * validation event included), each with its own behaviour, so earlier interactions with the test item stay
 * in the history as what they were. Users with fewer than 2 target events are train-only. Events after the
 * test event belong to no split. The order of events is the total order of {@link multiBehaviourSequences}.
 */
export function multiBehaviourSplit(data: MultiBehaviourSequences): MultiBehaviourSplit {
  const K = data.behaviourNames.length;
  if (!(Number.isInteger(data.target) && data.target >= 0 && data.target < K)) {
    throw new BehaviourVocabularyError(`multiBehaviourSplit: target code ${data.target} outside the vocabulary [${data.behaviourNames.join(', ')}]`);
  }
  data.behaviours.forEach((b, u) => {
    for (let k = 0; k < b.length; k++) {
      if (b[k] >= K) throw new BehaviourVocabularyError(`multiBehaviourSplit: user ${u}, event ${k} has behaviour code ${b[k]}, vocabulary [${data.behaviourNames.join(', ')}]`);
    }
  });
  const split = leaveOneOutByBehaviour(data.sequences, data.behaviours, data.target, data.numItems);
  const only = (items: Int32Array, beh: Uint8Array) => items.filter((_, k) => beh[k] === data.target);
  const reduce = (c: BehaviourEvalCase): EvalCase => ({ user: c.user, history: only(c.history, c.historyBehaviours), target: c.target });
  const targetOnly: SeqSplit = {
    numUsers: split.numUsers,
    numItems: split.numItems,
    train: split.train.map((s, u) => only(s, split.trainBehaviours[u])),
    valid: split.valid.map(reduce),
    test: split.test.map(reduce),
  };
  return {
    ...split,
    behaviourNames: data.behaviourNames,
    interacted: data.sequences.map((s) => new SortedItemSet(s)),
    targetOnly,
  };
}

/**
 * The items of a case's history that carry behaviour `target` (full-ranking exclusion under the CASM
 * protocol: items previously seen under the target behaviour are left out of the ranking, but the case's
 * own target never is, which the ranking functions guarantee).
 */
export function targetBehaviourItems(c: BehaviourEvalCase, target: number): Int32Array {
  return c.history.filter((_, k) => c.historyBehaviours[k] === target);
}
