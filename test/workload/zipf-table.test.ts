/**
 * The Zipf inverse-CDF table (the generator's fast path) against the exact Gray et al. formula:
 * over a fine grid of u, the interpolated rank is never more than one rank off, and differs at
 * all for under 1% of draws, for small and large regions and skews.
 */
import { describe, expect, it } from 'vitest';
import { zipfParams, zipfRank } from '../../src/workload/zipf.js';
import { quantize, tableRanker } from '../helpers/zipf.js';

describe('zipfRankFromTable', () => {
  for (const n of [1000, 1_000_000, 16_000_000]) {
    for (const theta of [0.5, 0.9, 0.99]) {
      it(`n = ${n}, theta = ${theta}: within one rank of the exact formula`, () => {
        const p = zipfParams(n, theta);
        const fastRank = tableRanker(p);
        const samples = 100_000;
        let maxError = 0;
        let differing = 0;
        for (let i = 0; i < samples; i++) {
          // The u the generator would draw nearest to the grid point.
          const u = quantize((i + 0.5) / samples);
          const exact = zipfRank(u, n, p.zetan, p.eta, p.alpha, p.secondCut);
          const fast = fastRank(u);
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
