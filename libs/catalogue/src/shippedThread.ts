import { parentPort, workerData } from 'node:worker_threads';
import { isInputError } from '@sigmap/contracts';
import { loadShippedCatalogue } from './shipped';

// The thread of loadShippedCatalogueOffThread: one answer, then the thread (and the database in its heap) ends.
try {
  parentPort!.postMessage({ ok: true, value: loadShippedCatalogue((workerData as { home: string }).home) });
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  parentPort!.postMessage({
    ok: false,
    error: { name: err.name, message: err.message, ...(isInputError(err) ? { field: err.field, problem: err.problem } : {}) },
  });
}
