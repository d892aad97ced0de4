/** The LHC SUSY WG tables shipped with sigmap (copied verbatim into ./tables, see tables/ORIGIN.md). */
import gluinoJson from './tables/pp13_gluino_NNLO+NNLL.json';
import sleptonJson from './tables/pp13_slep_LR_NLO+NLL_PDF4LHC.json';
import stopJson from './tables/pp13_stopsbottom_NNLO+NNLL.json';
import winoJson from './tables/pp13_winopm_C1N2_NLO+NLL.json';
import { type XsecTable, type XsecTableJson, parseXsecTable } from './susy';

export const GLUINO_PAIR: XsecTable = parseXsecTable(gluinoJson as XsecTableJson);
export const STOP_SBOTTOM_PAIR: XsecTable = parseXsecTable(stopJson as XsecTableJson);
export const WINO_C1N2: XsecTable = parseXsecTable(winoJson as XsecTableJson);
/** One slepton flavour, partners of the left- and right-handed lepton summed (l~L l~L* + l~R l~R*), NLO+NLL. */
export const SLEPTON_LR_PAIR: XsecTable = parseXsecTable(sleptonJson as XsecTableJson);
