import { parentPort, workerData } from 'node:worker_threads';
import { toPlainError } from '@sigmap/contracts';
import { loadShippedCatalogue } from './shipped';

// The thread of loadShippedCatalogueOffThread: one answer, then the thread (and the database in its heap) ends.
try {
  parentPort!.postMessage({ ok: true, value: loadShippedCatalogue((workerData as { home: string }).home) });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: toPlainError(e) });
}
