import { InputError } from '@sigmap/contracts';

/**
 * Txname constraints of the SModelS database in both notations, read into one tree structure:
 * - bracket notation `[[['t']],[['b','jet']]]` (branches of vertices of SM labels), converted as SModelS 3
 *   experiment/expAuxiliaryFuncs.py `bracketToProcessStr` does: PV > one BSM state per branch, each vertex a BSM
 *   state decaying to its SM labels plus the next BSM state, the last state `finalState[b]` (default MET) and the
 *   intermediate ones `intermediateState[b]` (default anyBSM); a branch `[*]` is an inclusive node (any subtree);
 * - v3 graph notation `{(PV > Zprime(1)),(Zprime(1) > jetb(2),jetb(3))}`, node numbers in parentheses.
 * A label with a leading `*` (`*anySM`) is an inclusive list (any number of SM leaves at that vertex).
 * The constraint is a linear combination of such trees (`2.*([[...]]+[[...]])`), as TxName.processExpr evaluates it.
 */
export interface ExpNode {
  /** Key of a BSM node for grid coordinates: 'b<branch>d<depth>' (bracket) or 'n<index>' (graph); '' for SM leaves. */
  key: string;
  label: string;
  /** `*label`: matches any number of SM leaves. */
  inclusiveList?: boolean;
  /** A `[*]` branch: matches any subtree. */
  inclusiveNode?: boolean;
  daughters: ExpNode[];
}

export interface ConstraintTerm {
  coefficient: number;
  /** The primary vertex (label 'PV'). */
  root: ExpNode;
}

export interface ConstraintOptions {
  finalState?: string[];
  intermediateState?: string[][];
}

type Tok = { t: 'num'; v: number } | { t: 'op'; v: string } | { t: 'sms'; v: string };

function tokenize(text: string, field: string): Tok[] {
  const out: Tok[] = [];
  const s = text.replace(/\s+/g, '');
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '[' || c === '{') {
      const open = c;
      const close = c === '[' ? ']' : '}';
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === open) depth++;
        else if (s[j] === close && --depth === 0) break;
      }
      if (depth !== 0) throw new InputError(field, `unbalanced '${open}' at character ${i}`);
      out.push({ t: 'sms', v: s.slice(i, j + 1) });
      i = j + 1;
    } else if ('+-*/()'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(s.slice(i));
      if (!m) throw new InputError(field, `unexpected '${s.slice(i, i + 20)}' at character ${i}`);
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    }
  }
  return out;
}

/** A linear form: constant + sum_k coeff_k * sms_k. */
interface Linear {
  c: number;
  terms: Map<string, number>;
}

function parseLinear(toks: Tok[], field: string): Linear {
  let p = 0;
  const peek = () => toks[p];
  const fail = (m: string): never => {
    throw new InputError(field, `${m} at token ${p}`);
  };
  const add = (a: Linear, b: Linear, sign: number): Linear => {
    const terms = new Map(a.terms);
    for (const [k, v] of b.terms) terms.set(k, (terms.get(k) ?? 0) + sign * v);
    return { c: a.c + sign * b.c, terms };
  };
  const scale = (a: Linear, f: number): Linear => ({ c: a.c * f, terms: new Map([...a.terms].map(([k, v]) => [k, v * f])) });
  const expr = (): Linear => {
    let a = term();
    while (peek()?.t === 'op' && (peek().v === '+' || peek().v === '-')) {
      const sign = toks[p++].v === '+' ? 1 : -1;
      a = add(a, term(), sign);
    }
    return a;
  };
  const term = (): Linear => {
    let a = factor();
    while (peek()?.t === 'op' && (peek().v === '*' || peek().v === '/')) {
      const op = toks[p++].v;
      const b = factor();
      if (op === '/') {
        if (b.terms.size) fail('division by a topology is not linear');
        a = scale(a, 1 / b.c);
      } else if (a.terms.size === 0) a = scale(b, a.c);
      else if (b.terms.size === 0) a = scale(a, b.c);
      else fail('a product of two topologies is not linear');
    }
    return a;
  };
  const factor = (): Linear => {
    const t = toks[p++];
    if (!t) return fail('unexpected end');
    if (t.t === 'num') return { c: t.v, terms: new Map() };
    if (t.t === 'sms') return { c: 0, terms: new Map([[t.v, 1]]) };
    if (t.v === '(') {
      const a = expr();
      if (toks[p++]?.v !== ')') fail("missing ')'");
      return a;
    }
    if (t.v === '-') return scale(factor(), -1);
    return fail(`unexpected '${t.v}'`);
  };
  const out = expr();
  if (p !== toks.length) fail('unexpected text after the expression');
  return out;
}

const SM_LABEL = /^\*?[A-Za-z0-9_+-]+$|^\*$/;

