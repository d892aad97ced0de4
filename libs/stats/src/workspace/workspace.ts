/**
 * pyhf workspace documents (schema 1.0.0): types, validation, observed data.
 * Follows pyhf.workspace.Workspace: channels, samples, modifiers, observations, measurements.
 */
import { InputError } from '@sigmap/contracts';
import { validateSchema } from './validate';

export type ModifierType = 'normfactor' | 'lumi' | 'normsys' | 'histosys' | 'shapesys' | 'staterror' | 'shapefactor';
const MODIFIER_TYPES: readonly ModifierType[] = ['histosys', 'lumi', 'normfactor', 'normsys', 'shapefactor', 'shapesys', 'staterror'];

export interface Modifier {
  name: string;
  type: ModifierType;
  data: null | number[] | { hi: number; lo: number } | { hi_data: number[]; lo_data: number[] };
}
export interface Sample {
  name: string;
  data: number[];
  modifiers: Modifier[];
}
export interface Channel {
  name: string;
  samples: Sample[];
}
export interface Observation {
  name: string;
  data: number[];
}
export interface ParameterConfig {
  name: string;
  inits?: number[];
  bounds?: [number, number][];
  auxdata?: number[];
  factors?: number[];
  sigmas?: number[];
  fixed?: boolean;
}
export interface Measurement {
  name: string;
  config: { poi: string; parameters: ParameterConfig[] };
}
export interface Workspace {
  channels: Channel[];
  observations: Observation[];
  measurements: Measurement[];
  version: string;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Non-finite numbers cannot come from JSON text but can come from JS callers: reject them by field. */
function checkFinite(values: unknown, field: string, nonNegative: boolean): void {
  if (!Array.isArray(values)) return;
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${field}[${i}]`, `must be a finite number, got ${String(v)}`);
    if (nonNegative && v < 0) throw new InputError(`${field}[${i}]`, `yields must be >= 0, got ${v}`);
  });
}

/**
 * Validates a pyhf workspace (official schema 1.0.0 plus the consistency pyhf checks when it builds a model) and returns it
 * typed. Throws InputError naming the field: `channels[0].samples[1].modifiers[0].type`, `observations[0].data[3]`, ...
 */
export function parseWorkspace(json: unknown): Workspace {
  if (!isObject(json)) throw new InputError('workspace', 'must be a JSON object with channels, observations, measurements, version');
  // A clear message for the most common mistake, before the schema's oneOf noise.
  if (Array.isArray(json.channels)) {
    json.channels.forEach((c, ci) => {
      if (!isObject(c) || !Array.isArray(c.samples)) return;
      c.samples.forEach((s, si) => {
        if (!isObject(s) || !Array.isArray(s.modifiers)) return;
        s.modifiers.forEach((m, mi) => {
          if (isObject(m) && typeof m.type === 'string' && !(MODIFIER_TYPES as readonly string[]).includes(m.type))
            throw new InputError(
              `channels[${ci}].samples[${si}].modifiers[${mi}].type`,
              `unknown modifier type '${m.type}' (known: ${MODIFIER_TYPES.join(', ')})`,
            );
        });
      });
    });
  }
  validateSchema(json, 'workspace');
  const ws = json as unknown as Workspace;
  const nbins = new Map<string, number>();
  ws.channels.forEach((c, ci) => {
    if (nbins.has(c.name)) throw new InputError(`channels[${ci}].name`, `duplicate channel name '${c.name}'`);
    const n = c.samples[0].data.length;
    nbins.set(c.name, n);
    const seen = new Set<string>();
    c.samples.forEach((s, si) => {
      const f = `channels[${ci}].samples[${si}]`;
      if (seen.has(s.name)) throw new InputError(`${f}.name`, `duplicate sample name '${s.name}' in channel '${c.name}'`);
      seen.add(s.name);
      if (s.data.length !== n) throw new InputError(`${f}.data`, `has ${s.data.length} bins but channel '${c.name}' has ${n}`);
      checkFinite(s.data, `${f}.data`, true);
      s.modifiers.forEach((m, mi) => {
        const mf = `${f}.modifiers[${mi}].data`;
        if (m.type === 'histosys') {
          const d = m.data as { hi_data: number[]; lo_data: number[] };
          for (const k of ['hi_data', 'lo_data'] as const) {
            if (d[k].length !== n) throw new InputError(`${mf}.${k}`, `has ${d[k].length} bins but sample '${s.name}' has ${n}`);
            checkFinite(d[k], `${mf}.${k}`, false);
          }
        } else if (m.type === 'shapesys' || m.type === 'staterror') {
          const d = m.data as number[];
          if (d.length !== n) throw new InputError(mf, `has ${d.length} bins but sample '${s.name}' has ${n}`);
          checkFinite(d, mf, true);
        } else if (m.type === 'normsys') {
          const d = m.data as { hi: number; lo: number };
          checkFinite([d.hi], `${mf}.hi`, false);
          checkFinite([d.lo], `${mf}.lo`, false);
        }
      });
    });
  });
  const obsNames = new Set<string>();
  ws.observations.forEach((o, oi) => {
    obsNames.add(o.name);
    const n = nbins.get(o.name);
    // observations of channels the workspace does not model (e.g. validation regions) are allowed, as in pyhf
    if (n !== undefined && o.data.length !== n) throw new InputError(`observations[${oi}].data`, `has ${o.data.length} bins but channel '${o.name}' has ${n}`);
    checkFinite(o.data, `observations[${oi}].data`, true);
  });
  ws.channels.forEach((c, ci) => {
    if (!obsNames.has(c.name)) throw new InputError(`channels[${ci}].name`, `channel '${c.name}' has no observation`);
  });
  if (ws.measurements.length === 0) throw new InputError('measurements', 'at least one measurement is required');
  return ws;
}

/** Finds a measurement by name (pyhf Workspace.get_measurement: by name, else the first). */
export function getMeasurement(ws: Workspace, name?: string): Measurement {
  if (name === undefined) return ws.measurements[0];
  const m = ws.measurements.find((x) => x.name === name);
  if (!m) throw new InputError('measurement', `no measurement named '${name}' (have: ${ws.measurements.map((x) => x.name).join(', ')})`);
  return m;
}
