/**
 * Pair-production families: scalar leptoquarks (three generations) and simplified SUSY models (T2tt, T2bb, T1, T5gg,
 * TChiWZ and the ATLAS SUSY-2018-31 sbottom model), with the LHC SUSY WG cross-section tables.
 */
import { InputError, type Rng } from '@sigmap/contracts';
import { decayAll, sampleSmMass, threeBodyDecay, twoBodyDecay } from '../generator/decay';
import { EventRecord } from '../generator/event';
import { LuminosityTable, samplePairMass, sampleRapidity, sampleRecoilPt, systemWithRecoil } from '../generator/production';
import { SM } from '../generator/sm';
import { S_HADRONIC } from '../xsec/pdf';
import type { LumiTerm } from '../xsec/pdfset';
import { type XsecTable, tableCrossSection } from '../xsec/susy';
import { GLUINO_PAIR, SLEPTON_LR_PAIR, STOP_SBOTTOM_PAIR, WINO_C1N2 } from '../xsec/tables';
import { type ModelFamily, type Point, checkParams, param, tableEnergy } from './types';

/**
 * Pair production p p -> A B: system mass from beta^k x luminosity (production.ts), rapidity from the PDFs, ISR recoil,
 * then A and B back to back and isotropic in the system frame (S-wave), then `decay`, then SM decays.
 */
export function generatePair(
  rng: Rng,
  m1: number,
  m2: number,
  lumi: LuminosityTable,
  k: number,
  n1: string,
  n2: string,
  decay: (ev: EventRecord, i1: number, i2: number) => void,
  q1 = 0,
  q2 = 0,
): EventRecord {
  const ev = new EventRecord();
  const m = samplePairMass(rng, m1, m2, lumi, k);
  const y = sampleRapidity(rng, (m * m) / S_HADRONIC, lumi);
  const { system, isr } = systemWithRecoil(rng, m, y, sampleRecoilPt(rng, m));
  const is = ev.add({ kind: '_system', charge: q1 + q2, p: system, m, mother: -1, final: true });
  if (isr) ev.add({ kind: 'g', charge: 0, p: isr, m: 0, mother: -1, final: true, label: 'isr' });
  const [i1, i2] = twoBodyDecay(ev, is, { kind: n1, charge: q1, m: m1 }, { kind: n2, charge: q2, m: m2 }, rng);
  decay(ev, i1, i2);
  decayAll(ev, rng);
  return ev;
}

const GG: LumiTerm[] = [
  { a: 'g', b: 'g', w: 1 },
  { a: 'u', b: 'ubar', w: 0.1 },
  { a: 'd', b: 'dbar', w: 0.1 },
];
const QQBAR_EW: LumiTerm[] = [
  { a: 'u', b: 'dbar', w: 1 },
  { a: 'd', b: 'ubar', w: 1 },
];

function tableSource(t: XsecTable): string {
  return `LHC SUSY cross-section WG table ${t.processId} (${t.order}), ${t.source}`;
}
const tableValidity = (t: XsecTable) => `${t.masses[0]}-${t.masses[t.masses.length - 1]} GeV (table range), log-linear interpolation`;

interface PairSpec {
  id: string;
  label: string;
  description: string;
  table: XsecTable;
  /** Name of the produced sparticle / LQ. */
  parent: string;
  params: ReturnType<typeof param>[];
  massParam: string;
  /** Kinematic constraints on the point. */
  constrain?: (p: Point) => void;
  signatures: ModelFamily['signatures'];
  lumi: LumiTerm[];
  k: number;
  decay: (ev: EventRecord, i: number, p: Point, rng: Rng) => void;
  /** Decays both parents at once (when their decays are correlated, e.g. one flavour per event); overrides `decay`. */
  decayPair?: (ev: EventRecord, i1: number, i2: number, p: Point, rng: Rng) => void;
  charges?: [number, number];
  /** Number of mass-degenerate copies of the tabulated process the family produces (its cross section is n x the table's). */
  copies?: { n: number; what: string };
}

