import { runWorker, WORKER_USAGE } from '@sigmap/orchestration';
import type { CliCommand } from '../command';

export const command: CliCommand = {
  summary: 'run a Temporal worker for the given task queues (sim-gpu, surrogate-gpu, stats-cpu, orchestration)',
  usage: WORKER_USAGE,
  run: (argv) => runWorker(argv),
};
