import { InputError } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import {
  NNPDF31_ORIGIN,
  PdfGrid,
  alphaS,
  cutSubgrid,
  getFamily,
  liteLuminosity,
  nnpdf31Nlo,
  parseLhaGrid1,
  partonLuminosity,
  resonanceCrossSectionPb,
  resonanceLineShapeCrossSectionPb,
  resonanceShapeOf,
} from '../src';

const inputError = (f: () => unknown): InputError => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no InputError');
};

/** A small lhagrid1 file whose values are a known function: x f = c_pid * P(ln x) * (1 + 0.1 ln Q), P cubic. */
function syntheticGrid(P: (lx: number) => number): string {
  const xs = [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 0.6, 1];
  const qs1 = [1, 2, 4];
  const qs2 = [4, 10, 30, 100, 300, 1000];
  const pids = [21, 1, 2];
  const block = (qs: number[]) => {
    const rows = xs.flatMap((x) =>
      qs.map((q) => pids.map((p, k) => ((k + 1) * P(Math.log(x)) * (1 + 0.1 * Math.log(q)) * (p === 21 ? 2 : 1)).toExponential(12)).join(' ')),
    );
    return [xs.join(' '), qs.join(' '), pids.join(' '), ...rows, '---'].join('\n');
  };
  return ['PdfType: central', 'Format: lhagrid1', '---', block(qs1), block(qs2), ''].join('\n');
}

describe('LHAPDF6 lhagrid1 reader and LHAGrid1 interpolation', () => {
  const P = (lx: number) => 2 + 0.3 * lx + 0.05 * lx * lx + 0.002 * lx ** 3;
  const parsed = parseLhaGrid1(syntheticGrid(P), 'synthetic.dat');

  it('reads the subgrids, their knots and flavours', () => {
    expect(parsed.subgrids).toHaveLength(2);
    expect(parsed.subgrids[1].q).toEqual([4, 10, 30, 100, 300, 1000]);
    expect(parsed.subgrids[1].pids).toEqual([21, 1, 2]);
    expect(parsed.subgrids[1].xf[0].length).toBe(8 * 6);
  });

  it('is exact for a cubic in ln x and linear in ln Q (4-point Lagrange in both), and at the knots', () => {
    const g = new PdfGrid('synthetic', cutSubgrid(parsed.subgrids[1], 1e-3, 4, [21, 1, 2]));
    for (const x of [1.3e-3, 0.0047, 0.02, 0.11, 0.45, 0.3]) {
      for (const Q of [4.5, 17, 100, 640]) {
        const want = 2 * P(Math.log(x)) * (1 + 0.1 * Math.log(Q));
        // rtol 1e-10: the interpolation is exact for this function; the knots carry 13 digits
        expect(Math.abs(g.xf(21, x, Q) - want)).toBeLessThan(1e-10 * want);
        expect(Math.abs(g.xf(2, x, Q) - 1.5 * want)).toBeLessThan(1e-10 * want);
      }
    }
    expect(g.xf(21, 1, 100)).toBe(0);
    // frozen above the last Q knot
    expect(g.xf(1, 0.1, 5000)).toBe(g.xf(1, 0.1, 1000));
  });

  it('rejects what it cannot evaluate, naming the field, file and line', () => {
    const g = new PdfGrid('synthetic', cutSubgrid(parsed.subgrids[1], 3e-3, 10, [21]));
    expect(inputError(() => g.xf(21, 1e-4, 100)).field).toBe('x');
    expect(inputError(() => g.xf(21, 0.1, 3)).field).toBe('muF');
    expect(inputError(() => g.xf(5, 0.1, 100)).field).toBe('pid');
    const text = syntheticGrid(P).split('\n');
    text[6] = text[6].replace(/^\S+/, 'abc');
    expect(inputError(() => parseLhaGrid1(text.join('\n'), 'bad.dat')).field).toBe('bad.dat:7');
    expect(inputError(() => parseLhaGrid1('Format: lhagrid1\n1 2\n', 'short.dat')).field).toBe('short.dat');
    expect(inputError(() => parseLhaGrid1('Format: other\n---\n', 'fmt.dat')).field).toBe('fmt.dat:1');
  });
});

