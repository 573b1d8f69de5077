/**
 * Goal: the Zipf alias tables (src/workload/zipf.ts) draw rank r with exactly the configured
 * probability (r + 1)^-theta / zeta(n, theta), alone and inside a task's mix table (region,
 * load or store, then rank), up to the 32-bit quantization of the draws.
 *
 * Method: (1) the probability of every outcome read off the table (column share × threshold,
 * aliases) against the exact masses from direct sums, to 1e-6 relative, for small and large n
 * (blocks beyond term 256 are summed by Euler–Maclaurin in the source, term by term here);
 * (2) a chi-square test of 10^6 drawn ranks (the simulator's PRNG, the excess outcomes' rejection
 * step included) against the exact probabilities, bins = ranks 0..63 one by one and the tail in
 * power-of-two ranges, at significance 1e-4; the same test rejects Gray et al.'s approximation,
 * which the generator used before (it draws rank 2 ~18 % too often at theta 0.9): the test has
 * the power to see a wrong head; (3) the mix table's region × store × rank cells the same way.
 */
import { describe, expect, it } from 'vitest';
import { PRNG_WORDS, nextU32, seedStream } from '../../src/workload/prng.js';
import {
  ZS_BASE,
  ZS_STRIDE,
  ZS_WIDTH,
  ZX_FIRST,
  ZX_NEG_THETA,
  ZX_TOP,
  ZX_WMIN,
  ZX_HEAD,
  ZX_WIDTH,
  aliasFirst,
  aliasRecord,
  aliasSampler,
  aliasSlow,
  zipfExcessRank,
  zipfRank,
  zipfSampler,
  type ZipfSampler,
} from '../../src/workload/zipf.js';
import { chiSquare, chiSquareCritical, directZeta, exactMass, recordProbabilities } from '../helpers/zipf.js';

const TWO_32 = 2 ** 32;
/**
 * A column's threshold is its share rounded to a multiple of 2^-shift of the column, i.e. off by
 * at most 2^-33 of all draws; an outcome that fills parts of a few columns adds a few of these.
 */
const TOLERANCE = 1e-9;

/** A 32-bit draw source on stream 0 of `seed`. */
function draws(seed: number): () => number {
  const st = new Uint32Array(PRNG_WORDS);
  seedStream(st, 0, seed, 0);
  return () => nextU32(st, 0);
}

/**
 * The table's outcomes merged over the records that name them: [first rank, width, excess?,
 * entry head] → probability. A flat record holds its base and width; an excess record points
 * to its slow record.
 */
function outcomes(z: ZipfSampler, scale: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [rec, p] of recordProbabilities(z)) {
    if (p === 0) continue;
    const w = z.table[rec + ZS_WIDTH];
    let key: string;
    if (w < 0) {
      const sl = -w;
      key = `${z.table[sl + ZX_HEAD]}:${z.table[sl + ZX_FIRST] - 1}:${z.table[sl + ZX_WIDTH]}:x`;
    } else {
      const base = z.table[rec + ZS_BASE];
      const head = scale === 1 ? 0 : base - 4 * Math.floor(base / 4);
      key = `${scale === 1 ? 0 : head}:${scale === 1 ? base : Math.floor(base / 4)}:${w}:f`;
    }
    out.set(key, (out.get(key) ?? 0) + p);
  }
  return out;
}

/** Bins: ranks 0..63 one by one, then [64·2^k, 64·2^(k+1)) up to n. */
function bins(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let r = 0; r < Math.min(64, n); r++) out.push([r, r + 1]);
  for (let from = 64; from < n; from *= 2) out.push([from, Math.min(n, from * 2)]);
  return out;
}

function binOf(r: number): number {
  return r < 64 ? r : 64 + Math.floor(Math.log2(r / 64));
}

