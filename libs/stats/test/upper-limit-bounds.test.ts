/**
 * Upper limits above the POI's suggested upper bound (issue 15's fix): with mu_hat beyond the bound, fits clamped at the
 * bound gave a silently wrong observed limit. sigmap widens the bound instead; the reference is pyhf 0.7.6 (PyPI, the
 * peers' virtualenv) run here with par_bounds wide enough, so that pyhf's own fits are unclamped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, observedData, parseWorkspace, upperLimit } from '../src/index';

const PYTHON = process.env.SIGMAP_PYHF_PYTHON ?? join(homedir(), '.cache/sigmap/pyhf-venv/bin/python');

/** One bin, 1 signal event at mu = 1 on 10 +- 10% background; 40 observed: mu_hat = 30, far above the bound 10. */
const spec = {
  channels: [
    {
      name: 'sr',
      samples: [
        { name: 'signal', data: [1.0], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
        { name: 'bkg', data: [10.0], modifiers: [{ name: 'bkg_norm', type: 'normsys', data: { hi: 1.1, lo: 0.9 } }] },
      ],
    },
  ],
  observations: [{ name: 'sr', data: [40.0] }],
  measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
  version: '1.0.0',
};

const PEER = `
import json, sys, pyhf
pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-14))
ws = pyhf.Workspace(json.loads(sys.argv[1]))
model = ws.model(modifier_settings={"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}})
data = ws.data(model)
bounds = model.config.suggested_bounds()
bounds[model.config.poi_index] = (0, 1000)
obs, exp = pyhf.infer.intervals.upper_limits.toms748_scan(data, model, 1.0, 200.0, rtol=1e-10, par_bounds=bounds)
print(json.dumps({"obs": float(obs), "exp": [float(x) for x in exp], "default_bounds": model.config.suggested_bounds()[model.config.poi_index]}))
`;

describe('upper limits above the POI bound', () => {
  const ws = parseWorkspace(spec);
  const model = buildModel(ws, { normsysInterp: 'code4', histosysInterp: 'code4p' });
  const data = observedData(ws, model);

  it('widens the POI bound instead of clamping mu_hat, and equals pyhf with wide par_bounds (rtol 1e-4)', { skip: !existsSync(PYTHON) }, () => {
    const peer = JSON.parse(execFileSync(PYTHON, ['-c', PEER, JSON.stringify(spec)], { encoding: 'utf8' })) as {
      obs: number;
      exp: number[];
      default_bounds: number[];
    };
    expect(peer.default_bounds[1]).toBe(10);
    const r = upperLimit(model, data);
    expect(r.poiBounds[1]).toBeGreaterThan(r.muUpObs);
    expect(r.muUpObs).toBeGreaterThan(10);
    expect(Math.abs(r.muUpObs - peer.obs) / peer.obs).toBeLessThan(1e-4);
    r.muUpExp.forEach((x, k) => expect(Math.abs(x - peer.exp[k]) / peer.exp[k]).toBeLessThan(1e-4));
  });

  it('gives the same limit on a grid scan that reaches above the bound', () => {
    const root = upperLimit(model, data);
    const scan = Array.from({ length: 61 }, (_, i) => 20 + i);
    const grid = upperLimit(model, data, { method: 'scan', scan });
    expect(grid.poiBounds[1]).toBe(80);
    // linear interpolation on a 1-wide grid: within a few percent of the root
    expect(Math.abs(grid.muUpObs - root.muUpObs) / root.muUpObs).toBeLessThan(0.02);
  });

  it('keeps the suggested bound when the limit lies inside it', () => {
    const low = parseWorkspace({
      ...spec,
      channels: [{ ...spec.channels[0], samples: [{ ...spec.channels[0].samples[0], data: [5.0] }, spec.channels[0].samples[1]] }],
      observations: [{ name: 'sr', data: [10.0] }],
    });
    const m = buildModel(low, { normsysInterp: 'code4', histosysInterp: 'code4p' });
    const r = upperLimit(m, observedData(low, m));
    expect(r.poiBounds).toEqual([0, 10]);
    expect(Math.max(r.muUpObs, ...r.muUpExp)).toBeLessThan(10);
  });
});
