/** IaCN on the CTR task built from ml-100k, with the sequence-length trend. Planned. */
import { definePlanned } from '../planned.js';

export default definePlanned({
  name: 'iacn-ml100k',
  description: 'IaCN+{DIN,DIEN,WideDeep} vs the base CTR models on ml-100k (AUC, maxlen trend)',
  missing: 'the @recsuite/iacn package',
  dataset: 'ml-100k/ml-100k.inter',
});
