/**
 * Pythia 8 configurations of sigmap's families (Pythia 8.3 manual: "New Gauge Bosons", "Compositeness",
 * "Leptoquark Processes", "SUSY Processes", "SUSY Les Houches Accord"). Each names the cross section its yields use:
 * sigmap's family value when it is a published table (LHC SUSY WG), else Pythia's own sigmaGen (LO, Pythia's default
 * PDF and full line shape; the family's own value is narrow-width with NNPDF3.1 NLO, within ~1% of Pythia run with
 * that grid: README, NNPDF3.1 NLO parton luminosities).
 */
import { InputError } from '@sigmap/contracts';
import { type Point, T5GG_GRAVITINO_MASS, getFamily } from '@sigmap/physics';

export interface PythiaConfig {
  settings: string[];
  /** SLHA spectrum (MASS + DECAY) for the SUSY families. */
  slha?: string;
  crossSection: 'family-table' | 'pythia';
}

const BEAMS = ['Beams:idA = 2212', 'Beams:idB = 2212', 'Beams:eCM = 13000'];
/** Pythia's default Z' and W' couplings are the SM Z's and W's (manual, "New Gauge Bosons"): the SSM; g scales them. */
const ZP_COUPLINGS = { vd: -0.693, ad: -1, vu: 0.387, au: 1, ve: -0.08, ae: -1, vnue: 1, anue: 1 };
const WP_COUPLINGS = { vq: 1, aq: 1, vl: 1, al: 1 };

/** Mass window of a resonance's generated line shape: M/2 .. 3M/2 (the off-shell tail below carries no signal). */
const window = (id: number, M: number) => [`${id}:m0 = ${M}`, `${id}:mMin = ${M / 2}`, `${id}:mMax = ${1.5 * M}`];

const SUSY_IDS = [
  1000001, 1000002, 1000003, 1000004, 1000005, 1000006, 2000001, 2000002, 2000003, 2000004, 2000005, 2000006, 1000011, 1000012, 1000013, 1000014, 1000015,
  1000016, 2000011, 2000013, 2000015, 1000021, 1000022, 1000023, 1000025, 1000035, 1000024, 1000037,
];
const DECOUPLED = 1e5;

/** One decay channel of a simplified-model SLHA file: branching ratio and daughter PDG ids. */
export interface SlhaChannel {
  br: number;
  ids: number[];
}

/**
 * A simplified-model SLHA file: the named masses and decays (one channel at 100%, or channels with their branching
 * ratios), everything else at 100 TeV and stable.
 */
function simplifiedSlha(masses: Record<number, number>, decays: Record<number, number[] | SlhaChannel[]>): string {
  const m = { ...Object.fromEntries(SUSY_IDS.map((id) => [id, DECOUPLED])), 25: 125, ...masses };
  // MODSEL 1 0: a general MSSM spectrum (without it Pythia keeps SUSY off).
  const lines = ['BLOCK MODSEL', ' 1 0', 'BLOCK MASS'];
  for (const [id, v] of Object.entries(m)) lines.push(` ${id} ${Number(v).toExponential(6)}`);
  // Mixing: chi1 bino, chi2 wino (with chi1+- wino), stops and sbottoms left-handed (the simplified-model choices).
  lines.push('BLOCK NMIX', ' 1 1 1.0', ' 2 2 1.0', ' 3 3 0.70710678', ' 3 4 -0.70710678', ' 4 3 0.70710678', ' 4 4 0.70710678');
  lines.push('BLOCK UMIX', ' 1 1 1.0', ' 2 2 1.0', 'BLOCK VMIX', ' 1 1 1.0', ' 2 2 1.0');
  lines.push('BLOCK STOPMIX', ' 1 1 1.0', ' 2 2 1.0', 'BLOCK SBOTMIX', ' 1 1 1.0', ' 2 2 1.0', 'BLOCK STAUMIX', ' 1 1 1.0', ' 2 2 1.0');
  lines.push('BLOCK ALPHA', ' -0.11', 'BLOCK HMIX Q= 1000.0', ' 1 2000.0', ' 2 10.0');
  for (const id of SUSY_IDS) {
    const d = decays[id];
    if (!d) {
      lines.push(`DECAY ${id} 0.0`);
      continue;
    }
    // 1 GeV: narrow on the detector's scale, and a prompt decay.
    const channels: SlhaChannel[] = typeof d[0] === 'number' ? [{ br: 1, ids: d as number[] }] : (d as SlhaChannel[]);
    lines.push(`DECAY ${id} 1.0`, ...channels.map((c) => `  ${c.br} ${c.ids.length} ${c.ids.join(' ')}`));
  }
  return lines.join('\n') + '\n';
}

