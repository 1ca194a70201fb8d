/**
 * `iacn-ml100k`: IaCN's claim (arXiv 2308.09202) on the CTR task built from MovieLens 100K (as `ctr-ml100k`:
 * every rating a behaviour, genres as item attributes, age/gender/occupation as the user profile):
 * IaCN+DIN, IaCN+WideDeep, IaCN+DIEN against their base models and the bases at width 2d; paired
 * differences; δ and λ sweeps; the gain at maxLen 10, 20, 50, 100.
 * @module
 */
import path from 'node:path';
import { dataLabel, defineExperiment } from '../experiment.js';
import ctrMl100k from './ctr-ml100k.js';
import { ctrProtocolDetails, ctrSplitSummary } from './ctrCommon.js';
import { IACN_DISPLAY, IACN_GROWABLE, iacnCells, iacnProtocolDetails, iacnSchema, iacnSections, runIacnCell, validateIacn } from './iacnCommon.js';

const { dataset, itemField, profileFields } = ctrMl100k.schema;

export default defineExperiment({
  name: 'iacn-ml100k',
  description: 'IaCN+{DIN,WideDeep,DIEN} vs the base CTR models (and at width 2d) on ml-100k; δ/λ sweeps; maxLen 10–100',
  status: 'ready',
  schema: { dataset, itemField, profileFields, ...iacnSchema('10,20,50,100') },
  validate: validateIacn,
  growable: IACN_GROWABLE,
  requiredFiles: (c) => ctrMl100k.requiredFiles!({ ...c, models: ['DIN'] }),
  cells: iacnCells,
  datasetName: (c, dataDir) => dataLabel(c.dataset, dataDir),
  protocol: (c) => ({
    summary: `DIEN-style CTR pairs, ${ctrSplitSummary(c)}; IaCN+X vs X (and X:2d) on test AUC/GAUC/LogLoss over ${c.seeds} seeds, selected on validation AUC; δ/λ sweeps; maxLen study`,
    details: [
      `data: ${path.basename(c.dataset)}; every rating is a behaviour, ordered by timestamp then file row (many timestamps tie)`,
      ...ctrProtocolDetails(c, `item id + "${c.itemField}" attributes; user profile ${c.profileFields || 'none'}${c.useUserId ? ' + user id' : ''} (the same for X and IaCN+X; IaCN's interest MLP reads the profile)`),
      ...iacnProtocolDetails(c),
      c.lengths.trim()
        ? `length study (base ${c.lengthBase}, ${c.sweepSeeds} seeds per point): maxLen ∈ {${c.lengths}}, the same pairs with histories truncated to maxLen (every user has ≥ 20 events)`
        : 'length study: not run (lengths empty)',
    ],
  }),
  prepare: (ctx) => ctrMl100k.prepare({ ...ctx, config: { ...ctx.config, models: ['DIN'] } }),
  runCell: (ctx) => runIacnCell(ctx, false),
  display: IACN_DISPLAY,
  sections: (_summary, records, c) => iacnSections(records, c, 'maxLen'),
});