function pairFamily(s: PairSpec): ModelFamily {
  const fam: ModelFamily = {
    id: s.id,
    label: s.label,
    description: s.description,
    signatureClass: 'complex',
    params: s.params,
    xsecSource: s.copies ? `${s.copies.n} x ${tableSource(s.table)} (${s.copies.what})` : tableSource(s.table),
    xsecValidity: tableValidity(s.table),
    allowed: true,
    validate(p) {
      const q = checkParams(s.params, p, s.id);
      s.constrain?.(q);
      tableCrossSection(s.table, q[s.massParam], `point.${s.massParam}`);
      return q;
    },
    signatures: s.signatures,
    crossSectionPb: (p, sqrtS) => {
      tableEnergy(sqrtS, 13000, s.id);
      return (s.copies?.n ?? 1) * tableCrossSection(s.table, p[s.massParam], `point.${s.massParam}`).xsecPb;
    },
    xsecSqrtS: [13000],
    prepare: () => ({ lumi: new LuminosityTable(s.lumi) }),
    generate(p, rng, ctx) {
      const lumi = (ctx as { lumi: LuminosityTable }).lumi;
      const m = p[s.massParam];
      const [q1, q2] = s.charges ?? [0, 0];
      return generatePair(
        rng,
        m,
        m,
        lumi,
        s.k,
        s.parent,
        s.parent,
        (ev, i1, i2) => {
          if (s.decayPair) return s.decayPair(ev, i1, i2, p, rng);
          s.decay(ev, i1, p, rng);
          s.decay(ev, i2, p, rng);
        },
        q1,
        q2,
      );
    },
  };
  return fam;
}

const lsp = (m: number) => ({ kind: 'lsp', charge: 0, m });

/** Three-body gluino decay g~ -> q qbar chi1 (off-shell squarks, flat phase space). */
const T1 = pairFamily({
  id: 'T1',
  label: 'T1: gluino pair, gluino -> q qbar LSP',
  description: 'Simplified model T1 (CMS naming): pp -> g~ g~, g~ -> q qbar chi1^0 through heavy squarks (three-body, flat phase space).',
  table: GLUINO_PAIR,
  parent: 'gluino',
  params: [param('m_gluino', 500, 3000, 'linear', 'GeV', 1800, 'gluino mass'), param('m_lsp', 0, 2500, 'linear', 'GeV', 500, 'chi1^0 mass')],
  massParam: 'm_gluino',
  constrain: (p) => {
    if (p.m_lsp >= p.m_gluino - 10) throw new InputError('point.m_lsp', `must be below m_gluino - 10 GeV (${p.m_gluino - 10})`);
  },
  signatures: () => [{ key: 'complex:gluino', cls: 'complex', br: 1 }],
  lumi: GG,
  k: 1,
  decay: (ev, i, p, rng) => {
    threeBodyDecay(ev, i, [{ kind: 'q', charge: 0, m: 0 }, { kind: 'q', charge: 0, m: 0 }, lsp(p.m_lsp)], rng);
  },
});

/** Gravitino mass of the T5gg grid (GeV): the third mass of every point of the SModelS T5gg maps (ATLAS-SUSY-2016-27). */
export const T5GG_GRAVITINO_MASS = 1;

/**
 * T5gg (SModelS naming): the gluino-bino grid of ATLAS's photon + MET search with general gauge mediation
 * (arXiv:1802.03158): pp -> g~ g~, g~ -> q qbar chi1^0 through heavy squarks (three-body, flat phase space, q as in T1),
 * chi1^0 -> gamma G~ (100%), with a 1 GeV gravitino (invisible). Cross section: the gluino-pair table (as T1).
 */
