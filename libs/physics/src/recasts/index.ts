import { InputError } from '@sigmap/contracts';
import { ATLAS_SUSY_2015_06 } from './atlas-susy-2015-06';
import { ATLAS_SUSY_2016_24 } from './atlas-susy-2016-24';
import { ATLAS_SUSY_2016_24_2L0J } from './atlas-susy-2016-24-2l0j';
import { ATLAS_SUSY_2016_27 } from './atlas-susy-2016-27';
import { ATLAS_SUSY_2018_22 } from './atlas-susy-2018-22';
import { CMS_SUS_16_033 } from './cms-sus-16-033';
import type { Recast } from './types';

export * from './types';
export * from './kinematics';
export * from './svg';
export * from './validation';
export * from './run';
export * from './counts';

const RECASTS: Recast[] = [CMS_SUS_16_033, ATLAS_SUSY_2015_06, ATLAS_SUSY_2016_24, ATLAS_SUSY_2016_24_2L0J, ATLAS_SUSY_2016_27, ATLAS_SUSY_2018_22];

export function listRecasts(): Recast[] {
  return [...RECASTS];
}

export function getRecast(id: string): Recast {
  const r = RECASTS.find((x) => x.id === id);
  if (!r) throw new InputError('analysis', `no recast of '${id}' (recasts: ${RECASTS.map((x) => x.id).join(', ')})`);
  return r;
}
