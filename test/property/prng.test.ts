/**
 * Goal: the simulator's one PRNG (src/workload/prng.ts) is xoshiro128** as documented, its
 * streams are reproducible from (root seed, stream id) and distinct per stream, and belowN /
 * probabilityThreshold keep their ranges and are roughly uniform.
 *
 * Method: known answers for the state {1, 2, 3, 4} (worked by hand from the reference C code),
 * then a BigInt reimplementation of the generator compared on random states; fast-check
 * properties for reproducibility, distinctness and ranges; chi-square tests over fixed seeds
 * with generous bounds (far beyond the 99.99th percentile, so they fail only on real bias).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PRNG_WORDS,
  STREAM_NODE_BASE,
  belowN,
  nextU32,
  probabilityThreshold,
  seedStream,
} from '../../src/workload/prng.js';

const M32 = (1n << 32n) - 1n;

function rotl(x: bigint, k: bigint): bigint {
  return ((x << k) | (x >> (32n - k))) & M32;
}

/** xoshiro128** from the reference C code, in BigInt so it shares no arithmetic with the source. */
function referenceNext(st: bigint[]): number {
  const result = (rotl((st[1] * 5n) & M32, 7n) * 9n) & M32;
  const t = (st[1] << 9n) & M32;
  st[2] ^= st[0];
  st[3] ^= st[1];
  st[1] ^= st[2];
  st[0] ^= st[3];
  st[2] ^= t;
  st[3] = rotl(st[3], 11n);
  return Number(result);
}

function stream(seed: number, id: number): Uint32Array {
  const st = new Uint32Array(PRNG_WORDS);
  seedStream(st, 0, seed, id);
  return st;
}

function draws(st: Uint32Array, n: number): number[] {
  return Array.from({ length: n }, () => nextU32(st, 0));
}

function chiSquare(counts: ArrayLike<number>, expected: number): number {
  let chi = 0;
  for (let i = 0; i < counts.length; i++) chi += (counts[i] - expected) ** 2 / expected;
  return chi;
}

const u32 = fc.nat(0xffffffff);

describe('xoshiro128**', () => {
  it('gives the known first outputs from state {1, 2, 3, 4}', () => {
    const st = Uint32Array.from([1, 2, 3, 4]);
    expect(draws(st, 3)).toEqual([11520, 0, 5927040]);
  });

  it('matches a BigInt reference implementation from any state', () => {
    fc.assert(
      fc.property(fc.tuple(u32, u32, u32, u32), fc.nat(8), (words, offset) => {
        fc.pre(words.some((w) => w !== 0));
        const buf = new Uint32Array(offset + PRNG_WORDS);
        buf.set(words, offset);
        const ref = words.map(BigInt);
        for (let i = 0; i < 50; i++) expect(nextU32(buf, offset)).toBe(referenceNext(ref));
        expect(Array.from(buf.subarray(offset)).map(BigInt)).toEqual(ref);
      }),
      { numRuns: 200 },
    );
  });
});

