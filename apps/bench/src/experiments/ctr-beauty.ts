/**
 * `ctr-beauty`: DIN, DIEN and Wide&Deep on the CTR task built from Amazon Beauty (item attributes: brands
 * and categories; no user profile), test AUC/GAUC/LogLoss, selected on validation AUC.
 * @module
 */
import { loadItemAttributes, loadSequenceFile, type ItemAttributes } from '@recsuite/core';
import path from 'node:path';
import { ctrDataStored } from '../cells/ctrCell.js';
import { file, str } from '../config/fields.js';
import { dataLabel, defineExperiment, modelSeedCells } from '../experiment.js';
import { CTR_DISPLAY, ctrCell, ctrProtocolDetails, ctrSchema, ctrSplitSummary, ctrVersusWideDeep, type CtrPrepared } from './ctrCommon.js';

export default defineExperiment({
  name: 'ctr-beauty',
  description: 'DIN, DIEN, WideDeep on the CTR task built from Amazon Beauty (test AUC, GAUC, LogLoss)',
  status: 'ready',
  schema: {
    dataset: file('amazon-beauty/Beauty.txt', 'sequence file: one user per line, "user item1 item2 ..." in time order'),
    attributes: str('Beauty_item2attributes.json', 'item → attribute-ids JSON beside the dataset (empty: none)'),
    ...ctrSchema(20),
  },
  requiredFiles: (c) => (c.attributes ? [{ path: path.resolve(path.dirname(c.dataset), c.attributes), key: 'attributes' }] : []),
  cells: (c) => modelSeedCells(c.models, c.seeds),
  datasetName: (c, dataDir) => dataLabel(c.dataset, dataDir),
  protocol: (c) => ({
    summary: `DIEN-style CTR pairs, ${ctrSplitSummary(c)}; test AUC, GAUC, LogLoss; selected on validation AUC`,
    details: [
      `data: ${path.basename(c.dataset)} (items in time order per user)`,
      ...ctrProtocolDetails(c, `item id${c.attributes ? ` + attributes from ${c.attributes}` : ''}; no user profile${c.useUserId ? '; user id' : ''}`),
    ],
  }),
  async prepare({ config: c, runDir, log }) {
    const ds = await loadSequenceFile(c.dataset);
    let itemAttributes: ItemAttributes | undefined;
    if (c.attributes) {
      const f = path.resolve(path.dirname(c.dataset), c.attributes);
      itemAttributes = await loadItemAttributes(f, { items: ds.items });
    }
    const data = ctrDataStored(runDir, ds.sequences, ds.numItems, c);
    log(`${path.basename(c.dataset)}: ${data.numUsers} users, ${data.numItems} items; CTR rows train ${data.train.length}, valid ${data.valid.length}, test ${data.test.length}`);
    return { data, itemAttributes } satisfies CtrPrepared;
  },
  runCell: ctrCell,
  display: CTR_DISPLAY,
  sections: (_summary, records, c) => ctrVersusWideDeep(records, c.models),
});
