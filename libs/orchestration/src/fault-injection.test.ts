import { describe, expect, it } from 'vitest';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { faultConfig, faultInterceptors, parseFaultTrace, type FaultTraceEvent } from './fault-injection';

/** A stand-in activity Context: the interceptor reads info and wraps heartbeat. */
function fakeContext(type: string, beats: unknown[]): Context {
  return {
    info: { activityType: type, attempt: 1, activityId: '1', workflowExecution: { workflowId: 'w', runId: 'r' } },
    heartbeat: (d?: unknown) => beats.push(d),
  } as unknown as Context;
}

const input = { args: [], headers: {} } as ActivityExecuteInput;

describe('fault injection interceptor', () => {
  it('is off unless its environment is set, and validates it', () => {
    expect(faultConfig({})).toBeNull();
    expect(faultInterceptors({})).toEqual([]);
    expect(faultConfig({ SIGMAP_FAULT_TRACE: '1' })).toMatchObject({ trace: true, throwEvery: 0 });
    expect(() => faultConfig({ SIGMAP_FAULT_THROW_EVERY: '1' })).toThrow(/SIGMAP_FAULT_THROW_EVERY/);
    expect(() => faultConfig({ SIGMAP_FAULT_THROW_EVERY: 'x' })).toThrow(/integer >= 2/);
    expect(faultConfig({ SIGMAP_FAULT_DELAY_MS: 'proposeBatch:3000, computeLimit:5' })!.delays).toEqual(
      new Map([
        ['proposeBatch', 3000],
        ['computeLimit', 5],
      ]),
    );
    expect(() => faultConfig({ SIGMAP_FAULT_DELAY_MS: 'proposeBatch=3' })).toThrow(/SIGMAP_FAULT_DELAY_MS.*activityType:milliseconds/);
  });

  it('traces start, heartbeat and end without changing the result', async () => {
    const lines: string[] = [];
    const beats: unknown[] = [];
    const [factory] = faultInterceptors({ SIGMAP_FAULT_TRACE: '1' }, (l) => lines.push(l));
    const ctx = fakeContext('traced', beats);
    const r = await factory(ctx).inbound!.execute!(input, async () => {
      ctx.heartbeat({ step: 1 });
      return 42;
    });
    expect(r).toBe(42);
    expect(beats).toEqual([{ step: 1 }]);
    const events = lines.map(parseFaultTrace) as FaultTraceEvent[];
    expect(events.map((e) => e.event)).toEqual(['start', 'heartbeat', 'end']);
    expect(events[0]).toMatchObject({ type: 'traced', attempt: 1, activityId: '1', workflowId: 'w', runId: 'r', call: 1 });
    expect(events[1].details).toBe('{"step":1}');
    expect(parseFaultTrace('sigmap worker ready')).toBeNull();
  });

  it('fails every third call of an activity type, alternately before and after it ran', async () => {
    const lines: string[] = [];
    const [factory] = faultInterceptors({ SIGMAP_FAULT_TRACE: '1', SIGMAP_FAULT_THROW_EVERY: '3', SIGMAP_FAULT_THROW_ACTIVITIES: 'flaky' }, (l) =>
      lines.push(l),
    );
    let ran = 0;
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      try {
        await factory(fakeContext('flaky', [])).inbound!.execute!(input, async () => ++ran);
        outcomes.push('ok');
      } catch (e) {
        expect((e as { type?: string }).type).toBe('InjectedFault');
        expect((e as { nonRetryable?: boolean }).nonRetryable).toBe(false);
        outcomes.push('fail');
      }
    }
    expect(outcomes).toEqual(['ok', 'ok', 'fail', 'ok', 'ok', 'fail']);
    const injected = lines.map(parseFaultTrace).filter((e) => e?.injected);
    // the two injected failures: one before the activity ran, one after (it ran 5 times in 6 calls or 4 + 1)
    expect(new Set(injected.map((e) => e!.injected))).toEqual(new Set(['before', 'after']));
    expect(ran).toBe(5);
    // another activity type is not failed
    await expect(factory(fakeContext('steady', [])).inbound!.execute!(input, async () => 'x')).resolves.toBe('x');
  });
});
