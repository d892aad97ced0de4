/**
 * Resonance families: sequential Z', sequential W', excited quarks q*, and the generic spin-0 / spin-2 resonance
 * X -> SM1 SM2 over all 55 pairs.
 */
import { InputError, type Rng } from '@sigmap/contracts';
import { ANGULAR, type CosSampler, cosFromDensity, decayAll, isotropic, sampleSmMass, twoBodyDecay } from '../generator/decay';
import { EventRecord } from '../generator/event';
import { LuminosityTable, sampleRapidity, sampleRecoilPt, sampleResonanceMass, systemWithRecoil } from '../generator/production';
import { SM } from '../generator/sm';
import { S_HADRONIC } from '../xsec/pdf';
import { type LumiTerm, type Parton, alphaS } from '../xsec/pdfset';
import { FERMION_EW, type LineShape, type ResonanceProduction, resonanceCrossSectionPb, wLikeWidth, zLikeWidth } from '../xsec/resonance';
import { STOP_SBOTTOM_PAIR } from '../xsec/tables';
import { tableCrossSection } from '../xsec/susy';
import { OBJECT_INFO, SIGNATURE_PAIRS, type SmObject, pairKey, spinVerdict } from '../signatures';
import { type ModelFamily, type Point, checkParams, param, tableEnergy } from './types';
import { generatePair } from './pairs';

const RES_XSEC_SOURCE =
  'LO narrow-width formula sigma = 16 pi^2 (2J+1) N_R/(g_a g_b N_a N_b) Gamma_ab/(M s) dL_ab/dtau (PDG Review, cross-section formulae) with NNPDF3.1 NLO parton luminosities (NNPDF31_nlo_as_0118_luxqed, arXiv:1706.00428; LHAPDF6 grid of the pythia8mc 8.317 wheel) at mu_F = M';
const RES_XSEC_VALIDITY =
  "any sqrt(s) (13 TeV default; 8 TeV for the 8 TeV results), M up to ~0.6 sqrt(s); Gamma/M < 0.1 for the narrow-width cross section; LO (no K-factor). Checked against Pythia 8.317 sigmaGen with the same PDF set (test/peers/pythia-xsec): the Breit-Wigner-integrated value within 1.3% of it at 1-5 TeV; the narrow width within 3% at 1-2 TeV, 5% low at 3 TeV and 15-20% low at 5 TeV for Z'/W' (the tail below M, where the luminosity is larger)";

/** Generates X at mass ~ M with the given line shape and initial states, then X -> d1 d2, then SM decays. */
function resonanceEvent(
  rng: Rng,
  M: number,
  width: number,
  lumi: LuminosityTable,
  name: string,
  charge: number,
  decay: (ev: EventRecord, ix: number) => void,
  minMass = 0,
): EventRecord {
  const ev = new EventRecord();
  // The line shape is truncated at the decay threshold (a wide X cannot be produced below it in this channel).
  let m = sampleResonanceMass(rng, M, width, lumi);
  for (let k = 0; m <= minMass && k < 1000; k++) m = sampleResonanceMass(rng, M, width, lumi);
  if (m <= minMass) m = Math.max(M, minMass * 1.001);
  const y = sampleRapidity(rng, (m * m) / S_HADRONIC, lumi);
  const { system, isr } = systemWithRecoil(rng, m, y, sampleRecoilPt(rng, m));
  const ix = ev.add({ kind: name, charge, p: system, m, mother: -1, final: true });
  if (isr) ev.add({ kind: 'g', charge: 0, p: isr, m: 0, mother: -1, final: true, label: 'isr' });
  decay(ev, ix);
  decayAll(ev, rng);
  return ev;
}

const qKind = (f: string) => (f === 'u' || f === 'd' || f === 's' ? 'q' : f);

// ---------------------------------------------------------------- sequential Z'
const ZP_FERMIONS = ['e', 'mu', 'tau', 'nu', 'u', 'd', 's', 'c', 'b', 't'];

function zprimeWidths(M: number, g: number): Record<string, number> {
  const w: Record<string, number> = {};
  for (const f of ZP_FERMIONS) w[f] = zLikeWidth(M, f, g) * (f === 'nu' ? 3 : 1);
  return w;
}

