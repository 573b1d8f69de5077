/**
 * The access phase's hot loop: each simulated CPU consumes its access stream until its clock
 * reaches the end of the epoch. A present page costs the CPU-to-memory latency of its node (a
 * table lookup, no branch on the tier) and gets its PTE young (and, for a store, dirty) byte set
 * with a plain store: bytes never tear, so several nodes' CPUs may set them at once without
 * Atomics. A read()/write() of a page-cache page sets no PTE bit; a read() whose
 * mark_page_accessed would change the page's flags is handled out of line (kernel/accessed.ts),
 * as is a store that dirties a clean page-cache page (kernel/writeback.ts) and anything not
 * present (a fault).
 *
 * V8 embeds typed arrays as constants only in a function that is the single closure of its
 * literal; `makeAccessRunner` is therefore called once per SimState and its closure reused for
 * every epoch (measured in ../shared/reference/node20-performance.md §2d).
 */
import { PG_ACTIVE, PG_REFERENCED } from '../memory/flags.js';
import {
  BATCH_LEN,
  CPU_WORDS,
  C_ACCESSES,
  C_CLOCK,
  C_CURSOR,
  C_FILL,
  C_HASH_USED,
} from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import { fillIdleLatency } from '../memory/traffic.js';
import { NR_COUNTERS, TIERSIM_ACCESSES, TIERSIM_MEMORY_NS } from '../metrics/vmstat.js';
import { handleFileDirty, handleHintFault, handleMiss, handleReadAccess } from '../kernel/fault.js';
import { makeBatchFiller } from '../workload/generate.js';

export type AccessRunner = (cpu: number, endNs: number) => void;

/** Words of the runner's private `io` array: the CPU's clock, the epoch end, the memory time. */
const IO_CLOCK = 0;
const IO_END = 1;
const IO_MEMORY_NS = 2;
const IO_WORDS = 3;

/** Latency table [cpu node][memory node][store], ns. */
export function latencyTable(s: SimState): Float64Array {
  const n = s.layout.nodes;
  // Backed by its own buffer of at least 128 bytes: V8 keeps smaller typed arrays on its heap,
  // where every access goes through extra loads (measured in bench/).
  const table = new Float64Array(new ArrayBuffer(Math.max(128, n * n * 2 * 8)), 0, n * n * 2);
  fillIdleLatency(table, s.machine);
  return table;
}