const T5gg = pairFamily({
  id: 'T5gg',
  label: 'T5gg: gluino pair, gluino -> q qbar chi1, chi1 -> photon gravitino',
  description: 'Simplified model T5gg: pp -> g~ g~, g~ -> q qbar chi1^0 (three-body), chi1^0 -> gamma G~ with a 1 GeV gravitino (GGM gluino-bino grid).',
  table: GLUINO_PAIR,
  parent: 'gluino',
  params: [param('m_gluino', 500, 3000, 'linear', 'GeV', 1800, 'gluino mass'), param('m_chi', 10, 2990, 'linear', 'GeV', 1000, 'chi1^0 (NLSP) mass')],
  massParam: 'm_gluino',
  constrain: (p) => {
    if (p.m_chi > p.m_gluino - 10) throw new InputError('point.m_chi', `must be at most m_gluino - 10 GeV (${p.m_gluino - 10})`);
  },
  signatures: () => [{ key: 'complex:gluino', cls: 'complex', br: 1 }],
  lumi: GG,
  k: 1,
  decay: (ev, i, p, rng) => {
    const [, , ic] = threeBodyDecay(
      ev,
      i,
      [
        { kind: 'q', charge: 0, m: 0 },
        { kind: 'q', charge: 0, m: 0 },
        { kind: 'chi1', charge: 0, m: p.m_chi },
      ],
      rng,
    );
    twoBodyDecay(ev, ic, { kind: 'gamma', charge: 0, m: 0 }, lsp(T5GG_GRAVITINO_MASS), rng);
  },
});

const T2tt = pairFamily({
  id: 'T2tt',
  label: 'T2tt: stop pair, stop -> t LSP',
  description: 'Simplified model T2tt: pp -> t~ t~*, t~ -> t chi1^0 (two-body, on-shell top for m_stop - m_lsp > m_t).',
  table: STOP_SBOTTOM_PAIR,
  parent: 'stop',
  params: [param('m_stop', 200, 2000, 'linear', 'GeV', 1000, 'stop mass'), param('m_lsp', 0, 1800, 'linear', 'GeV', 200, 'chi1^0 mass')],
  massParam: 'm_stop',
  constrain: (p) => {
    if (p.m_lsp > p.m_stop - SM.mT - 5) throw new InputError('point.m_lsp', `T2tt needs m_lsp <= m_stop - m_t - 5 GeV (${(p.m_stop - SM.mT - 5).toFixed(1)})`);
  },
  signatures: () => [{ key: 'complex:stop', cls: 'complex', br: 1 }],
  lumi: GG,
  k: 1,
  charges: [2 / 3, -2 / 3],
  decay: (ev, i, p, rng) => {
    const q = ev.particles[i].charge;
    twoBodyDecay(ev, i, { kind: 't', charge: q, m: sampleSmMass('t', rng, ev.particles[i].m - p.m_lsp) }, lsp(p.m_lsp), rng);
  },
});

const T2bb = pairFamily({
  id: 'T2bb',
  label: 'T2bb: sbottom pair, sbottom -> b LSP',
  description: 'Simplified model T2bb: pp -> b~ b~*, b~ -> b chi1^0.',
  table: STOP_SBOTTOM_PAIR,
  parent: 'sbottom',
  params: [param('m_sbottom', 200, 2000, 'linear', 'GeV', 1000, 'sbottom mass'), param('m_lsp', 0, 1800, 'linear', 'GeV', 200, 'chi1^0 mass')],
  massParam: 'm_sbottom',
  constrain: (p) => {
    if (p.m_lsp > p.m_sbottom - SM.mB - 5) throw new InputError('point.m_lsp', `must be below m_sbottom - m_b - 5 GeV`);
  },
  signatures: () => [{ key: 'complex:sbottom', cls: 'complex', br: 1 }],
  lumi: GG,
  k: 1,
  decay: (ev, i, p, rng) => {
    twoBodyDecay(ev, i, { kind: 'b', charge: 0, m: SM.mB }, lsp(p.m_lsp), rng);
  },
});