/** g~ -> q qbar chi1 for q = u, d, s, c, 25% each (the T1 model, see configOf). */
const T1_CHANNELS: SlhaChannel[] = [1, 2, 3, 4].map((q) => ({ br: 0.25, ids: [q, -q, 1000022] }));

const susy = (processes: string[], idA: number, idB: number, slha: string): PythiaConfig => ({
  settings: [...BEAMS, 'SUSY:all = off', ...processes.map((p) => `SUSY:${p} = on`), `SUSY:idA = ${idA}`, `SUSY:idB = ${idB}`],
  slha,
  crossSection: 'family-table',
});

/** Families Pythia generates here; the generic x0-/x2- resonances are the built-in generator's only. */
const PYTHIA_FAMILIES = [
  'zprime-ssm',
  'wprime-ssm',
  'excited-quark',
  'lq1-pair',
  'lq2-pair',
  'T2tt',
  'T2bb',
  'T1',
  'T5gg',
  'TChiWZ',
  'TSlepSlep',
  'sbottom-bh',
] as const;

export function pythiaConfig(familyId: string, raw: Partial<Point>): { config: PythiaConfig; point: Point } {
  const family = getFamily(familyId);
  const p = family.validate(raw);
  const config = configOf(family.id, p);
  if (!config)
    throw new InputError('family', `${family.id} has no Pythia 8 configuration (pythia8 generates ${PYTHIA_FAMILIES.join(', ')}; use --generator builtin)`);
  return { config, point: p };
}

