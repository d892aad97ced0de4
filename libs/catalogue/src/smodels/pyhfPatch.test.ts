import { describe, expect, it } from 'vitest';
import { guessPyhfType, smodelsPyhfPatch } from './pyhfPatch';

// A background-only workspace in the shape of the database's: a control region, a 2-bin signal region, a 1-bin signal
// region and a validation region, observations in the same order.
const ws = {
  channels: [
    { name: 'CR_top', samples: [{ data: [50] }] },
    { name: 'SR_meff', samples: [{ data: [4, 2] }] },
    { name: 'SRB_cuts', samples: [{ data: [3] }] },
    { name: 'VR_x', samples: [{ data: [9] }] },
  ],
  observations: [
    { name: 'CR_top', data: [52] },
    { name: 'SR_meff', data: [5, 1] },
    { name: 'SRB_cuts', data: [2] },
    { name: 'VR_x', data: [8] },
  ],
};
const sig: Record<string, number> = { A_L: 1.5, A_H: 0.5, B: 2, CRsig: 7 };
const add = (path: string, data: number[]) => ({
  op: 'add',
  path,
  value: {
    data,
    modifiers: [
      { data: null, type: 'normfactor', name: 'mu_SIG' },
      { data: null, type: 'lumi', name: 'lumi' },
    ],
    name: 'bsm',
  },
});

describe('smodelsPyhfPatch (SModelS pyhfInterface semantics)', () => {
  it('reads region types from channel names as guessPyhfType does', () => {
    expect(['CRtop', 'VR1', 'SR2', 'WCRcut', 'bins'].map(guessPyhfType)).toEqual(['CR', 'VR', 'SR', 'CR', 'SR']);
  });

  it('names plain datasets after the signal-region observations in order, bin by bin; drops CR and VR', () => {
    const p = smodelsPyhfPatch(ws, [{ smodels: 'A_L' }, { smodels: 'A_H' }, { smodels: 'B' }], (s) => sig[s], 'ws');
    expect(p.signalRegions).toEqual(['A_L', 'A_H', 'B']);
    expect(p.removed).toEqual(['VR_x', 'CR_top']);
    expect(p.ops).toEqual([
      add('/channels/1/samples/0', [1.5, 0.5]),
      add('/channels/2/samples/0', [2]),
      { op: 'remove', path: '/channels/3' },
      { op: 'remove', path: '/channels/0' },
    ]);
  });

  it('keeps control regions with includeCRs, and adds the signal uncertainty as a histosys', () => {
    const ws2 = {
      channels: ['CR_top', 'SRB_cuts', 'SRC_cuts', 'VR_x'].map((name) => ({ name, samples: [{ data: [3] }] })),
      observations: ['CR_top', 'SRB_cuts', 'SRC_cuts', 'VR_x'].map((name) => ({ name, data: [3] })),
    };
    const p = smodelsPyhfPatch(ws2, [{ smodels: 'B' }, { smodels: 'A_L' }], (s) => sig[s], 'ws', { includeCRs: true, signalUncertainty: 0.2 });
    expect(p.removed).toEqual(['VR_x']);
    expect(p.signalRegions).toEqual(['B', 'A_L']);
    const first = p.ops[0] as { path: string; value: { modifiers: { type: string; data: { hi_data: number[]; lo_data: number[] } }[] } };
    expect(first.path).toBe('/channels/1/samples/0');
    const h = first.value.modifiers[2];
    expect([h.type, h.data.hi_data[0], h.data.lo_data[0]]).toEqual(['histosys', 2 * 1.2, 2 * 0.8]);
  });

  it('with includeCRs, a control region takes a dataset name when the signal-region channels are fewer than the names (SModelS)', () => {
    const p = smodelsPyhfPatch(ws, [{ smodels: 'A_L' }, { smodels: 'A_H' }, { smodels: 'B' }], (s) => sig[s], 'ws', { includeCRs: true });
    expect(p.regions.slice(0, 3).map((r) => [r.smodels, r.pyhf, r.type])).toEqual([
      ['A_L', 'CR_top', 'CR'],
      ['A_H', 'SR_meff[0]', 'SR'],
      ['B', 'SR_meff[1]', 'SR'],
    ]);
  });

  it('takes explicit pyhf names as they are: a CR with a dataset gets signal only with includeCRs', () => {
    const mapping = [
      { smodels: 'CRsig', pyhf: 'CR_top', type: 'CR' },
      { smodels: 'A_L', pyhf: 'SR_meff[0]' },
      { smodels: 'A_H', pyhf: 'SR_meff[1]' },
    ];
    const kept = smodelsPyhfPatch(ws, mapping, (s) => sig[s], 'ws', { includeCRs: true });
    expect(kept.signalRegions).toEqual(['CRsig', 'A_L', 'A_H']);
    expect(kept.ops).toEqual([add('/channels/0/samples/0', [7]), add('/channels/1/samples/0', [1.5, 0.5])]);
    // untouched: SRB_cuts and VR_x are not named by the mapping
    expect(kept.removed).toEqual([]);
    expect(() => smodelsPyhfPatch(ws, mapping, (s) => sig[s], 'ws')).toThrow(/3 datasets in jsonFiles but 2 signal bins/);
  });

  it('refuses a multi-bin channel that the mapping does not name bin for bin, naming the workspace and channel', () => {
    expect(() => smodelsPyhfPatch(ws, [{ smodels: 'A_L', pyhf: 'SR_meff[0]' }], (s) => sig[s], 'x/ws.json')).toThrow(
      /x\/ws.json: channel SR_meff has 2 bins, the mapping names 1/,
    );
    expect(() => smodelsPyhfPatch({ channels: [] }, [{ smodels: 'A' }], () => 1, 'x/ws.json')).toThrow(
      /x\/ws.json: the background-only workspace has no observations/,
    );
  });
});
