/**
 * The tfjs handle every model in this lib uses, and the backend it runs on: `selectBackend()` of ./backend decides
 * (tfjs-node-gpu when installed, else wasm, else cpu; SIGMAP_TF_BACKEND forces one). The name is returned so every
 * artefact, table and report can state it.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend/select';

export { tf };

/** Initialises tfjs once per process; resolves to the backend's name (e.g. 'wasm'). */
export async function ensureBackend(): Promise<string> {
  const name = await selectBackend();
  return name === 'tensorflow' ? 'tensorflow (tfjs-node-gpu)' : name;
}

/**
 * The values of the tensor `fn` builds, with every intermediate freed. Not `tf.tidy(() => t.dataSync())`: tidy scans
 * what its function returns for tensors to keep, element by element for a typed array (~40 % of a small network's
 * sampling time here).
 */
export function tidyValues(fn: () => tf.Tensor): Float32Array {
  const t = tf.tidy(fn);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}