describe('streams', () => {
  it('are reproducible from (root seed, stream id) and never start all-zero', () => {
    fc.assert(
      fc.property(u32, fc.nat(STREAM_NODE_BASE + 64), (seed, id) => {
        const a = stream(seed, id);
        expect(Array.from(a).some((w) => w !== 0)).toBe(true);
        expect(draws(a, 64)).toEqual(draws(stream(seed, id), 64));
      }),
      { numRuns: 300 },
    );
  });

  it('differ between stream ids and between root seeds', () => {
    fc.assert(
      fc.property(u32, u32, fc.nat(1 << 17), fc.nat(1 << 17), (seedA, seedB, idA, idB) => {
        fc.pre(seedA !== seedB || idA !== idB);
        expect(draws(stream(seedA, idA), 4)).not.toEqual(draws(stream(seedB, idB), 4));
      }),
      { numRuns: 500 },
    );
  });

  it('of one run (CPU ids and node kernel streams) all start differently', () => {
    const ids = [
      ...Array.from({ length: 1024 }, (_, i) => i),
      ...Array.from({ length: 64 }, (_, i) => STREAM_NODE_BASE + i),
    ];
    for (const seed of [0, 1, 42, 0xffffffff]) {
      const firsts = new Set(ids.map((id) => draws(stream(seed, id), 2).join(',')));
      expect(firsts.size).toBe(ids.length);
    }
  });

  it('are not correlated with each other (chi-square of pairs from streams 0 and 1)', () => {
    const a = stream(7, 0);
    const b = stream(7, 1);
    const cells = new Float64Array(100);
    const n = 100_000;
    for (let i = 0; i < n; i++) cells[belowN(a, 0, 10) * 10 + belowN(b, 0, 10)]++;
    // 99 degrees of freedom: mean 99, sd 14; 99.99th percentile ~ 160.
    expect(chiSquare(cells, n / 100)).toBeLessThan(180);
  });
});

describe('belowN', () => {
  it('is an integer in [0, n) for any n up to 2^32', () => {
    fc.assert(
      fc.property(u32, fc.nat(1000), fc.integer({ min: 1, max: 2 ** 32 }), (seed, id, n) => {
        const st = stream(seed, id);
        for (let i = 0; i < 100; i++) {
          const x = belowN(st, 0, n);
          expect(Number.isInteger(x) && x >= 0 && x < n, `${x} for n = ${n}`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is roughly uniform over 10 values (chi-square, fixed seed)', () => {
    const st = stream(12345, 3);
    const counts = new Float64Array(10);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[belowN(st, 0, 10)]++;
    // 9 degrees of freedom: 99.99th percentile ~ 33.7.
    expect(chiSquare(counts, n / 10)).toBeLessThan(40);
    // And no value is wildly off (each count has sd ~ 134).
    for (const c of counts) expect(Math.abs(c - n / 10)).toBeLessThan(1000);
  });

  it('is roughly uniform over 1000 values (chi-square, fixed seed)', () => {
    const st = stream(99, STREAM_NODE_BASE);
    const counts = new Float64Array(1000);
    const n = 500_000;
    for (let i = 0; i < n; i++) counts[belowN(st, 0, 1000)]++;
    // 999 degrees of freedom: mean 999, sd ~ 44.7; bound at ~ 6 sd.
    expect(chiSquare(counts, n / 1000)).toBeLessThan(1270);
  });

  it('sets every output bit half the time', () => {
    const st = stream(2024, 5);
    const ones = new Float64Array(32);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = nextU32(st, 0);
      for (let b = 0; b < 32; b++) ones[b] += (x >>> b) & 1;
    }
    // sd of each count ~ 158.
    for (let b = 0; b < 32; b++) expect(Math.abs(ones[b] - n / 2), `bit ${b}`).toBeLessThan(1000);
  });
});

describe('probabilityThreshold', () => {
  it('maps 0, 1/2 and 1 to 0, 2^31 and 2^32 and is monotone', () => {
    expect(probabilityThreshold(0)).toBe(0);
    expect(probabilityThreshold(0.5)).toBe(2 ** 31);
    expect(probabilityThreshold(1)).toBe(2 ** 32);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, q) => {
          const [lo, hi] = p <= q ? [p, q] : [q, p];
          expect(probabilityThreshold(lo)).toBeLessThanOrEqual(probabilityThreshold(hi));
        },
      ),
    );
  });

  it('makes `u32 < threshold` happen with probability p (fixed seed)', () => {
    const st = stream(77, 9);
    const n = 100_000;
    for (const p of [0.01, 0.3, 0.9]) {
      const cut = probabilityThreshold(p);
      let hits = 0;
      for (let i = 0; i < n; i++) if (nextU32(st, 0) < cut) hits++;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(hits - n * p), `p = ${p}`).toBeLessThan(6 * sd);
    }
  });
});
