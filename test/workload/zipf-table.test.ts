/**
 * The Zipf inverse-CDF table (the generator's fast path) against the exact Gray et al. formula:
 * over a fine grid of u, the interpolated rank is never more than one rank off, and differs at
 * all for under 1% of draws, for small and large regions and skews.
 */
import { describe, expect, it } from 'vitest';
import { zeta, zipfDrawCuts, zipfParams, zipfRank } from '../../src/workload/zipf.js';
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

describe('zipfDrawCuts', () => {
  it('puts the rank-0 and rank-1 cut-offs at exactly the draws where the products cross them', () => {
    const TWO_32 = 2 ** 32;
    for (const n of [1, 2, 3, 1000, 16_000_000]) {
      for (const theta of [0.01, 0.5, 0.99]) {
        const p = zipfParams(n, theta);
        const product = (draw: number) => (draw / TWO_32) * p.zetan;
        const [rank1From, rank2From] = zipfDrawCuts(p);
        for (const [cut, limit] of [
          [rank1From, 1],
          [rank2From, p.secondCut],
        ] as const) {
          if (cut > 0) expect(product(cut - 1), `n ${n} theta ${theta}`).toBeLessThan(limit);
          if (cut < TWO_32) expect(product(cut), `n ${n} theta ${theta}`).toBeGreaterThanOrEqual(limit);
        }
        // Draws below the first cut are rank 0, as the formula has it.
        if (rank1From > 0)
          expect(zipfRank((rank1From - 1) / TWO_32, n, p.zetan, p.eta, p.alpha, p.secondCut)).toBe(0);
      }
    }
  });
});

describe('zeta memo (checkpoints of partial sums per theta)', () => {
  /** The sum as one loop from i = 1, the way zeta summed before the memo. */
  function loopSum(n: number, theta: number): number {
    let sum = 0;
    for (let i = 1; i <= n; i++) sum += Math.pow(i, -theta);
    return sum;
  }

  it('gives the one-loop sum bit for bit, whatever was computed before', () => {
    // A large n first fills the checkpoints; smaller and in-between n then start from one.
    for (const n of [300_000, 1, 65_535, 65_536, 65_537, 131_073, 200_000, 1_000_000]) {
      expect(zeta(n, 0.9), `n = ${n}`).toBe(loopSum(n, 0.9));
    }
    // A theta seen for the first time at a small n.
    expect(zeta(40_960, 0.77)).toBe(loopSum(40_960, 0.77));
    expect(zeta(196_608, 0.77)).toBe(loopSum(196_608, 0.77));
  });

  it('beyond 10^6 terms adds the Euler-Maclaurin tail to the exact 10^6-term sum', () => {
    const n = 16_000_000;
    const theta = 0.99;
    const m = 1_000_000;
    const a = m + 1;
    const integral = (Math.pow(n, 1 - theta) - Math.pow(a, 1 - theta)) / (1 - theta);
    const ends = (Math.pow(a, -theta) + Math.pow(n, -theta)) / 2;
    const slope = (theta / 12) * (Math.pow(a, -theta - 1) - Math.pow(n, -theta - 1));
    expect(zeta(n, theta)).toBe(loopSum(m, theta) + integral + ends + slope);
  });
});