const TChiWZ = pairFamily({
  id: 'TChiWZ',
  label: 'TChiWZ: chi1+- chi2^0 -> W chi1^0 Z chi1^0',
  description: 'Simplified model TChiWZ: wino-like chi1+- chi2^0 (mass-degenerate), chi1+- -> W chi1^0, chi2^0 -> Z chi1^0.',
  table: WINO_C1N2,
  parent: 'chi',
  params: [param('m_chi', 100, 1500, 'linear', 'GeV', 600, 'chi1+- = chi2^0 mass'), param('m_lsp', 0, 1400, 'linear', 'GeV', 100, 'chi1^0 mass')],
  massParam: 'm_chi',
  constrain: (p) => {
    if (p.m_lsp > p.m_chi - SM.mZ - 5) throw new InputError('point.m_lsp', `on-shell W and Z need m_lsp <= m_chi - m_Z - 5 GeV`);
  },
  signatures: () => [{ key: 'complex:electroweakino', cls: 'complex', br: 1 }],
  lumi: QQBAR_EW,
  k: 3,
  charges: [1, 0],
  decay: (ev, i, p, rng) => {
    const q = ev.particles[i].charge;
    const v = q !== 0 ? 'W' : 'Z';
    twoBodyDecay(ev, i, { kind: v, charge: q, m: sampleSmMass(v, rng, ev.particles[i].m - p.m_lsp) }, lsp(p.m_lsp), rng);
  },
});

/** ATLAS SUSY-2018-31 (arXiv:1908.03122): sbottom pair, b~ -> b chi2^0, chi2^0 -> h chi1^0 (100%). */
const sbottomBh = pairFamily({
  id: 'sbottom-bh',
  label: 'ATLAS sbottom model: sbottom -> b chi2, chi2 -> h chi1',
  description: 'The model of ATLAS SUSY-2018-31 (multi-b + MET): pp -> b~ b~*, b~ -> b chi2^0, chi2^0 -> h(125) chi1^0.',
  table: STOP_SBOTTOM_PAIR,
  parent: 'sbottom',
  params: [
    param('m_sbottom', 250, 2000, 'linear', 'GeV', 1200, 'sbottom mass'),
    param('m_chi2', 130, 1900, 'linear', 'GeV', 600, 'chi2^0 mass'),
    param('m_chi1', 0, 1700, 'linear', 'GeV', 60, 'chi1^0 mass'),
  ],
  massParam: 'm_sbottom',
  constrain: (p) => {
    if (p.m_chi2 > p.m_sbottom - SM.mB - 5) throw new InputError('point.m_chi2', 'must be below m_sbottom - m_b - 5 GeV');
    if (p.m_chi1 > p.m_chi2 - SM.mH - 1) throw new InputError('point.m_chi1', 'must be below m_chi2 - m_h - 1 GeV (on-shell h)');
  },
  signatures: () => [{ key: 'complex:sbottom', cls: 'complex', br: 1 }],
  lumi: GG,
  k: 1,
  decay: (ev, i, p, rng) => {
    const [, ic] = twoBodyDecay(ev, i, { kind: 'b', charge: 0, m: SM.mB }, { kind: 'chi2', charge: 0, m: p.m_chi2 }, rng);
    twoBodyDecay(ev, ic, { kind: 'H', charge: 0, m: SM.mH }, lsp(p.m_chi1), rng);
  },
});

/**
 * TSlepSlep as ATLAS generates it for its slepton searches (e.g. arXiv:1803.02762): selectrons and smuons, partners of
 * the left- and right-handed leptons, all of one mass, pair-produced (Drell-Yan), each decaying to its lepton and the
 * LSP. Cross section: two flavours x the NLO+NLL one-flavour l~L + l~R table. The built-in generator produces
 * e~ e~* or mu~ mu~* with equal probability (the two flavours' cross sections are equal), P-wave (beta^3) threshold.
 */
