/**
 * Access-stream generation: refills a CPU's batch with the next BATCH_LEN accesses of its task,
 * each encoded as page * 4 + (read()/write() syscall ? 2 : 0) + (store ? 1 : 0). Generating in
 * batches keeps pattern logic out of the access loop, which only consumes integers.
 *
 * The filler is a closure made once per SimState: the CPU's xoshiro128** state is copied into a
 * small private Int32Array for the whole batch (one load and one store of the shared state per
 * batch), and Zipf ranks come from precomputed tables (zipf.ts). The state is not kept in
 * closure variables: a 32-bit value outside the small-integer range stored in a closure slot is
 * boxed, and that would allocate on every draw.
 */
import { BATCH_LEN, C_CLOCK, CPU_WORDS } from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import { PRNG_WORDS, TWO_32 } from './prng.js';
import { PHASE_WORDS, PH_DURATION_NS, PH_LEN, PH_PASSES, PH_START, PH_STORE, STEP_STRIDE } from './phases.js';
import {
  PATTERN_HOTSET,
  PATTERN_NORMAL,
  PATTERN_PHASES,
  PATTERN_SEQUENCE,
  PATTERN_SEQUENTIAL,
  PATTERN_TRACE,
  PATTERN_UNIFORM,
  PATTERN_ZIPFIAN,
  REGION_WORDS,
  R_FIRST_PAGE,
  R_P0,
  R_P1,
  R_P2,
  R_PAGES,
  R_PATTERN,
  R_SYSCALL,
  R_WEIGHT_CUT,
  R_WRITE_CUT,
} from './plan.js';
import { TraceSources } from './trace/replay.js';
import { ZP_SHIFT, ZP_TABLE_AT, aliasFirst, aliasRecord, aliasSlow, zipfExcessRank } from './zipf.js';
import {
  ENTRIES_PER_LEAF,
  HISTORY_PAGES_PER_TXN,
  LEAVES_PER_INNER,
  ROWS_PER_HEAP_PAGE,
  TXN_ACCESSES,
  WAL_PAGES_PER_TXN,
  type PgbenchPlan,
} from './pgbench.js';

export type BatchFiller = (cpu: number) => number;

/** The filler of each SimState (the access runner's and any later caller's: the same closure). */
const fillers = new WeakMap<SimState, BatchFiller>();

/**
 * The batch filler of `s`, made on the first call and the same closure after: TurboFan embeds
 * the filler's typed arrays as constants only while its function literals have one closure
 * (node20-performance.md §2d), so a second filler for a SimState (bench/generate.bench.ts made
 * one beside the access runner's) would slow down both. Per thread: each thread has its own
 * SimState object over the shared buffers.
 */
export function makeBatchFiller(s: SimState): BatchFiller {
  let fill = fillers.get(s);
  if (fill === undefined) {
    fill = createBatchFiller(s);
    fillers.set(s, fill);
  }
  return fill;
}

/**
 * A new filler for `s` (makeBatchFiller's). Exported for bench/generate.bench.ts, which also
 * times a second closure: the shape of a reused sweep thread's later simulations.
 */
