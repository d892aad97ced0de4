/**
 * `full` fidelity: every visible particle showers in the segmented calorimeter (shower.ts through a ShowerEngine),
 * cells get electronic noise, then reconstruction builds objects from cells and tracks only (no truth), except the
 * truth labels that select the tagging efficiencies (tagging.ts).
 *
 * Reconstruction:
 *  - EM clusters: seeds are local maxima (3 x 3) above 1 GeV in the middle EM layer; a cluster sums the 5 x 7 (eta x phi)
 *    cells around the seed in all three EM layers (the ATLAS sliding-window size), divided by the EM containment
 *    calibration. e/gamma candidates: ET > 10 GeV, |eta| < 2.47, hadronic leakage E_had(dR < 0.15)/E < 0.1 and
 *    calorimeter isolation E_T(dR < 0.4) - E_T(cluster) < 0.022 E_T + 2.45 GeV (ATLAS tight photon isolation); electron if a track of pT > 0.25 E_T lies
 *    within dR < 0.05, photon otherwise (conversions are not simulated); shower-shape identification is not
 *    simulated, its design efficiency (0.95 e, 0.90 gamma) is applied as a Bernoulli draw.
 *  - Towers: all cells summed into 0.1 x 0.1 towers; towers above 0.2 GeV are massless four-vectors at the
 *    energy-weighted barycentre of their cells.
 *  - Jets: anti-kT R = 0.4 on towers, calibrated by the jet energy scale below, pT > 20 GeV, |eta| < 4.5, removed when
 *    within dR < 0.2 of an electron or photon. Large-R jets: anti-kT R = 1.0, pT > 150 GeV, |eta| < 2.0.
 *  - Muons: muon system + tracker (tracker.ts), track isolation sum pT(dR < 0.3) < 0.15 pT.
 *  - MET: minus the vector sum of all towers and muons.
 */
import { createRng, normal, type Rng } from '@sigmap/contracts';
import type { EventRecord, Particle } from '../../generator/event';
import { type P4, deltaR, eta, fromPtEtaPhiM, phi } from '../../generator/vec';
import { DESIGN } from '../design';
import { antiKt } from '../jets';
import { bTag, fatJetLabel, jetLabel, tauTag, topTag, vTag } from '../tagging';
import { truthInfo } from '../truth';
import type { Constituent, RecoEvent, RecoFatJet, RecoJet, RecoObject } from '../types';
import { GEO, N_ETA_EM, N_ETA_HAD, WINDOW_SIZE, cellCentre, cellId, layerOffset, windowOrigin } from './geometry';
import { type ShowerBatch, type ShowerEngine, type ShowerKind } from './shower';
import { type Track, reconstructMuon, reconstructTracks } from './tracker';

/**
 * Calibration constants of this detector, derived from single-particle simulation with this code (the way experiments
 * calibrate with MC): the EM cluster containment (fraction of an electron's visible energy inside the 5 x 7 x 3
 * window) and the jet energy scale response R(E) = r0 + r1 / sqrt(E) of R = 0.4 tower jets (calorimeter.test.ts
 * checks that calibrated responses are 1 within 2%), and the large-R jet mass scale (median reconstructed/true mass of
 * contained W/Z jets = 1/0.81: lateral shower spread and tower granularity inflate the mass; experiments calibrate
 * it the same way, e.g. ATLAS JETM-2018-02).
 */
const CALIBRATION = { emContainment: 0.995, jesR0: 0.985, jesR1: -0.25, jetMassScale: 0.81 };

const jetResponse = (E: number) => CALIBRATION.jesR0 + CALIBRATION.jesR1 / Math.sqrt(Math.max(E, 1));

const SHOWER_KIND: Record<string, ShowerKind> = { e: 0, gamma: 1, hadron: 2, hadron0: 2 };
const MIN_SHOWER_E = 0.2;

