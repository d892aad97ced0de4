import { describe, expect, it } from 'vitest';
import { parseConstraint, treeString } from './constraint';

describe('txname constraints', () => {
  it('converts the bracket notation as bracketToProcessStr (default final states MET, intermediate anyBSM)', () => {
    const [t] = parseConstraint("[[['t']],[['b','jet']]]", {}, 'T');
    expect(t.coefficient).toBe(1);
    expect(treeString(t.root)).toBe('PV(anyBSM(MET,t),anyBSM(MET,b,jet))');
    // BSM nodes are keyed by branch and depth, as the grid's [[m1, m2], [m1, m2]] layout
    expect(t.root.daughters.map((d) => d.key)).toEqual(['b0d0', 'b1d0']);
    expect(t.root.daughters[0].daughters[0].key).toBe('b0d1');
  });

  it('uses finalState and intermediateState, and reads inclusive lists and branches', () => {
    const [t] = parseConstraint('[[[*anySM]],[]]', { finalState: ['MET', 'MET'], intermediateState: [['C1'], []] }, 'T');
    expect(treeString(t.root)).toBe('PV(C1(MET,*anySM),MET)');
    const [h] = parseConstraint("[[*],[['*']]]", { finalState: ['HSCP', 'HSCP'] }, 'T');
    expect(h.root.daughters[0].inclusiveNode).toBe(true);
    expect(treeString(h.root.daughters[1])).toBe('anyBSM(HSCP,anySM)');
  });

  it('reads coefficients of sums as a linear combination', () => {
    const terms = parseConstraint("2.*([[['L'],['L']],[['L'],['nu']]]+[[['L'],['L']],[['nu'],['L']]])", {}, 'T');
    expect(terms.map((t) => t.coefficient)).toEqual([2, 2]);
    const t2 = parseConstraint("9./4.*[[['b','jet','jet']],[['b','jet','jet']]]", {}, 'T');
    expect(t2[0].coefficient).toBeCloseTo(2.25, 12);
    const t3 = parseConstraint("[[['b']],[['b']]]+2.*([[['b']],[['t']]])", {}, 'T');
    expect(t3.map((t) => t.coefficient)).toEqual([1, 2]);
  });

  it('reads the v3 graph notation with node numbers', () => {
    const [t] = parseConstraint('{(PV > Zprime(1)),(Zprime(1) > jetb(2),jetb(3))}', {}, 'TRV1jj');
    expect(treeString(t.root)).toBe('PV(Zprime(jetb,jetb))');
    expect(t.root.daughters[0].key).toBe('n1');
    const [c] = parseConstraint('{(PV > C1+(1),C1-(3)), (C1+(1) > *anySM,MET(2)), (C1-(3) > *anySM,MET(4))}', {}, 'T');
    expect(treeString(c.root)).toBe('PV(C1+(*anySM,MET),C1-(*anySM,MET))');
    expect(c.root.daughters[1].daughters[1].key).toBe('n4');
  });

  it('refuses what is not a linear combination of topologies, naming the field', () => {
    expect(() => parseConstraint("[[['b']],[['b']]]*[[['t']],[['t']]]", {}, 'f.txt:constraint')).toThrow(/f.txt:constraint.*not linear/);
    expect(() => parseConstraint("[[['b']],[['b']]", {}, 'f.txt:constraint')).toThrow(/unbalanced/);
    expect(() => parseConstraint('{(Zprime(1) > b,b)}', {}, 'g.txt:constraint')).toThrow(/g.txt:constraint.*primary vertex/);
  });
});