export function createBatchFiller(s: SimState): BatchFiller {
  const table = s.plan.regionTable;
  const zipfTables = s.plan.zipfTables;
  const prng = s.prng;
  const out = s.batch;
  const seqPos = s.seqPos;
  const maxRegions = s.layout.maxRegionsPerTask;
  const cpuTask = Int32Array.from(s.plan.cpuTask);
  const firstRegionOf = Int32Array.from(s.plan.tasks, (t) => t.firstRegion);
  // Only the leading accessed regions: those of weight 0 are touched by their prefault alone.
  const regionCountOf = Int32Array.from(s.plan.tasks, (t) => t.accessedRegions);
  const pgbenchOf = s.plan.tasks.map((t) => t.pgbench);
  const draws = new Float64Array(3);
  // The batch's entries that drew an excess outcome of a Zipf sampler: entry index, then the
  // outcome's slow record in zipfTables. Their rank within the block is drawn after the batch.
  const excess = new Int32Array(2 * BATCH_LEN);
  const mixTableOf = Int32Array.from(s.plan.tasks, (t) => t.mixTable);
  const mixShiftOf = Int32Array.from(s.plan.tasks, (t) => t.mixShift);
  // xoshiro128** state of the CPU being filled: [s0, s1, s2, s3].
  const st = new Int32Array(4);
  // Trace regions: this thread's file streams, opened on a CPU's first access (trace/replay.ts).
  const traces = new TraceSources(s.plan, maxRegions, seqPos);
  const traceEnded = traces.ended;
  const phaseTables = s.plan.phaseTables;
  const sequenceTables = s.plan.sequenceTables;
  const cpuWords = s.cpuWords;
  // When each CPU's current timed `phases` step began (ns), -1 until it does. Private to the
  // thread that fills the CPU's batches (always its node's), so results stay bit-identical.
  const stepStartNs = new Float64Array(s.layout.cpus).fill(-1);

  /**
   * Next 32 random bits as a signed int32: a call that is not inlined returns a tagged value,
   * and an unsigned value above 2^31 would be boxed (allocated). Callers take `>>> 0` locally.
   */
  function next(): number {
    let a = st[0];
    let b = st[1];
    let c = st[2];
    let d = st[3];
    let x = 0,
      t = 0;
    // xoshiro128** step {
    x = Math.imul(b, 5);
    x = Math.imul((x << 7) | (x >>> 25), 9);
    t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    // } xoshiro128** step
    st[0] = a;
    st[1] = b;
    st[2] = c;
    st[3] = d;
    return x;
  }

  // Empty first calls (CPU 0's state read and written back unchanged) give the statements after
  // each loop type feedback before V8 can OSR-compile the loop: OSR code compiled without it
  // deopted at the end of every call, forever (node20-performance.md §2d; 2-3x slower fills).
  // Many of them: V8 allocates a function's feedback vector only after it has run a while.
  for (let k = 0; s.layout.cpus > 0 && table.length >= REGION_WORDS && k < 100; k++) {
    fillOneRegion(0, PATTERN_UNIFORM, 0, 0, 0);
    fillRandomMix(0, 0, 0, 0, 0);
  }

  // The dispatcher stays small and each filler owns one loop: V8 optimizes each with complete
  // feedback. One large function holding every path was deoptimized by a path first taken late
  // (a single trace region), after which its OSR code deopted at the end of every call.
  return function fillBatch(cpu: number): number {
    const task = cpuTask[cpu];
    const firstRegion = firstRegionOf[task];
    const lastRegion = firstRegion + regionCountOf[task] - 1;
    const po = cpu * PRNG_WORDS;
    const base = cpu * BATCH_LEN;
    const pg = pgbenchOf[task];
    if (pg !== undefined) return fillPgbench(task, pg, cpu, po, base);
    // A task of prefaulted regions only (weight 0): its CPU idles.
    if (lastRegion < firstRegion) return 0;
    if (lastRegion === firstRegion) {
      const rb = firstRegion * REGION_WORDS;
      const pattern = table[rb + R_PATTERN];
      if (pattern === PATTERN_UNIFORM || pattern === PATTERN_ZIPFIAN) {
        fillOneRegion(rb, pattern, po, base, BATCH_LEN);
        return BATCH_LEN;
      }
      // Validation keeps a program or a sequence the only region of its task.
      if (pattern === PATTERN_PHASES) return fillPhases(cpu, rb, cpu * maxRegions, base);
      if (pattern === PATTERN_SEQUENCE) return fillSequence(rb, cpu * maxRegions, base);
    }
    if (mixTableOf[task] >= 0 && randomMix(firstRegion, lastRegion)) {
      fillRandomMix(mixTableOf[task], mixShiftOf[task], po, base, BATCH_LEN);
      return BATCH_LEN;
    }
    // A CPU whose trace has ended (loop: false) idles: an empty batch.
    if (traceEnded[cpu] !== 0) return 0;
    return fillMixed(cpu, firstRegion, lastRegion, po, base);
  };

  /**
   * Whether every region of the task is (still) uniform or Zipfian: the case of its mix table
   * (bench/lib/sim.ts switches a region to sequential for a while).
   */
  function randomMix(firstRegion: number, lastRegion: number): boolean {
    for (let r = firstRegion; r <= lastRegion; r++) {
      const pattern = table[r * REGION_WORDS + R_PATTERN];
      if (pattern !== PATTERN_UNIFORM && pattern !== PATTERN_ZIPFIAN) return false;
    }
    return true;
  }

  /**
   * Several uniform and Zipfian regions (the quickstart's app: anon + mmap file), from the task's
   * mix table (zipf.ts aliasSampler): per entry one draw picks the region, load or store and the
   * block at once (the column by its top bits, the column's own outcome or its alias by the low
   * bits), a second the page within a flat outcome's block. An excess outcome's page is drawn
   * after the batch, in entry order.
   *
   * Every array and constant the loop reads is a local or a literal: closure variables and
   * module constants are context slots, which TurboFan reloaded and hole-checked on every
   * entry when the filler is not the single closure of its literal (the bench makes two), and
   * imported constants are module cells, loaded and checked the same way (measured: the loop
   * was 5.8 KB of machine code, most of it those reloads). The choice between the column's two
   * records is arithmetic (a random branch mispredicts on about a third of the draws).
   */
  function fillRandomMix(tableAt: number, shift: number, po: number, base: number, len: number): void {
    const o = out;
    const state = prng;
    const zt = zipfTables;
    const ex = excess;
    const at = tableAt | 0;
    const sh = shift | 0;
    const mask = ((1 << sh) - 1) | 0;
    const end = base + len;
    let nx = 0;
    let a = state[po] | 0;
    let b = state[po + 1] | 0;
    let c = state[po + 2] | 0;
    let d = state[po + 3] | 0;
    let x = 0,
      t = 0;
    for (let i = base; i < end; i++) {
      // xoshiro128** step {
      x = Math.imul(b, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      // } xoshiro128** step
      const draw = x >>> 0;
      const col = at + ((draw >>> sh) << 3);
      // col + 1 (its own outcome) when the coin is below the threshold, else col + 4 (the alias).
      const sel = col + 4 - (3 & (((draw & mask) - zt[col]) >> 31));
      // xoshiro128** step {
      x = Math.imul(b, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      // } xoshiro128** step
      const width = zt[sel + 1];
      // `| 0` rather than Math.floor: the same integer (the product is in [0, width), width below
      // 2^31 pages), and the filler took 8.2 instead of 16 ns an entry with it (generate.bench).
      o[i] = zt[sel] + 4 * (((x >>> 0) * Math.max(width, 0) * 2.3283064365386963e-10) | 0);
      if (width < 0) {
        ex[nx] = i;
        ex[nx + 1] = at - width;
        nx += 2;
      }
    }
    state[po] = a;
    state[po + 1] = b;
    state[po + 2] = c;
    state[po + 3] = d;
    resolveExcess(po, nx);
  }

  /**
   * After a fast path's batch: the pages of the entries whose Zipf draw was an excess outcome
   * (zipf.ts zipfExcessRank: rank draw, then acceptance draw, until one is accepted), in entry
   * order, from the CPU's state as the batch left it. Its own function, called once per batch:
   * inside the fill loops its Math.pow (a call) would have every live value spilled on every
   * entry, and code that first runs long after the loop was optimized deoptimized it at the end
   * of every batch (no type feedback yet).
   */
  function resolveExcess(po: number, nx: number): void {
    const o = out;
    const state = prng;
    const zt = zipfTables;
    const ex = excess;
    let a = state[po] | 0;
    let b = state[po + 1] | 0;
    let c = state[po + 2] | 0;
    let d = state[po + 3] | 0;
    let x = 0,
      t = 0;
    for (let k = 0; k < nx; k += 2) {
      const sl = ex[k + 1];
      const w = zt[sl + 4];
      const top = zt[sl + 1] * 2.3283064365386963e-10;
      // zipfExcessRank's bounds (tangent and chord slopes per term before the block's last, and
      // the margin): most tries decided without Math.pow, the same way.
      const tangent = (-zt[sl + 2] * zt[sl]) / (zt[sl + 3] + w - 1);
      const chord = zt[sl + 1] / (w - 1);
      const margin = 1e-12 * (zt[sl] + zt[sl + 1]);
      let j = 0;
      for (;;) {
        // xoshiro128** step {
        x = Math.imul(b, 5);
        x = Math.imul((x << 7) | (x >>> 25), 9);
        t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = (d << 11) | (d >>> 21);
        // } xoshiro128** step
        j = ((x >>> 0) * w * 2.3283064365386963e-10) | 0;
        // xoshiro128** step {
        x = Math.imul(b, 5);
        x = Math.imul((x << 7) | (x >>> 25), 9);
        t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = (d << 11) | (d >>> 21);
        // } xoshiro128** step
        const y = (x >>> 0) * top;
        const left = w - 1 - j;
        if (y < tangent * left - margin) break;
        if (y < chord * left + margin && y < Math.pow(zt[sl + 3] + j, zt[sl + 2]) - zt[sl]) break;
      }
      o[ex[k]] += zt[sl + 5] + 4 * (zt[sl + 3] - 1 + j);
    }
    state[po] = a;
    state[po + 1] = b;
    state[po + 2] = c;
    state[po + 3] = d;
  }

  /** Any mix of regions and patterns, one weighted region draw per access. */
  function fillMixed(cpu: number, firstRegion: number, lastRegion: number, po: number, base: number): number {
    st[0] = prng[po];
    st[1] = prng[po + 1];
    st[2] = prng[po + 2];
    st[3] = prng[po + 3];
    const seqBase = cpu * maxRegions - firstRegion;
    let filled = BATCH_LEN;
    let nx = 0;
    for (let i = 0; i < BATCH_LEN; i++) {
      let r = firstRegion;
      if (lastRegion > firstRegion) {
        const u = next() >>> 0;
        while (r < lastRegion && u >= table[r * REGION_WORDS + R_WEIGHT_CUT]) r++;
      }
      const rb = r * REGION_WORDS;
      const pages = table[rb + R_PAGES];
      let offset: number;
      let traceStore = 0;
      switch (table[rb + R_PATTERN]) {
        case PATTERN_UNIFORM:
          offset = (((next() >>> 0) / TWO_32) * pages) | 0;
          break;
        case PATTERN_ZIPFIAN: {
          const at = table[rb + R_P0 + ZP_TABLE_AT];
          const rec = aliasRecord(next(), zipfTables, at, table[rb + R_P0 + ZP_SHIFT]);
          offset = aliasFirst(rec, next(), zipfTables, 1);
          const slow = aliasSlow(rec, zipfTables, at);
          if (slow >= 0) {
            excess[nx] = i;
            excess[nx + 1] = slow;
            nx += 2;
          }
          break;
        }
        case PATTERN_HOTSET: {
          const hot = table[rb + R_P0];
          const inHot = next() >>> 0 < table[rb + R_P1] || hot >= pages;
          const u = (next() >>> 0) / TWO_32;
          offset = inHot ? (u * hot) | 0 : hot + ((u * (pages - hot)) | 0);
          // The hot set starts `R_P2` pages into the region and wraps around its end.
          offset = (offset + table[rb + R_P2]) % pages;
          break;
        }
        case PATTERN_NORMAL: {
          // normalOffsetFromTable (normal.ts) written out: the quantile table interpolated.
          const draw = next() >>> 0;
          const k = table[rb + R_P0] + (draw >>> 16);
          const lo = zipfTables[k];
          offset = Math.floor(lo + (zipfTables[k + 1] - lo) * ((draw & 0xffff) / 65536));
          if (offset < 0 || offset >= pages) offset = Math.floor(pages / 2);
          break;
        }
        case PATTERN_SEQUENTIAL:
          offset = seqPos[seqBase + r];
          seqPos[seqBase + r] = (offset + table[rb + R_P0]) % pages;
          break;
        case PATTERN_TRACE: {
          // offset * 2 + store (a signed int32, never boxed), or -1 once the CPU's share has ended.
          const t = traces.next(cpu, seqBase + r, rb);
          offset = t >> 1;
          traceStore = t & 1;
          break;
        }
        default:
          offset = 0;
      }
      if (offset < 0) {
        // The trace ended: this batch ends here, and the next one is empty (the CPU idles).
        filled = i;
        break;
      }
      if (offset >= pages) offset = pages - 1;
      const writeCut = table[rb + R_WRITE_CUT];
      const store = writeCut === 0 ? 0 : writeCut >= TWO_32 ? 1 : next() >>> 0 < writeCut ? 1 : 0;
      out[base + i] =
        (table[rb + R_FIRST_PAGE] + offset) * 4 + table[rb + R_SYSCALL] * 2 + (store | traceStore);
    }
    // The excess outcomes' ranks, in entry order, as the fast paths draw them.
    for (let k = 0; k < nx && excess[k] < filled; k += 2)
      out[base + excess[k]] += zipfExcessRank(next, zipfTables, excess[k + 1]) * 4;
    prng[po] = st[0];
    prng[po + 1] = st[1];
    prng[po + 2] = st[2];
    prng[po + 3] = st[3];
    return filled;
  }

  /**
   * A `phases` program (phases.ts): consecutive pages of the current step's range, a pass at a
   * time. A counted step ends after its passes; a timed one at the first end of a pass at which
   * the CPU's clock (as of this batch) is `duration` past the step's start. After the last step
   * the program restarts at loop_from, or the CPU idles (an empty batch).
   */
  function fillPhases(cpu: number, rb: number, slot: number, base: number): number {
    const steps = table[rb + R_P1];
    const loopFrom = table[rb + R_P2];
    const head = table[rb + R_FIRST_PAGE] * 4 + table[rb + R_SYSCALL] * 2;
    const code = seqPos[slot];
    let step = Math.floor(code / STEP_STRIDE);
    let pos = code - step * STEP_STRIDE;
    let i = 0;
    while (i < BATCH_LEN && step < steps) {
      const sb = table[rb + R_P0] + step * PHASE_WORDS;
      const start = phaseTables[sb + PH_START];
      const len = phaseTables[sb + PH_LEN];
      const durationNs = phaseTables[sb + PH_DURATION_NS];
      const now = cpuWords[cpu * CPU_WORDS + C_CLOCK];
      if (durationNs > 0 && stepStartNs[cpu] < 0) stepStartNs[cpu] = now;
      const inPass = pos % len;
      const n = Math.min(BATCH_LEN - i, len - inPass);
      const first = head + (start + inPass) * 4 + phaseTables[sb + PH_STORE];
      for (let k = 0; k < n; k++) out[base + i + k] = first + k * 4;
      i += n;
      pos += n;
      if (inPass + n < len) continue;
      // A pass ended.
      const done =
        durationNs > 0 ? now - stepStartNs[cpu] >= durationNs : pos >= phaseTables[sb + PH_PASSES] * len;
      if (durationNs > 0 && !done) pos = 0;
      if (done) {
        stepStartNs[cpu] = -1;
        pos = 0;
        step++;
        if (step >= steps && loopFrom >= 0) step = loopFrom;
      }
    }
    seqPos[slot] = step * STEP_STRIDE + pos;
    return i;
  }

  /** A precomputed sequence (splitmix_zipfian): the next entries, then an empty batch (idle). */
  function fillSequence(rb: number, slot: number, base: number): number {
    const index = seqPos[slot];
    const n = Math.min(BATCH_LEN, table[rb + R_P1] - index);
    if (n <= 0) return 0;
    const head = table[rb + R_FIRST_PAGE] * 4 + table[rb + R_SYSCALL] * 2;
    const from = table[rb + R_P0] + index;
    for (let k = 0; k < n; k++) out[base + k] = head + sequenceTables[from + k] * 4;
    seqPos[slot] = index + n;
    return n;
  }

  /**
   * pgbench clients (pgbench.ts): whole transactions of TXN_ACCESSES accesses, as many as fit
   * in the batch; random account, teller and branch per transaction; the CPU's history and WAL
   * positions advance by a fraction of a page per transaction.
   */
  function fillPgbench(task: number, pg: PgbenchPlan, cpu: number, po: number, base: number): number {
    const { regions } = s.plan.tasks[task];
    const buffers = regions[0].firstPage;
    const db = regions[1].firstPage;
    const wal = regions[2].firstPage;
    const victims = pg.bufferPages - pg.hot;
    const slot = cpu * maxRegions;
    let history = seqPos[slot + 1] % pg.historyPages;
    let walPos = seqPos[slot + 2] % pg.walPages;
    let a = prng[po] | 0;
    let b = prng[po + 1] | 0;
    let c = prng[po + 2] | 0;
    let d = prng[po + 3] | 0;
    let x = 0,
      t = 0;
    let n = base;
    const end = base + BATCH_LEN;
    const hot = pg.hot;
    while (n + TXN_ACCESSES <= end) {
      for (let k = 0; k < 3; k++) {
        // xoshiro128** step {
        x = Math.imul(b, 5);
        x = Math.imul((x << 7) | (x >>> 25), 9);
        t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = (d << 11) | (d >>> 21);
        // } xoshiro128** step
        draws[k] = x >>> 0;
      }
      const aid = Math.floor((draws[0] / TWO_32) * pg.accounts);
      const leaf = Math.floor(aid / ENTRIES_PER_LEAF);
      const heap = pg.heapStart + Math.floor(aid / ROWS_PER_HEAP_PAGE);
      const teller =
        pg.tellersStart + Math.floor(Math.floor((draws[1] / TWO_32) * pg.tellers) / ROWS_PER_HEAP_PAGE);
      const branch =
        pg.branchesStart + Math.floor(Math.floor((draws[2] / TWO_32) * pg.branches) / ROWS_PER_HEAP_PAGE);
      n = pgTouch(n, buffers, db, hot, victims, pg.innerStart + Math.floor(leaf / LEAVES_PER_INNER), 0);
      n = pgTouch(n, buffers, db, hot, victims, pg.leafStart + leaf, 0);
      n = pgTouch(n, buffers, db, hot, victims, heap, 1);
      n = pgTouch(n, buffers, db, hot, victims, heap, 0);
      n = pgTouch(n, buffers, db, hot, victims, teller, 1);
      n = pgTouch(n, buffers, db, hot, victims, branch, 1);
      n = pgTouch(n, buffers, db, hot, victims, pg.historyStart + Math.floor(history), 1);
      out[n++] = (wal + Math.floor(walPos)) * 4 + 3;
      history = (history + HISTORY_PAGES_PER_TXN) % pg.historyPages;
      walPos = (walPos + WAL_PAGES_PER_TXN) % pg.walPages;
    }
    seqPos[slot + 1] = history;
    seqPos[slot + 2] = walPos;
    prng[po] = a;
    prng[po + 1] = b;
    prng[po + 2] = c;
    prng[po + 3] = d;
    return n - base;
  }

  /**
   * One database page touch at out[n]: a resident page is a load and a use (store when the
   * statement writes) of its buffer; any other page a read() of the database file page and a
   * copy into one of the victim buffers. Returns the next free entry.
   */
  function pgTouch(
    n: number,
    buffers: number,
    db: number,
    hot: number,
    victims: number,
    page: number,
    store: number,
  ): number {
    if (page < hot) {
      out[n] = (buffers + page) * 4;
      out[n + 1] = (buffers + page) * 4 + store;
    } else {
      out[n] = (db + page) * 4 + 2;
      out[n + 1] = (buffers + hot + (page % victims)) * 4 + 1;
    }
    return n + 2;
  }

  /**
   * The common case, a task with one uniform or Zipfian region: region parameters hoisted out of
   * the loop and the xoshiro128** state in function locals (unboxed in optimized code), draws in
   * the same order as the general path above, so the stream is identical. Measured 2-3× faster.
   * As in fillRandomMix, the loop reads only locals and literals, and the Zipf lookup is
   * zipfRankFromTable written out with its parameters in locals (no call, no boxed doubles).
   */
  function fillOneRegion(rb: number, pattern: number, po: number, base: number, len: number): void {
    const o = out;
    const state = prng;
    const zt = zipfTables;
    const pages = table[rb + R_PAGES];
    const last = pages - 1;
    const head = table[rb + R_FIRST_PAGE] * 4 + table[rb + R_SYSCALL] * 2;
    const writeCut = table[rb + R_WRITE_CUT];
    const drawStore = writeCut > 0 && writeCut < TWO_32;
    const alwaysStore = writeCut >= TWO_32 ? 1 : 0;
    const zipf = pattern === PATTERN_ZIPFIAN;
    const shift = zipf ? table[rb + R_P0 + ZP_SHIFT] | 0 : 0;
    const mask = zipf ? (2 ** shift - 1) | 0 : 0;
    const ex = excess;
    let nx = 0;
    // An int32 (`| 0`): a double index costs a checked conversion on every lookup.
    const tableAt = zipf ? table[rb + R_P0 + ZP_TABLE_AT] | 0 : 0;
    const end = base + len;
    let a = state[po] | 0;
    let b = state[po + 1] | 0;
    let c = state[po + 2] | 0;
    let d = state[po + 3] | 0;
    let x = 0,
      t = 0;
    for (let i = base; i < end; i++) {
      // xoshiro128** step {
      x = Math.imul(b, 5);
      x = Math.imul((x << 7) | (x >>> 25), 9);
      t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      // } xoshiro128** step
      const draw = x >>> 0;
      let offset = 0;
      if (!zipf) {
        offset = ((draw / 4294967296) * pages) | 0;
      } else {
        // aliasRecord and aliasFirst (zipf.ts) written out, as in fillRandomMix.
        const col = tableAt + ((draw >>> shift) << 3);
        const sel = col + 4 - (3 & (((draw & mask) - zt[col]) >> 31));
        // xoshiro128** step {
        x = Math.imul(b, 5);
        x = Math.imul((x << 7) | (x >>> 25), 9);
        t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = (d << 11) | (d >>> 21);
        // } xoshiro128** step
        const width = zt[sel + 1];
        offset = zt[sel] + (((x >>> 0) * Math.max(width, 0) * 2.3283064365386963e-10) | 0);
        if (width < 0) {
          ex[nx] = i;
          ex[nx + 1] = tableAt - width;
          nx += 2;
        }
      }
      if (offset > last) offset = last;
      let store = alwaysStore;
      if (drawStore) {
        // xoshiro128** step {
        x = Math.imul(b, 5);
        x = Math.imul((x << 7) | (x >>> 25), 9);
        t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = (d << 11) | (d >>> 21);
        // } xoshiro128** step
        // As in fillRandomMix: the comparison as the low bit of floor((x - cut) / 2^32).
        store = (Math.floor(((x >>> 0) - writeCut) * 2.3283064365386963e-10) | 0) & 1;
      }
      o[i] = head + offset * 4 + store;
    }
    state[po] = a;
    state[po + 1] = b;
    state[po + 2] = c;
    state[po + 3] = d;
    resolveExcess(po, nx);
  }
}

/**
 * Spread the threads of a task over its sequential regions so they do not walk in lockstep. A
 * trace region's word instead counts the records the CPU has taken from its trace, from 0.
 */
export function initSequentialPositions(s: SimState): void {
  const { plan } = s;
  const table = plan.regionTable;
  for (const task of plan.tasks) {
    task.cpus.forEach((cpu, k) => {
      for (let i = 0; i < task.regions.length; i++) {
        const rb = (task.firstRegion + i) * REGION_WORDS;
        const pages = table[rb + R_PAGES];
        const pattern = table[rb + R_PATTERN];
        // Programs, sequences and traces start at their beginning on every CPU.
        const fromStart =
          pattern === PATTERN_TRACE || pattern === PATTERN_PHASES || pattern === PATTERN_SEQUENCE;
        s.seqPos[cpu * s.layout.maxRegionsPerTask + i] = fromStart
          ? 0
          : Math.floor((k * pages) / task.cpus.length);
      }
    });
  }
}
