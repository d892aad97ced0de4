/**
 * The HistFactory probability model built the way pyhf builds it (pyhf.pdf.Model, pyhf 0.7.x):
 *
 *   p(n, a | theta) = prod_b Pois(n_b | lambda_b(theta)) * prod_{normal} N(a_i | theta_i, sigma_i) * prod_{poisson} Pois(a_j | gamma_j tau_j)
 *   lambda_b = sum_s (nominal_sb + sum_histosys delta_sb(alpha)) * prod_{factor modifiers} f_sb(theta)
 *
 * (HistFactory, CERN-OPEN-2012-016, eqs. 4-7; pyhf _MainModel.expected_data). Parameter order, channel/sample order,
 * auxiliary data order, suggested inits/bounds/fixed and measurement overrides follow pyhf exactly, so parameter vectors
 * and data vectors are interchangeable with pyhf's.
 *
 * The hot path (negative log-likelihood and its analytic gradient) runs on flat typed arrays built once here.
 */
import { InputError } from '@sigmap/contracts';
import type { Modifier, ParameterConfig, Workspace } from '../workspace/workspace';
import { getMeasurement } from '../workspace/workspace';
import {
  HISTOSYS_STRIDE,
  NORMSYS_STRIDE,
  histosysCodeNumber,
  histosysCoefficients,
  interpHistosys,
  interpNormsys,
  normsysCodeNumber,
  normsysCoefficients,
  type HistosysCode,
  type NormsysCode,
} from './interpolation';
import { lgamma } from './lgamma';
import type { ParsetRequirement } from './modifiers/parset';
import { normfactorParset } from './modifiers/normfactor';
import { shapefactorParset } from './modifiers/shapefactor';
import { lumiParset } from './modifiers/lumi';
import { normsysParset } from './modifiers/normsys';
import { histosysParset } from './modifiers/histosys';
import { shapesysParset } from './modifiers/shapesys';
import { staterrorParset } from './modifiers/staterror';

export interface BuildOptions {
  measurement?: string;
  poiName?: string;
  normsysInterp?: NormsysCode;
  histosysInterp?: HistosysCode;
}

export interface ParsetInfo {
  name: string;
  start: number;
  n: number;
  type: ParsetRequirement['type'];
}

export interface ModelConfig {
  parameterNames: string[];
  poiIndex: number;
  poiName: string;
  suggestedInit: Float64Array;
  suggestedBounds: [number, number][];
  fixed: boolean[];
  auxdata: Float64Array;
  nMainBins: number;
  channels: string[];
  channelNbins: number[];
  samples: string[];
  parsets: ParsetInfo[];
  /** Natural scale of each parameter (constraint width, 1 for free parameters): the optimizer's preconditioner. */
  scales: Float64Array;
  normsysInterp: NormsysCode;
  histosysInterp: HistosysCode;
  /**
   * Parameters with a variation whose up and down shifts go the same way in some bin (hi and lo on the same side of the
   * nominal): the likelihood can be a double well in them, see FitOptions.reflect.
   */
  sameSideVariation: boolean[];
}

export interface HistFactoryModel {
  readonly config: ModelConfig;
  /** Expected main data (channel order = config.channels) followed by expected auxiliary data (pyhf order). */
  expectedData(pars: ArrayLike<number>): Float64Array;
  /** Expected main data only. */
  expectedMainData(pars: ArrayLike<number>): Float64Array;
  /** Full log-probability of data (main + aux), including all normalisation constants (pyhf Model.logpdf). */
  logpdf(pars: ArrayLike<number>, data: ArrayLike<number>): number;
  /**
   * Negative log-likelihood WITHOUT the data-only constants (lgamma(n+1), Gaussian normalisation); fills `grad` with
   * its gradient when given. Returns +Infinity where the likelihood is zero or undefined (a rate <= 0 with data > 0).
   */
  nllCore(pars: Float64Array, data: ArrayLike<number>, grad: Float64Array | null): number;
  /** The constant c(data) such that -logpdf = nllCore + c. */
  nllConstant(data: ArrayLike<number>): number;
  /** Counts of likelihood evaluations (with and without gradient), for profiling. */
  readonly counters: { evals: number; gradEvals: number };
  /** Indices (into the aux vector) and kinds of the constraint terms, for toy sampling. */
  readonly constraints: {
    gaussPar: Int32Array;
    gaussAux: Int32Array;
    gaussSigma: Float64Array;
    poisPar: Int32Array;
    poisAux: Int32Array;
    poisFactor: Float64Array;
  };
}

