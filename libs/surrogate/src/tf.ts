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
