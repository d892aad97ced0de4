import { parentPort, workerData } from 'node:worker_threads';
import { monitor, type MonitorJob } from './probe';

// The abuse wave's latency monitor, in a thread of its own (bench/abuse.ts runMonitors).
void monitor(workerData as MonitorJob).then((r) => parentPort!.postMessage(r));
