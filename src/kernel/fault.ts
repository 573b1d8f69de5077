/**
 * Page faults, split across two phases as DESIGN.md's epoch requires:
 *
 * - access phase (parallel, the faulting CPU's node): handleMiss classifies the miss from the
 *   page-table entry, charges its cost to the CPU at once (minor fault, swap-in or file read),
 *   counts it, and queues a fault record. The CPU then treats the page as present for the rest
 *   of the epoch (a per-CPU hash remembers it), as if it had been mapped on its own node.
 * - place phase (serial, coordinator): placeFaults walks every node's records in node order and
 *   record order, allocates as the kernel's allocator would and installs the page. A page
 *   several CPUs faulted in the same epoch is installed once.
 */
import { PG_ACTIVE, PG_LRU, PG_SWAPBACKED, PG_WORKINGSET, PTE_YOUNG, lruOf } from '../memory/flags.js';
import { frameNode } from '../memory/frames.js';
import {
  G_EPOCH,
  CPU_WORDS,
  C_CLOCK,
  C_HASH_USED,
  C_NEXT_SEQUENTIAL,
  C_RA_WINDOW,
  NODE_WORDS,
  RING_FAULT,
  W_ANON_PAGES,
  W_FILE_PAGES,
} from '../memory/layout.js';
import { lruAddHead } from '../memory/lru.js';
import { lruGenAddFolio } from './mglru/lrugen.js';
import { lruGenRefault } from './mglru/workingset.js';
import { ringOf, type SimState } from '../memory/state.js';
import {
  NR_COUNTERS,
  PGFAULT,
  PGMAJFAULT,
  PGPGIN,
  PSWPIN,
  TIERSIM_ALLOC_FAIL,
  TIERSIM_FAULT_NS,
  TIERSIM_FAULT_STALL,
  TIERSIM_READ_MISS,
  NUMA_HINT_FAULTS,
  NUMA_HINT_FAULTS_LOCAL,
  TIERSIM_READAHEAD_PAGES,
} from '../metrics/vmstat.js';
import { accessTag, markAccessed } from './accessed.js';
import { allocUserPage } from './alloc.js';
import { MPOL_INTERLEAVE, policyZonelist } from './mempolicy.js';
import { numaHintFault } from './numa.js';
import { DEV_DISK, DEV_SWAP, countRead, readLatencyNs } from './blockdev.js';
import { swapSlotFreed } from './swap.js';
import type { ReclaimContext } from './vmscan.js';
import {
  REFAULT_ACTIVATE,
  REFAULT_RESTORE,
  shadowNid,
  shadowOfPte,
  workingsetRefault,
} from './workingset.js';

/** Knuth's multiplicative hash constant (2^32 / golden ratio). */
const HASH_MULTIPLIER = 0x9e3779b1;

/**
 * The CPU's set of pages it faulted this epoch. Slots hold (page + 1) * 2 + stored; returns the
 * slot index holding `page`, or the empty slot where it would go (as -1 - index).
 */
function hashFind(s: SimState, cpu: number, page: number): number {
  const size = s.layout.faultHashSize;
  const mask = size - 1;
  const base = cpu * size;
  const key = page + 1;
  let i = (Math.imul(page, HASH_MULTIPLIER) >>> 0) & mask;
  for (;;) {
    const slot = s.faultHash[base + i];
    if (slot === 0) return -1 - i;
    if (slot >>> 1 === key) return i;
    i = (i + 1) & mask;
  }
}

/**
 * A CPU touched a page whose entry `e` is not present (0 = never touched, < 0 = evicted);
 * `kind` is syscall * 2 + store, as in the access batch. Returns the nanoseconds the access
 * costs, or -1 when the node's fault queue is full. A read()/write() that misses the page cache
 * is not a page fault: it reads the page (pgpgin) without counting pgfault/pgmajfault, and
 * sequential misses read ahead (see readaheadWindow).
 */
