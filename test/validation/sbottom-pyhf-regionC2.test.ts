/** sigmap vs pyhf on ATLAS SUSY-2018-31 RegionC, points 7-12 of 12: see sbottom-compare.ts for what is compared and why. */
import { describe, expect, it } from 'vitest';
import { compareRegion, POINTS_PER_REGION } from './sbottom-compare';

describe('ATLAS sbottom RegionC (2/2): sigmap vs pyhf', () => {
  it('CLs_obs and the expected band agree within rtol 1e-4 where both fits find the same minima', () => {
    const c = compareRegion('RegionC', 1, 2);
    expect(c.points).toBe(POINTS_PER_REGION / 2);
    expect(c.failures).toEqual([]);
    // at least 4 compared in each RegionA third and 5 in each RegionB/C half: >= 32 of the 36 points overall
    expect(c.compared).toBeGreaterThanOrEqual(5);
  }, 300_000);
});