const TYPE_ORDER = ['histosys', 'lumi', 'normfactor', 'normsys', 'shapefactor', 'shapesys', 'staterror'] as const;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface DefinedSample {
  data: number[];
  mods: Map<string, Modifier>;
  channelIndex: number;
  sampleIndex: number;
}

function sameRequirement(a: ParsetRequirement, b: ParsetRequirement): string | null {
  const keys: (keyof ParsetRequirement)[] = ['type', 'n', 'isScalar', 'inits', 'bounds', 'auxdata', 'factors', 'sigmas', 'fixed'];
  for (const k of keys) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return k;
  return null;
}

/** Builds the model of a workspace's measurement (pyhf Workspace.model + Model). */
export function buildModel(ws: Workspace, opts: BuildOptions = {}): HistFactoryModel {
  const normsysInterp = opts.normsysInterp ?? 'code4';
  const histosysInterp = opts.histosysInterp ?? 'code4p';
  if (!['code0', 'code1', 'code2', 'code4'].includes(normsysInterp))
    throw new InputError('normsys-interp', `unknown interpolation code '${normsysInterp}' (code0, code1, code2, code4)`);
  if (!['code0', 'code2', 'code4p'].includes(histosysInterp))
    throw new InputError('histosys-interp', `unknown interpolation code '${histosysInterp}' (code0, code2, code4p)`);
  const measurement = getMeasurement(ws, opts.measurement);
  const mIndex = ws.measurements.indexOf(measurement);

  // --- channel summary (pyhf _ChannelSummaryMixin): sorted unique names
  const channels = [...new Set(ws.channels.map((c) => c.name))].sort(cmp);
  const specByName = new Map(ws.channels.map((c) => [c.name, c]));
  const channelNbins = channels.map((c) => specByName.get(c)!.samples[0].data.length);
  const channelOffset: number[] = [];
  let nMainBins = 0;
  for (const n of channelNbins) {
    channelOffset.push(nMainBins);
    nMainBins += n;
  }
  const samples = [...new Set(ws.channels.flatMap((c) => c.samples.map((s) => s.name)))].sort(cmp);
  const modKeys = new Map<string, [string, string]>();
  for (const c of ws.channels) for (const s of c.samples) for (const m of s.modifiers) modKeys.set(`${m.type}/${m.name}`, [m.name, m.type]);
  const modifiers = [...modKeys.values()].sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));

  // --- defined samples per channel, modifier dictionaries (the last of a repeated shared key wins, as in pyhf)
  const defined = new Map<string, DefinedSample>();
  const seenNonShared = new Set<string>();
  ws.channels.forEach((c, ci) => {
    c.samples.forEach((s, si) => {
      const mods = new Map<string, Modifier>();
      s.modifiers.forEach((m, mi) => {
        const key = `${m.type}/${m.name}`;
        if (m.type === 'shapesys' && (seenNonShared.has(key) || mods.has(key)))
          throw new InputError(
            `channels[${ci}].samples[${si}].modifiers[${mi}].name`,
            `shapesys modifier '${m.name}' is used twice; shapesys names must be unique`,
          );
        mods.set(key, m);
      });
      for (const k of mods.keys()) if (k.startsWith('shapesys/')) seenNonShared.add(k);
      defined.set(`${c.name}\u0000${s.name}`, { data: s.data, mods, channelIndex: ci, sampleIndex: si });
    });
  });

  // --- parameter requirements, in pyhf's builder order
  const reqs: Record<string, Map<string, ParsetRequirement>> = {};
  for (const t of TYPE_ORDER) reqs[t] = new Map();
  // staterror: global (all channels concatenated) mask / uncertainty / nominal per modifier and sample
  const stat = new Map<string, Map<string, { mask: boolean[]; uncrt: number[]; nom: number[] }>>();
  channels.forEach((c, ci) => {
    for (const s of samples) {
      const d = defined.get(`${c}\u0000${s}`);
      for (const [mname, mtype] of modifiers) {
        const key = `${mtype}/${mname}`;
        const m = d?.mods.get(key);
        const nb = channelNbins[ci];
        const nom = d ? d.data : new Array<number>(nb).fill(0);
        if (mtype === 'staterror') {
          let perSample = stat.get(mname);
          if (!perSample) stat.set(mname, (perSample = new Map()));
          let e = perSample.get(s);
          if (!e) perSample.set(s, (e = { mask: [], uncrt: [], nom: [] }));
          e.mask.push(...new Array<boolean>(nb).fill(!!m));
          e.uncrt.push(...(m ? (m.data as number[]) : new Array<number>(nb).fill(0)));
          e.nom.push(...nom);
          continue;
        }
        if (!m || reqs[mtype].has(mname)) continue;
        switch (mtype) {
          case 'histosys':
            reqs.histosys.set(mname, histosysParset());
            break;
          case 'lumi':
            reqs.lumi.set(mname, lumiParset());
            break;
          case 'normfactor':
            reqs.normfactor.set(mname, normfactorParset());
            break;
          case 'normsys':
            reqs.normsys.set(mname, normsysParset());
            break;
          case 'shapefactor':
            reqs.shapefactor.set(mname, shapefactorParset(nom.length));
            break;
          case 'shapesys':
            reqs.shapesys.set(mname, shapesysParset(nom, m.data as number[]));
            break;
        }
      }
    }
  });
  const statMaskedBins = new Map<string, number[]>();
  for (const [mname, perSample] of stat) {
    const withMod = [...perSample.values()].filter((e) => e.mask.some(Boolean));
    const nomsall = new Array<number>(nMainBins).fill(0);
    for (const e of withMod) for (let b = 0; b < nMainBins; b++) nomsall[b] += e.nom[b];
    const rel2 = new Array<number>(nMainBins).fill(0);
    for (const e of perSample.values()) for (let b = 0; b < nMainBins; b++) if (nomsall[b] > 0) rel2[b] += (e.uncrt[b] / nomsall[b]) ** 2;
    const mask = withMod[withMod.length - 1].mask;
    for (const e of withMod)
      if (e.mask.some((x, b) => x !== mask[b]))
        throw new InputError(`staterror '${mname}'`, 'samples carrying the same staterror modifier must cover the same bins');
    const bins = mask.flatMap((x, b) => (x ? [b] : []));
    statMaskedBins.set(mname, bins);
    reqs.staterror.set(mname, staterrorParset(bins.map((b) => Math.sqrt(rel2[b]))));
  }

  // --- merge by parameter name across modifier types (pyhf reduce_paramsets_requirements)
  const merged = new Map<string, ParsetRequirement>();
  for (const t of TYPE_ORDER) {
    for (const [name, r] of reqs[t]) {
      const prev = merged.get(name);
      if (!prev) merged.set(name, r);
      else {
        const diff = sameRequirement(prev, r);
        if (diff) throw new InputError(`modifier '${name}'`, `is used by modifiers that need different '${diff}' (use unique modifier names)`);
      }
    }
  }
  if (merged.size === 0) throw new InputError('channels', 'the model has no parameters');

  // --- measurement overrides (config.parameters: inits, bounds, auxdata, factors, sigmas, fixed)
  const userCfg = new Map<string, { cfg: ParameterConfig; index: number }>();
  measurement.config.parameters.forEach((p, i) => {
    if (userCfg.has(p.name)) throw new InputError(`measurements[${mIndex}].config.parameters[${i}].name`, `parameter '${p.name}' is configured twice`);
    userCfg.set(p.name, { cfg: p, index: i });
  });
  const finals = new Map<string, ParsetRequirement>();
  for (const [name, r0] of merged) {
    const r: ParsetRequirement = { ...r0 };
    const u = userCfg.get(name);
    if (u) {
      const f = `measurements[${mIndex}].config.parameters[${u.index}]`;
      for (const k of ['inits', 'bounds', 'auxdata', 'factors', 'sigmas'] as const) {
        const v = u.cfg[k];
        if (v === undefined) continue;
        const def = r[k];
        if (def === undefined) throw new InputError(`${f}.${k}`, `parameter '${name}' (${r.type}) has no '${k}' attribute`);
        if (Array.isArray(def) && v.length !== def.length) throw new InputError(`${f}.${k}`, `has ${v.length} values, parameter '${name}' has ${def.length}`);
        if (k === 'bounds') {
          (u.cfg.bounds ?? []).forEach((b, j) => {
            if (!Array.isArray(b) || b.length !== 2 || !(b[0] <= b[1]))
              throw new InputError(`${f}.bounds[${j}]`, `must be [low, high] with low <= high, got ${JSON.stringify(b)}`);
          });
          r.bounds = v as [number, number][];
        } else r[k] = v as number[];
        if (v.length !== r.n) throw new InputError(`${f}.${k}`, `has ${v.length} values, parameter '${name}' has ${r.n}`);
      }
      if (u.cfg.fixed !== undefined) r.fixed = u.cfg.fixed;
    }
    for (const k of ['inits', 'bounds', 'auxdata', 'sigmas'] as const) {
      if (r[k] === null)
        throw new InputError(
          `measurements[${mIndex}].config.parameters`,
          `parameter '${name}' needs '${k}' from the measurement (a lumi modifier needs inits, bounds, auxdata, sigmas)`,
        );
    }
    finals.set(name, r);
  }

  // --- parameter layout
  const parsets: ParsetInfo[] = [];
  const start = new Map<string, number>();
  const parameterNames: string[] = [];
  const init: number[] = [];
  const bounds: [number, number][] = [];
  const fixed: boolean[] = [];
  const scales: number[] = [];
  const aux: number[] = [];
  const gaussPar: number[] = [],
    gaussAux: number[] = [],
    gaussSigma: number[] = [];
  const poisPar: number[] = [],
    poisAux: number[] = [],
    poisFactor: number[] = [];
  let npars = 0;
  for (const [name, r] of finals) {
    parsets.push({ name, start: npars, n: r.n, type: r.type });
    start.set(name, npars);
    for (let i = 0; i < r.n; i++) {
      parameterNames.push(r.isScalar ? name : `${name}[${i}]`);
      init.push(r.inits![i]);
      bounds.push([r.bounds![i][0], r.bounds![i][1]]);
      fixed.push(Array.isArray(r.fixed) ? r.fixed[i] : r.fixed);
      if (r.type === 'constrained_by_normal') {
        const sigma = r.sigmas ? r.sigmas[i] : 1;
        gaussPar.push(npars + i);
        gaussAux.push(aux.length);
        gaussSigma.push(sigma);
        aux.push(r.auxdata![i]);
        scales.push(sigma > 0 ? sigma : 1);
      } else if (r.type === 'constrained_by_poisson') {
        const tau = r.factors![i];
        poisPar.push(npars + i);
        poisAux.push(aux.length);
        poisFactor.push(tau);
        aux.push(r.auxdata![i]);
        scales.push(tau > 0 ? Math.min(1, 1 / Math.sqrt(tau)) : 1);
      } else scales.push(1);
    }
    npars += r.n;
  }

  const poiName = opts.poiName ?? measurement.config.poi;
  const poiField = opts.poiName !== undefined ? 'poi' : `measurements[${mIndex}].config.poi`;
  const poiStart = start.get(poiName);
  if (poiStart === undefined) throw new InputError(poiField, `parameter of interest '${poiName}' is not a parameter of the model`);
  if (finals.get(poiName)!.n !== 1)
    throw new InputError(poiField, `parameter of interest '${poiName}' has ${finals.get(poiName)!.n} components; it must be a scalar`);

  // --- compile blocks (sample x channel) and entries (sample x bin)
  const nsCode = normsysCodeNumber(normsysInterp);
  const hsCode = histosysCodeNumber(histosysInterp);
  const blockFacStart: number[] = [0];
  const facPar: number[] = [];
  const facKind: number[] = [];
  const facCoefOff: number[] = [];
  const normCoefList: number[] = [];
  const entBlock: number[] = [],
    entBin: number[] = [],
    entNom: number[] = [];
  const entHsStart: number[] = [0],
    hsPar: number[] = [],
    hsCoefList: number[] = [];
  const entBfStart: number[] = [0],
    bfPar: number[] = [];
  const sameSide = new Array<boolean>(npars).fill(false);
  const tmpN = new Float64Array(NORMSYS_STRIDE);
  const tmpH = new Float64Array(HISTOSYS_STRIDE);
  let nBlocks = 0;
  channels.forEach((c, ci) => {
    const off = channelOffset[ci];
    for (const s of samples) {
      const d = defined.get(`${c}\u0000${s}`);
      if (!d) continue;
      const mods = [...d.mods.values()];
      for (const m of mods) {
        if (m.type === 'normfactor' || m.type === 'lumi') {
          facPar.push(start.get(m.name)!);
          facKind.push(0);
          facCoefOff.push(0);
        } else if (m.type === 'normsys') {
          const nd = m.data as { hi: number; lo: number };
          if ((normsysInterp === 'code1' || normsysInterp === 'code4') && !(nd.hi > 0 && nd.lo > 0))
            throw new InputError(
              `channels[${d.channelIndex}].samples[${d.sampleIndex}].modifiers[${d.mods.size ? mods.indexOf(m) : 0}].data`,
              `normsys '${m.name}' needs hi > 0 and lo > 0 for ${normsysInterp}, got hi=${nd.hi} lo=${nd.lo}`,
            );
          if ((nd.hi - 1) * (1 - nd.lo) < 0) sameSide[start.get(m.name)!] = true;
          // hi = lo = 1 is the factor 1 for every alpha (all codes): leave it out
          if (nd.hi === 1 && nd.lo === 1) continue;
          facPar.push(start.get(m.name)!);
          facKind.push(1);
          facCoefOff.push(normCoefList.length);
          normsysCoefficients(nd.hi, nd.lo, normsysInterp, tmpN, 0);
          normCoefList.push(...tmpN);
        }
      }
      blockFacStart.push(facPar.length);
      const block = nBlocks++;
      for (let j = 0; j < channelNbins[ci]; j++) {
        const gb = off + j;
        entBlock.push(block);
        entBin.push(gb);
        entNom.push(d.data[j]);
        for (const m of mods) {
          if (m.type === 'histosys') {
            const hd = m.data as { hi_data: number[]; lo_data: number[] };
            if ((hd.hi_data[j] - d.data[j]) * (d.data[j] - hd.lo_data[j]) < 0) sameSide[start.get(m.name)!] = true;
            // a bin the variation does not move contributes delta = 0 for every alpha (all codes): leave it out
            if (hd.hi_data[j] === d.data[j] && hd.lo_data[j] === d.data[j]) continue;
            hsPar.push(start.get(m.name)!);
            histosysCoefficients(d.data[j], hd.lo_data[j], hd.hi_data[j], histosysInterp, tmpH, 0);
            hsCoefList.push(...tmpH);
          } else if (m.type === 'shapefactor' || m.type === 'shapesys') {
            bfPar.push(start.get(m.name)! + j);
          } else if (m.type === 'staterror') {
            const comp = statMaskedBins.get(m.name)!.indexOf(gb);
            bfPar.push(start.get(m.name)! + comp);
          }
        }
        entHsStart.push(hsPar.length);
        entBfStart.push(bfPar.length);
      }
    }
  });

  const config: ModelConfig = {
    parameterNames,
    poiIndex: poiStart,
    poiName,
    suggestedInit: Float64Array.from(init),
    suggestedBounds: bounds,
    fixed,
    auxdata: Float64Array.from(aux),
    nMainBins,
    channels,
    channelNbins,
    samples,
    parsets,
    scales: Float64Array.from(scales),
    normsysInterp,
    histosysInterp,
    sameSideVariation: sameSide,
  };
  return new CompiledModel(config, {
    nBlocks,
    blockFacStart: Int32Array.from(blockFacStart),
    facPar: Int32Array.from(facPar),
    facKind: Int8Array.from(facKind),
    facCoefOff: Int32Array.from(facCoefOff),
    normCoef: Float64Array.from(normCoefList),
    nsCode,
    entBlock: Int32Array.from(entBlock),
    entBin: Int32Array.from(entBin),
    entNom: Float64Array.from(entNom),
    entHsStart: Int32Array.from(entHsStart),
    hsPar: Int32Array.from(hsPar),
    hsCoef: Float64Array.from(hsCoefList),
    hsCode,
    entBfStart: Int32Array.from(entBfStart),
    bfPar: Int32Array.from(bfPar),
    gaussPar: Int32Array.from(gaussPar),
    gaussAux: Int32Array.from(gaussAux),
    gaussSigma: Float64Array.from(gaussSigma),
    poisPar: Int32Array.from(poisPar),
    poisAux: Int32Array.from(poisAux),
    poisFactor: Float64Array.from(poisFactor),
  });
}

