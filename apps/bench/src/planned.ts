/**
 * Planned experiments: listed by `pnpm bench list` and validated like any other (config keys, dataset
 * files), but running one fails with one line saying what is missing. Replace the file's
 * `definePlanned(...)` with a `defineExperiment(...)` when the method's package lands.
 * @module
 */
import { file, int, type Schema } from './config/fields.js';
import { NotImplementedError } from './errors.js';
import { defineExperiment, type AnyExperiment } from './experiment.js';

/** What a planned experiment declares. */
export interface PlannedSpec {
  name: string;
  description: string;
  /** What is missing (`the @recsuite/casm package`). */
  missing: string;
  /** Dataset file under the data directory, if the experiment reads one (checked to exist). */
  dataset?: string;
}

/** Declares a planned experiment. */
export function definePlanned(spec: PlannedSpec): AnyExperiment {
  const schema: Schema = { seeds: int(3, { min: 1, doc: 'number of seeds' }), epochs: int(50, { min: 1, doc: 'maximum epochs' }) };
  if (spec.dataset) schema.dataset = file(spec.dataset, 'dataset file');
  const notYet = (): never => {
    throw new NotImplementedError(`experiment "${spec.name}" is not implemented yet: ${spec.missing} does not exist yet`);
  };
  return defineExperiment({
    name: spec.name,
    description: spec.description,
    status: 'planned',
    plannedReason: `${spec.missing} does not exist yet`,
    schema,
    cells: () => [],
    datasetName: () => spec.dataset ?? 'synthetic',
    protocol: () => ({ summary: 'planned', details: [] }),
    prepare: async () => notYet(),
    runCell: async () => notYet(),
    display: { metrics: [] },
  });
}
