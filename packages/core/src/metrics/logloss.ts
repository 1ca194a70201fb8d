import { checkSameLength } from './check.js';

/**
 * Mean binary cross-entropy (log loss) of predicted probabilities:
 *
 * `LogLoss = −(1/n) Σ_i [ y_i·ln p_i + (1 − y_i)·ln(1 − p_i) ]`, with `p_i` clipped to `[eps, 1 − eps]`.
 *
 * Natural logarithm, as in scikit-learn and DeepCTR. The clipping keeps a confident wrong prediction
 * finite (`−ln eps`); the default `eps = 1e-7` suits float32 probabilities (float32 cannot hold
 * `1 − 1e-15`).
 *
 * @param labels - targets in `[0, 1]` (usually 0/1; soft labels are allowed).
 * @param probs - predicted probabilities of the positive class.
 * @param eps - clipping margin, in `(0, 0.5)`. Default `1e-7`.
 * @returns the mean log loss (`NaN` for empty input).
 */
export function logLoss(labels: ArrayLike<number>, probs: ArrayLike<number>, eps = 1e-7): number {
  checkSameLength('logLoss', ['labels', 'probs'], labels, probs);
  if (!(eps > 0 && eps < 0.5)) throw new RangeError(`logLoss: eps must be in (0, 0.5), got ${eps}`);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const q = probs[i];
    if (!(y >= 0 && y <= 1)) throw new RangeError(`logLoss: labels[${i}] must be in [0, 1], got ${y}`);
    if (!(q >= 0 && q <= 1)) throw new RangeError(`logLoss: probs[${i}] must be a probability in [0, 1], got ${q}`);
    const p = Math.min(Math.max(q, eps), 1 - eps);
    sum -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
  }
  return sum / labels.length;
}
