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
      ((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
        45921.953931549871457) *
        r +
        13731.693765509461125) *
        r +
        1971.5909503065514427) *
        r +
        133.14166789178437745) *
        r +
      3.387132872796366608;
    const den =
      ((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) *
        r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
      1;
    return (q * num) / den;
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    const num =
      ((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) *
        r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
      1.42343711074968357734;
    const den =
      ((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) *
        r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
      1;
    value = num / den;
  } else {
    r -= 5;
    const num =
      ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) *
        r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
      6.6579046435011037772;
    const den =
      ((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) *
        r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
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
