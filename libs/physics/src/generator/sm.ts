/**
 * Standard Model inputs (PDG 2022 Review, "Summary Tables"): masses and widths in GeV, branching ratios.
 * Only what the generator needs; decays of H follow the LHC Higgs WG YR4 values at m_H = 125.1 GeV.
 */
export const SM = {
  sqrtS: 13000,
  mZ: 91.1876,
  wZ: 2.4952,
  mW: 80.379,
  wW: 2.085,
  mT: 172.5,
  wT: 1.42,
  mH: 125.1,
  wH: 0.0041,
  mB: 4.78,
  mC: 1.67,
  mTau: 1.77686,
  mMu: 0.10566,
  mE: 0.000511,
  mPi: 0.13957,
  mRho: 0.7753,
  wRho: 0.149,
  mA1: 1.23,
  wA1: 0.42,
  alphaEm: 1 / 128.9, // at m_Z
  alphaS: 0.118, // at m_Z
  sin2W: 0.23122,
  gW: 0.6517, // SU(2) coupling, e / sin(theta_W) at m_Z
  gevm2ToPb: 0.3894e9, // (hbar c)^2 in GeV^2 pb
} as const;

/** A weighted list of alternatives. */
export type Channel<T> = { br: number; value: T };

export function pick<T>(u: number, channels: readonly Channel<T>[]): T {
  let total = 0;
  for (const c of channels) total += c.br;
  let x = u * total;
  for (const c of channels) {
    x -= c.br;
    if (x < 0) return c.value;
  }
  return channels[channels.length - 1].value;
}

/** Final-state kinds a decay can produce (before fragmentation). */
export type DecayKind = 'e' | 'mu' | 'tau' | 'nu' | 'gamma' | 'q' | 'c' | 'b' | 'g' | 't' | 'W' | 'Z' | 'H';

/** W+ decays (PDG): e nu 10.71%, mu nu 10.63%, tau nu 11.38%, hadrons 67.41% (ud, cs ~ equal; cs carries one c). */
export const W_DECAYS: readonly Channel<[DecayKind, DecayKind]>[] = [
  { br: 0.1071, value: ['e', 'nu'] },
  { br: 0.1063, value: ['mu', 'nu'] },
  { br: 0.1138, value: ['tau', 'nu'] },
  { br: 0.3371, value: ['q', 'q'] },
  { br: 0.337, value: ['c', 'q'] },
];

/** Z decays (PDG): ee, mumu, tautau 3.37% each, invisible 20.0%, hadrons 69.9% of which b bbar 15.12%, c cbar 12.03%. */
export const Z_DECAYS: readonly Channel<[DecayKind, DecayKind]>[] = [
  { br: 0.03363, value: ['e', 'e'] },
  { br: 0.03366, value: ['mu', 'mu'] },
  { br: 0.0337, value: ['tau', 'tau'] },
  { br: 0.2, value: ['nu', 'nu'] },
  { br: 0.1512 * 0.6991, value: ['b', 'b'] },
  { br: 0.1203 * 0.6991, value: ['c', 'c'] },
  { br: (1 - 0.1512 - 0.1203) * 0.6991, value: ['q', 'q'] },
];

/** H(125) decays (LHC HXSWG YR4): bb 58.2%, WW* 21.4%, gg 8.19%, tautau 6.27%, cc 2.89%, ZZ* 2.62%, gamma gamma 0.227%, Z gamma 0.153%, mumu 0.022%. */
export const H_DECAYS: readonly Channel<[DecayKind, DecayKind]>[] = [
  { br: 0.582, value: ['b', 'b'] },
  { br: 0.214, value: ['W', 'W'] },
  { br: 0.0819, value: ['g', 'g'] },
  { br: 0.0627, value: ['tau', 'tau'] },
  { br: 0.0289, value: ['c', 'c'] },
  { br: 0.0262, value: ['Z', 'Z'] },
  { br: 0.00227, value: ['gamma', 'gamma'] },
  { br: 0.00153, value: ['Z', 'gamma'] },
  { br: 0.00022, value: ['mu', 'mu'] },
];

/**
 * tau decays (PDG): e nu nu 17.82%, mu nu nu 17.39%, hadronic 64.79%: modelled as 1-prong (pi, rho: 48.6%) and
 * 3-prong (a1 -> 3 pi: 16.2%) through tau -> nu + (pi | rho | a1).
 */
export const TAU_DECAYS: readonly Channel<'e' | 'mu' | 'pi' | 'rho' | 'a1'>[] = [
  { br: 0.1782, value: 'e' },
  { br: 0.1739, value: 'mu' },
  { br: 0.1082, value: 'pi' },
  { br: 0.2549, value: 'rho' },
  { br: 0.1848 + 0.0, value: 'a1' },
];

/** Charge of the listed fermions/bosons as particles (antiparticles have the opposite sign). */
export const PARTICLE_MASS: Record<DecayKind, number> = {
  e: SM.mE,
  mu: SM.mMu,
  tau: SM.mTau,
  nu: 0,
  gamma: 0,
  q: 0,
  c: SM.mC,
  b: SM.mB,
  g: 0,
  t: SM.mT,
  W: SM.mW,
  Z: SM.mZ,
  H: SM.mH,
};
