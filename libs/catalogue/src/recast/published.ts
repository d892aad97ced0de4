/**
 * The published material a recast cites, read from the SModelS database at load time: per signal region the
 * observed count, expected background and its error and the 95% CL visible-cross-section limits (dataInfo.txt), the
 * experiment's efficiency map of the validated topology (<TxName>.txt), sqrt(s), luminosity and references
 * (globalInfo.txt), and the official upper-limit map where the database has one.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { loadSmodelsResult } from '../smodels/database';
import type { SmodelsGrid } from '../smodels/txname';

/** The database root: $SIGMAP_SMODELS_DB, else the unpacked v3.0.0 release in ~/.cache/sigmap/smodels-database-300. */
export function smodelsDatabaseRoot(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.SIGMAP_SMODELS_DB ? resolve(env.SIGMAP_SMODELS_DB) : join(homedir(), '.cache', 'sigmap', 'smodels-database-300');
  if (!existsSync(join(root, '13TeV')))
    throw new InputError(
      env.SIGMAP_SMODELS_DB ? 'SIGMAP_SMODELS_DB' : root,
      'is not an SModelS database (no 13TeV folder); unpack smodels-database-300.tar.xz there or point SIGMAP_SMODELS_DB at a clone of the release',
    );
  return root;
}

/** What a recast names of its analysis (a structural subset of physics' Recast). */
interface RecastCitation {
  id: string;
  /** The database's analysis id when the recast's id carries a suffix (a recast of part of an analysis). */
  analysis?: string;
  /** The official map's topology when it is not `txName`. */
  upperLimitTxName?: { txName: string };
  databasePath: string;
  upperLimitPath?: string;
  txName: string;
  regions: { name: string }[];
}

interface PublishedRegion {
  name: string;
  observedN: number;
  expectedBG: number;
  bgError: number;
  upperLimitPb: number;
  expectedUpperLimitPb: number;
  /** The dataInfo.txt the numbers come from, relative to the database root. */
  file: string;
  /** The experiment's efficiency map of the recast's topology in this region. */
  efficiencyMap: SmodelsGrid;
  efficiencyMapFile: string;
}

interface PublishedRecast {
  analysisId: string;
  sqrtsTeV: number;
  lumiFb: number;
  arxiv?: string;
  publication?: string;
  globalInfoFile: string;
  regions: PublishedRegion[];
  /** The official observed upper-limit map (pb) of the topology, when the database has one. */
  upperLimitMap?: { grid: SmodelsGrid; file: string };
}

export function loadPublishedRecast(recast: RecastCitation, root = smodelsDatabaseRoot()): PublishedRecast {
  const folder = join(root, recast.databasePath);
  const result = loadSmodelsResult(folder);
  const analysis = recast.analysis ?? recast.id;
  if (result.id !== analysis) throw new InputError(`${recast.databasePath}/globalInfo.txt:id`, `is '${result.id}', the recast cites '${analysis}'`);
  const regions = recast.regions.map(({ name }) => {
    const ds = result.datasets.find((d) => d.dataId === name);
    if (!ds)
      throw new InputError(
        `${recast.databasePath}/${name}`,
        `no signal region '${name}' in ${recast.id} (it has ${result.datasets.map((d) => d.dataId).join(', ')})`,
      );
    const file = `${recast.databasePath}/${ds.folder}/dataInfo.txt`;
    const tx = ds.txNames.find((t) => t.txName === recast.txName);
    if (!tx) throw new InputError(`${recast.databasePath}/${ds.folder}`, `has no efficiency map for ${recast.txName}`);
    if (ds.upperLimitPb === undefined || ds.expectedUpperLimitPb === undefined) throw new InputError(file, 'needs upperLimit and expectedUpperLimit');
    return {
      name,
      observedN: ds.observedN!,
      expectedBG: ds.expectedBG!,
      bgError: ds.bgError!,
      upperLimitPb: ds.upperLimitPb,
      expectedUpperLimitPb: ds.expectedUpperLimitPb,
      file,
      efficiencyMap: tx.observed,
      efficiencyMapFile: `${recast.databasePath}/${ds.folder}/${recast.txName}.txt`,
    };
  });
  let upperLimitMap: PublishedRecast['upperLimitMap'];
  if (recast.upperLimitPath) {
    const ul = loadSmodelsResult(join(root, recast.upperLimitPath));
    const tx = recast.upperLimitTxName?.txName ?? recast.txName;
    const ds = ul.datasets.find((d) => d.dataType === 'upperLimit' && d.txNames.some((t) => t.txName === tx));
    if (!ds) throw new InputError(recast.upperLimitPath, `has no upper-limit map for ${tx}`);
    upperLimitMap = { grid: ds.txNames.find((t) => t.txName === tx)!.observed, file: `${recast.upperLimitPath}/${ds.folder}/${tx}.txt` };
  }
  return {
    analysisId: result.id,
    sqrtsTeV: result.sqrtsTeV,
    lumiFb: result.lumiFb,
    arxiv: result.arxiv,
    publication: result.publication,
    globalInfoFile: `${recast.databasePath}/globalInfo.txt`,
    regions,
    upperLimitMap,
  };
}
