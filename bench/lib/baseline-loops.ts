/**
 * The reference loop tiersim's access loop is compared with: a plain typed-array random-access
 * loop with no simulator around it. Per access: one xorshift32 step for the page index, a read
 * of the Int32 page table, a byte store into the Uint8 reference array at the frame it names
 * (`ref[frame] = 1`, like a PTE young bit) and a latency-table lookup added to an accumulator.
 *
 * Shape, as ../../../shared/reference/node20-performance.md §2d prescribes for the fast case:
 * every typed array is a module-level const and each table size has its own function literal,
 * so TurboFan embeds the arrays as constants. The tables are sized at 1 M and 16 M entries
 * (4 MiB + 1 MiB and 64 MiB + 16 MiB: the small one fits in L2/L3, the large one does not).
 * The page table is the identity (page i in frame i), which is what tiersim's sequential
 * prefault produces too; the index is uniform, so both arrays are hit at random.
 */

/** log2 of the frames per latency-table entry (tiersim's chunk of 2^20 frames). */
const CHUNK_SHIFT = 20;

const N_1M = 1 << 20;
const MASK_1M = N_1M - 1;
const pt1M = new Int32Array(N_1M);
const ref1M = new Uint8Array(N_1M);
const lat1M = new Float64Array((N_1M >>> CHUNK_SHIFT) + 1);

const N_16M = 1 << 24;
const MASK_16M = N_16M - 1;
const pt16M = new Int32Array(N_16M);
const ref16M = new Uint8Array(N_16M);
const lat16M = new Float64Array((N_16M >>> CHUNK_SHIFT) + 1);

function initTables(pt: Int32Array, lat: Float64Array): void {
  for (let i = 0; i < pt.length; i++) pt[i] = i;
  for (let i = 0; i < lat.length; i++) lat[i] = i % 2 === 0 ? 80 : 305;
}
initTables(pt1M, lat1M);
initTables(pt16M, lat16M);

let seed1M = 0x9e3779b9 | 0;
let seed16M = 0x9e3779b9 | 0;

/** `n` accesses over the 1 M-entry tables; returns the latency sum (so nothing is dead code). */
export function loop1M(n: number): number {
  let x = seed1M;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const frame = pt1M[x & MASK_1M];
    ref1M[frame] = 1;
    acc += lat1M[frame >>> CHUNK_SHIFT];
  }
  seed1M = x;
  return acc;
}

/** `n` accesses over the 16 M-entry tables. */
export function loop16M(n: number): number {
  let x = seed16M;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const frame = pt16M[x & MASK_16M];
    ref16M[frame] = 1;
    acc += lat16M[frame >>> CHUNK_SHIFT];
  }
  seed16M = x;
  return acc;
}

/** Reference bytes set so far (a check that the loops ran; also keeps `ref` live). */
export function touched(size: '1M' | '16M'): number {
  const ref = size === '1M' ? ref1M : ref16M;
  let n = 0;
  for (let i = 0; i < ref.length; i++) n += ref[i];
  return n;
}

/** The OSR-trap warm-up of the reference doc: many tiny calls before the first long one. */
export function warmUpBaseline(): void {
  let sink = 0;
  for (let i = 0; i < 3000; i++) sink += loop1M(64) + loop16M(64);
  if (sink < 0) console.log(sink);
}
