/**
 * Zipfian ranks by the method of Gray et al., "Quickly generating billion-record synthetic
 * databases" (SIGMOD '94), as YCSB's ZipfianGenerator uses it: O(1) per draw after computing
 * zeta(n, theta) once. Rank 0 is the most popular.
 */
import { TWO_32 } from './prng.js';

const EXACT_TERMS = 1_000_000;
/** Terms between two cached partial sums of zeta (2^16: at most 65,536 pow calls per region). */
const CHECKPOINT_TERMS = 65_536;
/**
 * Partial sums sum_{i=1..k·CHECKPOINT_TERMS} i^-theta per theta, k = 0, 1, …, extended on demand
 * up to EXACT_TERMS. A pure memo: a region continues from the last checkpoint at or below its n
 * and adds the same terms in the same order as one loop from 1 would, so the sum is the same
 * double, bit for bit; regions of a shared theta (and every region beyond 10^6 pages) no longer
 * each sum 10^6 terms (58-105 ms apiece).
 */
const checkpoints = new Map<number, number[]>();

/** sum_{i=1..m} i^-theta, added in order from i = 1 (m ≤ EXACT_TERMS). */
function partialZeta(m: number, theta: number): number {
  let marks = checkpoints.get(theta);
  if (marks === undefined) {
    marks = [0];
    checkpoints.set(theta, marks);
  }
  const k = Math.floor(m / CHECKPOINT_TERMS);
  while (marks.length <= k) {
    const j = marks.length;
    let s = marks[j - 1];
    for (let i = (j - 1) * CHECKPOINT_TERMS + 1; i <= j * CHECKPOINT_TERMS; i++) s += Math.pow(i, -theta);
    marks.push(s);
  }
  let sum = marks[k];
  for (let i = k * CHECKPOINT_TERMS + 1; i <= m; i++) sum += Math.pow(i, -theta);
  return sum;
}

/** zeta(n, theta) = sum_{i=1..n} i^-theta; exact up to 10^6 terms, Euler–Maclaurin beyond. */
export function zeta(n: number, theta: number): number {
  const m = Math.min(n, EXACT_TERMS);
  const sum = partialZeta(m, theta);
  if (n === m) return sum;
  // Tail sum_{i=m+1..n} f(i) with f(x) = x^-theta: integral plus end corrections.
  const a = m + 1;
  const integral = (Math.pow(n, 1 - theta) - Math.pow(a, 1 - theta)) / (1 - theta);
  const ends = (Math.pow(a, -theta) + Math.pow(n, -theta)) / 2;
  const slope = (theta / 12) * (Math.pow(a, -theta - 1) - Math.pow(n, -theta - 1));
  return sum + integral + ends + slope;
}

export interface ZipfParams {
  n: number;
  theta: number;
  zetan: number;
  alpha: number;
  eta: number;
  /** 1 + 0.5^theta: below it (times zetan) the draw is rank 1. */
  secondCut: number;
}

export function zipfParams(n: number, theta: number): ZipfParams {
  const zetan = zeta(n, theta);
  const zeta2 = zeta(2, theta);
  const alpha = 1 / (1 - theta);
  const eta = n <= 1 ? 0 : (1 - Math.pow(2 / n, 1 - theta)) / (1 - zeta2 / zetan);
  return { n, theta, zetan, alpha, eta, secondCut: 1 + Math.pow(0.5, theta) };
}

/** Rank in [0, n) for a uniform u in [0, 1). */
export function zipfRank(
  u: number,
  n: number,
  zetan: number,
  eta: number,
  alpha: number,
  secondCut: number,
): number {
  const uz = u * zetan;
  if (uz < 1) return 0;
  if (uz < secondCut) return n > 1 ? 1 : 0;
  const r = Math.floor(n * Math.pow(eta * u - eta + 1, alpha));
  return r >= n ? n - 1 : r;
}

/** Cells of a precomputed inverse-CDF table (65537 points, 512 KiB per Zipfian region). */
export const ZIPF_TABLE_CELLS = 65536;
/** A 32-bit draw's cell: its top 16 bits (ZIPF_TABLE_CELLS = 2^16). */
const CELL_SHIFT = 16;
const CELL_MASK = 0xffff;

/**
 * The continuous part of zipfRank, n·(eta·u − eta + 1)^alpha, sampled at u = i / CELLS, so a
 * draw is a table lookup with linear interpolation instead of a Math.pow (which was most of
 * the generator's time). Ranks 0 and 1 keep their exact cut-offs; elsewhere the interpolated
 * rank differs from the exact one by the curvature over one cell (checked in the tests).
 */
export function zipfTable(p: ZipfParams): Float64Array {
  const table = new Float64Array(ZIPF_TABLE_CELLS + 1);
  for (let i = 0; i <= ZIPF_TABLE_CELLS; i++) {
    const u = i / ZIPF_TABLE_CELLS;
    table[i] = p.n * Math.pow(Math.max(0, p.eta * u - p.eta + 1), p.alpha);
  }
  return table;
}

/** Where zipfRankFromTable reads a region's parameters: `params[at + ZP_*]` (zipfDrawParams). */
export const ZP_RANK1_FROM = 0;
export const ZP_RANK2_FROM = 1;
/** Offset of the region's inverse-CDF table in `tables`. */
export const ZP_TABLE_AT = 2;
export const ZP_WORDS = 3;

/**
 * The 32-bit draws at which zipfRank's cut-offs fall: draws below the first give rank 0
 * (u · zetan < 1), below the second rank 1 (u · zetan < secondCut), for u = draw / 2^32 and
 * the same floating-point products. Found by bisection (the product only grows with the draw),
 * so comparing integers decides exactly as the products would.
 */
export function zipfDrawCuts(p: ZipfParams): [number, number] {
  const firstAtLeast = (limit: number): number => {
    let lo = 0;
    let hi = TWO_32;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if ((mid / TWO_32) * p.zetan >= limit) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return [firstAtLeast(1), firstAtLeast(p.secondCut)];
}

/** Writes a region's draw parameters at `params[at]` (see ZP_*). */
export function zipfDrawParams(
  p: ZipfParams,
  tableAt: number,
  params: Float64Array | number[],
  at: number,
): void {
  const [rank1From, rank2From] = zipfDrawCuts(p);
  params[at + ZP_RANK1_FROM] = rank1From;
  params[at + ZP_RANK2_FROM] = rank2From;
  params[at + ZP_TABLE_AT] = tableAt;
}

/**
 * zipfRank through a table, for u = (bits >>> 0) / 2^32: the exact cut-offs for ranks 0 and 1
 * (as draws, zipfDrawCuts), interpolated beyond. The table's cell is the draw's top 16 bits and
 * the position within it the low 16, which equal u · CELLS's integer and fractional parts
 * exactly.
 *
 * Every argument is a small integer or an array, never a fractional number: when V8 does not
 * inline a call (its choice varies from run to run), a fractional argument is boxed, and that
 * allocated 16 B per access in the generator in some runs and not in others.
 */
export function zipfRankFromTable(
  bits: number,
  n: number,
  params: Float64Array,
  at: number,
  table: Float64Array,
): number {
  const draw = bits >>> 0;
  if (draw < params[at + ZP_RANK1_FROM]) return 0;
  if (draw < params[at + ZP_RANK2_FROM]) return n > 1 ? 1 : 0;
  const i = params[at + ZP_TABLE_AT] + (draw >>> CELL_SHIFT);
  const lo = table[i];
  const r = Math.floor(lo + (table[i + 1] - lo) * ((draw & CELL_MASK) / ZIPF_TABLE_CELLS));
  return r >= n ? n - 1 : r;
}