describe('NNPDF3.1 NLO (the shipped derived table)', () => {
  const g = nnpdf31Nlo();
  // int_0^1 dx over ln x from the table's lowest x (7.9e-7; below it the valence and momentum integrands are < 1e-5).
  const integral = (f: (x: number) => number) => {
    const n = 4000;
    const a = Math.log(g.xMin);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const u = a + ((i + 0.5) * -a) / n;
      const x = Math.exp(u);
      s += f(x) * x;
    }
    return (s * -a) / n;
  };

  it('says where it comes from: the grid file, its sha256, the command, the references', () => {
    expect(NNPDF31_ORIGIN.file).toBe('NNPDF31_nlo_as_0118_luxqed_0000.dat');
    expect(NNPDF31_ORIGIN.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(NNPDF31_ORIGIN.command).toMatch(/scripts\/pdf-table\.ts/);
    expect(NNPDF31_ORIGIN.references.join(' ')).toMatch(/1706\.00428/);
  });

  it('satisfies the valence number sum rules and the momentum sum rule at Q = 100 GeV', () => {
    const sp = g.atScale(100);
    // Below the table's lowest x the valence still holds ~0.6% of the number: x q_v ~ x^a there, so the part below
    // x_min is x q_v(x_min) / a, a from the first two knots. Midpoint rule in ln x, 4000 steps: converged to 1e-8.
    const valence = (q: number) => {
      const v = (x: number) => sp.xf(q, x) - sp.xf(-q, x);
      const a = Math.log(v(2 * g.xMin) / v(g.xMin)) / Math.log(2);
      return integral((x) => v(x) / x) + v(g.xMin) / a;
    };
    // tolerance 3e-3: the grid's 8 digits and the power-law tail estimate; the sum rules hold exactly in the fit
    expect(Math.abs(valence(2) - 2)).toBeLessThan(3e-3);
    expect(Math.abs(valence(1) - 1)).toBeLessThan(3e-3);
    const mom = integral((x) => [21, 1, 2, 3, 4, 5, -1, -2, -3, -4, -5].reduce((s, p) => s + sp.xf(p, x), 0));
    // the LUXqed photon (not in the table) carries ~0.3-0.5% of the momentum at 100 GeV (arXiv:1712.07053)
    expect(mom).toBeGreaterThan(0.99);
    expect(mom).toBeLessThan(0.999);
  });

  it('gives luminosities that converge (vs a 20000-point midpoint rule) and are symmetric in a, b', () => {
    // rtol 2e-6 (measured <= 6e-7); 3e-5 for d sbar, whose sbar is clipped at 0 at large x: a kink inside a quadrature
    // piece (measured 1.0e-5). The midpoint reference itself is converged to < 2e-9 (checked against 400000 points).
    for (const [a, b, tau, mu, rtol] of [
      ['u', 'ubar', 1e-3, 400, 2e-6],
      ['u', 'g', 0.15, 5000, 2e-6],
      ['g', 'g', 0.02, 1800, 2e-6],
      ['d', 'sbar', 0.05, 3000, 3e-5],
    ] as const) {
      const sp = g.atScale(mu);
      const pid = { u: 2, ubar: -2, g: 21, d: 1, sbar: -3 } as const;
      const n = 20000;
      const lt = Math.log(tau);
      let s = 0;
      for (let i = 0; i < n; i++) {
        const x = Math.exp(lt + ((i + 0.5) * -lt) / n);
        const y = tau / x;
        s += sp.xf(pid[a], x) * sp.xf(pid[b], y) + (a === b ? 0 : sp.xf(pid[b], x) * sp.xf(pid[a], y));
      }
      const ref = (s * -lt) / n / tau;
      expect(Math.abs(partonLuminosity(a, b, tau, mu) / ref - 1), `${a} ${b}`).toBeLessThan(rtol);
      expect(partonLuminosity(b, a, tau, mu)).toBeCloseTo(partonLuminosity(a, b, tau, mu), 12);
    }
  });

  it('runs alpha_s at two loops from 0.118 (against the PDG approximate solution, rtol 5e-3)', () => {
    expect(alphaS(91.1876)).toBeCloseTo(0.118, 10);
    // the PDG QCD review's approximate solution truncated at b1: alpha_s = 1/(b0 t) (1 - b1 ln t / (b0^2 t)), t = ln(mu^2 / Lambda^2); its
    // Lambda fixed by alpha_s(m_Z) = 0.118. The truncation differs from the exact two-loop solution by < 0.5% here.
    const nf = 5;
    const b0 = (33 - 2 * nf) / (12 * Math.PI);
    const b1 = (153 - 19 * nf) / (24 * Math.PI ** 2);
    const approx = (mu: number, L: number) => {
      const t = Math.log((mu * mu) / (L * L));
      return (1 / (b0 * t)) * (1 - (b1 * Math.log(t)) / (b0 * b0 * t));
    };
    let lo = 0.05;
    let hi = 0.5;
    for (let i = 0; i < 100; i++) {
      const mid = 0.5 * (lo + hi);
      if (approx(91.1876, mid) > 0.118) hi = mid;
      else lo = mid;
    }
    for (const mu of [300, 1000, 3000, 8000]) expect(Math.abs(alphaS(mu) / approx(mu, lo) - 1), `mu ${mu}`).toBeLessThan(5e-3);
    expect(alphaS(1000)).toBeLessThan(alphaS(100));
    expect(inputError(() => alphaS(0.5)).field).toBe('Q');
  });
});

