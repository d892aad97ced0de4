/**
 * Signature space (DESIGN.md glossary): the 10 Standard Model final-state objects, their 55 unordered pairs, the three
 * signature classes, and the quantum-number rules that decide which spins a resonance X -> SM1 SM2 may have.
 * Cell keys match libs/coverage ('e-mu' in object order, 'complex:<id>').
 *
 * Rules for X (spin J, integer or half-integer) -> a b, two-body, on-shell:
 *  1. Spin-statistics: J is half-integer iff exactly one of a, b is a fermion. 'j' may be a quark (fermion) or a
 *     gluon (boson); a pair is allowed if any reading of j satisfies all rules.
 *  2. Helicity: some helicities l_a, l_b must satisfy |l_a - l_b| <= J (Jacob & Wick 1959). Massless vectors (gamma, g)
 *     have l = +-1 only; massive vectors l in {-1, 0, 1}; fermions +-1/2; H has l = 0. E.g. J = 0 -> H gamma is forbidden.
 *  3. Landau-Yang (Landau 1948, Yang 1950): J = 1 -> gamma gamma is forbidden; likewise J = 1 -> g g for a colour-singlet
 *     X (symmetric colour state); a colour-octet J = 1 may couple to g g antisymmetrically (Cacciari et al. 2015).
 *  4. Bose symmetry: two identical spin-0 bosons (H H) need even J.
 *  5. Charge and colour: the pair fixes X's electric charge (sum of the possible charges) and colour (the SU(3) product);
 *     fractional charge / colour triplet means X is a leptoquark- or excited-quark-like state. These never forbid a
 *     pair but decide X's production mode (single vs pair production).
 */
export const SM_OBJECTS = ['e', 'mu', 'tau', 'gamma', 'j', 'b', 't', 'W', 'Z', 'H'] as const;
export type SmObject = (typeof SM_OBJECTS)[number];

export type SignatureClass = 'resonance-same' | 'resonance-mixed' | 'complex';

interface ObjectInfo {
  /** Readings of the object: j is quark or gluon. */
  readings: { fermion: boolean; spin: number; massless: boolean; colour: 1 | 3 | 8; charges: number[] }[];
}

const Q = (...c: number[]) => c;
export const OBJECT_INFO: Record<SmObject, ObjectInfo> = {
  e: { readings: [{ fermion: true, spin: 0.5, massless: true, colour: 1, charges: Q(-1, 1) }] },
  mu: { readings: [{ fermion: true, spin: 0.5, massless: true, colour: 1, charges: Q(-1, 1) }] },
  tau: { readings: [{ fermion: true, spin: 0.5, massless: true, colour: 1, charges: Q(-1, 1) }] },
  gamma: { readings: [{ fermion: false, spin: 1, massless: true, colour: 1, charges: Q(0) }] },
  j: {
    readings: [
      { fermion: true, spin: 0.5, massless: true, colour: 3, charges: Q(2 / 3, -1 / 3, -2 / 3, 1 / 3) },
      { fermion: false, spin: 1, massless: true, colour: 8, charges: Q(0) },
    ],
  },
  b: { readings: [{ fermion: true, spin: 0.5, massless: true, colour: 3, charges: Q(-1 / 3, 1 / 3) }] },
  t: { readings: [{ fermion: true, spin: 0.5, massless: false, colour: 3, charges: Q(2 / 3, -2 / 3) }] },
  W: { readings: [{ fermion: false, spin: 1, massless: false, colour: 1, charges: Q(1, -1) }] },
  Z: { readings: [{ fermion: false, spin: 1, massless: false, colour: 1, charges: Q(0) }] },
  H: { readings: [{ fermion: false, spin: 0, massless: false, colour: 1, charges: Q(0) }] },
};

export function pairKey(a: SmObject, b: SmObject): string {
  const [x, y] = SM_OBJECTS.indexOf(a) <= SM_OBJECTS.indexOf(b) ? [a, b] : [b, a];
  return `${x}-${y}`;
}

export interface SignaturePair {
  key: string;
  a: SmObject;
  b: SmObject;
  cls: 'resonance-same' | 'resonance-mixed';
}

/** The 55 unordered pairs in row-major upper-triangular order. */
export const SIGNATURE_PAIRS: readonly SignaturePair[] = SM_OBJECTS.flatMap((a, i) =>
  SM_OBJECTS.slice(i).map((b) => ({ key: pairKey(a, b), a, b, cls: a === b ? ('resonance-same' as const) : ('resonance-mixed' as const) })),
);

/** Complex-class rows (pair production / cascades), ids shared with libs/coverage plus two that sigmap's own families add. */
export const COMPLEX_CLASSES = [
  { id: 'stop', label: 'stop -> t + LSP' },
  { id: 'sbottom', label: 'sbottom -> b + LSP (or b + chi2 -> b h LSP)' },
  { id: 'gluino', label: 'gluino -> jj + LSP' },
  { id: 'electroweakino', label: 'chargino/neutralino -> W/Z/H + LSP' },
  { id: 'leptoquark', label: 'LQ LQ -> (l q)(l q) / (l q)(nu q)' },
  { id: 'lepton-met', label: "W' -> l nu (lepton + missing pT)" },
  { id: 'squark', label: 'light squark -> q + LSP (and cascades)' },
  { id: 'slepton', label: 'slepton -> l + LSP' },
  { id: 'dark-matter', label: 'mediator -> invisible + ISR (mono-X)' },
  { id: 'rpv', label: 'R-parity-violating decays (no LSP)' },
  { id: 'long-lived', label: 'long-lived: displaced vertices, disappearing tracks, heavy stable charged' },
] as const;