export function makeShowerBatch(items: { E: number; eta: number; phi: number; kind: ShowerKind }[]): ShowerBatch {
  const n = items.length;
  const b: ShowerBatch = {
    n,
    energy: new Float32Array(n),
    eta: new Float32Array(n),
    phi: new Float32Array(n),
    kind: new Uint8Array(n),
    emEta0: new Int32Array(n),
    emPhi0: new Int32Array(n),
    hadEta0: new Int32Array(n),
    hadPhi0: new Int32Array(n),
  };
  items.forEach((it, i) => {
    b.energy[i] = it.E;
    b.eta[i] = it.eta;
    b.phi[i] = it.phi;
    b.kind[i] = it.kind;
    const o = windowOrigin(it.eta, it.phi);
    b.emEta0[i] = o.emEta0;
    b.emPhi0[i] = o.emPhi0;
    b.hadEta0[i] = o.hadEta0;
    b.hadPhi0[i] = o.hadPhi0;
  });
  return b;
}

/** Adds shower s's window deposits into a cell map. */
function accumulateWindow(cells: Map<number, number>, batch: ShowerBatch, deposits: Float32Array, s: number): void {
  const base = s * WINDOW_SIZE;
  for (let l = 0; l < 6; l++) {
    const em = l < 3;
    const g = em ? GEO.em : GEO.had;
    const e0 = em ? batch.emEta0[s] : batch.hadEta0[s];
    const p0 = em ? batch.emPhi0[s] : batch.hadPhi0[s];
    const nEta = em ? N_ETA_EM : N_ETA_HAD;
    const off = base + layerOffset(l);
    for (let i = 0; i < g.win; i++) {
      const ieta = e0 + i;
      for (let j = 0; j < g.win; j++) {
        const e = deposits[off + i * g.win + j];
        if (e === 0 || ieta < 0 || ieta >= nEta) continue;
        const iphi = (((p0 + j) % g.nPhi) + g.nPhi) % g.nPhi;
        const id = cellId(l, ieta, iphi);
        cells.set(id, (cells.get(id) ?? 0) + e);
      }
    }
  }
}

/** Gaussian electronic noise on every cell that received energy (empty cells stay empty: zero suppression). */
function addNoise(cells: Map<number, number>, rng: Rng): void {
  for (const [id, e] of cells) {
    const layer = Math.floor(id / 1048576);
    cells.set(id, e + normal(rng, 0, layer < 3 ? GEO.em.noiseGeV : GEO.had.noiseGeV));
  }
}

interface FullOptions {
  engine: ShowerEngine;
  seed: number;
}

/** Showers for one event's visible particles (muons and invisibles excluded). */
function showerInputs(finals: readonly Particle[]): { E: number; eta: number; phi: number; kind: ShowerKind }[] {
  const out: { E: number; eta: number; phi: number; kind: ShowerKind }[] = [];
  for (const p of finals) {
    const k = SHOWER_KIND[p.kind];
    if (k === undefined || p.p.E < MIN_SHOWER_E) continue;
    const et = eta(p.p);
    if (Math.abs(et) >= GEO.etaMax - 0.05) continue;
    out.push({ E: p.p.E, eta: et, phi: phi(p.p), kind: k });
  }
  return out;
}

/** Simulates and reconstructs a batch of events; all their showers go to the engine in one call. */
export async function fullDetector(events: readonly EventRecord[], opts: FullOptions): Promise<RecoEvent[]> {
  const finalsPer = events.map((ev) => ev.visibleFinals());
  const items: { E: number; eta: number; phi: number; kind: ShowerKind }[] = [];
  const owner: number[] = [];
  finalsPer.forEach((fs, e) => {
    for (const it of showerInputs(fs)) {
      items.push(it);
      owner.push(e);
    }
  });
  const batch = makeShowerBatch(items);
  const deposits = await opts.engine.deposit(batch, opts.seed);
  const cellMaps = events.map(() => new Map<number, number>());
  for (let s = 0; s < batch.n; s++) accumulateWindow(cellMaps[owner[s]], batch, deposits, s);
  const master = createRng(opts.seed ^ 0x5bd1e995);
  return events.map((ev, e) => {
    const rng = master.fork(e);
    addNoise(cellMaps[e], rng);
    return reconstruct(ev, finalsPer[e], cellMaps[e], rng);
  });
}

interface Tower {
  E: number;
  eta: number;
  phi: number;
}