const zprimeSsm: ModelFamily = {
  id: 'zprime-ssm',
  label: "sequential Z' (SSM couplings x g)",
  description: "Z' with the Z boson's couplings to fermions times g (Altarelli et al. 1989); decays to all fermion pairs, no Z'->WW.",
  signatureClass: 'resonance-same',
  params: [param('mass', 500, 7000, 'log', 'GeV', 3000, "Z' mass"), param('g', 0.1, 3, 'log', '', 1, 'coupling relative to the SSM')],
  xsecSource: RES_XSEC_SOURCE,
  xsecValidity: RES_XSEC_VALIDITY,
  allowed: true,
  validate: (p) => checkParams(zprimeSsm.params, p, 'zprime-ssm'),
  signatures(p) {
    const w = zprimeWidths(p.mass, p.g);
    const tot = Object.values(w).reduce((s, x) => s + x, 0);
    const br = (fs: string[]) => fs.reduce((s, f) => s + w[f], 0) / tot;
    return [
      { key: 'e-e', cls: 'resonance-same', br: br(['e']) },
      { key: 'mu-mu', cls: 'resonance-same', br: br(['mu']) },
      { key: 'tau-tau', cls: 'resonance-same', br: br(['tau']) },
      { key: 'j-j', cls: 'resonance-same', br: br(['u', 'd', 's', 'c']) },
      { key: 'b-b', cls: 'resonance-same', br: br(['b']) },
      { key: 't-t', cls: 'resonance-same', br: br(['t']) },
    ];
  },
  crossSectionPb(p, sqrtS) {
    const w = zprimeWidths(p.mass, p.g);
    return resonanceCrossSectionPb({ spin: 1, colour: 1, mass: p.mass, terms: zpTerms(w), sqrtS });
  },
  xsecSqrtS: 'any',
  prepare(p) {
    const w = zprimeWidths(p.mass, p.g);
    return { w, width: Object.values(w).reduce((s, x) => s + x, 0), lumi: new LuminosityTable(zpTerms(w)) };
  },
  generate(p, rng, ctx) {
    const { w, width, lumi } = ctx as { w: Record<string, number>; width: number; lumi: LuminosityTable };
    return resonanceEvent(rng, p.mass, width, lumi, 'Zprime', 0, (ev, ix) => {
      const f = pickWeighted(rng, w, ev.particles[ix].m, ZP_THRESHOLDS);
      const m = FERMION_EW[f].m;
      const lepton = f === 'e' || f === 'mu' || f === 'tau';
      twoBodyDecay(
        ev,
        ix,
        { kind: qKind(f), charge: lepton ? -1 : f === 't' ? 2 / 3 : 0, m },
        { kind: qKind(f), charge: lepton ? 1 : f === 't' ? -2 / 3 : 0, m },
        rng,
        ANGULAR.spin1,
      );
    });
  },
};

const ZP_THRESHOLDS: Record<string, number> = Object.fromEntries(ZP_FERMIONS.map((f) => [f, 2 * FERMION_EW[f].m + (f === 't' ? 1 : 0)]));

function zpTerms(w: Record<string, number>): LumiTerm[] {
  return (['u', 'd', 's', 'c', 'b'] as const).map((q) => ({ a: q as Parton, b: `${q}bar` as Parton, w: w[q] }));
}

/** Picks a key with probability proportional to its weight, among the channels whose threshold is below m. */
function pickWeighted(rng: Rng, w: Record<string, number>, m = Infinity, threshold: Record<string, number> = {}): string {
  const keys = Object.keys(w).filter((k) => (threshold[k] ?? 0) < m);
  const tot = keys.reduce((s, k) => s + w[k], 0);
  let u = rng.uniform() * tot;
  for (const k of keys) {
    u -= w[k];
    if (u < 0) return k;
  }
  return keys[keys.length - 1];
}

