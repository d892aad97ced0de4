import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInputError } from '@sigmap/contracts';

import { type GeneratorProgress, driverBatches, generatorPython, pythiaConfig, simulateEventFile, simulateWithGenerator } from '../src';

const HAVE_PYTHIA = existsSync(generatorPython());
const FIX = join(__dirname, 'fixtures/events');
const ZP = {
  family: 'zprime-ssm',
  point: { mass: 2000 },
  search: 'own-dilepton-resonance-13tev',
  events: 120,
  fidelity: 'fast' as const,
  generator: 'pythia8' as const,
  batchSize: 40,
};

async function errorOf(p: Promise<unknown>): Promise<{ field: string; problem: string }> {
  try {
    await p;
  } catch (e) {
    if (isInputError(e)) return { field: e.field, problem: e.problem };
    throw e;
  }
  throw new Error('expected an InputError');
}

describe.skipIf(!HAVE_PYTHIA)('Pythia 8 as sigmap event generator', () => {
  it('same seed gives bitwise the same yields, another seed other ones; cross sections reported side by side', async () => {
    const a = await simulateWithGenerator({ ...ZP, seed: 5 });
    const b = await simulateWithGenerator({ ...ZP, seed: 5 });
    const c = await simulateWithGenerator({ ...ZP, seed: 6 });
    expect(b.yields).toEqual(a.yields);
    expect(b.crossSection).toEqual(a.crossSection);
    expect(c.yields).not.toEqual(a.yields);
    expect(a.counts.reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
    // Z' is not a published table: Pythia's sigmaGen is used, sigmap's LO formula is reported beside it
    expect(a.crossSection.used).toBe('pythia');
    expect(a.crossSectionPb).toBe(a.crossSection.pythiaPb);
    expect(a.crossSection.pythiaErrPb! / a.crossSection.pythiaPb!).toBeLessThan(0.2);
    expect(a.crossSection.familyPb).toBeGreaterThan(0);
  });

  it('resumes from a batch index with bitwise the same result, and stops the process on cancellation', async () => {
    const whole = await simulateWithGenerator({ ...ZP, seed: 9 });
    let saved: GeneratorProgress | null = null;
    const ctl = new AbortController();
    const cut = await errorOf(
      simulateWithGenerator({
        ...ZP,
        seed: 9,
        signal: ctl.signal,
        onBatch: (done, _t, prog) => {
          if (done === 40) {
            saved = structuredClone(prog);
            ctl.abort();
          }
        },
      }),
    );
    expect(cut.field).toBe('generator');
    expect(saved!.nextBatch).toBe(1);
    const resumed = await simulateWithGenerator({ ...ZP, seed: 9, resume: saved! });
    expect(resumed.yields).toEqual(whole.yields);
    expect(resumed.crossSectionPb).toBe(whole.crossSectionPb);
  });

  it('SUSY from an SLHA spectrum: T2tt tops reach the truth record (boosted labelling), the family table is used', async () => {
    const { config } = pythiaConfig('T2tt', { m_stop: 1000, m_lsp: 100 });
    expect(config.crossSection).toBe('family-table');
    let tops = 0;
    let lsps = 0;
    for await (const b of driverBatches({ source: 'pythia', settings: config.settings, slha: config.slha, seed: 1, events: 10, batchSize: 10 })) {
      for (const ev of b.events) {
        tops += ev.particles.filter((p) => p.kind === 't' && !p.final).length;
        lsps += ev.particles.filter((p) => p.kind === 'lsp' && p.final).length;
      }
      expect(b.sigmaPb).toBeGreaterThan(0);
    }
    expect(tops).toBe(20);
    expect(lsps).toBe(20);
  });

  it('T5gg from its SLHA spectrum: two prompt photons from chi1 -> gamma G~, two invisible gravitinos per event', async () => {
    const { config } = pythiaConfig('T5gg', { m_gluino: 1600, m_chi: 1000 });
    let photons = 0;
    let invisible = 0;
    for await (const b of driverBatches({ source: 'pythia', settings: config.settings, slha: config.slha, seed: 2, events: 10, batchSize: 10 })) {
      for (const ev of b.events) {
        // chi1 -> gamma G~ at rest gives a 499.9995 GeV photon; in the lab it is the hardest unlabelled photon.
        photons += ev.visibleFinals().filter((p) => p.kind === 'gamma' && p.label === undefined && p.p.E > 100).length >= 2 ? 1 : 0;
        invisible += ev.finals().filter((p) => p.kind === 'lsp').length;
      }
    }
    expect(photons).toBe(10);
    expect(invisible).toBe(20);
  });

  it('families without a Pythia configuration and a missing virtualenv are InputErrors naming the field', async () => {
    expect((await errorOf(simulateWithGenerator({ ...ZP, family: 'x0-e-e', point: {}, seed: 1 }))).field).toBe('family');
    const saved = process.env.SIGMAP_PYHF_PYTHON;
    process.env.SIGMAP_PYHF_PYTHON = '/nonexistent/python';
    try {
      const e = await errorOf(simulateWithGenerator({ ...ZP, seed: 1 }));
      expect(e.field).toBe('generator');
      expect(e.problem).toMatch(/install\.sh/);
    } finally {
      if (saved === undefined) delete process.env.SIGMAP_PYHF_PYTHON;
      else process.env.SIGMAP_PYHF_PYTHON = saved;
    }
  });
});

describe.skipIf(!HAVE_PYTHIA)('event files in', () => {
  const base = { search: 'own-dilepton-resonance-13tev', seed: 1, fidelity: 'fast' as const, batchSize: 8 };

  it('LHE is showered by Pythia, reproducibly; its <init> cross section normalises the yields unless --xsec is given', async () => {
    const file = join(FIX, 'zprime2000_mumu.lhe');
    const a = await simulateEventFile({ ...base, file });
    const b = await simulateEventFile({ ...base, file });
    expect(a.events).toBe(20);
    expect(b.yields).toEqual(a.yields);
    expect(a.crossSection.used).toBe('lhe-init');
    expect(a.crossSectionPb).toBeCloseTo(0.01675288, 8);
    // mu mu at 2 TeV: most events pass the dilepton selection
    expect(a.effAcc).toBeGreaterThan(0.3);
    const c = await simulateEventFile({ ...base, file, xsecPb: 2 * a.crossSectionPb });
    expect(c.yields.map((y, i) => y / 2 - a.yields[i]).every((d) => Math.abs(d) < 1e-12)).toBe(true);
  });

  it('HepMC3 events are read as given', async () => {
    const r = await simulateEventFile({ ...base, file: join(FIX, 'zprime2000_mumu.hepmc') });
    expect(r.events).toBe(5);
    expect(r.crossSection.used).toBe('hepmc');
    expect(r.effAcc).toBeGreaterThan(0.2);
  });

  it('bad files: the error names the file and the record', async () => {
    const e1 = await errorOf(simulateEventFile({ ...base, file: join(FIX, 'corrupt_missing_particle.lhe') }));
    expect(e1.field).toMatch(/corrupt_missing_particle\.lhe$/);
    expect(e1.problem).toMatch(/^event 7: /);
    const e2 = await errorOf(simulateEventFile({ ...base, file: join(FIX, 'corrupt_number.lhe') }));
    expect(e2.problem).toMatch(/^event 12: /);
    const e3 = await errorOf(simulateEventFile({ ...base, file: join(FIX, 'corrupt_particle.hepmc') }));
    expect(e3.field).toMatch(/corrupt_particle\.hepmc$/);
    expect(e3.problem).toMatch(/^event 3 \(record at line \d+\)/);
    expect((await errorOf(simulateEventFile({ ...base, file: join(FIX, 'README.md') }))).field).toBe('--events');
  });
});

describe('Pythia 8 configurations of the SUSY families (no generation)', () => {
  it('T1: the gluino decays to q qbar chi1 for q = u, d, s, c, a quarter each', () => {
    const { config } = pythiaConfig('T1', { m_gluino: 1500, m_lsp: 100 });
    const block = config.slha!.split('DECAY 1000021')[1].split('DECAY')[0];
    expect(
      block
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim()),
    ).toEqual(['0.25 3 1 -1 1000022', '0.25 3 2 -2 1000022', '0.25 3 3 -3 1000022', '0.25 3 4 -4 1000022']);
  });

  it("T5gg: the gluino decays as in T1, chi1 -> photon gravitino at 100%, the gravitino at the map's 1 GeV", () => {
    const { config } = pythiaConfig('T5gg', { m_gluino: 1800, m_chi: 1000 });
    expect(config.crossSection).toBe('family-table');
    expect(config.slha).toMatch(/^ 1000039 1\.000000e\+0$/m);
    expect(config.slha).toMatch(/^ 1000022 1\.000000e\+3$/m);
    expect(config.slha!.split('DECAY 1000022 ')[1].split('\n')[1].trim()).toBe('1 2 22 1000039');
    const block = config.slha!.split('DECAY 1000021')[1].split('DECAY')[0];
    expect(
      block
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim()),
    ).toEqual(['0.25 3 1 -1 1000022', '0.25 3 2 -2 1000022', '0.25 3 3 -3 1000022', '0.25 3 4 -4 1000022']);
    expect(() => pythiaConfig('T5gg', { m_gluino: 1800, m_chi: 1795 })).toThrow(/m_chi/);
  });

  it('TSlepSlep: e~L, e~R, mu~L, mu~R at one mass, each to its lepton and chi1; the family table (2 flavours) gives the cross section', async () => {
    const { config } = pythiaConfig('TSlepSlep', { m_slep: 500, m_lsp: 100 });
    expect(config.crossSection).toBe('family-table');
    expect(config.settings).toContain('SUSY:qqbar2sleptonantislepton = on');
    for (const [id, l] of [
      [1000011, 11],
      [2000011, 11],
      [1000013, 13],
      [2000013, 13],
    ]) {
      expect(config.slha).toMatch(new RegExp(`^ ${id} 5\\.000000e\\+2$`, 'm'));
      expect(config.slha!.split(`DECAY ${id} `)[1].split('\n')[1].trim()).toBe(`1 2 ${l} 1000022`);
    }
    const { getFamily } = await import('@sigmap/physics');
    // pp13_slep_LR_NLO+NLL_PDF4LHC.json at 500 GeV: 0.0006736329 pb per flavour.
    expect(getFamily('TSlepSlep').crossSectionPb({ m_slep: 500, m_lsp: 100 })).toBeCloseTo(2 * 0.0006736329, 12);
  });
});
