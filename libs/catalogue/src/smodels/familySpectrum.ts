import { InputError } from '@sigmap/contracts';
import { decomposeProduction, MSSM_PARTICLES, SM_PARTICLES, type Decomposition, type ParticleInfo, type SpectrumParticle } from './decomposition';

/**
 * sigmap's simplified-model families as spectra for the SModelS-like engine: each family becomes the particles,
 * decays (BR as the family defines them) and production it stands for, then goes through the same decomposition
 * and theory predictions as an SLHA file. Decaying states get a prompt 1 GeV width (as the peer's SLHA points),
 * the LSP is stable. Cross sections come from the caller (the family's own sigma, pb per sqrt(s)).
 */
export interface FamilyInput {
  family: string;
  point: Record<string, number>;
  /** sigma(pp -> produced states), pb per sqrt(s) in TeV. */
  xsecPb: Map<number, number>;
  /** Resonance families: BR per decay channel ('e', 'mu', 'tau', 'j', 'b', 't'), and the total width (GeV). */
  resonance?: { br: Record<string, number>; widthGeV: number };
}

const ZPRIME: ParticleInfo = { pdg: 32, label: 'Zprime', isSM: false, charge: 0, colordim: 1, spin: 1 };

/** The families this engine can express, with the SModelS txnames they correspond to. */
export const ENGINE_FAMILIES: Record<string, string> = {
  T2tt: 'T2tt: stop pair, stop -> t chi1',
  T2bb: 'T2bb: sbottom pair, sbottom -> b chi1',
  T1: 'T1: gluino pair, gluino -> q q~ chi1 (u, d, s, c)',
  TChiWZ: 'TChiWZ: chi1+- chi2, chi1+- -> W chi1, chi2 -> Z chi1',
  'sbottom-bh': 'T6bbHH: sbottom pair, sbottom -> b chi2, chi2 -> h chi1',
  sbottom: 'T6bbHH: sbottom pair, sbottom -> b chi2, chi2 -> h chi1',
  sbottom_direct: 'T2bb: sbottom pair, sbottom -> b chi1',
  'zprime-ssm': "TRV1ll/jj/bb/tt: Z' -> f f~ (s-channel resonance)",
};

function need(point: Record<string, number>, k: string, family: string): number {
  const v = point[k];
  if (v === undefined || !Number.isFinite(v)) throw new InputError('--point', `family ${family} needs ${k}`);
  return v;
}

export function familyDecomposition(input: FamilyInput): Decomposition {
  const { family, point } = input;
  const parts = new Map<number, SpectrumParticle>();
  for (const p of SM_PARTICLES) parts.set(p.pdg, { ...p, mass: 0, width: 0, prompt: false, stable: true, decays: [] });
  const info = new Map(MSSM_PARTICLES.map((p) => [p.pdg, p]));
  const put = (pdg: number, mass: number, decays: { br: number; daughters: number[] }[], base?: ParticleInfo) => {
    const b = base ?? info.get(pdg);
    if (!b) throw new Error(`unknown particle ${pdg}`);
    parts.set(pdg, { ...b, mass, width: decays.length ? 1 : 0, prompt: decays.length > 0, stable: decays.length === 0, decays });
    const c = info.get(-pdg);
    if (c)
      parts.set(-pdg, {
        ...c,
        mass,
        width: decays.length ? 1 : 0,
        prompt: decays.length > 0,
        stable: decays.length === 0,
        decays: decays.map((d) => ({ br: d.br, daughters: d.daughters.map((x) => (parts.has(-x) || info.has(-x) ? -x : x)) })),
      });
  };
  const lsp = (k: string) => put(1000022, need(point, k, family), []);
  let production: number[];
  switch (family) {
    case 'T2tt':
      lsp('m_lsp');
      put(1000006, need(point, 'm_stop', family), [{ br: 1, daughters: [6, 1000022] }]);
      production = [1000006, -1000006];
      break;
    case 'T2bb':
    case 'sbottom_direct':
      lsp(family === 'T2bb' ? 'm_lsp' : 'm_chi1');
      put(1000005, need(point, 'm_sbottom', family), [{ br: 1, daughters: [5, 1000022] }]);
      production = [1000005, -1000005];
      break;
    case 'T1':
      lsp('m_lsp');
      put(
        1000021,
        need(point, 'm_gluino', family),
        [1, 2, 3, 4].map((q) => ({ br: 0.25, daughters: [1000022, q, -q] })),
      );
      production = [1000021, 1000021];
      break;
    case 'TChiWZ':
      lsp('m_lsp');
      put(1000024, need(point, 'm_chi', family), [{ br: 1, daughters: [1000022, 24] }]);
      put(1000023, need(point, 'm_chi', family), [{ br: 1, daughters: [1000022, 23] }]);
      production = [1000024, 1000023];
      break;
    case 'sbottom-bh':
    case 'sbottom':
      lsp('m_chi1');
      put(1000023, need(point, 'm_chi2', family), [{ br: 1, daughters: [1000022, 25] }]);
      put(1000005, need(point, 'm_sbottom', family), [{ br: 1, daughters: [5, 1000023] }]);
      production = [1000005, -1000005];
      break;
    case 'zprime-ssm': {
      const r = input.resonance;
      if (!r) throw new InputError('family', "zprime-ssm needs the Z' branching ratios and width");
      const ch: Record<string, number[][]> = { e: [[11, -11]], mu: [[13, -13]], tau: [[15, -15]], j: [[1, -1]], b: [[5, -5]], t: [[6, -6]] };
      const decays = Object.entries(r.br).flatMap(([k, br]) => (ch[k] && br > 0 ? ch[k].map((d) => ({ br, daughters: d })) : []));
      parts.set(32, { ...ZPRIME, mass: need(point, 'mass', family), width: r.widthGeV, prompt: true, stable: false, decays });
      production = [32];
      break;
    }
    default:
      throw new InputError('--family', `family ${family} has no SModelS topology in this engine (known: ${Object.keys(ENGINE_FAMILIES).join(', ')})`);
  }
  return decomposeProduction(parts, [{ pids: production, xsecPb: input.xsecPb }]);
}
