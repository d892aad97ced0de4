/**
 * HistFactory interpolation codes, exactly as pyhf's interpolators (pyhf.interpolators.code0/1/2/4/4p, pyhf 0.7.x),
 * including their quirks (code2 extrapolates as (b+2a)(alpha-1) without the value at |alpha|=1, as pyhf does).
 * Reference: HistFactory, CERN-OPEN-2012-016, sec. 4.1 (codes 0-2) and ROOT's PiecewiseInterpolation/FlexibleInterpVar
 * (code 4 with alpha0 = 1: a 6th-order polynomial matching value, first and second derivative of the exponential at |alpha|=alpha0).
 *
 * Additive codes (0, 2, 4p) give a delta on the nominal; multiplicative codes (1, 4) give a factor on it.
 * Each function writes value and d/dalpha into out[0], out[1]. Codes 0 and 1 have a kink at alpha = 0: the value there is
 * pyhf's; the derivative is the right-hand one (see interpHistosys).
 */
export type NormsysCode = 'code0' | 'code1' | 'code2' | 'code4';
export type HistosysCode = 'code0' | 'code2' | 'code4p';

/** Number of doubles per multiplicative (normsys) term: hi, lo, ln hi, ln lo, c1..c6. */
export const NORMSYS_STRIDE = 10;
/** Number of doubles per additive (histosys) term: code-dependent coefficients. */
export const HISTOSYS_STRIDE = 4;

/** code4 polynomial coefficients (pyhf code4.__init__, A_inverse . b with alpha0 = 1). */
function code4Coefficients(hi: number, lo: number, alpha0 = 1): number[] {
  const a0 = alpha0;
  const upA0 = Math.pow(hi, a0);
  const dnA0 = Math.pow(lo, a0);
  const lhi = Math.log(hi);
  const llo = Math.log(lo);
  const b = [upA0 - 1, dnA0 - 1, lhi * upA0, -llo * dnA0, lhi * lhi * upA0, llo * llo * dnA0];
  const p = (k: number) => Math.pow(a0, k);
  const A = [
    [15 / (16 * a0), -15 / (16 * a0), -7 / 16, -7 / 16, (1 / 16) * a0, (-1 / 16) * a0],
    [3 / (2 * p(2)), 3 / (2 * p(2)), -9 / (16 * a0), 9 / (16 * a0), 1 / 16, 1 / 16],
    [-5 / (8 * p(3)), 5 / (8 * p(3)), 5 / (8 * p(2)), 5 / (8 * p(2)), -1 / (8 * a0), 1 / (8 * a0)],
    [3 / (-2 * p(4)), 3 / (-2 * p(4)), -7 / (-8 * p(3)), 7 / (-8 * p(3)), -1 / (8 * p(2)), -1 / (8 * p(2))],
    [3 / (16 * p(5)), -3 / (16 * p(5)), -3 / (16 * p(4)), -3 / (16 * p(4)), 1 / (16 * p(3)), -1 / (16 * p(3))],
    [1 / (2 * p(6)), 1 / (2 * p(6)), -5 / (16 * p(5)), 5 / (16 * p(5)), 1 / (16 * p(4)), 1 / (16 * p(4))],
  ];
  return A.map((row) => row.reduce((s, a, j) => s + a * b[j], 0));
}

/** Fills the NORMSYS_STRIDE coefficients of a normsys term with relative factors hi, lo. */
export function normsysCoefficients(hi: number, lo: number, code: NormsysCode, out: Float64Array, off: number): void {
  out[off] = hi;
  out[off + 1] = lo;
  out[off + 2] = Math.log(hi);
  out[off + 3] = Math.log(lo);
  if (code === 'code4') {
    const c = code4Coefficients(hi, lo);
    for (let i = 0; i < 6; i++) out[off + 4 + i] = c[i];
  } else if (code === 'code2') {
    out[off + 4] = 0.5 * (hi + lo) - 1; // a
    out[off + 5] = 0.5 * (hi - lo); // b
  }
}

/** Fills the HISTOSYS_STRIDE coefficients of a histosys term from nominal, lo and hi yields. */
export function histosysCoefficients(nom: number, lo: number, hi: number, code: HistosysCode, out: Float64Array, off: number): void {
  const up = hi - nom;
  const dn = nom - lo;
  if (code === 'code2') {
    out[off] = 0.5 * (hi + lo) - nom; // a
    out[off + 1] = 0.5 * (hi - lo); // b
    out[off + 2] = 0;
    out[off + 3] = 0;
  } else {
    out[off] = up;
    out[off + 1] = dn;
    out[off + 2] = 0.5 * (up + dn); // S (code4p)
    out[off + 3] = 0.0625 * (up - dn); // A (code4p)
  }
}

