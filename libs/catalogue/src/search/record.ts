import { InputError } from '@sigmap/contracts';
import { signaturePair, type Signature, type SignatureClass } from '../families/family';

/** HistFactory settings a published likelihood is to be evaluated with. */
export interface PyhfSettings {
  normsysInterp: 'code1' | 'code4';
  histosysInterp: 'code0' | 'code4p';
  testStat: 'qtilde' | 'q';
  calctype: 'asymptotics';
}

/** How the regions (separate background-only workspaces) of one analysis are turned into one limit. */
export type RegionHandling = 'best-expected' | 'combine';

export type Material =
  | {
      /** A HEPData likelihood archive (.tar.gz) laid out as <Region>/BkgOnly.json + <Region>/patch.<name>.json. */
      kind: 'pyhf-archive';
      path: string;
      /** Family parameters, in the order of the numbers in a patch name. */
      valueParameters: string[];
      regions: string[];
      regionHandling: RegionHandling;
      settings: PyhfSettings;
    }
  | {
      /** A background-only workspace + a pyhf PatchSet (patches carry `values` for `labels`). */
      kind: 'pyhf-patchset';
      workspace: string;
      patchset: string;
      valueParameters: string[];
      settings: PyhfSettings;
    }
  | {
      /** An SModelS database result folder (globalInfo.txt + datasets). */
      kind: 'smodels';
      path: string;
      dataType: 'upperLimit' | 'efficiencyMap';
      /** Per family: the txName and the mass array (branches of parameter names or numbers, GeV). */
      txNames: { family: string; txName: string; masses: (string | number)[][] }[];
      /** Signal regions left out (e.g. inclusive regions overlapping the others). */
      excludeDatasets?: string[];
      /**
       * Where the background-only pyhf workspaces named by the result's `jsonFiles` are: a JSON file, or a region
       * of a HEPData patch archive (paths relative to the data root, or absolute). With them the signal regions of
       * each workspace are combined in its full likelihood (SModelS's pyhf combination).
       */
      pyhfWorkspaces?: Record<string, { path: string; region?: string }>;
    };

export interface ProvenanceFile {
  /** Path relative to the record's material root (data root for bundled searches). */
  path: string;
  sha256: string;
  bytes: number;
}

export interface SearchRecord {
  id: string;
  experiment: string;
  sqrtsTeV: number;
  lumiFb: number;
  title?: string;
  signatures: Signature[];
  families: string[];
  material: Material;
  /** Searches whose data sets are statistically independent of this one (may be combined). */
  orthogonalTo?: string[];
  provenance: {
    hepdata?: string;
    doi?: string;
    arxiv?: string;
    url?: string;
    origin?: string;
    files: ProvenanceFile[];
  };
}

const MATERIAL_KINDS = ['pyhf-archive', 'pyhf-patchset', 'smodels'] as const;

function need(cond: unknown, field: string, problem: string): asserts cond {
  if (!cond) throw new InputError(field, problem);
}

/** Structural validation of a record (as read from a registry file). */
export function validateRecord(r: unknown, where = 'search'): SearchRecord {
  const x = r as SearchRecord;
  need(x && typeof x === 'object', where, 'a search record must be an object');
  const w = `${where} ${typeof x.id === 'string' ? x.id : '?'}`;
  need(typeof x.id === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(x.id), `${w}.id`, 'must be a non-empty id of letters, digits, _ . : -');
  need(typeof x.experiment === 'string' && x.experiment.length > 0, `${w}.experiment`, 'is required');
  need(typeof x.sqrtsTeV === 'number' && x.sqrtsTeV > 0, `${w}.sqrtsTeV`, 'must be a positive number (TeV)');
  need(typeof x.lumiFb === 'number' && x.lumiFb > 0, `${w}.lumiFb`, 'must be a positive number (fb^-1)');
  need(Array.isArray(x.signatures) && x.signatures.length > 0, `${w}.signatures`, 'must list at least one signature pair');
  for (const s of x.signatures) {
    need(Array.isArray(s?.pair) && s.pair.length === 2, `${w}.signatures`, 'each signature needs a pair of two SM objects');
    signaturePair(s.pair[0], s.pair[1], `${w}.signatures`);
    need(
      (['resonance-same', 'resonance-mixed', 'complex'] as SignatureClass[]).includes(s.class),
      `${w}.signatures`,
      `class must be resonance-same, resonance-mixed or complex`,
    );
  }
  need(Array.isArray(x.families) && x.families.every((f) => typeof f === 'string'), `${w}.families`, 'must be a list of family names');
  need(x.material && MATERIAL_KINDS.includes(x.material.kind), `${w}.material.kind`, `must be one of ${MATERIAL_KINDS.join(', ')}`);
  const m = x.material;
  if (m.kind === 'pyhf-archive') {
    need(typeof m.path === 'string', `${w}.material.path`, 'is required');
    need(Array.isArray(m.valueParameters) && m.valueParameters.length > 0, `${w}.material.valueParameters`, 'must name the parameters of the patch values');
    need(Array.isArray(m.regions) && m.regions.length > 0, `${w}.material.regions`, 'must list the regions');
    need(m.regionHandling === 'best-expected' || m.regionHandling === 'combine', `${w}.material.regionHandling`, 'must be best-expected or combine');
  } else if (m.kind === 'pyhf-patchset') {
    need(typeof m.workspace === 'string' && typeof m.patchset === 'string', `${w}.material`, 'needs workspace and patchset paths');
    need(Array.isArray(m.valueParameters) && m.valueParameters.length > 0, `${w}.material.valueParameters`, 'must name the parameters of the patch values');
  } else {
    need(typeof m.path === 'string', `${w}.material.path`, 'is required');
    need(m.dataType === 'upperLimit' || m.dataType === 'efficiencyMap', `${w}.material.dataType`, 'must be upperLimit or efficiencyMap');
    need(Array.isArray(m.txNames), `${w}.material.txNames`, 'must be a list');
  }
  if (m.kind !== 'smodels') {
    const s = m.settings;
    need(
      s && ['code1', 'code4'].includes(s.normsysInterp) && ['code0', 'code4p'].includes(s.histosysInterp),
      `${w}.material.settings`,
      'needs normsysInterp (code1|code4) and histosysInterp (code0|code4p)',
    );
  }
  need(
    x.provenance && Array.isArray(x.provenance.files) && x.provenance.files.length > 0,
    `${w}.provenance.files`,
    'must list every material file with its sha256',
  );
  for (const f of x.provenance.files)
    need(typeof f.path === 'string' && /^[0-9a-f]{64}$/.test(f.sha256), `${w}.provenance.files`, `bad entry ${JSON.stringify(f).slice(0, 80)}`);
  need(
    x.provenance.hepdata || x.provenance.doi || x.provenance.arxiv || x.provenance.url || x.provenance.origin,
    `${w}.provenance`,
    'needs a HEPData record, DOI, arXiv id, URL or origin',
  );
  return x;
}