export function makeAccessRunner(s: SimState): AccessRunner {
  const pte = s.pte;
  const young = s.frameYoung;
  const dirty = s.frameDirty;
  const flags = s.frameFlags;
  // Flags of a page a read() leaves as it is: mark_page_accessed has nothing left to do. With
  // MGLRU every read() counts (folio_inc_refs), so none (a byte never has bit 8).
  const marked = s.layout.lruGen ? 0x100 : PG_ACTIVE | PG_REFERENCED;
  const chunkNode = s.chunkNode;
  const shift = s.layout.frameShift;
  const batch = s.batch;
  const cpuWords = s.cpuWords;
  const accessMatrix = s.accessMatrix;
  const storeMatrix = s.storeMatrix;
  // With contention on, the coordinator sets the next epoch's loaded latencies in the shared
  // table (kernel/bandwidth.ts); each call of runCpu copies them into the private one.
  const loadedLatency = s.machine.contention.enabled ? s.traffic.latency : undefined;
  const counters = s.counters;
  const latency = latencyTable(s);
  // Without contention: the idle table, and the 1 / mlp the private table is scaled by now.
  const idleLatency = latencyTable(s);
  let tableStall = 1;
  const nodes = s.layout.nodes;
  const cpuNode = Int32Array.from(s.machine.cpuNode);
  const cpuTask = Int32Array.from(s.plan.cpuTask);
  const cpuPerAccess = Float64Array.from(s.plan.tasks, (t) => t.cpuPerAccessNs);
  // Memory-level parallelism: with `mlp` misses in flight a CPU waits latency / mlp per access.
  // runCpu folds 1 / mlp into its private latency table (left as it is at mlp 1), so the loop
  // charges table entries as before and the memory time is scaled back by mlp for the gauge.
  const memStall = Float64Array.from(s.plan.tasks, (t) => 1 / t.mlp);
  const taskMlp = Float64Array.from(s.plan.tasks, (t) => t.mlp);
  // A read() also moves the task's read_copy: its lines beyond the first cost a (scaled) latency
  // each and are counted in the copy matrix. 0 for one-line reads: adding 0 changes nothing.
  const copyLines = Float64Array.from(s.plan.tasks, (t) => t.readCopyLines - 1);
  const copies = s.traffic.copies;
  const faultHash = s.faultHash;
  const hashSize = s.layout.faultHashSize;
  const fillBatch = makeBatchFiller(s);
  // Without NUMA balancing no page is ever armed: store the young bit without loading it first
  // (a load that misses the cache stalls the loop; a store does not).
  const hinting = s.params.numa.mode !== 0;
  // Page ids below this are page cache: a store to one that is not dirty is folio_mark_dirty,
  // which the place step applies (kernel/writeback.ts), so this loop never sets their byte.
  const filePages = s.plan.filePages;

  // The doubles that cross the call into the batch loop: as arguments or a return value they
  // would be boxed (allocated) whenever the call is not inlined. Its own 128-byte buffer keeps
  // it off V8's heap, like the latency table.
  const io = new Float64Array(new ArrayBuffer(128), 0, IO_WORDS);
  // consume()'s accesses per [memory node][store] of the batch, added to the matrices at its
  // end: an Int32 increment per access instead of two Float64 read-modify-writes.
  const nodeCounts = new Int32Array(new ArrayBuffer(Math.max(128, nodes * 2 * 4)), 0, nodes * 2);

  /**
   * Consume the CPU's batch from `cursor` until the batch or the epoch ends, or until an access
   * this loop does not handle: a page that is not present, (with NUMA balancing) one armed for a
   * hint fault, or a read() that mark_page_accessed must see; returns the cursor reached (that access not consumed). Clock and memory
   * time travel in `io`.
   *
   * The hot loop lives here, not in runCpu: runCpu runs once per epoch, one long loop, so after
   * a deopt V8 re-enters that loop through on-stack replacement on every call and seldom
   * re-optimizes runCpu itself; OSR code gets no function-context specialization, so no
   * constant typed arrays. About one process in two then ran the loop at 25-30 ns per access
   * instead of 13-14 (bench/access.bench.ts, uniform-1M). Called once per batch, this function
   * gets regular optimized code.
   *
   * It makes no calls: with the fault handlers called from inside the loop, TurboFan kept every
   * value live across those calls in stack slots and stored them on every access (144 machine
   * instructions per present access, 8 of them stack stores; without the calls 75, none). At
   * 16 M pages each access misses the cache, and how many misses overlap is bounded by how many
   * accesses fit in the CPU's out-of-order window, so the per-access cost grows with the
   * instruction count even though the instructions themselves are cheap (bench/README.md).
   */
  function consume(cpu: number, nid: number, task: number, cursor: number, fill: number): number {
    const endNs = io[IO_END];
    const cpuNs = cpuPerAccess[task];
    const readLines = copyLines[task];
    const latRow = nid * nodes * 2;
    const matrixRow = nid * nodes;
    const batchBase = cpu * BATCH_LEN;
    const counts = nodeCounts;
    // Int32 locals and `| 0` on every index sum: as parameters (tagged) the cursor and fill were
    // untagged and checked on every access, and each unmarked sum carried an overflow check.
    const end = fill | 0;
    let i = cursor | 0;
    let clock = io[IO_CLOCK];
    let memoryNs = io[IO_MEMORY_NS];
    for (; i < end && clock < endNs; i = (i + 1) | 0) {
      const v = batch[(batchBase + i) | 0];
      const page = v >>> 2;
      const e = pte[page];
      // Not present: a fault, charged by slowAccess.
      if (e <= 0) break;
      const frame = (e - 1) | 0;
      const store = v & 1;
      // A store to clean (or under writeback) page cache dirties it: slowAccess queues that.
      if (store !== 0 && page < filePages && dirty[frame] !== 1) break;
      if ((v & 2) === 0) {
        // Armed by the NUMA scanner (PROT_NONE): a hint fault, charged by slowAccess.
        if (hinting && young[frame] >= 2) break;
        young[frame] = 1;
      } else if (store === 0) {
        // read() of a page mark_page_accessed would still change (not referenced, or not
        // active): slowAccess queues the call (kernel/accessed.ts). write() marks nothing.
        if ((flags[frame] & marked) !== marked) break;
        const from = chunkNode[frame >>> shift];
        clock += latency[(latRow + from * 2) | 0] * readLines;
        copies[(matrixRow + from) | 0] += readLines;
      }
      // [memory node][store]: the latency table's column and this loop's access count.
      const k = (chunkNode[frame >>> shift] * 2 + store) | 0;
      const ns = latency[(latRow + k) | 0];
      clock += cpuNs + ns;
      memoryNs += ns;
      if (store !== 0) dirty[frame] = 1;
      counts[k]++;
    }
    io[IO_CLOCK] = clock;
    io[IO_MEMORY_NS] = memoryNs;
    // The counts into the access and store matrices: integers, so the sums are exact and the
    // matrices hold what one increment per access gave.
    for (let m = 0; m < nodes; m++) {
      const loads = counts[m * 2];
      const stores = counts[m * 2 + 1];
      if (loads + stores === 0) continue;
      accessMatrix[matrixRow + m] += loads + stores;
      storeMatrix[matrixRow + m] += stores;
      counts[m * 2] = 0;
      counts[m * 2 + 1] = 0;
    }
    return i;
  }

  /**
   * The access at `cursor` that consume() stopped at: a fault on a page that is not present, a
   * hint fault on an armed one, or a read() to mark accessed. Charged exactly as the loop would have charged it. Returns 1
   * when the access was consumed, 0 when the fault queue is full (the CPU then waits out the
   * epoch: the clock in `io` is moved to its end, and the access is retried next epoch).
   */
  function slowAccess(cpu: number, nid: number, task: number, cursor: number): number {
    const endNs = io[IO_END];
    let clock = io[IO_CLOCK];
    const v = batch[cpu * BATCH_LEN + cursor];
    const page = v >>> 2;
    const store = v & 1;
    const e = pte[page];
    let done = 1;
    if (e > 0) {
      const frame = e - 1;
      const memNid = chunkNode[frame >>> shift];
      const ns = latency[nid * nodes * 2 + memNid * 2 + store];
      clock += cpuPerAccess[task] + ns;
      io[IO_MEMORY_NS] += ns;
      let extra = 0;
      if ((v & 2) === 0) {
        if (hinting && young[frame] >= 2) extra = handleHintFault(s, cpu, nid, frame, page, store, memNid);
        else young[frame] = 1;
      } else if (store === 0) {
        extra = handleReadAccess(s, cpu, nid, page);
      }
      if (extra >= 0 && store !== 0 && page < filePages && dirty[frame] !== 1) {
        if (handleFileDirty(s, cpu, nid, page) < 0) extra = -1;
      }
      if (extra < 0) {
        clock = clock < endNs ? endNs : clock;
        done = 0;
      } else {
        clock += extra;
        if ((v & 3) === 2) {
          // A read()'s copy, as consume() charges it.
          clock += ns * copyLines[task];
          copies[nid * nodes + memNid] += copyLines[task];
        }
        if (store !== 0 && page >= filePages) dirty[frame] = 1;
        accessMatrix[nid * nodes + memNid]++;
        storeMatrix[nid * nodes + memNid] += store;
      }
    } else {
      const ns = handleMiss(s, cpu, nid, page, v & 3, e);
      if (ns < 0) {
        // This node's fault queue is full: the CPU waits out the epoch and retries the access.
        clock = clock < endNs ? endNs : clock;
        done = 0;
      } else {
        clock += cpuPerAccess[task] + ns;
      }
    }
    io[IO_CLOCK] = clock;
    return done;
  }

  /** consume() and slowAccess() in turn until the batch or the epoch ends; returns the cursor. */
  function runBatch(cpu: number, nid: number, task: number, cursor: number, fill: number): number {
    const endNs = io[IO_END];
    while (cursor < fill) {
      cursor = consume(cpu, nid, task, cursor, fill);
      if (cursor >= fill || io[IO_CLOCK] >= endNs) break;
      const done = slowAccess(cpu, nid, task, cursor);
      if (done === 0) break;
      cursor++;
    }
    return cursor;
  }
  // An empty first call gives the statements after the loop type feedback before the loop can be
  // OSR-compiled; OSR code compiled without it deopts at the end of every call (reference §2d).
  consume(0, 0, 0, 0, 0);
  runBatch(0, 0, 0, 0, 0);

  return function runCpu(cpu: number, endNs: number): void {
    const cw = cpu * CPU_WORDS;
    let clock = cpuWords[cw + C_CLOCK];
    const task = cpuTask[cpu];
    if (task < 0) {
      if (clock < endNs) cpuWords[cw + C_CLOCK] = endNs;
      return;
    }
    if (cpuWords[cw + C_HASH_USED] > 0) {
      faultHash.fill(0, cpu * hashSize, (cpu + 1) * hashSize);
      cpuWords[cw + C_HASH_USED] = 0;
    }
    const nid = cpuNode[cpu];
    const stall = memStall[task];
    if (loadedLatency !== undefined) {
      latency.set(loadedLatency);
      if (stall !== 1) for (let i = 0; i < latency.length; i++) latency[i] *= stall;
    } else if (stall !== tableStall) {
      for (let i = 0; i < latency.length; i++) latency[i] = idleLatency[i] * stall;
      tableStall = stall;
    }
    // Integers, not the doubles the Float64 words hold: they index the batch on every access.
    let cursor = cpuWords[cw + C_CURSOR] | 0;
    let fill = cpuWords[cw + C_FILL] | 0;
    let accesses = 0;
    io[IO_END] = endNs;
    io[IO_MEMORY_NS] = 0;
    while (clock < endNs) {
      if (cursor >= fill) {
        // The filler reads the CPU's clock (a timed `phases` step ends by simulated time).
        cpuWords[cw + C_CLOCK] = clock;
        fill = fillBatch(cpu);
        cursor = 0;
        if (fill === 0) {
          // Nothing left to do (a trace that ended, loop: false): the CPU idles to the epoch end.
          clock = endNs;
          break;
        }
      }
      io[IO_CLOCK] = clock;
      const reached = runBatch(cpu, nid, task, cursor, fill);
      accesses += reached - cursor;
      cursor = reached;
      clock = io[IO_CLOCK];
    }
    cpuWords[cw + C_CLOCK] = clock;
    cpuWords[cw + C_CURSOR] = cursor;
    cpuWords[cw + C_FILL] = fill;
    cpuWords[cw + C_ACCESSES] += accesses;
    const row = nid * NR_COUNTERS;
    counters[row + TIERSIM_ACCESSES] += accesses;
    counters[row + TIERSIM_MEMORY_NS] += io[IO_MEMORY_NS] * taskMlp[task];
  };
}
