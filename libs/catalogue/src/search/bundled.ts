import { dataRoot } from '../paths';
import type { SearchRecord } from './record';
import { buildRecord, type AddOptions } from './registry';

/**
 * The searches shipped with sigmap, built from ../shared/data (paths relative to the data root). The registry file
 * libs/catalogue/searches/index.json is exactly `buildBundledRegistry()` (a test keeps them equal); regenerate it
 * with `npx tsx libs/catalogue/src/search/write-bundled.ts` after changing this list.
 */
const BUNDLED: { path: string; options: AddOptions }[] = [
  {
    path: 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz',
    options: {
      id: 'ATLAS-SUSY-2018-31',
      experiment: 'ATLAS',
      sqrtsTeV: 13,
      lumiFb: 139,
      title: 'sbottom multi-b: higgs + b-jets + MET (full likelihoods, regions A/B/C)',
      families: ['sbottom'],
      signatures: [{ pair: ['b', 'H'], class: 'complex' }],
      valueParameters: ['m_sbottom', 'm_chi2', 'm_chi1'],
      regionHandling: 'best-expected',
      settings: { normsysInterp: 'code4', histosysInterp: 'code4p', testStat: 'qtilde', calctype: 'asymptotics' },
      hepdata: 'https://www.hepdata.net/record/ins1748602',
      doi: '10.17182/hepdata.89408.v3/r2',
      arxiv: 'arXiv:1908.03122',
    },
  },
  {
    path: 'smodels_db/13TeV/ATLAS/ATLAS-SUSY-2018-31-eff',
    options: {
      id: 'ATLAS-SUSY-2018-31-eff',
      families: ['sbottom'],
      signatures: [{ pair: ['b', 'H'], class: 'complex' }],
      txNames: [
        {
          family: 'sbottom',
          txName: 'T6bbHH',
          masses: [
            ['m_sbottom', 'm_chi2', 'm_chi1'],
            ['m_sbottom', 'm_chi2', 'm_chi1'],
          ],
        },
      ],
      excludeDatasets: ['SRC_incl'],
      // The background-only workspaces SModelS's jsonFiles name are the HEPData ones of the full-likelihood archive.
      pyhfWorkspaces: {
        'BkgOnlyA.json': { path: 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz', region: 'RegionA' },
        'BkgOnlyB.json': { path: 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz', region: 'RegionB' },
        'BkgOnlyC.json': { path: 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz', region: 'RegionC' },
      },
      hepdata: 'https://www.hepdata.net/record/ins1748602',
    },
  },
  {
    path: 'smodels_db/13TeV/CMS/CMS-SUS-16-036',
    options: {
      families: ['sbottom_direct'],
      signatures: [{ pair: ['b', 'b'], class: 'complex' }],
      txNames: [
        {
          family: 'sbottom_direct',
          txName: 'T2bb',
          masses: [
            ['m_sbottom', 'm_chi1'],
            ['m_sbottom', 'm_chi1'],
          ],
        },
      ],
      doi: '10.1140/epjc/s10052-017-5267-x',
    },
  },
];

export function buildBundledRegistry(root = dataRoot()): { version: 1; searches: SearchRecord[] } {
  return { version: 1, searches: BUNDLED.map((b) => buildRecord(b.path, b.options, root, root)) };
}