// ---------------------------------------------------------------- sequential W'
function wprimeWidths(M: number, g: number): Record<string, number> {
  return {
    enu: wLikeWidth(M, 0, 0, 1, 1, g),
    munu: wLikeWidth(M, 0, 0, 1, 1, g),
    taunu: wLikeWidth(M, SM.mTau, 0, 1, 1, g),
    ud: wLikeWidth(M, 0, 0, 3, 0.949, g),
    us: wLikeWidth(M, 0, 0, 3, 0.0504, g),
    cs: wLikeWidth(M, SM.mC, 0, 3, 0.949, g),
    cd: wLikeWidth(M, SM.mC, 0, 3, 0.0504, g),
    tb: wLikeWidth(M, SM.mT, SM.mB, 3, 1, g),
  };
}

function wpTerms(w: Record<string, number>, sign: number): LumiTerm[] {
  // W'+ <- u dbar, u sbar, c sbar, c dbar; W'- is the charge conjugate.
  const t = (q: Parton, qb: Parton, width: number): LumiTerm => ({ a: q, b: qb, w: width });
  return sign > 0
    ? [t('u', 'dbar', w.ud), t('u', 'sbar', w.us), t('c', 'sbar', w.cs), t('c', 'dbar', w.cd)]
    : [t('d', 'ubar', w.ud), t('s', 'ubar', w.us), t('s', 'cbar', w.cs), t('d', 'cbar', w.cd)];
}

const wprimeSsm: ModelFamily = {
  id: 'wprime-ssm',
  label: "sequential W' (SM W couplings x g)",
  description: "W' with the W boson's V-A couplings times g (Altarelli et al. 1989): W' -> l nu, q qbar', t b; no W'->WZ.",
  signatureClass: 'complex',
  params: [param('mass', 500, 7000, 'log', 'GeV', 4000, "W' mass"), param('g', 0.1, 3, 'log', '', 1, 'coupling relative to the SM W')],
  xsecSource: RES_XSEC_SOURCE,
  xsecValidity: RES_XSEC_VALIDITY,
  allowed: true,
  validate: (p) => checkParams(wprimeSsm.params, p, 'wprime-ssm'),
  signatures(p) {
    const w = wprimeWidths(p.mass, p.g);
    const tot = Object.values(w).reduce((s, x) => s + x, 0);
    return [
      { key: 'complex:lepton-met', cls: 'complex', br: (w.enu + w.munu) / tot },
      { key: 'j-j', cls: 'resonance-same', br: (w.ud + w.us + w.cs + w.cd) / tot },
      { key: 'b-t', cls: 'resonance-mixed', br: w.tb / tot },
    ];
  },
  crossSectionPb(p, sqrtS) {
    const w = wprimeWidths(p.mass, p.g);
    return resonanceCrossSectionPb({ spin: 1, colour: 1, mass: p.mass, terms: [...wpTerms(w, 1), ...wpTerms(w, -1)], sqrtS });
  },
  xsecSqrtS: 'any',
  prepare(p) {
    const w = wprimeWidths(p.mass, p.g);
    const plus = resonanceCrossSectionPb({ spin: 1, colour: 1, mass: p.mass, terms: wpTerms(w, 1) });
    const minus = resonanceCrossSectionPb({ spin: 1, colour: 1, mass: p.mass, terms: wpTerms(w, -1) });
    return {
      w,
      width: Object.values(w).reduce((s, x) => s + x, 0),
      fplus: plus / (plus + minus),
      lplus: new LuminosityTable(wpTerms(w, 1)),
      lminus: new LuminosityTable(wpTerms(w, -1)),
    };
  },
  generate(p, rng, ctx) {
    const c = ctx as { w: Record<string, number>; width: number; fplus: number; lplus: LuminosityTable; lminus: LuminosityTable };
    const s = rng.uniform() < c.fplus ? 1 : -1;
    return resonanceEvent(rng, p.mass, c.width, s > 0 ? c.lplus : c.lminus, 'Wprime', s, (ev, ix) => {
      const ch = pickWeighted(rng, c.w, ev.particles[ix].m, { tb: SM.mT + SM.mB + 2 });
      // V-A: the charged lepton of W'+ (W'-) follows (1 + cos)^2 ((1 - cos)^2) about the quark direction; averaged over
      // which beam carries the quark this is symmetric in the lab; we keep the (1 +- cos)^2 shape about the z axis.
      const va: CosSampler = cosFromDensity((x) => (1 + s * x) ** 2, 4);
      if (ch.endsWith('nu')) {
        const l = ch.slice(0, -2);
        twoBodyDecay(ev, ix, { kind: l, charge: s, m: FERMION_EW[l].m }, { kind: 'nu', charge: 0, m: 0 }, rng, va);
      } else if (ch === 'tb')
        twoBodyDecay(ev, ix, { kind: 't', charge: (2 / 3) * s, m: sampleSmMass('t', rng, p.mass - SM.mB) }, { kind: 'b', charge: 0, m: SM.mB }, rng, va);
      else twoBodyDecay(ev, ix, { kind: ch[0] === 'c' ? 'c' : 'q', charge: 0, m: ch[0] === 'c' ? SM.mC : 0 }, { kind: 'q', charge: 0, m: 0 }, rng, va);
    });
  },
};

