/**
 * Goal: the Zipfian generator (src/workload/zipf.ts) computes zeta(n, theta) correctly on both of
 * its paths (exact sum up to 10^6 terms, Euler–Maclaurin tail beyond) and draws ranks with the
 * probabilities Gray et al.'s method guarantees exactly: rank 0 with 1/zeta(n), rank 1 with
 * 2^-theta/zeta(n).
 *
 * Method: zeta against an independent compensated (Kahan) sum taken from the smallest term up,
 * to 1e-12 relative for n <= 10^6 and to 1e-9 for n = 5·10^6 (where the source switches to the
 * Euler–Maclaurin tail); rank frequencies over a fixed-seed sample of the simulator's own PRNG
 * within 5 standard deviations; fast-check properties for range and monotonicity of zipfRank.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRNG_WORDS, nextU32, seedStream } from '../../src/workload/prng.js';
import { zeta, zipfParams, zipfRank, type ZipfParams } from '../../src/workload/zipf.js';
import { tableRanker } from '../helpers/zipf.js';

/** sum_{i=1..n} i^-theta, smallest terms first, with Kahan compensation. */
function directZeta(n: number, theta: number): number {
  let sum = 0;
  let comp = 0;
  for (let i = n; i >= 1; i--) {
    const y = Math.pow(i, -theta) - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
  }
  return sum;
}

type Ranker = (p: ZipfParams) => (u: number) => number;

/** The exact formula, and the inverse-CDF table the generator draws from. */
const RANKERS: [string, Ranker][] = [
  ['zipfRank', (p) => (u) => zipfRank(u, p.n, p.zetan, p.eta, p.alpha, p.secondCut)],
  ['zipfRankFromTable', tableRanker],
];

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('zeta', () => {
  it('has the closed forms for n = 1 and n = 2', () => {
    for (const theta of [0.1, 0.5, 0.99]) {
      expect(zeta(1, theta)).toBe(1);
      expect(zeta(2, theta)).toBeCloseTo(1 + 2 ** -theta, 15);
    }
  });

  it('equals a direct sum for n <= 10^6 (exact path)', () => {
    for (const theta of [0.01, 0.5, 0.9, 0.99]) {
      for (const n of [3, 10, 1000, 123_457, 1_000_000]) {
        expect(relErr(zeta(n, theta), directZeta(n, theta)), `n = ${n}, theta = ${theta}`).toBeLessThan(
          1e-12,
        );
      }
    }
  });

  it('equals a direct sum to 1e-9 relative for n = 5·10^6 (Euler–Maclaurin tail)', () => {
    for (const theta of [0.5, 0.99]) {
      const n = 5_000_000;
      expect(relErr(zeta(n, theta), directZeta(n, theta)), `theta = ${theta}`).toBeLessThan(1e-9);
    }
  });

  it('is continuous where the tail takes over (10^6 -> 10^6 + 1 adds one term)', () => {
    for (const theta of [0.2, 0.99]) {
      const step = zeta(1_000_001, theta) - zeta(1_000_000, theta);
      expect(relErr(step, 1_000_001 ** -theta)).toBeLessThan(1e-6);
    }
  });
});

describe.each(RANKERS)('%s', (_name, ranker) => {
  const SAMPLES = 200_000;

  function frequencies(p: ZipfParams, seed: number): Float64Array {
    const rank = ranker(p);
    const st = new Uint32Array(PRNG_WORDS);
    seedStream(st, 0, seed, 0);
    const counts = new Float64Array(p.n);
    for (let i = 0; i < SAMPLES; i++) counts[rank(nextU32(st, 0) / 4294967296)]++;
    return counts;
  }

  for (const [n, theta] of [
    [1000, 0.99],
    [1000, 0.5],
    [50_000, 0.9],
    [10, 0.2],
  ] as const) {
    it(`draws rank 0 with 1/zeta and rank 1 with 2^-theta/zeta (n = ${n}, theta = ${theta})`, () => {
      const p = zipfParams(n, theta);
      const counts = frequencies(p, 31337);
      for (const [r, prob] of [
        [0, 1 / p.zetan],
        [1, 2 ** -theta / p.zetan],
      ] as const) {
        const sd = Math.sqrt((prob * (1 - prob)) / SAMPLES);
        expect(Math.abs(counts[r] / SAMPLES - prob), `rank ${r}`).toBeLessThan(5 * sd);
      }
      // Popularity falls with rank in the head of the distribution.
      expect(counts[0]).toBeGreaterThan(counts[1]);
      expect(counts[1]).toBeGreaterThan(counts[Math.min(n - 1, 5)]);
    });
  }

  it('returns an integer rank in [0, n), monotone in u', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.array(fc.nat(0xffffffff), { minLength: 2, maxLength: 20 }),
        (n, theta, words) => {
          const p = zipfParams(n, theta);
          const rank = ranker(p);
          // Draws, the largest u a draw can give, and u just either side of the rank-1 cut.
          const cut = p.secondCut / p.zetan;
          const us = [
            ...words.map((w) => w / 4294967296),
            1 - 2 ** -32,
            cut,
            cut * (1 - 1e-12),
            cut * (1 + 1e-12),
          ]
            .filter((u) => u >= 0 && u < 1)
            .sort((a, b) => a - b);
          let prev = 0;
          for (const u of [0, ...us]) {
            const r = rank(u);
            expect(Number.isInteger(r) && r >= 0 && r < n, `rank ${r} for u = ${u}, n = ${n}`).toBe(true);
            expect(r, `not monotone at u = ${u}`).toBeGreaterThanOrEqual(prev);
            prev = r;
          }
          expect(rank(0)).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