const TSlepSlep = pairFamily({
  id: 'TSlepSlep',
  label: 'TSlepSlep: selectron and smuon pairs (L and R, one mass), slepton -> l LSP',
  description: 'Simplified model TSlepSlep: pp -> l~ l~* for l~ = e~L, e~R, mu~L, mu~R of one mass, l~ -> l chi1^0.',
  table: SLEPTON_LR_PAIR,
  copies: { n: 2, what: 'e~ and mu~, each L + R' },
  parent: 'slepton',
  params: [param('m_slep', 100, 1000, 'linear', 'GeV', 400, 'slepton mass'), param('m_lsp', 0, 900, 'linear', 'GeV', 100, 'chi1^0 mass')],
  massParam: 'm_slep',
  constrain: (p) => {
    if (p.m_lsp > p.m_slep - 1) throw new InputError('point.m_lsp', `must be below m_slep - 1 GeV (${p.m_slep - 1})`);
  },
  signatures: () => [{ key: 'complex:slepton', cls: 'complex', br: 1 }],
  lumi: [
    { a: 'u', b: 'ubar', w: 1 },
    { a: 'd', b: 'dbar', w: 1 },
  ],
  k: 3,
  charges: [-1, 1],
  decay: () => undefined,
  decayPair: (ev, i1, i2, p, rng) => {
    const l = rng.uniform() < 0.5 ? 'e' : 'mu';
    const m = l === 'e' ? SM.mE : SM.mMu;
    for (const i of [i1, i2]) twoBodyDecay(ev, i, { kind: l, charge: ev.particles[i].charge, m }, lsp(p.m_lsp), rng);
  },
});

/** Scalar leptoquark pairs; pair production is pure QCD and equals the stop-pair cross section (used as such by ATLAS/CMS). */
function leptoquark(gen: 1 | 2 | 3): ModelFamily {
  const l = gen === 1 ? 'e' : gen === 2 ? 'mu' : 'tau';
  const q = gen === 3 ? 'b' : 'q';
  const qNu = gen === 3 ? 't' : 'q';
  return pairFamily({
    id: `lq${gen}-pair`,
    label: `scalar leptoquark pair, generation ${gen}`,
    description: `pp -> LQ LQ*, LQ -> ${l} ${q} (BR beta) or nu ${qNu} (1 - beta).`,
    table: STOP_SBOTTOM_PAIR,
    parent: 'LQ',
    params: [param('mass', 200, 2500, 'linear', 'GeV', 1200, 'LQ mass'), param('beta', 0, 1, 'linear', '', 1, `BR(LQ -> ${l} ${q})`)],
    massParam: 'mass',
    signatures: (p) => [
      { key: 'complex:leptoquark', cls: 'complex', br: 1 },
      { key: `${l}-${q === 'q' ? 'j' : q}`, cls: 'resonance-mixed', br: p.beta },
    ],
    lumi: GG,
    k: 1,
    charges: [1 / 3, -1 / 3],
    decay: (ev, i, p, rng) => {
      const s = Math.sign(ev.particles[i].charge) || 1;
      if (rng.uniform() < p.beta)
        twoBodyDecay(
          ev,
          i,
          { kind: l, charge: s, m: l === 'tau' ? SM.mTau : l === 'mu' ? SM.mMu : SM.mE },
          { kind: q, charge: 0, m: q === 'b' ? SM.mB : 0 },
          rng,
        );
      else
        twoBodyDecay(
          ev,
          i,
          { kind: 'nu', charge: 0, m: 0 },
          { kind: qNu, charge: qNu === 't' ? (2 / 3) * s : 0, m: qNu === 't' ? sampleSmMass('t', rng, ev.particles[i].m) : 0 },
          rng,
        );
    },
  });
}

export const PAIR_FAMILIES: ModelFamily[] = [T2tt, T2bb, T1, T5gg, TChiWZ, TSlepSlep, sbottomBh, leptoquark(1), leptoquark(2), leptoquark(3)];