// ---------------------------------------------------------------- excited quarks
/**
 * u*, d* with Lambda = M and f = f' = f_s = 1 (Baur, Spira, Zerwas, Phys. Rev. D42 (1990) 815):
 * Gamma(q* -> q g) = (alpha_s(M)/3) M, Gamma(q* -> q V) = (alpha/4) f_V^2 M (1 - mV^2/M^2)^2 (1 + mV^2/(2M^2)),
 * f_gamma = T3 + Y/2, f_Z = (T3 cos^2 - (Y/2) sin^2)/(sin cos), f_W = 1/(sqrt2 sin).
 * alpha_s runs to the scale M (two loops from alpha_s(m_Z) = 0.118, xsec/pdfset.ts), as Pythia 8 evaluates it at the
 * q* mass (Sigma1qg2qStar: Gamma_in = m^3 alpha_s / (3 Lambda^2) at the renormalisation scale m-hat). The family used
 * alpha_s(m_Z) = 0.118 until 2026-12, which overstated Gamma(q* -> q g), hence sigma, by alpha_s(m_Z)/alpha_s(M) =
 * 1.36 at 1 TeV and 1.60 at 5 TeV.
 */
function qstarWidths(M: number, flavour: 'u' | 'd'): Record<string, number> {
  const sw2 = SM.sin2W;
  const sw = Math.sqrt(sw2);
  const cw = Math.sqrt(1 - sw2);
  const T3 = flavour === 'u' ? 0.5 : -0.5;
  const Y2 = 1 / 6;
  const fV = { gamma: T3 + Y2, Z: (T3 * cw * cw - Y2 * sw2) / (sw * cw), W: 1 / (Math.SQRT2 * sw) };
  const alpha = 1 / 128;
  const v = (f: number, mV: number) => (mV >= M ? 0 : (alpha / 4) * f * f * M * (1 - (mV * mV) / (M * M)) ** 2 * (1 + (mV * mV) / (2 * M * M)));
  return { g: (alphaS(M) / 3) * M, gamma: v(fV.gamma, 0), Z: v(fV.Z, SM.mZ), W: v(fV.W, SM.mW) };
}