export function handleMiss(
  s: SimState,
  cpu: number,
  nid: number,
  page: number,
  kind: number,
  e: number,
): number {
  const store = kind & 1;
  const size = s.layout.faultHashSize;
  const base = cpu * size;
  const found = hashFind(s, cpu, page);
  if (found >= 0) {
    // Faulted (or read ahead) earlier this epoch: mapped by now. A first store after a load
    // must still reach the page's dirty bit, so it queues one more record.
    const slot = s.faultHash[base + found];
    // The local latency, loaded when contention is on (kernel/bandwidth.ts).
    const local = (nid * s.layout.nodes + nid) * 2;
    if (store === 0 || (slot & 1) === 1) return s.traffic.latency[local];
    if (!queueFault(s, cpu, nid, page, kind, 1)) return -1;
    s.faultHash[base + found] = slot | 1;
    return s.traffic.latency[local + 1];
  }
  const file = page < s.plan.filePages;
  const window = file && (kind & 2) !== 0 ? readaheadWindow(s, cpu, page) : 1;
  if (!queueFault(s, cpu, nid, page, kind, window)) return -1;
  hashInsert(s, cpu, base + (-1 - found), page, store);
  const row = nid * NR_COUNTERS;
  if (!file && e === 0) {
    s.counters[row + PGFAULT]++;
    s.counters[row + TIERSIM_FAULT_NS] += s.params.minorFaultNs;
    return s.params.minorFaultNs;
  }
  // A file page not in the page cache, or an anon page in swap: the CPU waits for the read,
  // which brings in the not-yet-cached pages of the readahead window in one request.
  let pages = 1;
  for (let q = page + 1; q < page + window; q++) {
    if (s.pte[q] > 0) continue;
    pages++;
    const slot = hashFind(s, cpu, q);
    if (slot < 0) hashInsert(s, cpu, base + (-1 - slot), q, 0);
  }
  const dev = file ? DEV_DISK : DEV_SWAP;
  const ns = readLatencyNs(s, dev, pages);
  countRead(s, nid, dev, pages, ns);
  s.counters[row + PGPGIN] += pages * s.params.pageKiB;
  if ((kind & 2) !== 0) {
    s.counters[row + TIERSIM_READ_MISS]++;
    s.counters[row + TIERSIM_READAHEAD_PAGES] += pages - 1;
  } else {
    s.counters[row + PGFAULT]++;
    s.counters[row + PGMAJFAULT]++;
    if (!file) s.counters[row + PSWPIN]++;
  }
  s.counters[row + TIERSIM_FAULT_NS] += ns;
  return ns;
}

/**
 * A mapped access found its page armed PROT_NONE by the NUMA scanner: a hint fault. The access
 * phase only charges and queues it (the coordinator restores the PTE and decides on migration
 * in the place step); the CPU's later accesses to the page this epoch are ordinary accesses.
 * Returns the extra nanoseconds, or -1 when the fault ring is full.
 */
export function handleHintFault(
  s: SimState,
  cpu: number,
  nid: number,
  frame: number,
  page: number,
  store: number,
  memNid: number,
): number {
  const base = cpu * s.layout.faultHashSize;
  const found = hashFind(s, cpu, page);
  if (found >= 0) return 0;
  if (!queueFault(s, cpu, nid, page, KIND_HINT | store, frame)) return -1;
  hashInsert(s, cpu, base + (-1 - found), page, store);
  const row = nid * NR_COUNTERS;
  // A hint fault is a page fault: handle_mm_fault() counts PGFAULT before do_numa_page() runs.
  s.counters[row + PGFAULT]++;
  s.counters[row + NUMA_HINT_FAULTS]++;
  if (memNid === nid) s.counters[row + NUMA_HINT_FAULTS_LOCAL]++;
  s.counters[row + TIERSIM_FAULT_NS] += s.params.numa.hintFaultNs;
  return s.params.numa.hintFaultNs;
}

/** Remember a page this CPU faulted (or read ahead) this epoch, while the hash is under half full. */
function hashInsert(s: SimState, cpu: number, slot: number, page: number, store: number): void {
  const cw = cpu * CPU_WORDS;
  if (s.cpuWords[cw + C_HASH_USED] * 2 >= s.layout.faultHashSize) return;
  s.faultHash[slot] = (page + 1) * 2 + store;
  s.cpuWords[cw + C_HASH_USED]++;
}

