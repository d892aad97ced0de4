import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../src';

// Determinism: a ScanWorkflow history recorded from a real run on the Temporal dev server
// (test/orchestration/record-replay-fixture.ts: sbottom lookup plane, an extendBudget update, continueAsNew after
// round 1) must replay against the current workflow code; a deliberately changed workflow must fail replay.
const fixture = join(__dirname, 'fixtures', 'scan-workflow-history.json');
const history = () => temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, unknown>);

describe('ScanWorkflow replay', () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // installed already
  }

  it('replays the recorded history with the current workflow code', async () => {
    await expect(Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history(), 'recorded-scan')).resolves.toBeUndefined();
  });

  it('fails replay for a workflow with an extra activity call', async () => {
    await expect(Worker.runReplayHistory({ workflowsPath: join(__dirname, 'nondeterministic', 'workflows.ts') }, history(), 'recorded-scan')).rejects.toThrow(
      /[Nn]ondetermin|DeterminismViolation/,
    );
  });
});