const excitedQuark: ModelFamily = {
  id: 'excited-quark',
  label: "excited quarks u*, d* (Lambda = M, f = f' = f_s = 1)",
  description: 'Degenerate u*, d* and their antiparticles produced in q g fusion, decaying to q g, q gamma, q W, q Z.',
  signatureClass: 'resonance-mixed',
  params: [param('mass', 500, 8000, 'log', 'GeV', 5000, 'q* mass')],
  xsecSource: RES_XSEC_SOURCE,
  xsecValidity: RES_XSEC_VALIDITY + '; Gamma(q* -> q g) with alpha_s(M) at two loops from alpha_s(m_Z) = 0.118',
  allowed: true,
  validate: (p) => checkParams(excitedQuark.params, p, 'excited-quark'),
  signatures(p) {
    const w = qstarWidths(p.mass, 'u');
    const tot = w.g + w.gamma + w.Z + w.W;
    return [
      { key: 'j-j', cls: 'resonance-same', br: w.g / tot },
      { key: 'gamma-j', cls: 'resonance-mixed', br: w.gamma / tot },
      { key: 'j-W', cls: 'resonance-mixed', br: w.W / tot },
      { key: 'j-Z', cls: 'resonance-mixed', br: w.Z / tot },
    ];
  },
  crossSectionPb(p, sqrtS) {
    return resonanceCrossSectionPb({ spin: 0.5, colour: 3, mass: p.mass, terms: qstarTerms(p.mass), sqrtS });
  },
  xsecSqrtS: 'any',
  prepare(p) {
    const wu = qstarWidths(p.mass, 'u');
    return { wu, wd: qstarWidths(p.mass, 'd'), width: wu.g + wu.gamma + wu.Z + wu.W, lumi: new LuminosityTable(qstarTerms(p.mass)) };
  },
  generate(p, rng, ctx) {
    const c = ctx as { wu: Record<string, number>; wd: Record<string, number>; width: number; lumi: LuminosityTable };
    return resonanceEvent(rng, p.mass, c.width, c.lumi, 'qstar', 0, (ev, ix) => {
      const ch = pickWeighted(rng, c.wu, ev.particles[ix].m, { W: SM.mW + 1, Z: SM.mZ + 1 });
      const m = ch === 'W' ? sampleSmMass('W', rng, p.mass) : ch === 'Z' ? sampleSmMass('Z', rng, p.mass) : 0;
      twoBodyDecay(ev, ix, { kind: 'q', charge: 0, m: 0 }, { kind: ch, charge: ch === 'W' ? (rng.uniform() < 0.5 ? 1 : -1) : 0, m }, rng, isotropic);
    });
  },
};

function qstarTerms(M: number): LumiTerm[] {
  const u = qstarWidths(M, 'u').g;
  const d = qstarWidths(M, 'd').g;
  return [
    { a: 'u', b: 'g', w: u },
    { a: 'ubar', b: 'g', w: u },
    { a: 'd', b: 'g', w: d },
    { a: 'dbar', b: 'g', w: d },
  ];
}

/**
 * Production terms and the Breit-Wigner line shape of zprime-ssm, wprime-ssm and excited-quark at a point, as Pythia 8
 * generates them (libs/generators pythiaFamilies: mass window M/2 - 3M/2; running-width Breit-Wigner with
 * Gamma_in(m) Gamma_out(m) growing as m^2 for the vectors (widths ~ m at fixed couplings) and as alpha_s(m) m^3 x
 * Gamma(m) for q* at fixed Lambda = M): the input of resonanceLineShapeCrossSectionPb, which measures what the
 * narrow-width cross section leaves out.
 */
export function resonanceShapeOf(familyId: string, p: Point, sqrtS?: number): { production: ResonanceProduction; shape: LineShape } {
  const M = p.mass;
  const window: [number, number] = [M / 2, 1.5 * M];
  const sum = (w: Record<string, number>) => Object.values(w).reduce((s, x) => s + x, 0);
  if (familyId === 'zprime-ssm') {
    const w = zprimeWidths(M, p.g);
    return { production: { spin: 1, colour: 1, mass: M, terms: zpTerms(w), sqrtS }, shape: { width: sum(w), window, growth: (m) => (m / M) ** 2 } };
  }
  if (familyId === 'wprime-ssm') {
    const w = wprimeWidths(M, p.g);
    return {
      production: { spin: 1, colour: 1, mass: M, terms: [...wpTerms(w, 1), ...wpTerms(w, -1)], sqrtS },
      shape: { width: sum(w), window, growth: (m) => (m / M) ** 2 },
    };
  }
  if (familyId === 'excited-quark') {
    const wM = qstarWidths(M, 'u');
    // At fixed Lambda = M every width scales as m^3 / M^2 (qstarWidths(m) assumes Lambda = m, hence (m/M)^2).
    const total = (m: number) => sum(qstarWidths(m, 'u')) * (m / M) ** 2;
    const growth = (m: number) => ((alphaS(m) * m ** 3) / (alphaS(M) * M ** 3)) * (total(m) / total(M));
    return { production: { spin: 0.5, colour: 3, mass: M, terms: qstarTerms(M), sqrtS }, shape: { width: sum(wM), window, growth } };
  }
  throw new InputError('family', `${familyId} has no line shape here (zprime-ssm, wprime-ssm, excited-quark)`);
}

