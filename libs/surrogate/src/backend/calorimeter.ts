/**
 * Batched, tensorised shower deposition: the same GFlash-style spot model as libs/physics
 * detector/full/shower.ts (`depositJs`), written with tf ops so that a batch of showers (all showers of many events)
 * runs as a few large kernels on the selected tfjs backend (GPU with tfjs-node-gpu, wasm here).
 * Random numbers come from tf.randomNormal / tf.randomUniform with an explicit seed, so results are reproducible per
 * backend and agree with the JS engine statistically (calorimeter.test.ts), not bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { EM_WIN_CELLS, GEO, SHOWER, WINDOW_SIZE, type ShowerBatch, type ShowerEngine } from '@sigmap/physics';

/** Showers per kernel launch; bounds the [chunk x spots] intermediate tensors (~60 MB at 16384 x 64 floats x 15). */
const CHUNK = 16384;

export class TfShowerEngine implements ShowerEngine {
  readonly name: string;

  constructor(backend: string) {
    this.name = `tfjs-${backend}`;
  }

  async deposit(batch: ShowerBatch, seed: number): Promise<Float32Array> {
    const out = new Float32Array(batch.n * WINDOW_SIZE);
    for (let start = 0, c = 0; start < batch.n; start += CHUNK, c++) {
      const n = Math.min(CHUNK, batch.n - start);
      const part = depositChunk(batch, start, n, (seed + 7919 * c) >>> 0);
      out.set(await part.data(), start * WINDOW_SIZE);
      part.dispose();
    }
    return out;
  }
}

