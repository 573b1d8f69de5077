/**
 * The `normal` pattern: pmbench's "normal" access address distribution (pattern.c,
 * normal_get_number), which Huang Ying's memory-tiering series measured with ("pmbench ... 80:20
 * read/write ratio and normal access address distribution"): page = mean + stdev · N(0, 1),
 * truncated to a page, with the mean at pages / 2 (integer division, as pmbench's n / 2); a
 * draw that falls outside the region is the middle page, as pmbench's. pmbench draws N(0, 1)
 * by the polar method; here a 32-bit draw is mapped through the inverse CDF, tabulated at
 * NORMAL_TABLE_CELLS + 1 points and interpolated (the same distribution; one draw, no
 * logarithm per access).
 */

/** Cells of a normal region's inverse-CDF table (65537 points, 512 KiB per region). */
export const NORMAL_TABLE_CELLS = 65536;

/**
 * The standard normal quantile Φ⁻¹(p), 0 < p < 1: Wichura's algorithm AS 241 (PPND16, Applied
 * Statistics 37, 1988), about 16 significant digits.
 */
export function normalQuantile(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    const num =
      ((((((2509.0809287301227 * r + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) * r +
        13731.69376550946) *
        r +
        1971.5909503065513) *
        r +
        133.14166789178438) *
        r +
      3.3871328727963665;
    const den =
      ((((((5226.495278852546 * r + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) *
        r +
        5394.196021424751) *
        r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
      1;
    return (q * num) / den;
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    const num =
      ((((((0.0007745450142783414 * r + 0.022723844989269184) * r + 0.2417807251774506) * r +
        1.2704582524523684) *
        r +
        3.6478483247632045) *
        r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
      1.4234371107496835;
    const den =
      ((((((1.0507500716444169e-9 * r + 0.0005475938084995345) * r + 0.015198666563616457) * r +
        0.14810397642748008) *
        r +
        0.6897673349851) *
        r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
      1;
    value = num / den;
  } else {
    r -= 5;
    const num =
      ((((((2.0103343992922881e-7 * r + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
        0.026532189526576124) *
        r +
        0.29656057182850487) *
        r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
      6.657904643501103;
    const den =
      ((((((2.0442631033899397e-15 * r + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
        0.0007868691311456133) *
        r +
        0.014875361290850615) *
        r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
      1;
    value = num / den;
  }
  return q < 0 ? -value : value;
}

/**
 * A normal region's table: entry i is the page position (not yet truncated) of the quantile
 * i / CELLS, mean floor(pages / 2), standard deviation `stdevPages`. The two ends, where the
 * quantile is infinite, take the quantiles of half a 32-bit draw (2^-33 and 1 − 2^-33, ±6.3 σ),
 * so the outermost cells spread their 1/65536 of the draws linearly over 4.0–6.3 σ.
 */
export function normalTable(pages: number, stdevPages: number): Float64Array {
  const table = new Float64Array(NORMAL_TABLE_CELLS + 1);
  const mean = Math.floor(pages / 2);
  const end = 2 ** -33;
  for (let i = 0; i <= NORMAL_TABLE_CELLS; i++) {
    const u = i === 0 ? end : i === NORMAL_TABLE_CELLS ? 1 - end : i / NORMAL_TABLE_CELLS;
    table[i] = mean + stdevPages * normalQuantile(u);
  }
  return table;
}

/**
 * The page offset of a 32-bit draw (`bits`, signed or not) in a normal region of `pages`
 * pages whose table starts at `table[at]`: the draw's top 16 bits pick the cell, the low 16
 * the position in it; truncated to a page; outside [0, pages) the middle page (pmbench). The
 * generator writes this out in its loop (generate.ts); tests call it.
 */
export function normalOffsetFromTable(bits: number, pages: number, table: Float64Array, at: number): number {
  const draw = bits >>> 0;
  const i = at + (draw >>> 16);
  const lo = table[i];
  const offset = Math.floor(lo + (table[i + 1] - lo) * ((draw & 0xffff) / 65536));
  return offset < 0 || offset >= pages ? Math.floor(pages / 2) : offset;
}
