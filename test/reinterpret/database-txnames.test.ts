import { describe, expect, it } from 'vitest';
import { parseConstraint, smodelsDatabase, type ExpNode } from '@sigmap/catalogue';

/**
 * Every txname of the SModelS database v3.0.0 (bracket and graph notations; masses, (mass, width) tuples and flat
 * dataMap arrays) reads into a grid whose coordinates all name nodes of its own constraint.
 */
describe('all txnames of the SModelS database v3.0.0', () => {
  it('parse, and every grid coordinate is a node of the constraint', () => {
    const db = smodelsDatabase();
    let n = 0;
    let widths = 0;
    let flat = 0;
    const bad: string[] = [];
    const keys = (t: ExpNode, out: Set<string>): Set<string> => {
      if (t.key) out.add(t.key);
      for (const d of t.daughters) keys(d, out);
      return out;
    };
    for (const r of db.results)
      for (const ds of r.datasets)
        for (const tx of ds.txNames) {
          n++;
          if (tx.observed.coords.some((c) => c.attr === 'width')) widths++;
          if (tx.observed.coords.some((c) => c.node.startsWith('n'))) flat++;
          try {
            const terms = parseConstraint(tx.constraint!, { finalState: tx.finalState, intermediateState: tx.intermediateState }, `${tx.file}:constraint`);
            for (const t of terms) {
              const k = keys(t.root, new Set());
              const missing = tx.observed.coords.filter((c) => !k.has(c.node));
              if (missing.length) bad.push(`${tx.file}: coordinates ${missing.map((c) => c.node).join(',')} are not nodes of the constraint`);
            }
          } catch (e) {
            bad.push((e as Error).message);
          }
        }
    console.log(`${n} txnames: ${widths} with width coordinates, ${flat} in the flat dataMap layout; database warnings: ${db.warnings.length}`);
    expect(bad).toEqual([]);
    expect(n).toBeGreaterThanOrEqual(4089);
    expect(widths).toBeGreaterThan(100);
    expect(flat).toBe(286);
  }, 300_000);
});