interface Compiled {
  nBlocks: number;
  blockFacStart: Int32Array;
  facPar: Int32Array;
  facKind: Int8Array;
  facCoefOff: Int32Array;
  normCoef: Float64Array;
  nsCode: number;
  entBlock: Int32Array;
  entBin: Int32Array;
  entNom: Float64Array;
  entHsStart: Int32Array;
  hsPar: Int32Array;
  hsCoef: Float64Array;
  hsCode: number;
  entBfStart: Int32Array;
  bfPar: Int32Array;
  gaussPar: Int32Array;
  gaussAux: Int32Array;
  gaussSigma: Float64Array;
  poisPar: Int32Array;
  poisAux: Int32Array;
  poisFactor: Float64Array;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

class CompiledModel implements HistFactoryModel {
  readonly counters = { evals: 0, gradEvals: 0 };
  readonly constraints: HistFactoryModel['constraints'];
  private readonly facVal: Float64Array;
  private readonly facDer: Float64Array;
  private readonly facPrefix: Float64Array;
  private readonly blockF: Float64Array;
  private readonly blockA: Float64Array;
  private readonly hsDer: Float64Array;
  private readonly entBase: Float64Array;
  private readonly entG: Float64Array;
  private readonly lam: Float64Array;
  private readonly w: Float64Array;
  private readonly out = new Float64Array(2);
  private readonly gaussInvVar: Float64Array;
  private readonly constCache = new WeakMap<object, number>();