/**
 * Readahead of read() misses (ondemand readahead, simplified per CPU stream): a miss right after
 * the previous window of this CPU is sequential and reads a window that starts at 4 pages and
 * doubles up to read_ahead_kb; any other miss reads just its page and resets the window. The
 * window stops at the end of the file. Returns the window length in pages (≥ 1).
 */
function readaheadWindow(s: SimState, cpu: number, page: number): number {
  const cw = cpu * CPU_WORDS;
  const max = s.params.readAheadPages;
  let window = 0;
  if (max > 1 && page === s.cpuWords[cw + C_NEXT_SEQUENTIAL]) {
    window = Math.min(max, Math.max(4, s.cpuWords[cw + C_RA_WINDOW] * 2));
  }
  s.cpuWords[cw + C_RA_WINDOW] = window;
  let length = window > 1 ? window : 1;
  const fileEnd = fileEndOf(s, page);
  if (page + length > fileEnd) length = fileEnd - page;
  s.cpuWords[cw + C_NEXT_SEQUENTIAL] = page + length;
  return length;
}

function fileEndOf(s: SimState, page: number): number {
  const files = s.plan.files;
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (page < f.firstPage + f.pages) return f.firstPage + f.pages;
  }
  return page + 1;
}

function queueFault(
  s: SimState,
  cpu: number,
  nid: number,
  page: number,
  kind: number,
  window: number,
): boolean {
  const ring = ringOf(s, nid, RING_FAULT);
  const r = ring.size() < s.layout.faultMax ? ring.reserve() : -1;
  if (r < 0) {
    s.counters[nid * NR_COUNTERS + TIERSIM_FAULT_STALL]++;
    return false;
  }
  ring.words[r] = page;
  ring.words[r + 1] = cpu * 8 + kind;
  ring.words[r + 2] = window;
  // Publish the record to the coordinator (its words are written).
  ring.commit();
  return true;
}

/** Place phase (coordinator): install every queued fault, node by node, in queue order. */
export function placeFaults(s: SimState, ctx: ReclaimContext): void {
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    const ring = ringOf(s, nid, RING_FAULT);
    for (let r = ring.peek(); r >= 0; r = ring.peek()) {
      const page = ring.words[r];
      const word = ring.words[r + 1];
      const window = ring.words[r + 2];
      ring.release();
      const cpu = word >>> 3;
      if ((word & KIND_HINT) !== 0) {
        numaHintFault(s, ctx.policies[s.plan.cpuTask[cpu]], ctx.scanSpaces, page, cpu, word & 1);
        continue;
      }
      installPage(s, ctx, page, cpu, word & 3);
      // The rest of a readahead window: plain page-cache pages, neither mapped nor accessed.
      for (let q = page + 1; q < page + window; q++) {
        if (s.pte[q] <= 0) installPage(s, ctx, q, cpu, KIND_READAHEAD);
      }
    }
  }
}

/**
 * Read pages [first, end) into the page cache as a loader would (allocated for CPU `cpu`, in
 * order, not accessed), e.g. a database after `pgbench -i`. Coordinator only.
 */
export function populatePages(
  s: SimState,
  ctx: ReclaimContext,
  first: number,
  end: number,
  cpu: number,
): void {
  // Page cache arrives unaccessed; anonymous memory as its first store left it (young, dirty).
  const file = first < s.plan.filePages;
  const kind = file ? KIND_READAHEAD : 1;
  const row = s.machine.cpuNode[cpu] * NR_COUNTERS;
  for (let page = first; page < end; page++) {
    if (s.pte[page] > 0) continue;
    installPage(s, ctx, page, cpu, kind);
    // Touching (or MAP_POPULATE, through GUP) faults each anon page in via handle_mm_fault(),
    // which counts PGFAULT; page cache a loader read() in is no fault.
    if (!file) s.counters[row + PGFAULT]++;
  }
}

