/**
 * `ctr-ml100k`: DIN, DIEN and Wide&Deep on the CTR task built from MovieLens 100K (every rating a
 * behaviour, ordered by timestamp then row; genres as item attributes; age, gender and occupation as the
 * user profile), test AUC/GAUC/LogLoss, selected on validation AUC.
 * @module
 */
import { loadAtomic, userSequences, type UserProfile } from '@recsuite/core';
import path from 'node:path';
import { ctrDataStored } from '../cells/ctrCell.js';
import { file, str } from '../config/fields.js';
import { dataLabel, defineExperiment, modelSeedCells } from '../experiment.js';
import { CTR_DISPLAY, ctrCell, ctrProtocolDetails, ctrSchema, ctrSplitSummary, ctrVersusWideDeep, type CtrPrepared } from './ctrCommon.js';

export default defineExperiment({
  name: 'ctr-ml100k',
  description: 'DIN, DIEN, WideDeep on the CTR task built from MovieLens 100K (test AUC, GAUC, LogLoss)',
  status: 'ready',
  schema: {
    dataset: file('ml-100k/ml-100k.inter', 'RecBole atomic .inter file (with .item genres and .user profile beside it)'),
    itemField: str('class', 'multi-valued item attribute field of the .item file (empty: none)'),
    profileFields: str('age,gender,occupation', 'user profile fields of the .user file, comma-separated (empty: none)'),
    ...ctrSchema(),
  },
  requiredFiles: (c) => {
    const base = c.dataset.replace(/\.inter$/, '');
    return [
      ...(c.itemField ? [{ path: `${base}.item`, key: 'itemField' }] : []),
      ...(c.profileFields ? [{ path: `${base}.user`, key: 'profileFields' }] : []),
    ];
  },
  cells: (c) => modelSeedCells(c.models, c.seeds),
  datasetName: (c, dataDir) => dataLabel(c.dataset, dataDir),
  protocol: (c) => ({
    summary: `DIEN-style CTR pairs, ${ctrSplitSummary(c)}; test AUC, GAUC, LogLoss; selected on validation AUC`,
    details: [
      `data: ${path.basename(c.dataset)}; every rating is a behaviour, ordered by timestamp then file row (many timestamps tie)`,
      ...ctrProtocolDetails(c, `item id + "${c.itemField}" attributes; user profile ${c.profileFields || 'none'}${c.useUserId ? ' + user id' : ''}`),
    ],
  }),
  async prepare({ config: c, runDir, log }) {
    const ds = await loadAtomic(c.dataset);
    const seqs = userSequences(ds.interactions);
    const itemAttributes = c.itemField ? ds.itemAttributes?.[c.itemField] : undefined;
    if (c.itemField && !itemAttributes) throw new Error(`${c.dataset}: no item attribute field "${c.itemField}" (config key "itemField")`);
    let userProfile: UserProfile | undefined;
    const wanted = c.profileFields.split(',').map((s) => s.trim()).filter(Boolean);
    if (wanted.length) {
      const p = ds.userProfile;
      const missing = wanted.filter((f) => !p?.fields[f]);
      if (!p || missing.length) throw new Error(`${c.dataset}: no user profile field ${missing.join(', ')} (config key "profileFields")`);
      userProfile = { numUsers: p.numUsers, fields: Object.fromEntries(wanted.map((f) => [f, p.fields[f]])) };
    }
    const data = ctrDataStored(runDir, seqs.sequences, ds.interactions.numItems, c);
    log(`${path.basename(c.dataset)}: ${data.numUsers} users, ${data.numItems} items; CTR rows train ${data.train.length}, valid ${data.valid.length}, test ${data.test.length}`);
    return { data, itemAttributes, userProfile } satisfies CtrPrepared;
  },
  runCell: ctrCell,
  display: CTR_DISPLAY,
  sections: (_summary, records, c) => ctrVersusWideDeep(records, c.models),
});
