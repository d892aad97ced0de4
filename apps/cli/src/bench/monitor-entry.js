// Entry of the abuse wave's latency monitor thread (node:worker_threads): sources are TypeScript run through tsx.
require('tsx/cjs');
require('./monitor-thread.ts');