/** Multiplicative interpolation (normsys): factor and d factor/d alpha. code0/code2 apply the additive rule to [lo, 1, hi]. */
export function interpNormsys(code: number, alpha: number, c: Float64Array, off: number, out: Float64Array): void {
  switch (code) {
    case 1: // code1: piecewise exponential (at alpha = 0 the right-hand slope, as a forward difference sees it)
      if (alpha >= 0) {
        const v = Math.pow(c[off], alpha);
        out[0] = v;
        out[1] = c[off + 2] * v;
      } else {
        const v = Math.pow(c[off + 1], -alpha);
        out[0] = v;
        out[1] = -c[off + 3] * v;
      }
      return;
    case 4: // code4: exponential outside |alpha| >= 1, 6th-order polynomial inside
      if (alpha >= 1) {
        const v = Math.pow(c[off], alpha);
        out[0] = v;
        out[1] = c[off + 2] * v;
      } else if (alpha > -1) {
        const a = alpha;
        const c1 = c[off + 4],
          c2 = c[off + 5],
          c3 = c[off + 6],
          c4 = c[off + 7],
          c5 = c[off + 8],
          c6 = c[off + 9];
        out[0] = 1 + a * (c1 + a * (c2 + a * (c3 + a * (c4 + a * (c5 + a * c6)))));
        out[1] = c1 + a * (2 * c2 + a * (3 * c3 + a * (4 * c4 + a * (5 * c5 + a * 6 * c6))));
      } else {
        const v = Math.pow(c[off + 1], -alpha);
        out[0] = v;
        out[1] = -c[off + 3] * v;
      }
      return;
    case 0: // code0 on [lo, 1, hi]: 1 + piecewise linear delta
      if (alpha >= 0) {
        out[0] = 1 + (c[off] - 1) * alpha;
        out[1] = c[off] - 1;
      } else {
        out[0] = 1 + (1 - c[off + 1]) * alpha;
        out[1] = 1 - c[off + 1];
      }
      return;
    default: {
      // code2 on [lo, 1, hi]
      const a = c[off + 4],
        b = c[off + 5];
      if (alpha > 1) {
        out[0] = 1 + (b + 2 * a) * (alpha - 1);
        out[1] = b + 2 * a;
      } else if (alpha >= -1) {
        out[0] = 1 + a * alpha * alpha + b * alpha;
        out[1] = 2 * a * alpha + b;
      } else {
        out[0] = 1 + (b - 2 * a) * (alpha + 1);
        out[1] = b - 2 * a;
      }
    }
  }
}

/** Additive interpolation (histosys): delta on the nominal and d delta/d alpha. */
export function interpHistosys(code: number, alpha: number, c: Float64Array, off: number, out: Float64Array): void {
  if (code === 4) {
    // code4p: linear outside |alpha| > 1, 6th-order polynomial inside
    if (alpha > 1) {
      out[0] = c[off] * alpha;
      out[1] = c[off];
    } else if (alpha < -1) {
      out[0] = c[off + 1] * alpha;
      out[1] = c[off + 1];
    } else {
      const S = c[off + 2],
        A = c[off + 3];
      const a2 = alpha * alpha;
      out[0] = alpha * (S + alpha * A * (15 + a2 * (-10 + a2 * 3)));
      out[1] = S + A * alpha * (30 + a2 * (-40 + a2 * 18));
    }
  } else if (code === 0) {
    // piecewise linear; at the kink alpha = 0 (value 0 either way) the right-hand slope, which is what the forward
    // finite differences of pyhf's SLSQP see: the fit then leaves alpha = 0 on the same side as pyhf's
    if (alpha >= 0) {
      out[0] = c[off] * alpha;
      out[1] = c[off];
    } else {
      out[0] = c[off + 1] * alpha;
      out[1] = c[off + 1];
    }
  } else {
    const a = c[off],
      b = c[off + 1];
    if (alpha > 1) {
      out[0] = (b + 2 * a) * (alpha - 1);
      out[1] = b + 2 * a;
    } else if (alpha >= -1) {
      out[0] = a * alpha * alpha + b * alpha;
      out[1] = 2 * a * alpha + b;
    } else {
      out[0] = (b - 2 * a) * (alpha + 1);
      out[1] = b - 2 * a;
    }
  }
}

export function normsysCodeNumber(code: NormsysCode): number {
  return code === 'code0' ? 0 : code === 'code1' ? 1 : code === 'code2' ? 2 : 4;
}
export function histosysCodeNumber(code: HistosysCode): number {
  return code === 'code0' ? 0 : code === 'code2' ? 2 : 4;
}
