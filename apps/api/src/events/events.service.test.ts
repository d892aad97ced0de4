import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Store } from '@sigmap/store';
import type { ApiOptions } from '../config';
import { EventsService, type StreamEvent } from './events.service';

/** A store with one scan whose progress events the test appends; counts the reads. */
function fakeStore() {
  const events: { id: number; payload: unknown }[] = [];
  const state = { status: 'running', reads: 0 };
  const store = {
    async getScan() {
      state.reads++;
      return { status: state.status };
    },
    async progressEventsAfter(_id: string, after: number) {
      state.reads++;
      return events.filter((e) => e.id > after);
    },
  } as unknown as Store;
  const add = (status: string) => events.push({ id: events.length + 1, payload: { status, evaluated: events.length } });
  return { store, state, add };
}

const options = { sseIdleMs: 60_000, sseMaxMs: 600_000 } as ApiOptions;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EventsService: one store feed per scan, shared by its streams', () => {
  it('20 streams on one scan read the store as one does, each gets every event in order, and the feed stops when they leave', async () => {
    const { store, state, add } = fakeStore();
    add('running');
    const svc = new EventsService(store, options);
    const got: StreamEvent[][] = Array.from({ length: 20 }, () => []);
    const subs = got.map((g) => svc.events('s1', 20).subscribe((e) => g.push(e)));
    await sleep(70);
    add('running');
    await sleep(70);
    expect(svc.feeds()).toBe(1);
    // ~7 ticks of 2 reads in 140 ms, shared; one poll loop per stream would make it ~20x that
    expect(state.reads).toBeLessThan(30);
    for (const g of got) expect(g.map((e) => e.id)).toEqual(['1', '2']);
    subs.forEach((s) => s.unsubscribe());
    expect(svc.feeds()).toBe(0);
    const before = state.reads;
    await sleep(60);
    expect(state.reads).toBe(before);
  });

  it('a stream joining late gets the events so far, and every stream ends with the final status', async () => {
    const { store, state, add } = fakeStore();
    add('running');
    const svc = new EventsService(store, options);
    const early = lastValueFrom(svc.events('s1', 10).pipe(toArray()));
    await sleep(40);
    const late = lastValueFrom(svc.events('s1', 10).pipe(toArray()));
    add('completed');
    state.status = 'completed';
    for (const evs of [await early, await late]) {
      expect(evs.filter((e) => e.type === 'progress').map((e) => e.id)).toEqual(['1', '2']);
      expect(evs.at(-1)).toEqual({ type: 'end', data: { scanId: 's1', status: 'completed', reason: 'final' } });
    }
    expect(svc.feeds()).toBe(0);
  });

  it('a store failure errors the streams of that scan and the next stream starts a new feed', async () => {
    const { store, add } = fakeStore();
    add('running');
    let fail = true;
    const failing = {
      ...store,
      getScan: async () => (fail ? Promise.reject(new Error('store down')) : { status: 'running' }),
      progressEventsAfter: store.progressEventsAfter,
    } as unknown as Store;
    const svc = new EventsService(failing, options);
    await expect(firstValueFrom(svc.events('s1', 10))).rejects.toThrow('store down');
    expect(svc.feeds()).toBe(0);
    fail = false;
    const first = await firstValueFrom(svc.events('s1', 10).pipe(take(1)));
    expect(first.id).toBe('1');
  });
});