/** installPage kind of a page read ahead (or populated): no access to record. */
const KIND_READAHEAD = 8;
/** Fault-record kind bit of a NUMA hint fault (the third word is then the frame). */
const KIND_HINT = 4;

function installPage(s: SimState, ctx: ReclaimContext, page: number, cpu: number, kind: number): void {
  const store = kind & 1;
  const e = s.pte[page];
  if (e > 0) {
    // Another record of this epoch brought the page in already.
    if (store !== 0) s.frameDirty[e - 1] = 1;
    if ((kind & 2) !== 0) markAccessed(s.frameAccessed, e - 1, accessTag(s.globalWords[G_EPOCH]));
    else s.frameYoung[e - 1] |= PTE_YOUNG;
    return;
  }
  const cpuNid = s.machine.cpuNode[cpu];
  const policy = ctx.policies[s.plan.cpuTask[cpu]];
  const zonelist = policyZonelist(policy, s.plan, cpuNid, page);
  ctx.stallNs = 0;
  const frame = allocUserPage(s, ctx, cpuNid, zonelist, policy.mode === MPOL_INTERLEAVE ? zonelist[0] : -1);
  if (ctx.stallNs > 0) {
    s.cpuWords[cpu * CPU_WORDS + C_CLOCK] += ctx.stallNs;
    s.counters[cpuNid * NR_COUNTERS + TIERSIM_FAULT_NS] += ctx.stallNs;
  }
  if (frame < 0) {
    s.counters[cpuNid * NR_COUNTERS + TIERSIM_ALLOC_FAIL]++;
    return;
  }
  const nid = frameNode(s, frame);
  const file = page < s.plan.filePages;
  let flags = 0;
  const inFault = kind !== KIND_READAHEAD && (kind & 2) === 0;
  if (e < 0) {
    const shadow = shadowOfPte(e);
    if (!file) swapSlotFreed(s, shadowNid(shadow));
    if (s.layout.lruGen) {
      flags |= lruGenRefault(s, shadow, file, nid, frame, inFault);
    } else {
      const refault = workingsetRefault(s, shadow, file, nid);
      if ((refault & REFAULT_ACTIVATE) !== 0) flags |= PG_ACTIVE;
      if ((refault & REFAULT_RESTORE) !== 0) flags |= PG_WORKINGSET;
    }
  }
  // folio_add_lru() with MGLRU: a page added in a fault (lru_gen_in_fault) joins the youngest
  // generation; read() and readahead pages are placed by lru_gen_add_folio's other rules.
  if (s.layout.lruGen && inFault) flags |= PG_ACTIVE;
  // A fault maps the page young; read() maps nothing and marks the new page accessed once;
  // a page read ahead is neither.
  if (kind === KIND_READAHEAD) mapPage(s, page, frame, nid, flags, 0, 0, 0);
  else if ((kind & 2) !== 0) mapPage(s, page, frame, nid, flags, 0, store, accessTag(s.globalWords[G_EPOCH]));
  else mapPage(s, page, frame, nid, flags, 1, store, 0);
}

/**
 * Put `page` into the free `frame` of node `nid` (taken by the caller) with the given extra
 * flags (PG_ACTIVE, PG_WORKINGSET, PG_REFERENCED), on the head of its LRU list.
 */
export function mapPage(
  s: SimState,
  page: number,
  frame: number,
  nid: number,
  extraFlags: number,
  young: number,
  dirty: number,
  accessedMark: number,
): void {
  const file = page < s.plan.filePages;
  const flags = extraFlags | (file ? 0 : PG_SWAPBACKED);
  s.framePage[frame] = page;
  s.frameFlags[frame] = flags | PG_LRU;
  s.frameYoung[frame] = young;
  s.frameDirty[frame] = dirty;
  s.frameAccessed[frame] = accessedMark;
  if (s.layout.lruGen) lruGenAddFolio(s, nid, frame, false);
  else lruAddHead(s, nid, lruOf(flags), frame);
  s.nodeWords[nid * NODE_WORDS + (file ? W_FILE_PAGES : W_ANON_PAGES)]++;
  s.pte[page] = frame + 1;
}
