// Worker process entry: `npx tsx apps/worker/src/main.ts --queues sim-gpu,stats-cpu [--concurrency N]`.
import { runAsProcess } from '@sigmap/contracts/cli';
import { runWorker, WORKER_USAGE } from '@sigmap/orchestration';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  process.stdout.write(WORKER_USAGE + '\n');
} else {
  runAsProcess(() => runWorker(argv));
}
