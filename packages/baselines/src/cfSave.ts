/**
 * Reading the saves of the CF baselines (Pop, BPR-MF, LightGCN): the manifest's `meta.model` checked, the
 * saved tensors looked up by name, and every loaded tensor freed once the model is built.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { WeightsError, loadWeights } from '@recsuite/core';

/**
 * Loads the save in `dir` and builds a model from it. `build` gets the saved metadata and a lookup of
 * the saved tensors by name; the tensors are freed when it returns (constructors copy what they keep).
 * @param dir - the save directory.
 * @param model - the `meta.model` the save must carry (`BPRMF`, `LightGCN`, `Pop`).
 * @param label - the model's name in error messages (`BPR-MF`).
 * @param build - builds the model.
 * @throws `WeightsError` when `dir` holds no save, a save of another model, or lacks a tensor `build` asks for.
 */
export async function loadCFSave<Meta extends { model: string }, M>(
  dir: string,
  model: Meta['model'],
  label: string,
  build: (meta: Meta, tensor: (name: string) => tf.Tensor) => M,
): Promise<M> {
  const w = await loadWeights<Meta>(dir);
  try {
    const meta = w.meta;
    if (meta?.model !== model) throw new WeightsError(`${dir}: not a ${label} save (meta.model = ${String(meta?.model)})`, dir);
    return build(meta, (name) => {
      const k = w.names.indexOf(name);
      if (k < 0) throw new WeightsError(`${dir}: tensor "${name}" missing from the ${label} save`, dir);
      return w.tensors[k];
    });
  } finally {
    tf.dispose(w.tensors);
  }
}
