// Records the ScanWorkflow replay fixture from a real run (run again after an intended workflow change):
//   npx tsx test/orchestration/record-replay-fixture.ts
// Dev server + in-process workers on temp files; a small sbottom lookup scan with an extendBudget update;
// the history of its first run (ends in continueAsNew) goes to workflows/test/fixtures/scan-workflow-history.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { TASK_QUEUES } from '@sigmap/contracts';
import { openStore } from '@sigmap/store';
import { extendBudgetUpdate } from '@sigmap/workflows';
import { FamilyRegistry } from '@sigmap/families';
import { connect, createWorkers } from '@sigmap/orchestration';
import { client, devServer, REPO, sbottomSpec, tmp } from './helpers';
import { startScanWorkflow } from '@sigmap/workflows/client';

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = tmp('record');
  const server = await devServer(join(dir, 'temporal.sqlite'));
  const store = await openStore({ dataDir: join(dir, 'store') });
  const conn = await connect(server.address, { address: server.address, namespace: 'default', apiKey: undefined, tls: undefined });
  const { workers, close: closeCompute } = await createWorkers({
    connection: conn,
    queues: Object.values(TASK_QUEUES),
    concurrency: 2,
    store,
    families: new FamilyRegistry(),
  });
  const running = Promise.all(workers.map((w) => w.run()));
  const { client: c, close } = await client(server.address);
  try {
    const spec = sbottomSpec({ budget: 5, batchSize: 5, initialPoints: 5, roundsPerRun: 1, seed: 3 });
    const handle = await startScanWorkflow(c, { scanId: 'recorded-scan', spec });
    await handle.executeUpdate(extendBudgetUpdate, { args: [5] });
    await handle.result();
    // protobufjs object form of temporal.api.history.v1.History (longs/enums/bytes as strings);
    // workflows/test/replay.test.ts restores it with History.fromObject (same protobufjs copy as @temporalio/proto)
    const proto = await c.workflow.getHandle('recorded-scan', handle.firstExecutionRunId).fetchHistory();
    const history = temporal.api.history.v1.History.toObject(proto as temporal.api.history.v1.History, { longs: String, enums: String, bytes: String }) as {
      events: unknown[];
    };
    const out = join(REPO, 'workflows/test/fixtures/scan-workflow-history.json');
    writeFileSync(out, JSON.stringify(history, null, 1) + '\n');
    process.stdout.write(`wrote ${out} (${history.events.length} events)\n`);
  } finally {
    await close();
    workers.forEach((w) => w.shutdown());
    await running;
    await closeCompute();
    await store.close();
    await server.stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
