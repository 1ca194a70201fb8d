/**
 * Named local datasets: the three public sets recsuite develops and benchmarks on, read from a data
 * directory (`dataDir` option, else `RECSUITE_DATA_DIR`) laid out as `../shared/data` is
 * (`ml-100k/ml-100k.inter`, `amazon-beauty/Beauty.txt`, `amazon-cloth-sport/cloth_sport_*.csv`). Nothing is
 * downloaded: the files are licensed for research use and not redistributed.
 * @module
 */
import path from 'node:path';
import { DataFileNotFoundError } from './errors.js';
import { loadAtomic } from './loaders/atomic.js';
import { loadCrossDomainCsv, type CrossDomainData } from './loaders/crossDomainCsv.js';
import { loadItemAttributes } from './loaders/itemAttributes.js';
import { loadSequenceFile } from './loaders/sequenceFile.js';
import type { InteractionDataset, ItemAttributes } from './schema.js';
import type { SequenceDataset } from './sequenceStore.js';

/** The data directory: `explicit`, else `RECSUITE_DATA_DIR`; throws a {@link DataFileNotFoundError} if neither is set. */
export function resolveDataDir(explicit?: string): string {
  const dir = explicit ?? process.env.RECSUITE_DATA_DIR;
  if (!dir) throw new DataFileNotFoundError('(data directory)', undefined, 'a data directory given by --data-dir / dataDir or RECSUITE_DATA_DIR');
  return dir;
}

/** MovieLens 100K (RecBole atomic files with items and users): 943 users, 1,682 items, 100,000 ratings. */
export function loadMl100k(dataDir?: string): Promise<InteractionDataset> {
  return loadAtomic(path.join(resolveDataDir(dataDir), 'ml-100k', 'ml-100k'));
}

/** Amazon Beauty 5-core (sequence file, raw ids) and its item attributes: 22,363 users, 12,101 items. */
export async function loadBeauty(dataDir?: string): Promise<{ data: SequenceDataset; attributes: ItemAttributes }> {
  const dir = path.join(resolveDataDir(dataDir), 'amazon-beauty');
  const data = await loadSequenceFile(path.join(dir, 'Beauty.txt'));
  const attributes = await loadItemAttributes(path.join(dir, 'Beauty_item2attributes.json'), { items: data.items });
  return { data, attributes };
}

/** Amazon Cloth × Sport cross-domain train and test files, with one shared item count. */
export async function loadClothSport(dataDir?: string): Promise<{ train: CrossDomainData; test: CrossDomainData; numItems: number }> {
  const dir = path.join(resolveDataDir(dataDir), 'amazon-cloth-sport');
  const train = await loadCrossDomainCsv(path.join(dir, 'cloth_sport_train.csv'));
  const test = await loadCrossDomainCsv(path.join(dir, 'cloth_sport_test_csu.csv'));
  return { train, test, numItems: Math.max(train.numItems, test.numItems) };
}
