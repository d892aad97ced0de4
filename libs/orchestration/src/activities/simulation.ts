import { Context } from '@temporalio/activity';
import { pointKey, type Fidelity, type SimulateInput, type SimulateResult } from '@sigmap/contracts';
import type { SearchYields } from '@sigmap/families';
import type { GeneratorProgress } from '@sigmap/generators';
import type { SimulationActivities } from '@sigmap/workflows';
import { familyOf, inputFailure } from '../compute/tasks';
import { computeHeartbeating, type ActivityDeps } from './common';

/** What a simulate heartbeat carries: the finished searches' yields, Pythia's batch progress, the events done. */
interface SimulateBeat {
  yields: Record<string, SearchYields>;
  partial?: { search: string; progress: GeneratorProgress };
  at?: { search: string; done: number; total: number };
}

/**
 * Signal yields of one point in every search of the scan, stored once per (scan, point, fidelity, seed). The
 * simulation runs in deps.compute; heartbeats carry the yields of the finished searches (and Pythia's batch
 * progress), so a retried attempt resumes after them; cancellation stops the simulation within seconds.
 * `fidelities`: what this queue simulates (a misrouted call is refused, not run on the wrong hardware).
 */
export function simulateActivity(deps: ActivityDeps, queue: string, fidelities: readonly Fidelity[]) {
  const { store, families, compute } = deps;
  return async function simulate(input: SimulateInput): Promise<SimulateResult> {
    const f = familyOf(families, input.family);
    if (!f.simulate) throw inputFailure('fidelity', `${f.id} is not simulated (it supports ${f.fidelities.join(', ')}), not '${input.fidelity}'`);
    if (!fidelities.includes(input.fidelity)) throw inputFailure('fidelity', `the ${queue} queue simulates ${fidelities.join(', ')}, not '${input.fidelity}'`);
    const key = pointKey(input.point);
    const beat = Context.current().info.heartbeatDetails as Partial<SimulateBeat> | undefined;
    const details: SimulateBeat = { yields: { ...(beat?.yields ?? {}) }, partial: beat?.partial };
    const resumed = Object.keys(details.yields).length;
    // the scan spec names the generator (workflows started before the field existed pass none)
    const generator = input.generator ?? (await store.getScan(input.scanId))?.spec.generator ?? 'builtin';
    for (const search of input.searches) {
      if (details.yields[search]) continue;
      const resume = details.partial?.search === search ? details.partial.progress : undefined;
      details.yields[search] = await computeHeartbeating(
        compute,
        'simulateSearch',
        { family: input.family, point: input.point, search, fidelity: input.fidelity, events: input.events, seed: input.seed, generator, resume },
        () => details,
        (d) => {
          const p = d as { pythia?: GeneratorProgress; done?: number; total?: number };
          if (p.pythia) details.partial = { search, progress: p.pythia };
          if (p.done !== undefined) details.at = { search, done: p.done, total: p.total ?? input.events };
        },
      );
      details.partial = undefined;
      Context.current().heartbeat(details);
    }
    const backend = [...new Set(input.searches.map((s) => details.yields[s].backend))].join(', ');
    deps.log?.(
      `simulate ${f.id} ${key} (${input.fidelity}, ${generator}, ${input.events} events, backend ${backend}): ${input.searches.length} searches${resumed ? `, ${resumed} resumed from the last heartbeat` : ''}`,
    );
    const stored = Object.fromEntries(input.searches.map((s) => [s, details.yields[s]]));
    return { yieldsKey: await store.putYields(input.scanId, key, input.fidelity, input.seed, stored), events: input.events, backend };
  };
}

/** The `sim-gpu` queue: event generation + detector simulation (full, fast), built-in generator or Pythia 8. */
export function createSimulationActivities(deps: ActivityDeps): SimulationActivities {
  return { simulate: simulateActivity(deps, 'sim-gpu', ['full', 'fast']) };
}