  constructor(
    readonly config: ModelConfig,
    private readonly c: Compiled,
  ) {
    this.facVal = new Float64Array(c.facPar.length);
    this.facDer = new Float64Array(c.facPar.length);
    this.facPrefix = new Float64Array(c.facPar.length);
    this.blockF = new Float64Array(c.nBlocks);
    this.blockA = new Float64Array(c.nBlocks);
    this.hsDer = new Float64Array(c.hsPar.length);
    this.entBase = new Float64Array(c.entNom.length);
    this.entG = new Float64Array(c.entNom.length);
    this.lam = new Float64Array(config.nMainBins);
    this.w = new Float64Array(config.nMainBins);
    this.gaussInvVar = c.gaussSigma.map((s) => 1 / (s * s));
    this.constraints = {
      gaussPar: c.gaussPar,
      gaussAux: c.gaussAux,
      gaussSigma: c.gaussSigma,
      poisPar: c.poisPar,
      poisAux: c.poisAux,
      poisFactor: c.poisFactor,
    };
  }

  /** Fills this.lam with the expected main rates; keeps per-term values/derivatives for the gradient pass. */
  private rates(pars: ArrayLike<number>): void {
    const c = this.c;
    const { facVal, facDer, blockF, out } = this;
    for (let k = 0; k < c.nBlocks; k++) {
      let F = 1;
      for (let t = c.blockFacStart[k], te = c.blockFacStart[k + 1]; t < te; t++) {
        const p = pars[c.facPar[t]];
        if (c.facKind[t] === 0) {
          facVal[t] = p;
          facDer[t] = 1;
        } else {
          interpNormsys(c.nsCode, p, c.normCoef, c.facCoefOff[t], out);
          facVal[t] = out[0];
          facDer[t] = out[1];
        }
        F *= facVal[t];
      }
      blockF[k] = F;
    }
    const lam = this.lam;
    lam.fill(0);
    const { entBase, entG, hsDer } = this;
    const nE = c.entNom.length;
    for (let e = 0; e < nE; e++) {
      let base = c.entNom[e];
      for (let h = c.entHsStart[e], he = c.entHsStart[e + 1]; h < he; h++) {
        interpHistosys(c.hsCode, pars[c.hsPar[h]], c.hsCoef, h * HISTOSYS_STRIDE, out);
        base += out[0];
        hsDer[h] = out[1];
      }
      let G = 1;
      for (let f = c.entBfStart[e], fe = c.entBfStart[e + 1]; f < fe; f++) G *= pars[c.bfPar[f]];
      entBase[e] = base;
      entG[e] = G;
      lam[c.entBin[e]] += base * blockF[c.entBlock[e]] * G;
    }
  }

