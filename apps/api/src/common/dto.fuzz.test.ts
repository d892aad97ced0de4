import 'reflect-metadata';
import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// The API's own DTOs and pipe are what is under test. They are imported from their files: the package entry does not
// export the DTOs, because `sigmap serve` loads it before its decorator-metadata compiler hook is installed.
import { RegisterSearchDto } from '../catalogue/dto/register-search.dto';
import { ReviewSearchDto } from '../catalogue/dto/review-search.dto';
import { globalValidationPipe } from './validation';
import { RecommendationsQueryDto } from '../coverage/dto/coverage-query.dto';
import { CreateScanDto, ExtendScanDto } from '../scans/dto/create-scan.dto';
import { isInputError, validateScanSpec } from '@sigmap/contracts';

/**
 * Hostile input for the API's DTOs, through the very ValidationPipe the app installs globally: every body either
 * validates or is refused with a BadRequestException naming its fields — never another error. A scan body that
 * passes is then checked by the contracts' validateScanSpec, as the scans service does (InputError or a spec).
 * NUM_RUNS cases per DTO (10^4 in CI; SIGMAP_FUZZ_RUNS overrides); seed fixed, SIGMAP_FUZZ_SEED explores.
 */
const NUM_RUNS = Number(process.env.SIGMAP_FUZZ_RUNS ?? 10_000);
fc.configureGlobal({ seed: Number(process.env.SIGMAP_FUZZ_SEED ?? 20261129) });
const pipe = globalValidationPipe();

/** Runs the pipe; true when the value passed, false when refused with named fields; throws anything else. */
async function validates(value: unknown, metatype: ArgumentMetadata['metatype'], type: ArgumentMetadata['type'] = 'body'): Promise<unknown> {
  try {
    return await pipe.transform(value, { type, metatype });
  } catch (e) {
    if (!(e instanceof BadRequestException)) throw e;
    const body = e.getResponse() as { fields?: { field: string; problem: string }[] };
    expect(body.fields?.length, JSON.stringify(body)).toBeGreaterThan(0);
    for (const f of body.fields!) expect(typeof f.field === 'string' && f.problem.length > 0).toBe(true);
    return undefined;
  }
}

/** A small valid scan body of the analytic excursion family (as test/api/harness.ts `excursion` makes them). */
const validScan = {
  name: 'fuzz',
  visibility: 'public',
  family: 'excursion-fast2d',
  parameters: { x: { min: 0, max: 1.5, scale: 'linear' }, y: { min: 0, max: 1.5, scale: 'linear' } },
  searches: ['excursion-fast2d'],
  fidelity: { default: 'lookup' },
  mode: 'continuous',
  batchSize: 5,
  budget: 40,
  initialPoints: 10,
  target: 0.01,
  seed: 3,
};
const validSearch = {
  id: 'CMS-EXO-19-019',
  experiment: 'CMS',
  sqrtS: 13,
  lumiFb: 137,
  signatures: ['j-j'],
  families: ['zprime-ssm'],
  material: 'full-likelihood',
  version: 'ins1764471',
};

/** A valid document with one field replaced by an arbitrary value or removed, or an extra field added. */
function mutated(doc: Record<string, unknown>) {
  const keys = Object.keys(doc);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), fc.anything()).map(([k, v]) => ({ ...doc, [k]: v })),
    fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(doc).filter(([x]) => x !== k))),
    fc.tuple(fc.string({ maxLength: 12 }), fc.anything()).map(([k, v]) => ({ ...doc, [k]: v })),
    fc
      .tuple(fc.constantFrom('parameters', 'fidelity'), fc.dictionary(fc.string({ maxLength: 8 }), fc.anything(), { maxKeys: 4 }))
      .map(([k, v]) => ({ ...doc, [k]: v })),
  );
}

describe(`API DTOs under hostile input (${NUM_RUNS} cases each, the global ValidationPipe)`, () => {
  it('the valid examples pass', async () => {
    expect(await validates(validScan, CreateScanDto)).toBeInstanceOf(CreateScanDto);
    expect(await validates(validSearch, RegisterSearchDto)).toBeDefined();
    expect(await validates({ points: 5 }, ExtendScanDto)).toBeDefined();
    expect(await validates({ decision: 'approve' }, ReviewSearchDto)).toBeDefined();
  });

  it('scan submissions: arbitrary JSON and mutated valid bodies; what passes goes through validateScanSpec', async () => {
    const seen = { passed: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.jsonValue(), mutated(validScan)), async (body) => {
        const dto = (await validates(body, CreateScanDto)) as (CreateScanDto & { visibility?: string }) | undefined;
        seen[dto ? 'passed' : 'refused']++;
        if (!dto) return;
        const raw: Record<string, unknown> = { ...dto };
        delete raw.visibility; // as the scans service does
        try {
          validateScanSpec(JSON.parse(JSON.stringify(raw)));
        } catch (e) {
          if (!isInputError(e)) throw e;
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // both outcomes occur: the property is exercised on both sides of the pipe
    expect(seen.passed).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 300_000);

  it('search registrations, budget extensions and recommendation queries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), mutated(validSearch)), async (b) => void (await validates(b, RegisterSearchDto))),
      { numRuns: NUM_RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.record({ points: fc.anything() })), async (b) => void (await validates(b, ExtendScanDto))),
      { numRuns: NUM_RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), mutated({ decision: 'reject', note: 'duplicate' })), async (b) => void (await validates(b, ReviewSearchDto))),
      { numRuns: NUM_RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('limit', 'offset', 'x'), fc.oneof(fc.string(), fc.integer().map(String))),
        async (q) => void (await validates(q, RecommendationsQueryDto, 'query')),
      ),
      { numRuns: NUM_RUNS },
    );
  }, 300_000);
});
