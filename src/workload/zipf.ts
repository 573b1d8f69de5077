/**
 * Zipfian ranks, exactly: rank r in [0, n) with probability (r + 1)^-theta / zeta(n, theta), as
 * the config promises ("probability proportional to 1/r^theta"), from a table of a few thousand
 * numbers that stays in the cache beside the access loop's working set.
 *
 * Method (composition + alias + rejection): the terms i = r + 1 are cut into blocks, one term
 * each below BLOCK_SPLIT·2 and beyond that runs of floor(a / BLOCK_SPLIT) terms from term a (the
 * weights within a block differ by under 1/BLOCK_SPLIT of theta). A block's weight is split into
 * a flat part, its smallest weight times its width, and the excess above it. Every flat part and
 * every excess is one outcome of a Walker/Vose alias table with the exact masses; a flat
 * outcome is a uniform rank within its block (no rejection), an excess outcome (1-2 % of the
 * draws) a rank within its block by rejection against the excess's largest value (most tries
 * decided by a tangent and a chord of the convex weights, Math.pow only between them). Each
 * step is exact, so the ranks have the Zipf probabilities up to the 32-bit quantization of the
 * draws (test/workload/zipf-sampler.test.ts: the table's implied
 * probabilities against the exact ones, and a chi-square over drawn ranks).
 *
 * This replaced (2026-12-03) Gray et al.'s continuous approximation (YCSB's ZipfianGenerator)
 * through a 65,537-point inverse-CDF table of 512 KiB per region: it drew rank 2 about 18 % too
 * often and the tail 1.4 % too rarely (theta 0.9), and its tables missed the L2 cache once the
 * access loop had run.
 *
 * A draw is two 32-bit numbers: the first picks a column (its top bits) and, by its low bits
 * against the column's threshold, the column's own outcome or its alias; the second the rank
 * within the outcome's block.
 */
import { assert } from '../util/assert.js';

/** Tail blocks from term a hold floor(a / BLOCK_SPLIT) terms: ~1.4 % of draws are excess draws. */
const BLOCK_SPLIT = 32;
/** Blocks starting at or beyond this term are summed by Euler–Maclaurin, not term by term. */
const EM_FROM = 256;

/**
 * Doubles per column: the threshold, then the column's own outcome and its alias, each as base
 * and width. A flat outcome draws base + scale · floor(v · width / 2^32) (scale 1 in a region's
 * table: the base is a rank; 4 in a task's mix table: the base is an encoded entry, page · 4 +
 * syscall · 2 + store); an excess outcome has base 0 and as width minus the offset of its slow
 * record from the table's start. One cache line per column (three doubles unused).
 */
export const ZS_STRIDE = 8;
export const ZS_THRESHOLD = 0;
export const ZS_OWN = 1;
export const ZS_ALIAS = 4;
/** Within ZS_OWN / ZS_ALIAS. */
export const ZS_BASE = 0;
export const ZS_WIDTH = 1;
/**
 * An excess outcome's slow record (after the columns, ZS_STRIDE doubles each): the block's
 * smallest weight, the excess's largest value (first weight − smallest), −theta, the block's
 * first term (rank + 1), its width, and its region's entry head (0 in a region's table).
 */
export const ZX_WMIN = 0;
export const ZX_TOP = 1;
export const ZX_NEG_THETA = 2;
export const ZX_FIRST = 3;
export const ZX_WIDTH = 4;
export const ZX_HEAD = 5;

/** Where a Zipfian region's draw parameters sit from R_P0 in its region row. */
export const ZP_TABLE_AT = 0;
/** 32 − log2(columns): a draw's column is `draw >>> shift`, its coin `draw & (2^shift − 1)`. */
export const ZP_SHIFT = 1;

export interface ZipfSampler {
  /** The columns (ZS_*), then one slow record per excess outcome (ZX_*). */
  table: Float64Array;
  shift: number;
  columns: number;
}

/** sum_{i=a..b} i^-theta for a ≥ EM_FROM: Euler–Maclaurin to the f''' term (error < 1e-14 relative). */
function blockSum(a: number, b: number, theta: number): number {
  const integral = (Math.pow(a, 1 - theta) * Math.expm1((1 - theta) * Math.log1p((b - a) / a))) / (1 - theta);
  const ends = (Math.pow(a, -theta) + Math.pow(b, -theta)) / 2;
  const d1 = (theta / 12) * (Math.pow(a, -theta - 1) - Math.pow(b, -theta - 1));
  const d3 =
    ((theta * (theta + 1) * (theta + 2)) / 720) * (Math.pow(b, -theta - 3) - Math.pow(a, -theta - 3));
  return integral + ends + d1 + d3;
}

/** One outcome of the alias table, before it is laid out. */
interface Outcome {
  base: number;
  /** > 0 flat, < 0 (minus the block's width) excess. */
  width: number;
  mass: number;
  wmin: number;
  top: number;
  theta: number;
  /** The component's entry head, plus 1 for a store outcome. */
  head: number;
}

