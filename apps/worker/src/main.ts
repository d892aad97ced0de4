// Worker process entry: `npx tsx apps/worker/src/main.ts --queues sim-gpu,stats-cpu [--concurrency N]`.
import { isInputError } from '@sigmap/contracts';
import { runWorker, WORKER_USAGE } from '@sigmap/orchestration';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  process.stdout.write(WORKER_USAGE + '\n');
} else {
  runWorker(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(isInputError(e) ? `error: ${e.message}\n` : `internal error: ${(e as Error)?.stack ?? e}\n`);
      process.exitCode = isInputError(e) ? 2 : 1;
    },
  );
}