function buildTowers(cells: Map<number, number>): Tower[] {
  // Energy, and energy-weighted cell positions (the tower barycentre), per 0.1 x 0.1 tower.
  const towers = new Map<number, { E: number; we: number; wx: number; wy: number; w: number }>();
  for (const [id, e] of cells) {
    const layer = Math.floor(id / 1048576);
    const rest = id - layer * 1048576;
    let key: number;
    if (layer < 3) {
      const ieta = Math.floor(rest / GEO.em.nPhi);
      const iphi = rest - ieta * GEO.em.nPhi;
      key = Math.floor(ieta / 4) * GEO.had.nPhi + Math.floor(iphi / 4);
    } else key = rest;
    const t = towers.get(key) ?? { E: 0, we: 0, wx: 0, wy: 0, w: 0 };
    t.E += e;
    if (e > 0) {
      const c = cellCentre(id);
      t.we += e * c.eta;
      t.wx += e * Math.cos(c.phi);
      t.wy += e * Math.sin(c.phi);
      t.w += e;
    }
    towers.set(key, t);
  }
  const out: Tower[] = [];
  for (const t of towers.values()) {
    if (t.E < 0.2 || t.w <= 0) continue;
    out.push({ E: t.E, eta: t.we / t.w, phi: Math.atan2(t.wy, t.wx) });
  }
  return out;
}

const towerP4 = (t: Tower): P4 => fromPtEtaPhiM(t.E / Math.cosh(t.eta), t.eta, t.phi, 0);

interface Cluster {
  E: number;
  eta: number;
  phi: number;
}

/** EM sliding-window clusters around local maxima of the middle layer. */
function emClusters(cells: Map<number, number>): Cluster[] {
  const nPhi = GEO.em.nPhi;
  const get = (l: number, ie: number, ip: number) => cells.get(cellId(l, ie, ((ip % nPhi) + nPhi) % nPhi)) ?? 0;
  const out: Cluster[] = [];
  for (const [id, e] of cells) {
    if (e < 1 || Math.floor(id / 1048576) !== 1) continue;
    const rest = id - 1048576;
    const ie = Math.floor(rest / nPhi);
    const ip = rest - ie * nPhi;
    let isMax = true;
    for (let a = -1; a <= 1 && isMax; a++) for (let b = -1; b <= 1; b++) if ((a || b) && get(1, ie + a, ip + b) > e) isMax = false;
    if (!isMax) continue;
    let E = 0;
    let we = 0;
    let wp = 0;
    let wsum = 0;
    for (let l = 0; l < 3; l++) {
      for (let a = -2; a <= 2; a++) {
        for (let b = -3; b <= 3; b++) {
          const c = get(l, ie + a, ip + b);
          E += c;
          if (l === 1 && c > 0) {
            we += c * a;
            wp += c * b;
            wsum += c;
          }
        }
      }
    }
    const c0 = cellCentre(id);
    out.push({ E: E / CALIBRATION.emContainment, eta: c0.eta + (we / wsum) * GEO.em.dEta, phi: c0.phi + ((wp / wsum) * 2 * Math.PI) / nPhi });
  }
  // Duplicate removal (sliding-window algorithm): a cluster whose centre lies inside the window of a more energetic
  // one is dropped.
  out.sort((a, b) => b.E - a.E);
  const kept: Cluster[] = [];
  for (const c of out) {
    if (!kept.some((k) => Math.abs(k.eta - c.eta) < 2.5 * GEO.em.dEta && Math.abs(deltaPhiCells(k.phi, c.phi)) < (3.5 * 2 * Math.PI) / nPhi)) kept.push(c);
  }
  return kept;
}

function deltaPhiCells(a: number, b: number): number {
  let d = a - b;
  while (d > Math.PI) d -= 2 * Math.PI;
  while (d <= -Math.PI) d += 2 * Math.PI;
  return d;
}

