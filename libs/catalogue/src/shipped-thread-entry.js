// Entry of loadShippedCatalogueOffThread's thread (node:worker_threads): sources are TypeScript run through tsx.
require('tsx/cjs');
require('./shippedThread.ts');
