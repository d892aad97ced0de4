import { InputError } from '@sigmap/contracts';

/**
 * SModelS's signal patch for a background-only pyhf workspace named in a result's `jsonFiles`
 * (smodels/statistics/pyhfInterface.py, SModelS 3.2.1: `PyhfData.updatePyhfNames`, `getWSInfo`,
 * `createPatchForRegion`, `PyhfUpperLimitComputer.patchMaker`), mirrored step for step so that a result combines the
 * way SModelS combines it:
 *
 * 1. Regions: each `jsonFiles` entry is an SModelS dataset and, in the explicit notation, its pyhf channel
 *    (`channel` or `channel[bin]`) and type (SR by default, CR). In the plain notation (a list of dataset names, 16
 *    of the database's workspace files) the names are given to the workspace's observations in order: every
 *    observation whose name reads as a signal region (`guessPyhfType`) takes the next name, bin by bin; validation
 *    regions, and control regions unless `includeCRs`, become regions without signal.
 * 2. Signal: a sample "bsm" (normfactor mu_SIG, lumi; with `signalUncertainty` u a histosys of +-u) is added to every
 *    channel whose regions carry datasets (signal regions, and control regions with a dataset when `includeCRs`), bin
 *    for bin; every bin of such a channel must be mapped.
 * 3. Other regions named by the mapping (validation regions; control regions unless `includeCRs`) are removed from
 *    the workspace. Channels the mapping does not reach stay as they are.
 *
 * Channel paths are found by name in `channels` (SModelS indexes `observations` and assumes the same order).
 * Errors name `where` and the region.
 */
export interface SmodelsRegion {
  smodels: string | null;
  pyhf?: string;
  type?: string;
}

export interface SmodelsPatchOptions {
  /** globalInfo `includeCRs` (default False): keep control regions, and give them signal where they name a dataset. */
  includeCRs?: boolean;
  /** globalInfo `signalUncertainty`: relative signal uncertainty as a histosys on the "bsm" sample. */
  signalUncertainty?: number;
}

export interface SmodelsPatch {
  ops: unknown[];
  /** The datasets that receive signal, in patch order. */
  signalRegions: string[];
  /** Channels removed (validation regions; control regions unless includeCRs). */
  removed: string[];
  /** The regions after naming (each with its pyhf channel and type). */
  regions: { smodels: string | null; pyhf?: string; type: string }[];
}

type Observation = { name: string; data: number[] };
type Channel = { name: string; samples: { data: number[] }[] };

/** `guessPyhfType`: the region type a pyhf channel name reads as. */
export function guessPyhfType(name: string): 'SR' | 'CR' | 'VR' {
  if (name.startsWith('CR')) return 'CR';
  if (name.startsWith('VR')) return 'VR';
  if (name.startsWith('SR')) return 'SR';
  if (name.includes('CR')) return 'CR';
  return 'SR';
}

/** `updatePyhfNames`: pyhf names for a plain list of dataset names, from the workspace's observations in order. */
function nameRegions(
  mapping: readonly SmodelsRegion[],
  observations: readonly Observation[],
  includeCRs: boolean,
): { smodels: string | null; pyhf?: string; type: string }[] {
  const regions = mapping.map((e) => ({ smodels: e.smodels, pyhf: e.pyhf, type: e.type ?? 'SR' }));
  if (regions.length === 0 || regions[0].pyhf !== undefined) return regions;
  const nJsonFiles = regions.length;
  const nSRs = observations.filter((o) => guessPyhfType(o.name) === 'SR').length;
  let ctr = 0;
  for (const o of observations) {
    const type = guessPyhfType(o.name);
    // validation regions, control regions left out, and control regions beside a complete set of signal regions
    if (type === 'VR' || (type === 'CR' && (!includeCRs || nSRs === nJsonFiles))) {
      regions.push({ smodels: null, pyhf: o.name, type });
      continue;
    }
    // SModelS compares with the list's length as it grows here (regions appended above count too); kept as is
    const bins = o.data.length === 1 ? [o.name] : o.data.map((_, i) => `${o.name}[${i}]`);
    for (const pyhf of bins) {
      if (ctr < regions.length) Object.assign(regions[ctr], { pyhf, type });
      ctr++;
    }
  }
  return regions;
}