function reconstruct(ev: EventRecord, finals: readonly Particle[], cells: Map<number, number>, rng: Rng): RecoEvent {
  const truth = truthInfo(ev);
  const tracks = reconstructTracks(finals, rng);
  const towers = buildTowers(cells);
  const sumInCone = (eta0: number, phi0: number, r: number, layers: (l: number) => boolean) => {
    let s = 0;
    for (const [id, e] of cells) {
      const c = cellCentre(id);
      if (layers(c.layer) && deltaR(eta0, phi0, c.eta, c.phi) < r) s += e / Math.cosh(c.eta);
    }
    return s;
  };
  const electrons: RecoObject[] = [];
  const photons: RecoObject[] = [];
  for (const cl of emClusters(cells)) {
    const et = cl.E / Math.cosh(cl.eta);
    if (et < DESIGN.photon.ptMin || Math.abs(cl.eta) > DESIGN.electron.etaMax) continue;
    const had = sumInCone(cl.eta, cl.phi, 0.15, (l) => l === 3);
    if (had > 0.1 * et) continue;
    const iso = sumInCone(cl.eta, cl.phi, 0.4, () => true) - et;
    if (iso > 0.022 * et + 2.45) continue;
    const tr = tracks.find((t) => t.pt > 0.25 * et && deltaR(t.eta, t.phi, cl.eta, cl.phi) < 0.05);
    // Identification (shower-shape cuts, not simulated at this granularity): the design ID efficiency.
    if (rng.uniform() >= (tr ? DESIGN.electron.eff : DESIGN.photon.eff)) continue;
    const p = fromPtEtaPhiM(et, cl.eta, cl.phi, 0);
    if (tr) electrons.push({ p, pt: et, eta: cl.eta, phi: cl.phi, charge: tr.charge });
    else photons.push({ p, pt: et, eta: cl.eta, phi: cl.phi, charge: 0 });
  }
  const muons: RecoObject[] = [];
  finals.forEach((p, i) => {
    if (p.kind !== 'mu') return;
    const m = reconstructMuon(p, rng);
    if (!m) return;
    const isoTracks = tracks.filter((t) => t.source !== i && deltaR(t.eta, t.phi, m.eta, m.phi) < 0.3).reduce((s, t) => s + t.pt, 0);
    if (isoTracks > 0.15 * m.pt) return;
    muons.push({ p: fromPtEtaPhiM(m.pt, m.eta, m.phi, 0.10566), pt: m.pt, eta: m.eta, phi: m.phi, charge: Math.sign(p.charge) });
  });
  const tp: Constituent[] = towers.map(towerP4);
  const egamma = [...electrons, ...photons];
  const jets: RecoJet[] = [];
  for (const j of antiKt(tp, DESIGN.jets.R, 10)) {
    const f = 1 / jetResponse(j.E);
    const ptc = j.pt * f;
    if (ptc < DESIGN.jets.ptMin || Math.abs(j.eta) > DESIGN.jets.etaMax) continue;
    if (egamma.some((o) => deltaR(o.eta, o.phi, j.eta, j.phi) < 0.2)) continue;
    const p = { E: j.E * f, px: j.px * f, py: j.py * f, pz: j.pz * f };
    const label = jetLabel(j.eta, j.phi, truth);
    const nTracks = tracks.filter((t: Track) => t.pt > 1 && deltaR(t.eta, t.phi, j.eta, j.phi) < 0.2).length;
    jets.push({ p, pt: ptc, eta: j.eta, phi: j.phi, charge: 0, label, btag: bTag(label, ptc, j.eta, rng), tautag: tauTag(label, ptc, j.eta, rng), nTracks });
  }
  const fatjets: RecoFatJet[] = [];
  for (const j of antiKt(tp, DESIGN.jets.fatR, DESIGN.jets.fatPtMin * 0.7)) {
    const f = 1 / jetResponse(j.E);
    const ptc = j.pt * f;
    if (ptc < DESIGN.jets.fatPtMin || Math.abs(j.eta) > 2.0) continue;
    const mass = j.mass * f * CALIBRATION.jetMassScale;
    const label = fatJetLabel(j.eta, j.phi, truth);
    fatjets.push({
      p: { E: j.E * f, px: j.px * f, py: j.py * f, pz: j.pz * f },
      pt: ptc,
      eta: j.eta,
      phi: j.phi,
      charge: 0,
      mass,
      label,
      vtag: vTag(label, ptc, mass, rng),
      toptag: topTag(label, ptc, mass, rng),
    });
  }
  let mx = 0;
  let my = 0;
  for (const t of tp) {
    mx -= t.px;
    my -= t.py;
  }
  for (const m of muons) {
    mx -= m.p.px;
    my -= m.p.py;
  }
  jets.sort((a, b) => b.pt - a.pt);
  electrons.sort((a, b) => b.pt - a.pt);
  photons.sort((a, b) => b.pt - a.pt);
  muons.sort((a, b) => b.pt - a.pt);
  return { electrons, muons, photons, jets, fatjets, met: { px: mx, py: my, pt: Math.hypot(mx, my) }, weight: ev.weight };
}