/** The outcomes of Zipf(n, theta): flat parts and excesses of the blocks, in rank order. */
export function zipfOutcomes(n: number, theta: number): Outcome[] {
  const outcomes: Outcome[] = [];
  const of = (base: number, width: number, mass: number, wmin: number, top: number): Outcome => ({
    base,
    width,
    mass,
    wmin,
    top,
    theta,
    head: 0,
  });
  let a = 1;
  while (a <= n) {
    const m = Math.min(Math.max(1, Math.floor(a / BLOCK_SPLIT)), n - a + 1);
    const b = a + m - 1;
    const wmin = Math.pow(b, -theta);
    if (m === 1) {
      outcomes.push(of(a - 1, 1, wmin, wmin, 0));
    } else {
      let excess = 0;
      if (a < EM_FROM) {
        for (let i = a; i < b; i++) excess += Math.pow(i, -theta) - wmin;
      } else {
        excess = blockSum(a, b, theta) - m * wmin;
      }
      outcomes.push(of(a - 1, m, m * wmin, wmin, 0));
      outcomes.push(of(a - 1, -m, excess, wmin, Math.pow(a, -theta) - wmin));
    }
    a = b + 1;
  }
  return outcomes;
}

/**
 * One region of a sampler: its entry head, pages, theta (undefined: uniform), weight and store
 * threshold (u32 scale, as in the region table).
 */
export interface SamplerComponent {
  head: number;
  pages: number;
  theta: number | undefined;
  weight: number;
  writeCut: number;
}

/**
 * The alias table of a weighted mix of Zipfian and uniform regions (a uniform region is one flat
 * outcome as wide as the region): one draw picks the region and the block at once. `scale` is
 * what a rank is worth in the drawn number (1: ranks; 4: encoded entries).
 */
export function aliasSampler(components: SamplerComponent[], scale: number): ZipfSampler {
  const TWO_32 = 4294967296;
  const outcomes: Outcome[] = [];
  const weights = components.reduce((sum, c) => sum + c.weight, 0);
  for (const c of components) {
    const own =
      c.theta === undefined
        ? [{ base: 0, width: c.pages, mass: 1, wmin: 0, top: 0, theta: 0, head: 0 }]
        : zipfOutcomes(c.pages, c.theta);
    let total = 0;
    for (const o of own) total += o.mass;
    // A region whose write_fraction is strictly between 0 and 1 has every outcome twice: as a
    // store (entry + 1) and as a load, so the entry needs no store draw.
    const storeShare = c.writeCut >= TWO_32 ? 1 : c.writeCut / TWO_32;
    for (const o of own) {
      const mass = (o.mass / total) * (c.weight / weights);
      if (storeShare > 0) outcomes.push({ ...o, mass: mass * storeShare, head: c.head + 1 });
      if (storeShare < 1) outcomes.push({ ...o, mass: mass * (1 - storeShare), head: c.head });
    }
  }
  let columns = 2;
  while (columns < outcomes.length) columns *= 2;
  const shift = 32 - Math.log2(columns);
  const one = 2 ** shift;
  // Vose's alias method: every column holds its own outcome's share (threshold / 2^shift of the
  // column) and an alias that tops it up; the columns past the outcomes are padding of mass 0.
  const scaled = new Float64Array(columns);
  outcomes.forEach((o, j) => (scaled[j] = o.mass * columns));
  const prob = new Float64Array(columns).fill(1);
  const alias = Int32Array.from({ length: columns }, (_, j) => j);
  const small: number[] = [];
  const large: number[] = [];
  for (let j = columns - 1; j >= 0; j--) (scaled[j] < 1 ? small : large).push(j);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  const excess = outcomes.filter((o) => o.width < 0).length;
  const table = new Float64Array((columns + excess) * ZS_STRIDE);
  const slowAt = new Int32Array(outcomes.length);
  let next = columns * ZS_STRIDE;
  outcomes.forEach((o, j) => {
    if (o.width > 0) return;
    slowAt[j] = next;
    table[next + ZX_WMIN] = o.wmin;
    table[next + ZX_TOP] = o.top;
    table[next + ZX_NEG_THETA] = -o.theta;
    table[next + ZX_FIRST] = o.base + 1;
    table[next + ZX_WIDTH] = -o.width;
    table[next + ZX_HEAD] = scale === 1 ? 0 : o.head;
    next += ZS_STRIDE;
  });
  const put = (at: number, j: number): void => {
    const o = outcomes[j];
    if (o === undefined) return;
    table[at + ZS_BASE] = o.width > 0 ? (scale === 1 ? 0 : o.head) + scale * o.base : 0;
    table[at + ZS_WIDTH] = o.width > 0 ? o.width : -slowAt[j];
  };
  for (let j = 0; j < columns; j++) {
    const r = j * ZS_STRIDE;
    table[r + ZS_THRESHOLD] = Math.round(prob[j] * one);
    put(r + ZS_OWN, j);
    put(r + ZS_ALIAS, alias[j]);
  }
  return { table, shift, columns };
}