describe('Zipf alias table: outcome probabilities read off the table', () => {
  const CASES: [number, number][] = [
    [1, 0.5],
    [2, 0.9],
    [3, 0.1],
    [10, 0.2],
    [1000, 0.99],
    [40_960, 0.9],
    [196_608, 0.9],
    [196_608, 0.1],
    [3_000_000, 0.99],
  ];
  for (const [n, theta] of CASES) {
    it(`n = ${n}, theta = ${theta}: every block's flat part and excess as exact sums give them`, () => {
      const z = zipfSampler(n, theta);
      const zetan = directZeta(n, theta);
      let total = 0;
      let covered = 0;
      for (const [key, p] of outcomes(z, 1)) {
        const [, first, width, kind] = key.split(':');
        const a = Number(first);
        const m = Number(width);
        const flat = (m * Math.pow(a + m, -theta)) / zetan;
        const want = kind === 'f' ? flat : exactMass(a, a + m, theta, zetan) - flat;
        expect(Math.abs(p - want), `${key}: ${p} vs ${want}`).toBeLessThanOrEqual(TOLERANCE + 1e-6 * want);
        total += p;
        if (kind === 'f') covered += m;
      }
      expect(total).toBeCloseTo(1, 12);
      // The flat outcomes tile the ranks: every rank is in exactly one block.
      expect(covered).toBe(n);
    });
  }
});

describe('Zipf alias table: drawn ranks, chi-square against the exact probabilities', () => {
  const SAMPLES = 1_000_000;

  function statistic(n: number, theta: number, rank: () => number): [number, number] {
    const zetan = directZeta(n, theta);
    const b = bins(n);
    const counts = new Array<number>(b.length).fill(0);
    let outside = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const r = rank();
      if (!(Number.isInteger(r) && r >= 0 && r < n)) outside++;
      else counts[binOf(r)]++;
    }
    expect(outside).toBe(0);
    const expected = b.map(([from, to]) => exactMass(from, to, theta, zetan));
    return [chiSquare(counts, expected, SAMPLES), b.length - 1];
  }

  for (const [n, theta, seed] of [
    [196_608, 0.9, 1],
    [40_960, 0.5, 2],
    [1000, 0.99, 3],
    [3_000_000, 0.99, 4],
  ] as const) {
    it(`n = ${n}, theta = ${theta}: passes at 1e-4`, () => {
      const z = zipfSampler(n, theta);
      const draw = draws(seed);
      const [x2, df] = statistic(n, theta, () => zipfRank(draw, z.table, 0, z.shift));
      expect(x2, `chi-square ${x2.toFixed(1)} with ${df} df`).toBeLessThan(chiSquareCritical(df));
    });
  }

  it("rejects Gray et al.'s approximation (the previous generator) on the same test", () => {
    const n = 196_608;
    const theta = 0.9;
    const zetan = directZeta(n, theta);
    const eta = (1 - Math.pow(2 / n, 1 - theta)) / (1 - (1 + Math.pow(0.5, theta)) / zetan);
    const alpha = 1 / (1 - theta);
    const draw = draws(1);
    const gray = (): number => {
      const u = draw() / TWO_32;
      if (u * zetan < 1) return 0;
      if (u * zetan < 1 + Math.pow(0.5, theta)) return 1;
      return Math.min(n - 1, Math.floor(n * Math.pow(eta * u - eta + 1, alpha)));
    };
    const [x2, df] = statistic(n, theta, gray);
    expect(x2).toBeGreaterThan(5 * chiSquareCritical(df));
  });
});

