// Entry of a compute thread (node:worker_threads): sources are TypeScript run through tsx, also when the host process
// was started without it (vitest, a bundled CLI).
require('tsx/cjs');
require('./thread.ts');
