import { describe, expect, it } from 'vitest';
import { GP_TIMEOUT, gpTimeoutMs } from '../src/timeouts';

describe('GP activity timeout', () => {
  it('is 20x the slowest GP call so far, at least a minute and at most half an hour', () => {
    expect(gpTimeoutMs(undefined)).toBe(GP_TIMEOUT.minMs);
    expect(gpTimeoutMs(40)).toBe(60_000);
    expect(gpTimeoutMs(6_000)).toBe(120_000);
    expect(gpTimeoutMs(600_000)).toBe(30 * 60_000);
  });
});