// ---------------------------------------------------------------- generic X -> SM1 SM2
const OBJ_MASS: Record<SmObject, number> = { e: SM.mE, mu: SM.mMu, tau: SM.mTau, gamma: 0, j: 0, b: SM.mB, t: SM.mT, W: SM.mW, Z: SM.mZ, H: SM.mH };

/**
 * Generic resonance of spin 0 or 2 decaying to one of the 55 pairs. Parameters: mass, Gamma/M, the production partial
 * width k_prod = Gamma(X -> initial partons)/M and BR(X -> a b). Production follows X's quantum numbers:
 * neutral colour singlet or octet: g g fusion; charged: u dbar / d ubar fusion; colour triplet (leptoquark-like, spin 0):
 * QCD pair production with the scalar-triplet (stop) cross section of the LHC SUSY WG table, each X -> a b.
 * Only X -> a b is generated; yields are scaled by BR (event weight), so decays back to partons are not simulated.
 */
function makeGeneric(a: SmObject, b: SmObject, spin: 0 | 2): ModelFamily {
  const key = pairKey(a, b);
  const verdict = spinVerdict(a, b, spin);
  const triplet = verdict.allowed && !verdict.colours.includes(1) && !verdict.colours.includes(8);
  const charged = verdict.allowed && !verdict.charges.includes(0);
  const production = !verdict.allowed ? 'none' : triplet ? (spin === 0 ? 'pair' : 'none') : charged ? 'qqbar' : 'gg';
  const minMass = Math.max(200, Math.ceil((1.25 * (OBJ_MASS[a] + OBJ_MASS[b])) / 10) * 10);
  // Lowest X mass the decay can take, with room for off-shell W/Z/t line shapes (sampleSmMass lower limits).
  const low = (o: SmObject) => (o === 't' ? SM.mW + SM.mB + 1 : o === 'W' || o === 'Z' ? 1 : OBJ_MASS[o]);
  const threshold = low(a) + low(b) + 1;
  const params = [
    param('mass', minMass, 6000, 'log', 'GeV', Math.max(1000, minMass), 'X mass'),
    param('width', 0.001, 0.3, 'log', '', 0.01, 'Gamma/M'),
    param('kprod', 1e-6, 1e-2, 'log', '', 1e-4, 'Gamma(X -> production partons)/M (unused for pair production)'),
    param('br', 1e-3, 1, 'log', '', 1, `BR(X -> ${a} ${b})`),
  ];
  const colour = verdict.colours.includes(1) ? 1 : 8;
  const terms = (M: number, k: number): LumiTerm[] =>
    production === 'gg'
      ? [{ a: 'g', b: 'g', w: k * M }]
      : [
          { a: 'u', b: 'dbar', w: k * M },
          { a: 'd', b: 'ubar', w: k * M },
        ];
  const id = `x${spin}-${key}`;
  const fam: ModelFamily = {
    id,
    label: `spin-${spin} X -> ${a} ${b}`,
    description: `Generic spin-${spin} resonance X -> ${a} ${b}: ${verdict.allowed ? verdict.reason : 'FORBIDDEN: ' + verdict.reason}; production: ${production}`,
    signatureClass: a === b ? 'resonance-same' : 'resonance-mixed',
    params,
    xsecSource: production === 'pair' ? 'QCD pair production of a scalar colour triplet = stop pair table (LHC SUSY WG, NNLO_approx+NNLL)' : RES_XSEC_SOURCE,
    xsecValidity: production === 'pair' ? 'table range 100-3000 GeV' : RES_XSEC_VALIDITY,
    allowed: verdict.allowed && production !== 'none',
    reason: verdict.allowed ? (production === 'none' ? 'spin-2 colour triplet: no production model' : verdict.reason) : verdict.reason,
    validate(p) {
      if (!fam.allowed) throw new InputError('family', `${id} is not a valid model: ${fam.reason}`);
      const q = checkParams(params, p, id);
      if (q.kprod > q.width) throw new InputError('point.kprod', `Gamma_prod/M = ${q.kprod} exceeds the total Gamma/M = ${q.width}`);
      return q;
    },
    signatures: (p) => [{ key, cls: fam.signatureClass, br: p.br }],
    crossSectionPb(p, sqrtS) {
      if (production === 'pair') {
        tableEnergy(sqrtS, 13000, id);
        return tableCrossSection(STOP_SBOTTOM_PAIR, p.mass, 'point.mass').xsecPb;
      }
      return resonanceCrossSectionPb({ spin, colour, mass: p.mass, terms: terms(p.mass, p.kprod), sqrtS });
    },
    xsecSqrtS: production === 'pair' ? [13000] : 'any',
    prepare: (p) => (production === 'pair' ? { lumi: new LuminosityTable([{ a: 'g', b: 'g', w: 1 }]) } : { lumi: new LuminosityTable(terms(p.mass, p.kprod)) }),
    generate(p, rng, ctx) {
      const lumi = (ctx as { lumi: LuminosityTable }).lumi;
      const decayX = (ev: EventRecord, ix: number) => decayGeneric(ev, ix, a, b, spin, verdict.jReading, rng);
      if (production === 'pair') {
        const ev = generatePair(rng, p.mass, p.mass, lumi, 1, 'X', 'X', (e, i1, i2) => {
          decayX(e, i1);
          decayX(e, i2);
        });
        ev.weight = p.br * p.br;
        return ev;
      }
      const ev = resonanceEvent(rng, p.mass, p.width * p.mass, lumi, 'X', charged ? (rng.uniform() < 0.5 ? 1 : -1) : 0, decayX, threshold);
      ev.weight = p.br;
      return ev;
    },
  };
  return fam;
}