  expectedMainData(pars: ArrayLike<number>): Float64Array {
    this.rates(pars);
    return Float64Array.from(this.lam);
  }

  expectedData(pars: ArrayLike<number>): Float64Array {
    this.rates(pars);
    const nb = this.config.nMainBins;
    const out = new Float64Array(nb + this.config.auxdata.length);
    out.set(this.lam, 0);
    const c = this.c;
    for (let i = 0; i < c.gaussPar.length; i++) out[nb + c.gaussAux[i]] = pars[c.gaussPar[i]];
    for (let i = 0; i < c.poisPar.length; i++) out[nb + c.poisAux[i]] = pars[c.poisPar[i]] * c.poisFactor[i];
    return out;
  }

  nllConstant(data: ArrayLike<number>): number {
    const key = data as unknown as object;
    const cached = this.constCache.get(key);
    if (cached !== undefined) return cached;
    const nb = this.config.nMainBins;
    let s = 0;
    for (let b = 0; b < nb; b++) s += lgamma(data[b] + 1);
    const c = this.c;
    for (let i = 0; i < c.gaussPar.length; i++) s += Math.log(c.gaussSigma[i]) + LOG_SQRT_2PI;
    for (let i = 0; i < c.poisPar.length; i++) s += lgamma(data[nb + c.poisAux[i]] + 1);
    this.constCache.set(key, s);
    return s;
  }

