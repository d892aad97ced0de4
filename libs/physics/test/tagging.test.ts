import { createRng } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { CMS_CSVV2_MEDIUM, type EventRecord, JsShowerEngine, type RecoEvent, TAGGERS, fastDetector, fragmentAll, fullDetector, getFamily } from '../src';

function events(id: string, point: Record<string, number>, n: number, seed: number): EventRecord[] {
  const f = getFamily(id);
  const p = f.validate(point);
  const ctx = f.prepare(p);
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const ev = f.generate(p, rng, ctx);
    fragmentAll(ev, rng);
    return ev;
  });
}

/** Tag rate per truth label for jets inside the tagger's acceptance, with binomial errors. */
function rates(reco: RecoEvent[], tag: 'btag' | 'tautag', acc: { etaMax: number; ptMin: number }) {
  const out: Record<string, { n: number; k: number }> = {};
  for (const r of reco)
    for (const j of r.jets) {
      if (j.pt < acc.ptMin || Math.abs(j.eta) > acc.etaMax) continue;
      const o = (out[j.label] ??= { n: 0, k: 0 });
      o.n++;
      if (j[tag]) o.k++;
    }
  return out;
}

const within = (o: { n: number; k: number }, p: number) => Math.abs(o.k / o.n - p) <= 4 * Math.sqrt((p * (1 - p)) / o.n) + 1e-9;

describe('tagging efficiencies match their declared values', () => {
  it('b-tagging on b, c and light jets (fast detector, T2tt + Z->bb/cc/qq)', () => {
    const reco = [...events('T2tt', { m_stop: 800, m_lsp: 100 }, 600, 1), ...events('zprime-ssm', { mass: 1500 }, 1000, 2)].map((ev, i) =>
      fastDetector(ev, createRng(i + 1000)),
    );
    const r = rates(reco, 'btag', TAGGERS.btag);
    console.log('b-tag', Object.fromEntries(Object.entries(r).map(([k, v]) => [k, `${v.k}/${v.n} = ${(v.k / v.n).toFixed(4)}`])));
    for (const label of ['b', 'c', 'light']) {
      expect(r[label].n, label).toBeGreaterThan(300);
      expect(within(r[label], TAGGERS.btag.eff[label]), `${label}: ${r[label].k}/${r[label].n} vs ${TAGGERS.btag.eff[label]}`).toBe(true);
    }
  });

  it('a per-analysis working point (CMS CSVv2 medium) replaces the default, with the same jets and random stream', () => {
    const evs = [...events('T2tt', { m_stop: 800, m_lsp: 100 }, 600, 1), ...events('zprime-ssm', { mass: 1500 }, 1000, 2)];
    const def = evs.map((ev, i) => fastDetector(ev, createRng(i + 1000)));
    const cms = evs.map((ev, i) => fastDetector(ev, createRng(i + 1000), { btag: CMS_CSVV2_MEDIUM }));
    // Only the tags differ: the jets (and every later random draw) are the same.
    expect(cms.map((r) => r.jets.map((j) => j.pt))).toEqual(def.map((r) => r.jets.map((j) => j.pt)));
    const r = rates(cms, 'btag', CMS_CSVV2_MEDIUM);
    console.log('CMS b-tag', Object.fromEntries(Object.entries(r).map(([k, v]) => [k, `${v.k}/${v.n} = ${(v.k / v.n).toFixed(4)}`])));
    for (const label of ['b', 'c', 'light'])
      expect(within(r[label], CMS_CSVV2_MEDIUM.eff[label]), `${label}: ${r[label].k}/${r[label].n} vs ${CMS_CSVV2_MEDIUM.eff[label]}`).toBe(true);
    // The same uniform draw per jet: a b jet CMS tags (u < 0.63) ATLAS tags too (u < 0.70), a light jet ATLAS tags
    // (u < 0.004) CMS tags too (u < 0.01); and the working points do differ on some jets.
    const pairs = cms.flatMap((r, i) => r.jets.map((j, k) => ({ label: j.label, cms: j.btag, def: def[i].jets[k].btag })));
    expect(pairs.filter((p) => p.label === 'b' && p.cms && !p.def)).toHaveLength(0);
    expect(pairs.filter((p) => p.label === 'light' && p.def && !p.cms)).toHaveLength(0);
    expect(pairs.filter((p) => p.label === 'b' && p.def && !p.cms).length).toBeGreaterThan(10);
  });

  it('fatJets: false skips the large-R jets and nothing else', () => {
    const evs = events('x0-W-Z', { mass: 2000 }, 50, 4);
    const withFat = evs.map((ev, i) => fastDetector(ev, createRng(i)));
    const without = evs.map((ev, i) => fastDetector(ev, createRng(i), { fatJets: false }));
    expect(withFat.some((r) => r.fatjets.length > 0)).toBe(true);
    expect(without.every((r) => r.fatjets.length === 0)).toBe(true);
    const noFat = (r: RecoEvent) => ({ ...r, fatjets: [] });
    expect(without).toEqual(withFat.map(noFat));
  });

  it('b- and tau-tagging with the full detector simulation (LQ3 -> tau b)', async () => {
    const reco = await fullDetector(events('lq3-pair', { mass: 800, beta: 1 }, 300, 3), { engine: new JsShowerEngine(), seed: 9 });
    const b = rates(reco, 'btag', TAGGERS.btag);
    const t = rates(reco, 'tautag', TAGGERS.tautag);
    console.log('full b-tag', b, 'tau-tag', t);
    expect(b.b.n).toBeGreaterThan(200);
    expect(within(b.b, TAGGERS.btag.eff.b)).toBe(true);
    expect(t.tau.n).toBeGreaterThan(100);
    expect(within(t.tau, TAGGERS.tautag.eff.tau)).toBe(true);
  });

  it('boosted W/Z tagging: the declared substructure efficiency inside the mass window, and a W/Z mass peak', () => {
    const reco = events('x0-W-Z', { mass: 2000 }, 1500, 4).map((ev, i) => fastDetector(ev, createRng(i + 5000)));
    const inWin = reco.flatMap((r) => r.fatjets).filter((j) => j.pt > TAGGERS.vtag.ptMin && j.mass > TAGGERS.vtag.massMin && j.mass < TAGGERS.vtag.massMax);
    const v = inWin.filter((j) => j.label === 'W' || j.label === 'Z');
    const k = v.filter((j) => j.vtag).length;
    console.log('V-tag in window', k, '/', v.length);
    expect(v.length).toBeGreaterThan(300);
    expect(within({ n: v.length, k }, TAGGERS.vtag.eff.W)).toBe(true);
    const masses = reco
      .flatMap((r) => r.fatjets)
      .filter((j) => j.label === 'W' || j.label === 'Z')
      .map((j) => j.mass)
      .sort((a, b) => a - b);
    const median = masses[Math.floor(masses.length / 2)];
    expect(median).toBeGreaterThan(75);
    expect(median).toBeLessThan(95);
  });
});