/** One SMS in bracket notation, as bracketToProcessStr builds it. */
function bracketToTree(sms: string, opts: ConstraintOptions, field: string): ExpNode {
  const body = sms.replace(/['"\s]/g, '');
  let value: unknown;
  try {
    value = JSON.parse(body.replace(/([^[\],]+)/g, '"$1"'));
  } catch {
    throw new InputError(field, `cannot read the bracket notation '${sms.slice(0, 60)}'`);
  }
  if (!Array.isArray(value) || value.length === 0) throw new InputError(field, `expected a list of branches in '${sms.slice(0, 60)}'`);
  const root: ExpNode = { key: '', label: 'PV', daughters: [] };
  (value as unknown[]).forEach((br, b) => {
    if (!Array.isArray(br)) throw new InputError(field, `branch ${b} of '${sms.slice(0, 60)}' is not a list`);
    if (br.length === 1 && br[0] === '*') {
      root.daughters.push({ key: `b${b}d0`, label: 'InclusiveNode', inclusiveNode: true, daughters: [] });
      return;
    }
    const inter = opts.intermediateState?.[b] ?? br.map(() => 'anyBSM');
    if (inter.length !== br.length)
      throw new InputError(field, `intermediateState names ${inter.length} states for branch ${b}, which has ${br.length} vertices`);
    const states = [...inter, opts.finalState?.[b] ?? 'MET'];
    const nodes: ExpNode[] = states.map((label, d) => ({ key: `b${b}d${d}`, label, daughters: [] }));
    br.forEach((vt: unknown, d: number) => {
      if (!Array.isArray(vt) || !vt.every((x) => typeof x === 'string' && SM_LABEL.test(x)))
        throw new InputError(field, `vertex ${d} of branch ${b} in '${sms.slice(0, 60)}' is not a list of labels`);
      const sm = (vt as string[]).map((l) => smLeaf(l === '*' ? 'anySM' : l));
      nodes[d].daughters = [nodes[d + 1], ...sm];
    });
    root.daughters.push(nodes[0]);
  });
  return root;
}

function smLeaf(label: string): ExpNode {
  return label.startsWith('*') ? { key: '', label: label.slice(1), inclusiveList: true, daughters: [] } : { key: '', label, daughters: [] };
}

/** One SMS in v3 graph notation `{(PV > a(1),b(2)), (a(1) > t,MET(3)), ...}`. */
function graphToTree(sms: string, field: string): ExpNode {
  const body = sms.replace(/\s+/g, '').replace(/^\{|\}$/g, '');
  const decays = body.match(/\(([^()]*(?:\(\d+\)[^()]*)*)\)/g);
  if (!decays) throw new InputError(field, `no decays in '${sms.slice(0, 60)}'`);
  const nodes = new Map<string, ExpNode>();
  let anon = 0;
  const node = (tok: string): ExpNode => {
    const m = /^(\*?)([A-Za-z0-9_+\-*]+?)(?:\((\d+)\))?$/.exec(tok);
    if (!m) throw new InputError(field, `cannot read node '${tok}' in '${sms.slice(0, 60)}'`);
    const id = m[3] !== undefined ? `n${m[3]}` : `anon${anon++}`;
    let n = nodes.get(id);
    if (!n) {
      const label = m[2] === 'Inclusive' || m[2] === 'InclusiveNode' ? 'InclusiveNode' : m[2];
      n = { key: m[3] !== undefined ? id : '', label, daughters: [] };
      if (m[1]) n.inclusiveList = true;
      if (label === 'InclusiveNode') n.inclusiveNode = true;
      nodes.set(id, n);
    }
    return n;
  };
  let root: ExpNode | undefined;
  for (const d of decays) {
    const inner = d.slice(1, -1);
    const k = inner.indexOf('>');
    if (k < 0) throw new InputError(field, `decay '${d}' has no '>'`);
    const momTok = inner.slice(0, k);
    const mom = momTok === 'PV' || momTok === 'PV(0)' ? (root ??= { key: 'n0', label: 'PV', daughters: [] }) : node(momTok);
    if (mom.daughters.length) throw new InputError(field, `node '${momTok}' decays twice in '${sms.slice(0, 60)}'`);
    mom.daughters = splitTop(inner.slice(k + 1)).map(node);
  }
  if (!root) throw new InputError(field, `no primary vertex (PV > ...) in '${sms.slice(0, 60)}'`);
  return root;
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** Parse a constraint expression into its terms (each SMS with its coefficient). */
export function parseConstraint(text: string, opts: ConstraintOptions, field: string): ConstraintTerm[] {
  const lin = parseLinear(tokenize(text, field), field);
  if (lin.terms.size === 0) throw new InputError(field, `no topology in '${text.slice(0, 60)}'`);
  if (lin.c !== 0) throw new InputError(field, `a constant term ${lin.c} in '${text.slice(0, 60)}'`);
  return [...lin.terms].map(([sms, coefficient]) => ({
    coefficient,
    root: sms.startsWith('{') ? graphToTree(sms, field) : bracketToTree(sms, opts, field),
  }));
}

/** Canonical text of a tree, for tests and messages: PV(a(t,MET),b(...)). */
export function treeString(n: ExpNode): string {
  const l = (n.inclusiveList ? '*' : '') + n.label;
  return n.daughters.length ? `${l}(${n.daughters.map(treeString).join(',')})` : l;
}
