/**
 * The page sequence of the real-kernel calibration workloads (their src/common.h and wl_file.c),
 * reproduced exactly so tiersim replays the order the kernel saw: splitmix64 (state += golden
 * gamma, then the two xor-shift-multiply rounds) from `seed`; u = top 53 bits × 2^-53; the Zipf
 * rank is the first r with cdf[r] >= u, where cdf accumulates 1/(r+1)^theta left to right in
 * double and is divided by the total; page = rank × scatter mod pages.
 *
 * Computed once when the plan is built (BigInt for the 64-bit arithmetic, off the access loop).
 */

const MASK64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;
const MIX1 = 0xbf58476d1ce4e5b9n;
const MIX2 = 0x94d049bb133111ebn;

/** One splitmix64 step: returns [next state, output]. */
export function splitmix64(state: bigint): [bigint, bigint] {
  const s = (state + GOLDEN) & MASK64;
  let z = s;
  z = ((z ^ (z >> 30n)) * MIX1) & MASK64;
  z = ((z ^ (z >> 27n)) * MIX2) & MASK64;
  return [s, z ^ (z >> 31n)];
}

/** The normalised Zipf CDF over `n` ranks, summed in the C code's order. */
export function zipfCdf(n: number, theta: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    sum += 1 / Math.pow(r + 1, theta);
    cdf[r] = sum;
  }
  for (let r = 0; r < n; r++) cdf[r] = cdf[r] / sum;
  return cdf;
}

/** First rank whose cdf is >= u (zipf_rank's binary search). */
export function zipfRank(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (cdf[mid] >= u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** `count` page offsets in [0, pages). */
export function splitmixZipfSequence(
  pages: number,
  theta: number,
  seed: number,
  count: number,
  scatter: number,
): Int32Array {
  const cdf = zipfCdf(pages, theta);
  const out = new Int32Array(count);
  let state = BigInt(seed);
  const big = BigInt(scatter);
  const n = BigInt(pages);
  for (let i = 0; i < count; i++) {
    const [next, z] = splitmix64(state);
    state = next;
    const u = Number(z >> 11n) * 2 ** -53;
    const rank = zipfRank(cdf, u);
    out[i] = Number((BigInt(rank) * big) % n);
  }
  return out;
}