export interface SpinVerdict {
  spin: number;
  allowed: boolean;
  /** Why it is forbidden, or how X must look when allowed. */
  reason: string;
  /** Possible electric charges |Q| of X. */
  charges: number[];
  /** Possible colour representations of X. */
  colours: number[];
  /** Reading of 'j' that makes it allowed ('quark' | 'gluon'), when j is involved. */
  jReading?: string;
}

function helicities(r: ObjectInfo['readings'][number]): number[] {
  if (r.fermion) return [-0.5, 0.5];
  if (r.spin === 0) return [0];
  return r.massless ? [-1, 1] : [-1, 0, 1];
}

function colourProduct(a: number, b: number): number[] {
  if (a === 1) return [b];
  if (b === 1) return [a];
  if (a === 3 && b === 3) return [1, 8]; // 3 x 3bar (or 3 x 3 -> 3bar + 6; we keep the q qbar reading)
  if ((a === 3 && b === 8) || (a === 8 && b === 3)) return [3];
  return [1, 8]; // 8 x 8 contains 1, 8 (and 10, 27)
}

/** Applies rules 1-5 to X (spin J) -> a b. */
export function spinVerdict(a: SmObject, b: SmObject, spin: number): SpinVerdict {
  const reasons: string[] = [];
  for (const ra of OBJECT_INFO[a].readings) {
    for (const rb of OBJECT_INFO[b].readings) {
      const jReading = a === 'j' || b === 'j' ? ((a === 'j' ? ra : rb).fermion ? 'quark' : 'gluon') : undefined;
      const halfInteger = ra.fermion !== rb.fermion;
      const colours = colourProduct(ra.colour, rb.colour);
      const charges = [...new Set(ra.charges.flatMap((x) => rb.charges.map((y) => Math.round(Math.abs(x + y) * 3) / 3)))].sort();
      if (halfInteger !== !Number.isInteger(spin)) {
        reasons.push(`${halfInteger ? 'a fermion-boson pair needs half-integer' : 'this pair needs integer'} spin${jReading ? ` (j as ${jReading})` : ''}`);
        continue;
      }
      const ha = helicities(ra);
      const hb = helicities(rb);
      if (!ha.some((x) => hb.some((y) => Math.abs(x - y) <= spin + 1e-9))) {
        reasons.push(`no helicity pair with |l1 - l2| <= ${spin}${jReading ? ` (j as ${jReading})` : ''}`);
        continue;
      }
      const vecA = !ra.fermion && ra.spin === 1 && ra.massless;
      const vecB = !rb.fermion && rb.spin === 1 && rb.massless;
      if (spin === 1 && vecA && vecB && a === b) {
        if (a === 'gamma') {
          reasons.push('Landau-Yang: spin 1 cannot decay to two photons');
          continue;
        }
        // j j as two gluons: forbidden for a colour singlet only.
        const c = colours.filter((x) => x !== 1);
        if (!c.length) {
          reasons.push('Landau-Yang: spin 1 colour singlet cannot decay to two gluons');
          continue;
        }
        return { spin, allowed: true, reason: 'colour-octet spin 1 -> g g (antisymmetric colour), Landau-Yang evaded', charges, colours: [8], jReading };
      }
      if (a === b && ra.spin === 0 && !ra.fermion && spin % 2 === 1) {
        reasons.push('Bose symmetry: two identical spin-0 bosons need even J');
        continue;
      }
      const fractional = charges.some((c) => Math.abs(c * 3 - Math.round(c) * 3) > 1e-6);
      const how = colours.includes(1)
        ? charges.every((c) => c === 0)
          ? 'neutral colour-singlet X'
          : `X of charge ${
              charges
                .filter((c) => c > 0)
                .map(fmtCharge)
                .join(' or ') || '0'
            }`
        : colours.includes(3)
          ? `colour-triplet X${fractional ? ' with fractional charge (leptoquark / excited-quark like)' : ''}`
          : 'colour-octet X';
      return { spin, allowed: true, reason: how, charges, colours, jReading };
    }
  }
  return { spin, allowed: false, reason: [...new Set(reasons)].join('; '), charges: [], colours: [] };
}

const fmtCharge = (c: number) => (Math.abs(c - Math.round(c)) < 1e-6 ? String(Math.round(c)) : `${Math.round(c * 3)}/3`);

/** The verdicts for J = 0, 1/2, 1, 3/2, 2 for every one of the 55 pairs. */
export function spinTable(spins: number[] = [0, 0.5, 1, 1.5, 2]): { key: string; verdicts: SpinVerdict[] }[] {
  return SIGNATURE_PAIRS.map((p) => ({ key: p.key, verdicts: spins.map((s) => spinVerdict(p.a, p.b, s)) }));
}