/** The alias table of Zipf(n, theta) (n ≥ 1, 0 < theta < 1), drawing ranks. */
export function zipfSampler(n: number, theta: number): ZipfSampler {
  return aliasSampler([{ head: 0, pages: n, theta, weight: 1, writeCut: 0 }], 1);
}

/** 2^-32: a 32-bit draw times it is uniform in [0, 1). */
const INV_2_32 = 2.3283064365386963e-10;

/**
 * The record (ZS_OWN or ZS_ALIAS, from the table's start) a draw's column and coin choose. The
 * draws these functions take are 32 random bits as a signed or unsigned number (they take
 * `>>> 0` themselves): the generator passes int32s, because a call V8 does not inline boxes an
 * unsigned value above 2^31 (an allocation per draw).
 */
export function aliasRecord(bits: number, table: Float64Array, at: number, shift: number): number {
  const col = at + (bits >>> shift) * ZS_STRIDE;
  return col + ((bits & (2 ** shift - 1)) < table[col + ZS_THRESHOLD] ? ZS_OWN : ZS_ALIAS);
}

/**
 * The first step of a draw from the record `o` and a second 32-bit draw v: a flat outcome's
 * number (rank, or entry in a mix table), or 0 for an excess outcome. The reference form of the
 * generator's loops, which write this out with its parameters in locals (generate.ts).
 */
export function aliasFirst(o: number, bits: number, table: Float64Array, scale: number): number {
  // `| 0` is floor here (the product is in [0, width) and width < 2^31), and cheaper (generate.ts).
  return table[o + ZS_BASE] + scale * (((bits >>> 0) * Math.max(table[o + ZS_WIDTH], 0) * INV_2_32) | 0);
}

/** The slow record an excess outcome's record `o` points to (absolute), or -1 for a flat one. */
export function aliasSlow(o: number, table: Float64Array, at: number): number {
  const w = table[o + ZS_WIDTH];
  return w < 0 ? at - w : -1;
}

/**
 * The second step for an excess outcome whose slow record is at `table[sl]`: its rank, by
 * rejection within the block against the excess's largest value (two draws per try, the rank
 * first). The generator runs these after the batch's other draws, in entry order, so its main
 * loop has no call (Math.pow is one: every value live across it would be spilled on every entry).
 *
 * Most tries are decided without Math.pow, by bounds of the excess x^-theta - wmin at
 * x = first + j that hold because x^-theta is convex: above the tangent at the block's last term
 * (slope theta · wmin / last), below the chord between its first and last terms (the excess
 * falls from top to 0). A try is accepted under the tangent and rejected over the chord, each
 * with a margin far above the rounding of either side, so the decisions, and the stream, are
 * those of the exact test, which runs only between the bounds.
 */
export function zipfExcessRank(draw: () => number, table: Float64Array, sl: number): number {
  const m = table[sl + ZX_WIDTH];
  const wmin = table[sl + ZX_WMIN];
  const topW = table[sl + ZX_TOP];
  assert(m > 1 && topW > 0, 'an excess outcome spans two terms or more');
  // Per unit of k = m - 1 - j (the terms from x to the block's last).
  const tangent = (-table[sl + ZX_NEG_THETA] * wmin) / (table[sl + ZX_FIRST] + m - 1);
  const chord = topW / (m - 1);
  const margin = EXCESS_MARGIN * (wmin + topW);
  const top = topW * INV_2_32;
  for (;;) {
    const j = ((draw() >>> 0) * m * INV_2_32) | 0;
    const y = (draw() >>> 0) * top;
    const k = m - 1 - j;
    const accept =
      y < tangent * k - margin ||
      (y < chord * k + margin && y < Math.pow(table[sl + ZX_FIRST] + j, table[sl + ZX_NEG_THETA]) - wmin);
    if (accept) return table[sl + ZX_FIRST] - 1 + j;
  }
}

/** zipfExcessRank's margin, relative to the block's first weight (rounding is ~1e-16 of it). */
export const EXCESS_MARGIN = 1e-12;

/**
 * A Zipfian rank as a region's table gives it for one entry, with the excess step at once (the
 * generator defers it to the end of the batch; a lone draw has nothing to defer past).
 */
export function zipfRank(draw: () => number, table: Float64Array, at: number, shift: number): number {
  const o = aliasRecord(draw(), table, at, shift);
  const first = aliasFirst(o, draw(), table, 1);
  const sl = aliasSlow(o, table, at);
  return sl < 0 ? first : zipfExcessRank(draw, table, sl);
}
