/**
 * Zone watermarks as the kernel sets them at boot (page_alloc.c calculate_min_free_kbytes(),
 * __setup_per_zone_wmarks()), one ZONE_NORMAL per node. Integer arithmetic throughout, in
 * BigInt where the kernel multiplies in u64, so the reference's worked table comes out to the
 * page: a float rounding would shift a watermark by one and with it when kswapd wakes.
 */
import type { NodeConfig } from '../config/schema.js';
import { assert } from '../util/assert.js';
import type { Watermarks } from './machine.js';

export const MIN_FREE_KBYTES_FLOOR = 128;
/** The ceiling since ~5.7 (65536 before); both kernels tiersim models use this one. */
export const MIN_FREE_KBYTES_CEILING = 262144;

/** int_sqrt(): floor of the square root, exact for any size. */
export function intSqrt(x: bigint): bigint {
  assert(x >= 0n, 'intSqrt of a negative number');
  if (x < 2n) return x;
  // Newton from above converges monotonically to the floor.
  let r = 1n << BigInt(Math.ceil(x.toString(2).length / 2));
  for (;;) {
    const next = (r + x / r) >> 1n;
    if (next >= r) return r;
    r = next;
  }
}

/** log2(page size / 1 KiB): the kernel's PAGE_SHIFT - 10. */
function kbShift(pageSize: number): bigint {
  assert(
    Number.isInteger(pageSize) && pageSize >= 1024 && (pageSize & (pageSize - 1)) === 0,
    'page size must be a power of two of at least 1 KiB',
  );
  return BigInt(Math.log2(pageSize) - 10);
}

/**
 * The automatic vm.min_free_kbytes. The kernel counts free-able lowmem as managed pages minus
 * the high watermark, but on the first computation the watermarks are still zero, so it is all
 * managed pages of all nodes.
 */
export function autoMinFreeKbytes(managedPages: readonly number[], pageSize: number): number {
  const shift = kbShift(pageSize);
  const lowmemKbytes = managedPages.reduce((sum, p) => sum + BigInt(p), 0n) << shift;
  const raw = Number(intSqrt(lowmemKbytes * 16n));
  return Math.min(Math.max(raw, MIN_FREE_KBYTES_FLOOR), MIN_FREE_KBYTES_CEILING);
}

/** Watermarks of every node from the kernel formula, given min_free_kbytes. */
export function computeWatermarks(
  managedPages: readonly number[],
  pageSize: number,
  minFreeKbytes: number,
  watermarkScaleFactor: number,
): Watermarks[] {
  const pagesMin = BigInt(minFreeKbytes) >> kbShift(pageSize);
  const lowmemPages = managedPages.reduce((sum, p) => sum + BigInt(p), 0n);
  assert(lowmemPages > 0n, 'the machine has no memory');
  const scale = BigInt(watermarkScaleFactor);
  return managedPages.map((pages) => {
    const managed = BigInt(pages);
    // The share of pages_min proportional to the zone's size.
    const min = (pagesMin * managed) / lowmemPages;
    // mult_frac(managed, scale, 10000) is floor(managed * scale / 10000), exactly.
    const delta = bigMax(min >> 2n, (managed * scale) / 10000n);
    return {
      min: Number(min),
      low: Number(min + delta),
      high: Number(min + 2n * delta),
      promo: Number(min + 3n * delta),
    };
  });
}

/**
 * A node's fixed watermarks (a tiersim extension for small hand-computed scenarios; a missing
 * promo is high + (high - low), as the kernel's spacing), or undefined for the kernel formula.
 */
export function fixedWatermarks(node: NodeConfig): Watermarks | undefined {
  const fixed = node.watermarks;
  if (fixed === undefined) return undefined;
  const promo = fixed.promo ?? fixed.high + (fixed.high - fixed.low);
  assert(
    fixed.min <= fixed.low && fixed.low <= fixed.high && fixed.high <= promo,
    'fixed watermarks must satisfy min <= low <= high <= promo',
  );
  return { min: fixed.min, low: fixed.low, high: fixed.high, promo };
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
