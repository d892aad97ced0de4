import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { XsecTable } from '../xsec/table';
import { parseSlha, type Slha } from './slha';

/**
 * An SLHA template: an SLHA file whose values may be placeholders, so that a scan family can be "this spectrum, with
 * these numbers scanned". Two kinds of placeholder, written anywhere before a line's `#` comment:
 *
 * - `{name}`: the value of the scan parameter `name` (e.g. `1000006 {m_stop}` in BLOCK MASS);
 * - `{xsec:TABLE:name}`: sigma in pb of the LHC SUSY cross-section working-group table
 *   `../shared/data/xsec_lhc_susy_wg/TABLE.json` at mass = parameter `name` (ln sigma linear in mass between table
 *   points, as @sigmap/catalogue XsecTable; nothing is extrapolated). This is how a template asks sigmap to compute the
 *   XSECTION values rather than hard-code them, e.g.
 *   `XSECTION 1.3E+04 2212 2212 2 1000006 -1000006` / `0 3 0 0 0 0 {xsec:pp13_stopsbottom_NNLO+NNLL:m_stop} sigmap`.
 *
 * Placeholders never span lines, so a filled template keeps the template's line numbers: a filled template that fails
 * SLHA parsing is reported as `<template file>:<line>`.
 */
export interface TemplatePlaceholder {
  /** The text between the braces. */
  raw: string;
  kind: 'parameter' | 'xsec';
  /** The scan parameter it reads. */
  parameter: string;
  /** xsec placeholders: the table's file name without `.json`. */
  table?: string;
  /** 1-based line in the template. */
  line: number;
}

