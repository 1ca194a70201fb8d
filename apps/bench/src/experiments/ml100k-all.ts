/** The cross-method view on MovieLens 100K, where every method can run. Planned. */
import { definePlanned } from '../planned.js';

export default definePlanned({
  name: 'ml100k-all',
  description: 'every method and baseline on ml-100k, one table (cross-method view)',
  missing: 'the method packages (@recsuite/casm, iacn, irl4rec, i2vae, ipg)',
  dataset: 'ml-100k/ml-100k.inter',
});
