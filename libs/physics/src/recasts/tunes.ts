/**
 * The Pythia 8 tunes the experiments' own signal samples were showered with, for a recast's `generatorTune`: a
 * recast's external generator runs with the tune its analysis's samples used, as their sample descriptions state.
 * Pythia 8.3 numbers them in its "Tunes" page (Tune:pp).
 */

/** ATLAS A14 central tune with NNPDF2.3LO (ATL-PHYS-PUB-2014-021); Pythia 8.3 "Tunes": Tune:pp = 21. */
export const ATLAS_A14 = {
  pythiaSettings: ['Tune:pp = 21'],
  tune: 'ATLAS A14 central tune, NNPDF2.3LO (ATL-PHYS-PUB-2014-021; Pythia 8.3 Tune:pp = 21)',
} as const;

/** CMS CUETP8M1 with NNPDF2.3LO (CMS, Eur. Phys. J. C 76 (2016) 155); Pythia 8.3 "Tunes": Tune:pp = 18. */
export const CMS_CUETP8M1 = {
  pythiaSettings: ['Tune:pp = 18'],
  tune: 'CMS CUETP8M1, NNPDF2.3LO (Eur. Phys. J. C 76 (2016) 155; Pythia 8.3 Tune:pp = 18)',
} as const;