describe('resonance cross sections with NNPDF3.1', () => {
  it('q*: sigma = pi^2 Gamma(q* -> q g)/(M s) sum_q [L_qg + L_qbar g], Gamma = alpha_s(M) M/3 (spin, colour averaging)', () => {
    // 16 pi^2 (2J+1) N_R / (g_q g_g N_q N_g) = 16 pi^2 * 2 * 3 / (2 * 2 * 3 * 8) = pi^2 (Baur, Spira, Zerwas, PRD 42 (1990) 815)
    const f = getFamily('excited-quark');
    for (const M of [1000, 5000]) {
      const s = 13000 ** 2;
      const tau = (M * M) / s;
      const G = (alphaS(M) / 3) * M;
      const L = (['u', 'ubar', 'd', 'dbar'] as const).reduce((sum, q) => sum + partonLuminosity(q, 'g', tau, M), 0);
      const want = ((Math.PI ** 2 * G) / (M * s)) * L * 0.3894e9;
      expect(f.crossSectionPb(f.validate({ mass: M }))).toBeCloseTo(want, 12);
    }
  });

  it('gg -> X (generic x0/x2): sigma = (2J+1) pi^2/8 Gamma_gg/(M s) L_gg, the gg -> H textbook value at J = 0', () => {
    // 16 pi^2 (2J+1) / (2 * 2 * 8 * 8) * 2 (identical gluons; Gamma_gg carries the 1/2) = (2J+1) pi^2 / 8. At J = 0 the
    // LO gg -> H cross section sigma-hat = pi^2 / (8 M) Gamma(H -> gg) delta(s-hat - M^2) (Spira, Djouadi, Graudenz,
    // Zerwas, Nucl. Phys. B453 (1995) 17), integrated over the luminosity.
    for (const [id, J] of [
      ['x0-gamma-gamma', 0],
      ['x2-gamma-gamma', 2],
    ] as const) {
      const f = getFamily(id);
      const p = f.validate({ mass: 1500, kprod: 1e-4 });
      const s = 13000 ** 2;
      const want = (((2 * J + 1) * Math.PI ** 2) / 8) * ((1e-4 * 1500) / (1500 * s)) * partonLuminosity('g', 'g', (1500 * 1500) / s, 1500) * 0.3894e9;
      expect(f.crossSectionPb(p)).toBeCloseTo(want, 14);
    }
  });

  it('takes sqrt(s) as an input: lower at 8 TeV; table families accept their energy only; bad energies name the field', () => {
    for (const id of ['zprime-ssm', 'wprime-ssm', 'excited-quark', 'x0-gamma-gamma', 'x2-j-j']) {
      const f = getFamily(id);
      const p = f.validate({});
      expect(f.xsecSqrtS).toBe('any');
      expect(f.crossSectionPb(p, 8000)).toBeLessThan(0.5 * f.crossSectionPb(p));
      expect(f.crossSectionPb(p, 13000)).toBe(f.crossSectionPb(p));
    }
    for (const id of ['T2tt', 'lq1-pair']) {
      const f = getFamily(id);
      expect(f.xsecSqrtS).toEqual([13000]);
      expect(inputError(() => f.crossSectionPb(f.validate({}), 8000)).field).toBe('sqrtS');
    }
    const z = getFamily('zprime-ssm');
    expect(inputError(() => z.crossSectionPb(z.validate({}), 500)).field).toBe('sqrtS');
    expect(inputError(() => z.crossSectionPb(z.validate({ mass: 7000 }), 6000)).field).toBe('point.mass');
  });

  it('the line-shape integral tends to the narrow-width value as the width vanishes', () => {
    const z = getFamily('zprime-ssm');
    const p = z.validate({ mass: 3000 });
    const { production, shape } = resonanceShapeOf('zprime-ssm', p);
    const nwa = resonanceCrossSectionPb(production);
    const narrow = resonanceLineShapeCrossSectionPb(production, { ...shape, width: shape.width / 300 });
    // the window M/2-3M/2 cuts the Lorentzian tails: (2/pi) arctan-type loss of ~Gamma/(pi M) ~ 1e-4 at Gamma/M = 1e-4
    expect(Math.abs(narrow / nwa - 1)).toBeLessThan(2e-3);
    expect(resonanceLineShapeCrossSectionPb(production, shape)).toBeGreaterThan(nwa);
  });

  it('PDFs-lite (kept for the built-in generator) overstated the large-x gluon: L_ug at tau = 0.148 by ~8x', () => {
    const tau = 5000 ** 2 / 13000 ** 2;
    const r = liteLuminosity('u', 'g', tau) / partonLuminosity('u', 'g', tau, 5000);
    expect(r).toBeGreaterThan(5);
    expect(r).toBeLessThan(12);
  });
});
