/**
 * tfjs backend selection (DESIGN.md "Real components"): @tensorflow/tfjs-node-gpu when it can be required (GPU nodes;
 * an optional dependency that is absent here), else @tensorflow/tfjs-backend-wasm (wasm files from
 * node_modules/@tensorflow/tfjs-backend-wasm/dist), else the pure-JS cpu backend. The chosen name is returned and
 * should be logged/reported by the caller.
 */
import * as tf from '@tensorflow/tfjs';
import { dirname, join, sep } from 'node:path';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let selected: Promise<BackendName> | null = null;

async function trySetBackend(name: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Selects the best available backend once per process (later calls return the same answer).
 * `prefer` forces a candidate first ('wasm', 'cpu', or 'tensorflow' for tfjs-node-gpu); env SIGMAP_TF_BACKEND does the same.
 */
export function selectBackend(prefer?: BackendName): Promise<BackendName> {
  if (!selected || prefer) selected = doSelect(prefer ?? (process.env.SIGMAP_TF_BACKEND as BackendName | undefined));
  return selected;
}

async function doSelect(prefer?: BackendName): Promise<BackendName> {
  const order: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
  if (prefer && order.includes(prefer)) order.sort((a, b) => (a === prefer ? -1 : b === prefer ? 1 : 0));
  for (const name of order) {
    if (name === 'tensorflow') {
      try {
        require('@tensorflow/tfjs-node-gpu');
      } catch {
        continue;
      }
      if (await trySetBackend('tensorflow')) return 'tensorflow';
    } else if (name === 'wasm') {
      try {
        const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths: (p: string) => void };
        wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep);
      } catch {
        continue;
      }
      if (await trySetBackend('wasm')) return 'wasm';
    } else if (await trySetBackend('cpu')) return 'cpu';
  }
  throw new Error('no tfjs backend could be initialised');
}