export function smodelsPyhfPatch(
  bkgOnly: unknown,
  mapping: readonly SmodelsRegion[],
  signal: (sr: string) => number,
  where: string,
  opts: SmodelsPatchOptions = {},
): SmodelsPatch {
  const includeCRs = opts.includeCRs ?? false;
  const ws = bkgOnly as { channels?: Channel[]; observations?: Observation[] };
  if (!Array.isArray(ws.channels)) throw new InputError(where, 'the background-only workspace has no channels');
  if (!Array.isArray(ws.observations)) throw new InputError(where, 'the background-only workspace has no observations');
  const channels = ws.channels;
  const regions = nameRegions(mapping, ws.observations, includeCRs);
  const carriesSignal = (r: { smodels: string | null; type: string }) => r.type === 'SR' || (r.type === 'CR' && includeCRs && r.smodels !== null);
  // checkConsistency: as many signal bins as datasets in the mapping
  const named = new Set(mapping.map((e) => e.smodels).filter((s): s is string => s !== null));
  const signalBins = regions.filter(carriesSignal).length;
  if (signalBins !== named.size)
    throw new InputError(where, `${named.size} datasets in jsonFiles but ${signalBins} signal bins in the workspace (SModelS refuses this combination too)`);

  const ops: unknown[] = [];
  const signalRegions: string[] = [];
  const others: { index: number; name: string }[] = [];
  const patched = new Set<string>();
  for (const region of regions) {
    if (region.pyhf === undefined) continue;
    const obs = ws.observations.find((o) => region.pyhf === o.name || region.pyhf === `${o.name}[0]`);
    if (!obs || patched.has(obs.name)) continue;
    patched.add(obs.name);
    const index = channels.findIndex((c) => c.name === obs.name);
    if (index < 0) {
      // an observation the model has no channel for (pyhf ignores it): nothing to patch or remove
      continue;
    }
    if (!carriesSignal(region)) {
      if (!(region.type === 'CR' && includeCRs)) others.push({ index, name: obs.name });
      continue;
    }
    if (region.smodels === null) throw new InputError(where, `region ${region.pyhf} is a signal region without an SModelS dataset`);
    const nBins = obs.data.length;
    const names: string[] = [];
    if (region.pyhf === obs.name) names.push(region.smodels);
    else
      for (let b = 0; ; b++) {
        const r = regions.find((x) => x.pyhf === `${obs.name}[${b}]`);
        if (!r) break;
        if (r.smodels === null) throw new InputError(where, `bin ${obs.name}[${b}] has no SModelS dataset`);
        names.push(r.smodels);
      }
    if (names.length !== nBins) throw new InputError(where, `channel ${obs.name} has ${nBins} bins, the mapping names ${names.length}`);
    const data = names.map(signal);
    const modifiers: unknown[] = [
      { data: null, type: 'normfactor', name: 'mu_SIG' },
      { data: null, type: 'lumi', name: 'lumi' },
    ];
    const u = opts.signalUncertainty;
    if (u !== undefined && u !== 0)
      modifiers.push({ data: { hi_data: data.map((s) => s * (1 + u)), lo_data: data.map((s) => s * (1 - u)) }, type: 'histosys', name: 'signalUncertainty' });
    ops.push({ op: 'add', path: `/channels/${index}/samples/0`, value: { data, modifiers, name: 'bsm' } });
    signalRegions.push(...names);
  }
  // removals last, highest index first, so that earlier paths stay valid
  others.sort((a, b) => b.index - a.index);
  for (const o of others) ops.push({ op: 'remove', path: `/channels/${o.index}` });
  return { ops, signalRegions, removed: others.map((o) => o.name), regions };
}
