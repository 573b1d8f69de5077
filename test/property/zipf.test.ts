/**
 * Goal: the Zipfian sampler (src/workload/zipf.ts) draws integer ranks in [0, n) for any region
 * size and skew, with rank 0 at 1/zeta(n) and rank 1 at 2^-theta/zeta(n).
 *
 * Method: fast-check over n, theta and seeds of the simulator's PRNG (every draw of a few
 * hundred in range and an integer, the table's columns a power of two); rank frequencies over a
 * fixed-seed sample within 5 standard deviations of the exact probabilities (zeta by a direct
 * compensated sum). The distribution as a whole: test/workload/zipf-sampler.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRNG_WORDS, nextU32, seedStream } from '../../src/workload/prng.js';
import { zipfRank, zipfSampler } from '../../src/workload/zipf.js';
import { directZeta } from '../helpers/zipf.js';

function source(seed: number): () => number {
  const st = new Uint32Array(PRNG_WORDS);
  seedStream(st, 0, seed, 0);
  return () => nextU32(st, 0);
}

describe('zipfRank', () => {
  const SAMPLES = 200_000;

  for (const [n, theta] of [
    [1000, 0.99],
    [1000, 0.5],
    [50_000, 0.9],
    [10, 0.2],
  ] as const) {
    it(`draws rank 0 with 1/zeta and rank 1 with 2^-theta/zeta (n = ${n}, theta = ${theta})`, () => {
      const z = zipfSampler(n, theta);
      const draw = source(31337);
      const counts = new Float64Array(n);
      for (let i = 0; i < SAMPLES; i++) counts[zipfRank(draw, z.table, 0, z.shift)]++;
      const zetan = directZeta(n, theta);
      for (const [r, prob] of [
        [0, 1 / zetan],
        [1, 2 ** -theta / zetan],
      ] as const) {
        const sd = Math.sqrt((prob * (1 - prob)) / SAMPLES);
        expect(Math.abs(counts[r] / SAMPLES - prob), `rank ${r}`).toBeLessThan(5 * sd);
      }
      expect(counts[0]).toBeGreaterThan(counts[1]);
      expect(counts[1]).toBeGreaterThan(counts[Math.min(n - 1, 5)]);
    });
  }

  it('returns an integer rank in [0, n) for any n, theta and seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.nat(),
        (n, theta, seed) => {
          const z = zipfSampler(n, theta);
          expect(z.columns & (z.columns - 1)).toBe(0);
          expect(z.shift).toBe(32 - Math.log2(z.columns));
          const draw = source(seed);
          for (let i = 0; i < 300; i++) {
            const r = zipfRank(draw, z.table, 0, z.shift);
            expect(Number.isInteger(r) && r >= 0 && r < n, `rank ${r}, n = ${n}`).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