function configOf(id: string, p: Point): PythiaConfig | null {
  switch (id) {
    case 'zprime-ssm':
      return {
        settings: [
          ...BEAMS,
          'NewGaugeBoson:ffbar2gmZZprime = on',
          'Zprime:gmZmode = 3',
          'Zprime:coup2WW = 0',
          ...Object.entries(ZP_COUPLINGS).map(([k, v]) => `Zprime:${k} = ${v * p.g}`),
          ...window(32, p.mass),
        ],
        crossSection: 'pythia',
      };
    case 'wprime-ssm':
      return {
        settings: [
          ...BEAMS,
          'NewGaugeBoson:ffbar2Wprime = on',
          'Wprime:coup2WZ = 0',
          ...Object.entries(WP_COUPLINGS).map(([k, v]) => `Wprime:${k} = ${v * p.g}`),
          ...window(34, p.mass),
        ],
        crossSection: 'pythia',
      };
    case 'excited-quark':
      // Lambda = M and f = f' = f_s = 1, the family's choice (Baur, Spira, Zerwas 1990).
      return {
        settings: [
          ...BEAMS,
          'ExcitedFermion:dg2dStar = on',
          'ExcitedFermion:ug2uStar = on',
          `ExcitedFermion:Lambda = ${p.mass}`,
          'ExcitedFermion:coupF = 1',
          'ExcitedFermion:coupFprime = 1',
          'ExcitedFermion:coupFcol = 1',
          ...window(4000001, p.mass),
          ...window(4000002, p.mass),
        ],
        crossSection: 'pythia',
      };
    case 'lq1-pair':
    case 'lq2-pair': {
      // Pythia's LQ (id 42, charge -1/3): LQ -> l- u (BR beta) or nu d (1 - beta); widths forced so the BRs hold.
      const [l, nu] = id === 'lq1-pair' ? [11, 12] : [13, 14];
      const q = id === 'lq1-pair' ? [2, 1] : [4, 3];
      const channels = [
        p.beta > 0 ? `42:addChannel = 1 ${p.beta} 0 ${q[0]} ${l}` : null,
        p.beta < 1 ? `42:addChannel = 1 ${1 - p.beta} 0 ${q[1]} ${nu}` : null,
      ].filter((s): s is string => s !== null);
      return {
        settings: [
          ...BEAMS,
          'LeptoQuark:gg2LQLQbar = on',
          'LeptoQuark:qqbar2LQLQbar = on',
          `42:m0 = ${p.mass}`,
          '42:mWidth = 1.0',
          '42:doForceWidth = on',
          '42:oneChannel = 1 0.0 0 2 11',
          ...channels,
        ],
        crossSection: 'family-table',
      };
    }
    case 'T2tt':
      return susy(
        ['gg2squarkantisquark', 'qqbar2squarkantisquark'],
        1000006,
        1000006,
        simplifiedSlha({ 1000006: p.m_stop, 1000022: p.m_lsp }, { 1000006: [6, 1000022] }),
      );
    case 'T2bb':
      return susy(
        ['gg2squarkantisquark', 'qqbar2squarkantisquark'],
        1000005,
        1000005,
        simplifiedSlha({ 1000005: p.m_sbottom, 1000022: p.m_lsp }, { 1000005: [5, 1000022] }),
      );
    case 'sbottom-bh':
      return susy(
        ['gg2squarkantisquark', 'qqbar2squarkantisquark'],
        1000005,
        1000005,
        simplifiedSlha({ 1000005: p.m_sbottom, 1000023: p.m_chi2, 1000022: p.m_chi1 }, { 1000005: [5, 1000023], 1000023: [25, 1000022] }),
      );
    case 'T1':
      // g~ -> q qbar chi1 through heavy squarks, three-body phase space, q = u, d, s, c with equal branching ratios: the
      // T1 model of CMS (arXiv:1704.07781, "T1qqqq": light-flavour q = u, d, s, c) and of ATLAS (arXiv:1605.03814:
      // gluino -> two light-flavour quarks and the LSP).
      return susy(
        ['gg2gluinogluino', 'qqbar2gluinogluino'],
        1000021,
        1000021,
        simplifiedSlha({ 1000021: p.m_gluino, 1000022: p.m_lsp }, { 1000021: T1_CHANNELS }),
      );
    case 'T5gg':
      // ATLAS's GGM gluino-bino grid (arXiv:1802.03158) as SModelS's T5gg: g~ -> q qbar chi1 as in T1, chi1 -> gamma G~
      // (100%; Pythia's ~Gravitino, 1000039, is stable and invisible), the gravitino at the map's 1 GeV.
      return susy(
        ['gg2gluinogluino', 'qqbar2gluinogluino'],
        1000021,
        1000021,
        simplifiedSlha({ 1000021: p.m_gluino, 1000022: p.m_chi, 1000039: T5GG_GRAVITINO_MASS }, { 1000021: T1_CHANNELS, 1000022: [22, 1000039] }),
      );
    case 'TSlepSlep': {
      // Drell-Yan slepton pairs among e~L, e~R, mu~L, mu~R (Pythia 8.3 "SUSY Processes": qqbar2sleptonantislepton with
      // the idVecA / idVecB lists); Pythia weighs the four by its own cross sections (L and R differ), as ATLAS's sample.
      const ids = [1000011, 2000011, 1000013, 2000013];
      const slha = simplifiedSlha(
        { ...Object.fromEntries(ids.map((id) => [id, p.m_slep])), 1000022: p.m_lsp },
        Object.fromEntries(ids.map((id) => [id, [id % 100, 1000022]])),
      );
      return {
        settings: [...BEAMS, 'SUSY:all = off', 'SUSY:qqbar2sleptonantislepton = on', `SUSY:idVecA = ${ids.join(',')}`, `SUSY:idVecB = ${ids.join(',')}`],
        slha,
        crossSection: 'family-table',
      };
    }
    case 'TChiWZ':
      return susy(
        ['qqbar2chi+-chi0'],
        1000024,
        1000023,
        simplifiedSlha({ 1000024: p.m_chi, 1000023: p.m_chi, 1000022: p.m_lsp }, { 1000024: [24, 1000022], 1000023: [23, 1000022] }),
      );
    default:
      return null;
  }
}