describe("a task's mix table: region, load or store, and rank drawn at once", () => {
  // The quickstart's app: anon 160 MiB (Zipf 0.9, weight 3, 30 % stores), mmap file (Zipf 0.9, weight 1).
  const anon = { head: 4 * 1000, pages: 40_960, theta: 0.9, weight: 3, writeCut: Math.floor(0.3 * TWO_32) };
  const file = { head: 4 * 100_000 + 2, pages: 196_608, theta: 0.9, weight: 1, writeCut: 0 };
  const z = aliasSampler([anon, file], 4);
  const storeShare = anon.writeCut / TWO_32;

  it('gives each region × store × block its exact share', () => {
    const zetaA = directZeta(anon.pages, anon.theta);
    const zetaF = directZeta(file.pages, file.theta);
    let total = 0;
    for (const [key, p] of outcomes(z, 4)) {
      const [headBits, first, width, kind] = key.split(':');
      const a = Number(first);
      const m = Number(width);
      // The head's low bits: syscall (2, the file here is mmap'd: 0) and store (1).
      let region: typeof anon;
      let share: number;
      let zetan: number;
      const low = Number(headBits) & 3;
      if (kind === 'x') {
        const head = Number(headBits);
        region = head - (head & 1) === anon.head ? anon : file;
      } else {
        region = a < anon.head / 4 + anon.pages && a >= anon.head / 4 ? anon : file;
      }
      const rank0 = kind === 'x' ? a : a - Math.floor(region.head / 4);
      if (region === anon) {
        share = (3 / 4) * ((low & 1) === 1 ? storeShare : 1 - storeShare);
        zetan = zetaA;
      } else {
        expect(low & 1).toBe(0);
        share = 1 / 4;
        zetan = zetaF;
      }
      const flat = (m * Math.pow(rank0 + m, -region.theta)) / zetan;
      const block = kind === 'f' ? flat : exactMass(rank0, rank0 + m, region.theta, zetan) - flat;
      const want = share * block;
      expect(Math.abs(p - want), key).toBeLessThanOrEqual(TOLERANCE + 1e-6 * want);
      total += p;
    }
    expect(total).toBeCloseTo(1, 12);
  });

  it('draws entries that pass a chi-square over region × store × rank bins', () => {
    const SAMPLES = 1_000_000;
    const draw = draws(5);
    const cells = new Map<string, number>();
    let outside = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const rec = aliasRecord(draw(), z.table, 0, z.shift);
      let entry = aliasFirst(rec, draw(), z.table, 4);
      const sl = aliasSlow(rec, z.table, 0);
      if (sl >= 0) entry += z.table[sl + ZX_HEAD] + 4 * zipfExcessRank(draw, z.table, sl);
      const page = Math.floor(entry / 4);
      const region = page >= Math.floor(file.head / 4) ? file : anon;
      const rank = page - Math.floor(region.head / 4);
      if (rank < 0 || rank >= region.pages || (entry & 2) !== (region.head & 2)) outside++;
      const key = `${region === anon ? 'a' : 'f'}${entry & 1}:${binOf(rank)}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    const observed: number[] = [];
    const expected: number[] = [];
    for (const [region, name, zetan] of [
      [anon, 'a', directZeta(anon.pages, 0.9)],
      [file, 'f', directZeta(file.pages, 0.9)],
    ] as const) {
      for (const store of region === anon ? [0, 1] : [0]) {
        const share = region === anon ? (3 / 4) * (store === 1 ? storeShare : 1 - storeShare) : 1 / 4;
        bins(region.pages).forEach(([from, to], k) => {
          observed.push(cells.get(`${name}${store}:${k}`) ?? 0);
          expected.push(share * exactMass(from, to, 0.9, zetan));
        });
      }
    }
    const x2 = chiSquare(observed, expected, SAMPLES);
    expect(outside).toBe(0);
    expect(observed.reduce((s, o) => s + o, 0)).toBe(SAMPLES);
    expect(x2, `chi-square ${x2.toFixed(1)}`).toBeLessThan(chiSquareCritical(observed.length - 1));
  });
});

describe('the excess step decides most tries by bounds, never otherwise than the exact test', () => {
  /** The rejection step with Math.pow on every try: the test zipfExcessRank's bounds stand in for. */
  function exactExcessRank(draw: () => number, table: Float64Array, sl: number): number {
    const m = table[sl + ZX_WIDTH];
    for (;;) {
      const j = Math.floor(((draw() >>> 0) * m) / TWO_32);
      const y = ((draw() >>> 0) * table[sl + ZX_TOP]) / TWO_32;
      if (y < Math.pow(table[sl + ZX_FIRST] + j, table[sl + ZX_NEG_THETA]) - table[sl + ZX_WMIN])
        return table[sl + ZX_FIRST] - 1 + j;
    }
  }

  for (const [n, theta] of [
    [196_608, 0.9],
    [40_960, 0.5],
    [3_000_000, 0.99],
    [1_000_000, 0.2],
  ] as const) {
    it(`n = ${n}, theta = ${theta}: every slow record, the same ranks from the same draws`, () => {
      const z = zipfSampler(n, theta);
      const first = z.columns * ZS_STRIDE;
      const records = (z.table.length - first) / ZS_STRIDE;
      expect(records).toBeGreaterThan(10);
      let calls = 0;
      for (let r = 0; r < records; r++) {
        const sl = first + r * ZS_STRIDE;
        // Two copies of one stream: the same draws must give the same rank and leave the two
        // streams in step (the same number of tries).
        const a = draws(r + 1);
        const b = draws(r + 1);
        for (let k = 0; k < 200; k++) {
          expect(zipfExcessRank(a, z.table, sl)).toBe(exactExcessRank(b, z.table, sl));
          calls++;
        }
        expect(a()).toBe(b());
      }
      expect(calls).toBe(records * 200);
    });
  }
});