  logpdf(pars: ArrayLike<number>, data: ArrayLike<number>): number {
    const n = this.config.parameterNames.length;
    if (pars.length !== n) throw new InputError('pars', `expected ${n} parameters, got ${pars.length}`);
    const nd = this.config.nMainBins + this.config.auxdata.length;
    if (data.length !== nd) throw new InputError('data', `expected ${nd} values (main + aux), got ${data.length}`);
    const v = this.nllCore(Float64Array.from(pars), data, null);
    return -(v + this.nllConstant(data));
  }

  nllCore(pars: Float64Array, data: ArrayLike<number>, grad: Float64Array | null): number {
    const c = this.c;
    if (grad) this.counters.gradEvals++;
    else this.counters.evals++;
    this.rates(pars);
    const nb = this.config.nMainBins;
    const { lam, w } = this;
    let nll = 0;
    for (let b = 0; b < nb; b++) {
      const l = lam[b];
      const n = data[b];
      if (l > 0) {
        nll += n === 0 ? l : l - n * Math.log(l);
        w[b] = 1 - n / l;
      } else if (l === 0 && n === 0) {
        w[b] = 1;
      } else return Infinity;
    }
    const { gaussInvVar } = this;
    for (let i = 0; i < c.gaussPar.length; i++) {
      const d = pars[c.gaussPar[i]] - data[nb + c.gaussAux[i]];
      nll += 0.5 * d * d * gaussInvVar[i];
    }
    for (let i = 0; i < c.poisPar.length; i++) {
      const rate = pars[c.poisPar[i]] * c.poisFactor[i];
      const a = data[nb + c.poisAux[i]];
      if (rate > 0) nll += a === 0 ? rate : rate - a * Math.log(rate);
      else if (!(rate === 0 && a === 0)) return Infinity;
    }
    if (!Number.isFinite(nll)) return Infinity;
    if (!grad) return nll;

    grad.fill(0);
    const { blockF, blockA, entBase, entG, hsDer, facVal, facDer } = this;
    blockA.fill(0);
    const nE = c.entNom.length;
    for (let e = 0; e < nE; e++) {
      const wb = w[c.entBin[e]];
      if (wb === 0) continue;
      const blk = c.entBlock[e];
      const F = blockF[blk];
      const G = entG[e];
      const base = entBase[e];
      blockA[blk] += wb * base * G;
      const fg = wb * F * G;
      for (let h = c.entHsStart[e], he = c.entHsStart[e + 1]; h < he; h++) grad[c.hsPar[h]] += fg * hsDer[h];
      const f0 = c.entBfStart[e];
      const f1 = c.entBfStart[e + 1];
      const nf = f1 - f0;
      if (nf === 1) grad[c.bfPar[f0]] += wb * F * base;
      else if (nf > 1) {
        for (let f = f0; f < f1; f++) {
          let other = 1;
          for (let g = f0; g < f1; g++) if (g !== f) other *= pars[c.bfPar[g]];
          grad[c.bfPar[f]] += wb * F * base * other;
        }
      }
    }
    // d/d theta_t of prod_u f_u = f'_t * prod_{u != t} f_u, by prefix and suffix products (exact when some f_u = 0)
    const prefix = this.facPrefix;
    for (let k = 0; k < c.nBlocks; k++) {
      const A = blockA[k];
      if (A === 0) continue;
      const t0 = c.blockFacStart[k];
      const t1 = c.blockFacStart[k + 1];
      let run = 1;
      for (let t = t0; t < t1; t++) {
        prefix[t] = run;
        run *= facVal[t];
      }
      let suffix = 1;
      for (let t = t1 - 1; t >= t0; t--) {
        grad[c.facPar[t]] += A * facDer[t] * prefix[t] * suffix;
        suffix *= facVal[t];
      }
    }
    for (let i = 0; i < c.gaussPar.length; i++) {
      const p = c.gaussPar[i];
      grad[p] += (pars[p] - data[nb + c.gaussAux[i]]) * gaussInvVar[i];
    }
    for (let i = 0; i < c.poisPar.length; i++) {
      const p = c.poisPar[i];
      grad[p] += c.poisFactor[i] - data[nb + c.poisAux[i]] / pars[p];
    }
    return nll;
  }
}

/** Observed data for a model: observations in model channel order, then the model's auxiliary data (pyhf Workspace.data). */
export function observedData(ws: Workspace, model: HistFactoryModel): Float64Array {
  const obs = new Map(ws.observations.map((o) => [o.name, o.data]));
  const out = new Float64Array(model.config.nMainBins + model.config.auxdata.length);
  let k = 0;
  for (const c of model.config.channels) {
    const d = obs.get(c);
    if (!d) throw new InputError('observations', `no observation for channel '${c}'`);
    out.set(d, k);
    k += d.length;
  }
  out.set(model.config.auxdata, k);
  return out;
}
