import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInputError } from '@sigmap/contracts';
import { parseScanSpec, validateScanSpec } from '@sigmap/contracts';
import { applyJsonPatch, buildModel, parsePatchSet, parseWorkspace } from '@sigmap/stats';
import { parseGrid, parseInfoFile, readTar } from '@sigmap/catalogue';

/**
 * Hostile input: every parser either returns or throws an InputError (which names a field) — never a TypeError,
 * a RangeError, a hang or a NaN. NUM_RUNS cases per parser (10^4 in CI; SIGMAP_FUZZ_RUNS overrides). The seed is
 * fixed so CI is reproducible; SIGMAP_FUZZ_SEED explores other cases (a failure prints the seed and path to replay).
 */
const NUM_RUNS = Number(process.env.SIGMAP_FUZZ_RUNS ?? 10_000);
fc.configureGlobal({ seed: Number(process.env.SIGMAP_FUZZ_SEED ?? 20261129) });
const data = join(__dirname, '..', '..', '..', 'shared', 'data');
const readJson = (p: string) => JSON.parse(readFileSync(join(data, p), 'utf8')) as unknown;

/** Runs `parse`; passes when it returns or throws an InputError with a non-empty field. */
function onlyInputErrors(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (e) {
    if (isInputError(e) && e.field.length > 0 && e.problem.length > 0) return true;
    throw e;
  }
}

/** All JSON paths of a document, for mutation. */
function paths(doc: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (doc && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function mutate(doc: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** A valid document with one node replaced by arbitrary JSON, or removed. */
function mutations(doc: unknown) {
  const all = paths(doc);
  return fc
    .tuple(fc.nat({ max: all.length - 1 }), fc.jsonValue({ maxDepth: 3 }), fc.boolean())
    .map(([i, v, rm]) => mutate(doc, all[i], v, rm && all[i].length > 0));
}

const simple = (readJson('pyhf_reference/pyhf_reference_numbers.json') as { workspaces: { simple: unknown } }).workspaces.simple;
const validation = readJson('pyhf_validation/2bin_2channel_coupledhistosys_mu1.json') as { workspace: unknown };

describe(`hostile input (${NUM_RUNS} cases per parser)`, () => {
  it('workspace JSON -> model: arbitrary JSON and mutated valid workspaces', () => {
    const parseAndBuild = (doc: unknown) => () => buildModel(parseWorkspace(doc));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (doc) => onlyInputErrors(parseAndBuild(doc))),
      { numRuns: NUM_RUNS / 2 },
    );
    fc.assert(
      fc.property(fc.oneof(mutations(simple), mutations(validation.workspace)), (doc) => onlyInputErrors(parseAndBuild(doc))),
      { numRuns: NUM_RUNS / 2 },
    );
  });

  it('JSON Patch: arbitrary operations against a workspace', () => {
    const op = fc.record(
      {
        op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), fc.string()),
        path: fc.oneof(
          fc.constantFrom('/channels/0/samples/-', '/channels/0/samples/0/data/1', '/measurements/0/config/poi', '/x~1y', '/channels/7'),
          fc.string(),
        ),
        from: fc.oneof(fc.constantFrom('/channels/0', '/observations/0/data'), fc.string()),
        value: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: ['op'] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.array(op, { maxLength: 4 }), fc.jsonValue({ maxDepth: 3 })), (ops) => onlyInputErrors(() => applyJsonPatch(simple, ops))),
      { numRuns: NUM_RUNS },
    );
  });

  it('PatchSet: arbitrary JSON and mutated valid patchsets', () => {
    const good = readJson('pyhf_reference/patchset_format_examples/example_patchset.json');
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), mutations(good)), (doc) => onlyInputErrors(() => parsePatchSet(doc))),
      { numRuns: NUM_RUNS },
    );
  });

  it('scan specs: arbitrary text, arbitrary YAML values and mutated valid specs', () => {
    const spec = {
      name: 'fuzz',
      family: 'atlas-sbottom',
      parameters: { m_sbottom: { min: 400, max: 1600, scale: 'linear' }, m_chi2: { min: 100, max: 1600 }, m_chi1: { fixed: 60 } },
      searches: ['ATLAS-SUSY-2018-31'],
      fidelity: 'lookup',
      batchSize: 5,
      budget: 40,
      seed: 1,
    };
    expect(() => validateScanSpec(spec)).not.toThrow();
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => onlyInputErrors(() => parseScanSpec(text))),
      { numRuns: NUM_RUNS / 2 },
    );
    fc.assert(
      fc.property(mutations(spec), (doc) => onlyInputErrors(() => validateScanSpec(doc))),
      { numRuns: NUM_RUNS / 2 },
    );
  });

  it('SModelS database text: info files and upper-limit grids', () => {
    const grid = '[[[[500.0*GEV, 100.0*GEV], [500.0*GEV, 100.0*GEV]], 0.5*PB], [[[600.0*GEV, 100.0*GEV], [600.0*GEV, 100.0*GEV]], 0.3*PB]]';
    const gridChars = fc.string({ unit: fc.constantFrom(...'[]0123456789.,*GEVPBFBTeVfb -e+'.split('')), maxLength: 120 });
    const spliced = fc
      .tuple(fc.nat({ max: grid.length }), fc.nat({ max: grid.length }), gridChars)
      .map(([a, b, s]) => grid.slice(0, Math.min(a, b)) + s + grid.slice(Math.max(a, b)));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), gridChars, spliced), (text) => onlyInputErrors(() => parseGrid(text, 'upperLimit', 'upperLimits'))),
      { numRuns: NUM_RUNS / 2 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => onlyInputErrors(() => parseInfoFile(text, 'globalInfo.txt'))),
      { numRuns: NUM_RUNS / 2 },
    );
  });

  it('tar archives: random bytes, gzip of random bytes, truncations and bit flips of a real archive', () => {
    const header = Buffer.alloc(512);
    header.write('RegionA/BkgOnly.json', 0);
    header.write('0000644\0', 100);
    header.write('00000000010\0', 124);
    header.write('0', 156);
    header.write('ustar\0', 257);
    let sum = 0;
    header.fill(32, 148, 156);
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    const tar = Buffer.concat([header, Buffer.from('{"a": 1}\n\0'.padEnd(512, '\0')), Buffer.alloc(1024)]);
    expect(readTar(tar, 't.tar')).toHaveLength(1);
    const gz = gzipSync(tar);
    const damaged = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
      fc.uint8Array({ maxLength: 1024 }).map((a) => gzipSync(Buffer.from(a))),
      fc.nat({ max: gz.length }).map((n) => gz.subarray(0, n)),
      fc.nat({ max: tar.length }).map((n) => tar.subarray(0, n)),
      fc.tuple(fc.nat({ max: tar.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
        const b = Buffer.from(tar);
        b[i] ^= x;
        return b;
      }),
    );
    fc.assert(
      fc.property(damaged, (buf) => onlyInputErrors(() => readTar(buf, 't.tar'))),
      { numRuns: NUM_RUNS },
    );
  });
});
