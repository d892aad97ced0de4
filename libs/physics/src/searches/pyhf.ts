/**
 * Own searches as pyhf workspaces (schema 1.0.0): the background-only workspace (background sample with a normsys
 * and a shapesys, observations = the background expectation rounded to integers, i.e. an Asimov-like expected-only
 * dataset, since sigmap has no collision data) and a PatchSet whose patch adds the signal sample (normfactor mu_SIG,
 * lumi, staterror from the simulation's statistical errors) for a model point.
 */
import { integrate } from '../xsec/quadrature';
import { canonicalJson, sha256Hex } from './sha256';
import type { BackgroundModel, OwnSearch } from './types';

const SQRT_S = 13000;

/** Expected background per bin (events). */
export function backgroundYields(edges: readonly number[], b: BackgroundModel): number[] {
  const f = (m: number) => {
    const x = m / SQRT_S;
    return Math.pow(1 - x, b.p1) * Math.pow(x, -(b.p2 + b.p3 * Math.log(x)));
  };
  const raw = edges.slice(0, -1).map((lo, i) => integrate(f, lo, edges[i + 1]));
  const tot = raw.reduce((s, x) => s + x, 0);
  return raw.map((r) => (r / tot) * b.events);
}

/** Rounds to 6 significant digits and keeps every number where JS and Python print floats alike (>= 1e-3). */
const clean = (x: number) => {
  const v = Math.max(x, 1e-3);
  return Number(v.toPrecision(6));
};

function toBackgroundWorkspace(search: OwnSearch): Record<string, unknown> {
  const bkg = backgroundYields(search.binEdges, search.background).map(clean);
  return {
    channels: [
      {
        name: search.channel,
        samples: [
          {
            name: 'background',
            data: bkg,
            modifiers: [
              {
                name: 'bkg_norm',
                type: 'normsys',
                data: { hi: clean(1 + search.background.normUncertainty), lo: clean(1 - search.background.normUncertainty) },
              },
              { name: 'bkg_shape', type: 'shapesys', data: bkg.map((x) => clean(x * search.background.shapeUncertainty)) },
            ],
          },
        ],
      },
    ],
    observations: [{ name: search.channel, data: bkg.map((x) => Math.round(x)) }],
    measurements: [
      {
        name: 'NormalMeasurement',
        config: {
          poi: 'mu_SIG',
          parameters: [{ name: 'lumi', auxdata: [1], sigmas: [0.017], bounds: [[0.915, 1.085]], inits: [1] }],
        },
      },
    ],
    version: '1.0.0',
  };
}

function workspaceDigest(ws: unknown): string {
  return sha256Hex(canonicalJson(ws));
}

interface PatchPoint {
  family: string;
  point: Record<string, number>;
  yields: number[];
  yieldErrors: number[];
}

const sanitize = (s: string) => s.replace(/[^a-zA-Z0-9_]/g, '_');

/** The pyhf workspace + PatchSet for signal points of one own search. */
export function toPyhfWorkspace(search: OwnSearch, points: PatchPoint[]): { workspace: Record<string, unknown>; patchset: Record<string, unknown> } {
  if (!points.length) throw new RangeError('toPyhfWorkspace needs at least one signal point');
  const workspace = toBackgroundWorkspace(search);
  const labels = Object.keys(points[0].point).map(sanitize);
  const nb = search.binEdges.length - 1;
  const patches = points.map((p) => {
    if (p.yields.length !== nb || p.yieldErrors.length !== nb) throw new RangeError(`signal yields need ${nb} bins`);
    return {
      metadata: {
        name: sanitize(
          `${p.family}_${Object.values(p.point)
            .map((v) => String(v))
            .join('_')}`,
        ),
        values: Object.values(p.point),
      },
      patch: [
        {
          op: 'add',
          path: '/channels/0/samples/1',
          value: {
            name: 'signal',
            data: p.yields.map((y) => Math.max(y, 0)),
            modifiers: [
              { name: 'mu_SIG', type: 'normfactor', data: null },
              { name: 'lumi', type: 'lumi', data: null },
              { name: `staterror_${search.channel}`, type: 'staterror', data: p.yieldErrors.map((e) => Math.max(e, 0)) },
            ],
          },
        },
      ],
    };
  });
  const metadata: Record<string, unknown> = {
    description: `sigmap own search ${search.id}: ${search.title}; signal from sigmap simulate (family ${points[0].family})`,
    digests: { sha256: workspaceDigest(workspace) },
    labels,
    inspiration: search.inspiration,
    sqrtS_GeV: SQRT_S,
    luminosity_ifb: search.luminosityFb,
    observed: 'Asimov-like: observations are the rounded background expectation (no collision data)',
  };
  if (search.inspiration.hepdata) metadata.references = { hepdata: search.inspiration.hepdata };
  return { workspace, patchset: { metadata, patches, version: '1.0.0' } };
}
