/**
 * The Zipf inverse-CDF table (the generator's fast path) against the exact Gray et al. formula:
 * over a fine grid of u, the interpolated rank is never more than one rank off, and differs at
 * all for under 1% of draws, for small and large regions and skews.
 */
import { describe, expect, it } from 'vitest';
import { zipfParams, zipfRank, zipfRankFromTable, zipfTable } from '../../src/workload/zipf.js';

describe('zipfRankFromTable', () => {
  for (const n of [1000, 1_000_000, 16_000_000]) {
    for (const theta of [0.5, 0.9, 0.99]) {
      it(`n = ${n}, theta = ${theta}: within one rank of the exact formula`, () => {
        const p = zipfParams(n, theta);
        const table = zipfTable(p);
        const samples = 100_000;
        let maxError = 0;
        let differing = 0;
        for (let i = 0; i < samples; i++) {
          const u = (i + 0.5) / samples;
          const exact = zipfRank(u, n, p.zetan, p.eta, p.alpha, p.secondCut);
          const fast = zipfRankFromTable(u, n, p.zetan, p.secondCut, table, 0);
          expect(fast).toBeGreaterThanOrEqual(0);
          expect(fast).toBeLessThan(n);
          maxError = Math.max(maxError, Math.abs(exact - fast));
          if (exact !== fast) differing++;
        }
        expect(maxError).toBeLessThanOrEqual(1);
        expect(differing / samples).toBeLessThan(0.01);
      });
    }
  }
});
