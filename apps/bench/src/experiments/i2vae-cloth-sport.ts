/** i2VAE cross-domain recommendation on Amazon Clothing × Sports, with cold-start groups. Planned. */
import { definePlanned } from '../planned.js';

export default definePlanned({
  name: 'i2vae-cloth-sport',
  description: 'i2VAE vs single- and cross-domain baselines on Cloth×Sport (cold-start groups)',
  missing: 'the @recsuite/i2vae package',
  dataset: 'amazon-cloth-sport/cloth_sport_train.csv',
});
