/**
 * Zipfian ranks by the method of Gray et al., "Quickly generating billion-record synthetic
 * databases" (SIGMOD '94), as YCSB's ZipfianGenerator uses it: O(1) per draw after computing
 * zeta(n, theta) once. Rank 0 is the most popular.
 */

const EXACT_TERMS = 1_000_000;

/** zeta(n, theta) = sum_{i=1..n} i^-theta; exact up to 10^6 terms, Euler–Maclaurin beyond. */
export function zeta(n: number, theta: number): number {
  const m = Math.min(n, EXACT_TERMS);
  let sum = 0;
  for (let i = 1; i <= m; i++) sum += Math.pow(i, -theta);
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

/** Where zipfRankFromTable reads a region's parameters: `params[at + ZP_*]`. */
export const ZP_ZETAN = 0;
export const ZP_SECOND_CUT = 1;
/** Offset of the region's inverse-CDF table in `tables`. */
export const ZP_TABLE_AT = 2;

/**
 * zipfRank through a table, for u = (bits >>> 0) / 2^32: same cut-offs for ranks 0 and 1,
 * interpolated beyond.
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
  const u = (bits >>> 0) / 4294967296;
  const uz = u * params[at + ZP_ZETAN];
  const secondCut = params[at + ZP_SECOND_CUT];
  const offset = params[at + ZP_TABLE_AT];
  if (uz < 1) return 0;
  if (uz < secondCut) return n > 1 ? 1 : 0;
  const pos = u * ZIPF_TABLE_CELLS;
  const i = Math.floor(pos);
  const lo = table[offset + i];
  const r = Math.floor(lo + (table[offset + i + 1] - lo) * (pos - i));
  return r >= n ? n - 1 : r;
}
