import { isInputError } from '@sigmap/contracts';
import { parseConstraint, type ExpNode } from './constraint';
import type { SmodelsResult } from './database';
import type { SmodelsTxName } from './txname';

/**
 * Where an SModelS database result sits in sigmap's signature matrix (DESIGN.md glossary): resonances X -> SM1 SM2
 * (the TRV1* / TRS1 topologies) in the pair cell of their two decay products; pair production and cascades in the
 * complex row of the produced particle; long-lived signatures in their own row. The production class follows
 * SModelS's topology naming (SModelS "SMS dictionary", smodels.github.io/docs/SmsDictionary: T1* / T5* gluino pairs,
 * T2* / T6* squark pairs, TChi* electroweakinos, TSlep* / TStau* sleptons, TR* resonances and RPV, T*Disp / THSCP* /
 * TRHad* / TDTM* long-lived).
 */
export type SignatureCell = { kind: 'pair'; pair: [string, string] } | { kind: 'complex'; id: string };

/** SModelS final-state labels (databaseParticles.py of the database) -> sigmap's SM objects. */
const LABEL_TO_OBJECT: Record<string, string> = {
  e: 'e',
  'e-': 'e',
  'e+': 'e',
  mu: 'mu',
  'mu-': 'mu',
  'mu+': 'mu',
  ta: 'tau',
  'ta-': 'tau',
  'ta+': 'tau',
  photon: 'gamma',
  jet: 'j',
  q: 'j',
  g: 'j',
  c: 'j',
  jetb: 'j',
  pion: 'j',
  b: 'b',
  t: 't',
  't+': 't',
  't-': 't',
  W: 'W',
  'W+': 'W',
  'W-': 'W',
  Z: 'Z',
  higgs: 'H',
  h: 'H',
};

const STOP = /^(T2tt|T2ttoff|T2ttC|T2cc|T2bt|T2bbWW|T2bbWWoff|T2bbffff|T6bbWW|T6bbWWoff|T6HHtt|T6ZZtt|T6ZZofftt|T6ttZg|T4bnutaubnutau)$/;
const SBOTTOM = /^(T2bb|T6bbHH|T6ttWW|T6ttWWoff|T6ttoffWW)$/;

/** The decay products of the resonance of a TRV / TRS constraint (`(PV > Zprime(1)),(Zprime(1) > b(2),b(3))`). */
function resonanceProducts(tx: Pick<SmodelsTxName, 'constraint' | 'finalState' | 'intermediateState'>): string[] | undefined {
  if (!tx.constraint) return undefined;
  let root: ExpNode | undefined;
  try {
    root = parseConstraint(tx.constraint, { finalState: tx.finalState, intermediateState: tx.intermediateState }, 'constraint')[0]?.root;
  } catch (e) {
    if (isInputError(e)) return undefined; // an unreadable constraint: the caller reports the txname as unplaced
    throw e;
  }
  if (root?.daughters.length !== 1) return undefined;
  return root.daughters[0].daughters.map((d) => d.label);
}

/** The cell of one txname of a result (undefined: a topology sigmap cannot place, reported by the caller). */
function txNameCell(
  tx: Pick<SmodelsTxName, 'txName' | 'constraint' | 'finalState' | 'intermediateState'>,
  result: Pick<SmodelsResult, 'resultType'>,
): SignatureCell | undefined {
  const n = tx.txName;
  if (result.resultType === 'displaced' || /Disp|^THSCP|^TRHad|^TDTM/.test(n)) return { kind: 'complex', id: 'long-lived' };
  if (/^TR[VS]\d/.test(n)) {
    const products = resonanceProducts(tx);
    if (!products || products.length !== 2) return undefined;
    if (products.every((p) => p === 'MET')) return { kind: 'complex', id: 'dark-matter' };
    const objs = products.map((p) => LABEL_TO_OBJECT[p]);
    if (objs.some((o) => o === undefined)) return undefined;
    return { kind: 'pair', pair: [objs[0], objs[1]] };
  }
  if (/^TRPV/.test(n)) return { kind: 'complex', id: 'rpv' };
  if (/^(T1|T5|TGQ|T3GQ)/.test(n)) return { kind: 'complex', id: 'gluino' };
  if (STOP.test(n)) return { kind: 'complex', id: 'stop' };
  if (SBOTTOM.test(n)) return { kind: 'complex', id: 'sbottom' };
  if (/^(T2|T6|TScharm)/.test(n)) return { kind: 'complex', id: 'squark' };
  if (/^TChi/.test(n)) return { kind: 'complex', id: 'electroweakino' };
  if (/^(TSlep|TSel|TSmu|TStau)/.test(n)) return { kind: 'complex', id: 'slepton' };
  return undefined;
}

/** Cells of a result (every txname of every dataset), and the txnames that could not be placed. */
export function resultCells(result: Pick<SmodelsResult, 'resultType' | 'datasets'>): { cells: SignatureCell[]; unplaced: string[] } {
  const cells = new Map<string, SignatureCell>();
  const unplaced = new Set<string>();
  for (const ds of result.datasets)
    for (const tx of [...ds.txNames, ...(ds.unreadTxNames ?? [])]) {
      const c = txNameCell(tx, result);
      if (!c) unplaced.add(tx.txName);
      else cells.set(c.kind === 'pair' ? `pair:${[...c.pair].sort().join('-')}` : `complex:${c.id}`, c);
    }
  return { cells: [...cells.values()], unplaced: [...unplaced].sort() };
}
