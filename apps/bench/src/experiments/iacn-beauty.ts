/** IaCN on the CTR task built from Beauty: IaCN+DIN/DIEN/WideDeep vs the base models. Planned. */
import { definePlanned } from '../planned.js';

export default definePlanned({
  name: 'iacn-beauty',
  description: 'IaCN+{DIN,DIEN,WideDeep} vs the base CTR models on Beauty (AUC, δ/λ sweeps)',
  missing: 'the @recsuite/iacn package',
  dataset: 'amazon-beauty/Beauty.txt',
});