export interface SlhaTemplate {
  file: string;
  text: string;
  placeholders: TemplatePlaceholder[];
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TABLE = /^[A-Za-z0-9_.+-]+$/;

/** Finds and checks every placeholder of a template text (InputError `<file>:<line>` on a malformed one). */
export function parseSlhaTemplate(text: string, file: string): SlhaTemplate {
  const placeholders: TemplatePlaceholder[] = [];
  text.split(/\r?\n/).forEach((l, k) => {
    const code = l.replace(/#.*$/, '');
    for (const m of code.matchAll(PLACEHOLDER)) {
      const raw = m[1].trim();
      const where = `${file}:${k + 1}`;
      if (NAME.test(raw)) {
        placeholders.push({ raw: m[1], kind: 'parameter', parameter: raw, line: k + 1 });
        continue;
      }
      const x = /^xsec:([^:]+):([^:]+)$/.exec(raw);
      if (!x) throw new InputError(where, `placeholder {${m[1]}} is neither {parameter} nor {xsec:TABLE:parameter}`);
      const table = x[1].trim();
      const parameter = x[2].trim();
      if (!TABLE.test(table)) throw new InputError(where, `cross-section table '${table}' must be a file name of xsec_lhc_susy_wg without .json`);
      if (!NAME.test(parameter)) throw new InputError(where, `placeholder {${m[1]}}: '${parameter}' is not a parameter name`);
      placeholders.push({ raw: m[1], kind: 'xsec', parameter, table, line: k + 1 });
    }
    const stray = code.replace(PLACEHOLDER, '');
    if (/[{}]/.test(stray)) throw new InputError(`${file}:${k + 1}`, 'unbalanced { or } (placeholders are {name} or {xsec:TABLE:name}, on one line)');
  });
  return { file, text, placeholders };
}

/** Reads a template file; a missing file is InputError('template', ...). */
export function readSlhaTemplate(file: string, field = 'template'): SlhaTemplate {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(field, `cannot read the SLHA template ${file} (${(e as Error).message})`);
  }
  return parseSlhaTemplate(text, file);
}

/** The scan parameters a template reads, in order of first use. */
export function templateParameters(t: SlhaTemplate): string[] {
  return [...new Set(t.placeholders.map((p) => p.parameter))];
}

/**
 * Checks a template against a spec's parameters: every parameter must appear in a placeholder
 * (InputError `parameters.<name>`), every placeholder must name a parameter (InputError `<file>:<line>`).
 */
export function checkTemplateParameters(t: SlhaTemplate, parameters: string[]): void {
  const used = new Set(templateParameters(t));
  for (const p of parameters)
    if (!used.has(p))
      throw new InputError(
        `parameters.${p}`,
        `no {${p}} placeholder in the SLHA template ${t.file} (its placeholders: ${[...used].map((x) => `{${x}}`).join(', ') || 'none'})`,
      );
  for (const ph of t.placeholders)
    if (!parameters.includes(ph.parameter))
      throw new InputError(`${t.file}:${ph.line}`, `placeholder {${ph.raw}} names no parameter of the spec (parameters: ${parameters.join(', ')})`);
}

export interface FillOptions {
  /** Folder of the SUSY working-group tables (default ../shared/data/xsec_lhc_susy_wg). */
  xsecDir: string;
}

const tables = new Map<string, XsecTable>();

function xsecTable(dir: string, name: string): XsecTable {
  const path = join(dir, `${name}.json`);
  let t = tables.get(path);
  if (!t) tables.set(path, (t = XsecTable.fromFile(path)));
  return t;
}

/** Formats a value for an SLHA field: the shortest text that reads back as the same double. */
const fmt = (x: number) => String(x);

/** The template with every placeholder replaced (parameters by their value, xsec placeholders by sigma in pb). */
export function fillSlhaTemplate(t: SlhaTemplate, point: Record<string, number>, o: FillOptions): string {
  return t.text
    .split(/(\r?\n)/)
    .map((l, i) => {
      if (i % 2 === 1) return l; // the separators
      const line = i / 2 + 1;
      const hash = l.indexOf('#');
      const code = hash < 0 ? l : l.slice(0, hash);
      const rest = hash < 0 ? '' : l.slice(hash);
      const filled = code.replace(PLACEHOLDER, (_, inner: string) => {
        const ph = t.placeholders.find((p) => p.line === line && p.raw === inner)!;
        const v = point[ph.parameter];
        if (v === undefined || !Number.isFinite(v))
          throw new InputError(`${t.file}:${line}`, `placeholder {${inner}}: the point has no finite value of ${ph.parameter}`);
        if (ph.kind === 'parameter') return fmt(v);
        const table = xsecTable(o.xsecDir, ph.table!);
        const at = table.at(v);
        if (!at.inRange)
          throw new InputError(
            `${t.file}:${line}`,
            `placeholder {${inner}}: ${ph.parameter} = ${v} GeV is outside the table ${ph.table} [${at.min}, ${at.max}] GeV (nothing is extrapolated)`,
          );
        return fmt(at.xsecPb);
      });
      return filled + rest;
    })
    .join('');
}

/** Fills the template and parses the result (SLHA errors name `<template file>:<line>`). */
export function slhaFromTemplate(t: SlhaTemplate, point: Record<string, number>, o: FillOptions): Slha {
  return parseSlha(fillSlhaTemplate(t, point, o), t.file);
}

/**
 * How an r-value travels through the scan's CLs-shaped objective: CLs := 0.05^r. The map is monotone, equals the
 * 95% CL threshold exactly at r = 1 (0.05^1 = 0.05) and makes the GP's log objective linear in r
 * (ln CLs = r ln 0.05), so learning "CLs < 0.05" is learning "r > 1". A point with r >= 1 is excluded (SModelS's
 * rule): at r = 1 exactly the value is moved just below 0.05, because the scan labels a point excluded when CLs < 0.05.
 */
export function rToCls(r: number): number {
  if (!(r >= 0)) throw new InputError('r', `expected r >= 0, got ${r}`);
  const c = 0.05 ** r;
  return r >= 1 ? Math.min(c, 0.05 * (1 - 1e-12)) : c;
}

/** Inverse of rToCls (up to its nudge at r = 1 and underflow beyond r ~ 240). */
export function clsToR(cls: number): number {
  return Math.log(cls) / Math.log(0.05);
}
