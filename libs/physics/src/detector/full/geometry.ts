/**
 * Geometry of the sigmap calorimeter: a projective sampling calorimeter covering |eta| < 4.9.
 *  - EM section: 3 longitudinal layers at depths [0, 4.5), [4.5, 17), [17, 32) X0, cells 0.025 x 2pi/256 in eta x phi,
 *    front face at radius 1.5 m (barrel) / |z| = 3.7 m (end-caps). 32 X0 = 1.6 interaction lengths.
 *  - Hadronic section: 3 layers at [1.6, 3), [3, 7), [7, 9.5) lambda (from the EM front), cells 0.1 x 2pi/64,
 *    front at radius 2.3 m / |z| = 4.3 m. Energy beyond 9.5 lambda leaks out.
 * Each shower deposits into a window of cells centred on its impact cell: 9 x 9 cells in each EM layer and 5 x 5 in
 * each hadronic layer (318 cells); the window holds > 99% of an EM shower and > 95% of a hadronic one.
 */
export const GEO = {
  etaMax: 4.9,
  x0PerLambda: 0.05,
  em: { dEta: 0.025, nPhi: 256, rho: 1.5, zEnd: 3.7, win: 9, boundsX0: [4.5, 17, 32] as const, noiseGeV: 0.025 },
  had: { dEta: 0.1, nPhi: 64, rho: 2.3, zEnd: 4.3, win: 5, boundsLambda: [3, 7, 9.5] as const, frontLambda: 1.6, noiseGeV: 0.05 },
} as const;

export const EM_WIN_CELLS = GEO.em.win * GEO.em.win;
const HAD_WIN_CELLS = GEO.had.win * GEO.had.win;
/** Cells per shower window: 3 EM layers then 3 hadronic layers. */
export const WINDOW_SIZE = 3 * EM_WIN_CELLS + 3 * HAD_WIN_CELLS;
export const N_ETA_EM = Math.round((2 * GEO.etaMax) / GEO.em.dEta);
export const N_ETA_HAD = Math.round((2 * GEO.etaMax) / GEO.had.dEta);

/** Offset of layer l's window block inside a shower's WINDOW_SIZE block. */
export function layerOffset(l: number): number {
  return l < 3 ? l * EM_WIN_CELLS : 3 * EM_WIN_CELLS + (l - 3) * HAD_WIN_CELLS;
}

const phiNorm = (phi: number) => {
  const t = phi % (2 * Math.PI);
  return t < 0 ? t + 2 * Math.PI : t;
};

export const etaIndex = (eta: number, dEta: number) => Math.floor((eta + GEO.etaMax) / dEta);
export const phiIndex = (phi: number, nPhi: number) => Math.floor((phiNorm(phi) / (2 * Math.PI)) * nPhi) % nPhi;

/** Transverse distance from the beam line to the calorimeter face along eta (m): min(rho, zEnd / sinh|eta|). */
export function faceRadius(eta: number, rho: number, zEnd: number): number {
  const s = Math.sinh(Math.abs(eta));
  return s > 0 ? Math.min(rho, zEnd / s) : rho;
}

/** Global cell id: layer * 2^20 + ieta * nPhi + iphi. */
export function cellId(layer: number, ieta: number, iphi: number): number {
  const nPhi = layer < 3 ? GEO.em.nPhi : GEO.had.nPhi;
  return layer * 1048576 + ieta * nPhi + iphi;
}

export function cellCentre(id: number): { layer: number; eta: number; phi: number } {
  const layer = Math.floor(id / 1048576);
  const rest = id - layer * 1048576;
  const g = layer < 3 ? GEO.em : GEO.had;
  const ieta = Math.floor(rest / g.nPhi);
  const iphi = rest - ieta * g.nPhi;
  let phi = ((iphi + 0.5) / g.nPhi) * 2 * Math.PI;
  if (phi > Math.PI) phi -= 2 * Math.PI;
  return { layer, eta: -GEO.etaMax + (ieta + 0.5) * g.dEta, phi };
}

/** Window origins (lowest eta and phi index) for a shower axis at (eta, phi). */
export function windowOrigin(eta: number, phi: number): { emEta0: number; emPhi0: number; hadEta0: number; hadPhi0: number } {
  const he = (GEO.em.win - 1) / 2;
  const hh = (GEO.had.win - 1) / 2;
  return {
    emEta0: etaIndex(eta, GEO.em.dEta) - he,
    emPhi0: phiIndex(phi, GEO.em.nPhi) - he,
    hadEta0: etaIndex(eta, GEO.had.dEta) - hh,
    hadPhi0: phiIndex(phi, GEO.had.nPhi) - hh,
  };
}