function decayGeneric(ev: EventRecord, ix: number, a: SmObject, b: SmObject, spin: number, jReading: string | undefined, rng: Rng): void {
  const M = ev.particles[ix].m;
  const qx = ev.particles[ix].charge;
  const kind = (o: SmObject) => (o === 'j' ? (jReading === 'gluon' ? 'g' : 'q') : o);
  const ma = sampleSmMass(a, rng, M - OBJ_MASS[b]);
  const mb = sampleSmMass(b, rng, M - ma);
  const lepton = (o: SmObject) => o === 'e' || o === 'mu' || o === 'tau';
  // Charges: a neutral X gives opposite charges; a charged X puts its charge on a charged object.
  let qa = 0;
  let qb = 0;
  const charges = (o: SmObject) => OBJECT_INFO[o].readings[0].charges;
  if (qx === 0) {
    if (lepton(a) && lepton(b)) [qa, qb] = [-1, 1];
    else if (a === 'W' && b === 'W') [qa, qb] = [1, -1];
    else if (a === 't' || b === 't') [qa, qb] = [a === 't' ? 2 / 3 : 0, b === 't' ? (a === 't' ? -2 / 3 : 2 / 3) : 0];
  } else {
    if (charges(a).some((c) => Math.abs(c) === 1)) qa = qx;
    else if (charges(b).some((c) => Math.abs(c) === 1)) qb = qx;
  }
  const cos = spin === 2 && OBJECT_INFO[a].readings[0].fermion && OBJECT_INFO[b].readings[0].fermion ? ANGULAR.spin2gg : isotropic;
  twoBodyDecay(ev, ix, { kind: kind(a), charge: qa, m: ma }, { kind: kind(b), charge: qb, m: mb }, rng, cos);
}

export const GENERIC_RESONANCES: ModelFamily[] = ([0, 2] as const).flatMap((spin) => SIGNATURE_PAIRS.map((p) => makeGeneric(p.a, p.b, spin)));

export const RESONANCE_FAMILIES: ModelFamily[] = [zprimeSsm, wprimeSsm, excitedQuark];