function depositChunk(b: ShowerBatch, start: number, n: number, seed: number): tf.Tensor1D {
  return tf.tidy(() => {
    const M = SHOWER.spots;
    const sl = <T extends Float32Array | Int32Array | Uint8Array>(a: T) => a.subarray(start, start + n);
    const col = (a: Float32Array | Int32Array) => tf.tensor2d(Float32Array.from(sl(a)), [n, 1]);
    const E = col(b.energy);
    const eta = col(b.eta);
    const phi = col(b.phi);
    const kind = tf.tensor2d(Float32Array.from(sl(b.kind)), [n, 1]);
    const isHad = kind.equal(2);
    const isEl = kind.equal(0);
    const sel = (had: number | tf.Tensor, em: number | tf.Tensor) => tf.where(isHad, tf.onesLike(E).mul(had), tf.onesLike(E).mul(em));
    // Per-shower random inputs.
    const z = (k: number) => tf.randomNormal([n, 1], 0, 1, 'float32', seed + k);
    const zb = z(1);
    const za = z(2);
    const zT = z(3);
    const zA = z(4);
    const u0 = tf.randomUniform([n, 1], 0, 1, 'float32', seed + 5);
    const a = sel(SHOWER.had.a, SHOWER.em.a);
    const bConst = sel(SHOWER.had.b, SHOWER.em.b);
    const evis = tf.relu(E.mul(bConst.mul(zb).add(1)).add(a.mul(E.sqrt()).mul(za)));
    const logE = tf.log(tf.maximum(E, 1e-3));
    const Tem = tf
      .maximum(logE.sub(Math.log(SHOWER.em.ecGeV)).add(tf.where(isEl, tf.onesLike(E).mul(SHOWER.em.cElectron), tf.onesLike(E).mul(SHOWER.em.cPhoton))), 1)
      .mul(tf.exp(zT.mul(SHOWER.em.sigmaLnT)));
    const alphaEm = Tem.mul(SHOWER.em.beta0)
      .add(1)
      .mul(tf.exp(zA.mul(SHOWER.em.sigmaLnAlpha)));
    const Th = tf.maximum(logE.mul(0.2).add(0.7), 0.3).mul(tf.exp(zT.mul(SHOWER.had.sigmaLnT)));
    const alphaH = tf.exp(zA.mul(SHOWER.had.sigmaLnAlpha)).mul(SHOWER.had.alpha);
    const T = tf.where(isHad, Th, Tem);
    const alpha = tf.where(isHad, alphaH, alphaEm);
    const beta = alpha.sub(1).div(T);
    const t0 = tf.where(isHad, tf.neg(tf.log(tf.sub(1, u0))), tf.zerosLike(E));
    // Per-spot stratified inputs (spot k: depth at the midpoint of stratum 37k mod M, radial stratum k, azimuth stratum 23k+11 mod M).
    const k = tf.range(0, M, 1, 'float32').reshape([1, M]);
    const kDepth = tf.tensor2d(
      Float32Array.from({ length: M }, (_, i) => (37 * i) % M),
      [1, M],
    );
    const kAz = tf.tensor2d(
      Float32Array.from({ length: M }, (_, i) => (23 * i + 11) % M),
      [1, M],
    );
    const ur = tf.randomUniform([n, M], 0, 1, 'float32', seed + 7);
    const up = tf.randomUniform([n, M], 0, 1, 'float32', seed + 8);
    const u = kDepth.add(0.5).div(M);
    const zq = tf
      .pow(u, 0.14)
      .sub(tf.pow(tf.sub(1, u), 0.14))
      .mul(4.91);
    const c = tf.sub(1, tf.div(1, alpha.mul(9))).add(zq.div(alpha.sqrt().mul(3)));
    const t = t0.add(tf.where(c.greater(0), alpha.div(beta).mul(c.pow(3)), tf.zerosLike(c)));
    const x0 = tf.where(isHad, t.div(GEO.x0PerLambda), t);
    const lam = tf.where(isHad, t, t.sub(GEO.em.boundsX0[2]).mul(GEO.x0PerLambda).add(GEO.had.frontLambda));
    const step = (x: tf.Tensor, v: number) => x.greaterEqual(v).cast('float32');
    const layer = step(x0, GEO.em.boundsX0[0])
      .add(step(x0, GEO.em.boundsX0[1]))
      .add(step(x0, GEO.em.boundsX0[2]))
      .add(step(lam, GEO.had.boundsLambda[0]))
      .add(step(lam, GEO.had.boundsLambda[1]))
      .add(step(lam, GEO.had.boundsLambda[2]));
    const kept = layer.less(6).cast('float32');
    const isEmLayer = layer.less(3);
    const R = sel(SHOWER.had.rCoreM, SHOWER.em.rCoreM);
    const rMax = sel(SHOWER.had.rMaxM, SHOWER.em.rMaxM);
    const uMax = rMax.square().div(rMax.square().add(R.square()));
    const ura = uMax.mul(k.add(ur)).div(M);
    const r = R.mul(tf.sqrt(ura.div(tf.sub(1, ura))));
    const psi = kAz.add(up).mul((2 * Math.PI) / M);
    const sinhAbs = tf.sinh(tf.abs(eta));
    const face = (rho: number, zEnd: number) => tf.minimum(tf.onesLike(eta).mul(rho), tf.div(zEnd, tf.maximum(sinhAbs, 1e-6)));
    const faceSpot = tf.where(isEmLayer, face(GEO.em.rho, GEO.em.zEnd).tile([1, M]), face(GEO.had.rho, GEO.had.zEnd).tile([1, M]));
    const etaS = eta.add(r.mul(tf.cos(psi)).div(faceSpot));
    const phiS = phi.add(r.mul(tf.sin(psi)).div(faceSpot));
    const twoPi = 2 * Math.PI;
    const phiN = phiS.sub(tf.floor(phiS.div(twoPi)).mul(twoPi));
    const local = (dEta: number, nPhi: number, win: number, eta0: tf.Tensor, phi0: tf.Tensor) => {
      const le = tf.clipByValue(tf.floor(etaS.add(GEO.etaMax).div(dEta)).sub(eta0), 0, win - 1);
      const ip = tf.floor(phiN.div(twoPi).mul(nPhi));
      const ipm = ip.sub(tf.floor(ip.div(nPhi)).mul(nPhi));
      let d = ipm.sub(phi0);
      d = tf.where(d.greater(nPhi / 2), d.sub(nPhi), d);
      d = tf.where(d.less(-nPhi / 2), d.add(nPhi), d);
      return { le, lp: tf.clipByValue(d, 0, win - 1) };
    };
    const em = local(GEO.em.dEta, GEO.em.nPhi, GEO.em.win, col(b.emEta0), col(b.emPhi0));
    const hd = local(GEO.had.dEta, GEO.had.nPhi, GEO.had.win, col(b.hadEta0), col(b.hadPhi0));
    const emCell = layer.mul(EM_WIN_CELLS).add(em.le.mul(GEO.em.win)).add(em.lp);
    const hadCell = layer
      .sub(3)
      .mul(GEO.had.win * GEO.had.win)
      .add(3 * EM_WIN_CELLS)
      .add(hd.le.mul(GEO.had.win))
      .add(hd.lp);
    const cell = tf.where(isEmLayer, emCell, tf.where(kept.greater(0), hadCell, tf.zerosLike(hadCell)));
    const showerBase = tf.range(0, n, 1, 'float32').reshape([n, 1]).mul(WINDOW_SIZE);
    const seg = cell
      .add(showerBase)
      .cast('int32')
      .reshape([n * M, 1]);
    const energy = evis
      .div(M)
      .mul(kept)
      .reshape([n * M]);
    return tf.scatterND(seg, energy, [n * WINDOW_SIZE]) as tf.Tensor1D;
  });
}
