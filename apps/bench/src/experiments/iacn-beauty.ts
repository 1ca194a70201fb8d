/**
 * `iacn-beauty`: IaCN's claim (arXiv 2308.09202) on the CTR task built from Amazon Beauty (as `ctr-beauty`:
 * brands/categories as item attributes, no user profile): IaCN+DIN, IaCN+WideDeep, IaCN+DIEN against their
 * base models and the bases at width 2d; paired differences; δ and λ sweeps; the gain by bucket of history
 * length.
 * @module
 */
import path from 'node:path';
import { dataLabel, defineExperiment } from '../experiment.js';
import ctrBeauty from './ctr-beauty.js';
import { ctrProtocolDetails, ctrSplitSummary } from './ctrCommon.js';
import { IACN_DISPLAY, IACN_GROWABLE, LENGTH_BUCKETS, iacnCells, iacnProtocolDetails, iacnSchema, iacnSections, runIacnCell, validateIacn } from './iacnCommon.js';

const { dataset, attributes } = ctrBeauty.schema;

export default defineExperiment({
  name: 'iacn-beauty',
  description: 'IaCN+{DIN,WideDeep,DIEN} vs the base CTR models (and at width 2d) on Beauty; δ/λ sweeps; gain by history length',
  status: 'ready',
  schema: { dataset, attributes, ...iacnSchema('') },
  validate: validateIacn,
  growable: IACN_GROWABLE,
  requiredFiles: (c) => ctrBeauty.requiredFiles!({ ...c, models: ['DIN'] }),
  cells: iacnCells,
  datasetName: (c, dataDir) => dataLabel(c.dataset, dataDir),
  protocol: (c) => ({
    summary: `DIEN-style CTR pairs, ${ctrSplitSummary(c)}; IaCN+X vs X (and X:2d) on test AUC/GAUC/LogLoss over ${c.seeds} seeds, selected on validation AUC; δ/λ sweeps; gain by history length`,
    details: [
      `data: ${path.basename(c.dataset)} (items in time order per user)`,
      ...ctrProtocolDetails(c, `item id${c.attributes ? ` + attributes from ${c.attributes}` : ''}; no user profile${c.useUserId ? '; user id (also read by IaCN\'s interest MLP)' : ''}`),
      ...iacnProtocolDetails(c),
      `length study: test rows grouped by actual history length (${LENGTH_BUCKETS.map(([a, b]) => (b === Infinity ? `≥${a}` : `${a}-${b}`)).join(', ')}), metrics per group from the main cells`,
    ],
  }),
  prepare: (ctx) => ctrBeauty.prepare({ ...ctx, config: { ...ctx.config, models: ['DIN'] } }),
  runCell: (ctx) => runIacnCell(ctx, true),
  display: IACN_DISPLAY,
  sections: (_summary, records, c) => iacnSections(records, c, 'buckets'),
});
