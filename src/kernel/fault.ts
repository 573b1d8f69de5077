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
import {
  PG_ACTIVE,
  PG_LRU,
  PG_SWAPBACKED,
  PG_SWAPCACHE,
  PG_WORKINGSET,
  PTE_YOUNG,
  lruOf,
} from '../memory/flags.js';
import { frameNode } from '../memory/frames.js';
import {
  CPU_WORDS,
  C_CLOCK,
  C_HASH_USED,
  NODE_WORDS,
  RING_FAULT,
  W_ANON_PAGES,
  W_FILE_PAGES,
  W_SHMEM_PAGES,
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
  SWAP_RA,
  SWAP_RA_HIT,
  TIERSIM_ALLOC_FAIL,
  TIERSIM_FAULT_NS,
  TIERSIM_FAULT_STALL,
  TIERSIM_READ_MISS,
  NUMA_HINT_FAULTS,
  NUMA_HINT_FAULTS_LOCAL,
  TIERSIM_READAHEAD_PAGES,
} from '../metrics/vmstat.js';
import { markPageAccessed } from './accessed.js';
import { allocUserPage } from './alloc.js';
import { MPOL_INTERLEAVE, policyZonelist } from './mempolicy.js';
import { numaHintFault } from './numa.js';
import { ensurePgtables } from './pgtable.js';
import { DEV_DISK, DEV_SWAP, countRead, readLatencyNs } from './blockdev.js';
import { WINDOW_BACK, freeSwapOf, swapRaHit, swapRaWindow, vmSwapFull } from './swapcache.js';
import { isShmemPage, type RegionPlan } from '../workload/plan.js';
import { ADVICE_NORMAL, adviceOf, mmapReadaroundWindow, readaheadWindow } from './readahead.js';
import { isShadowPte, isSwapCachePte, pteOfSwapCache, swapCacheFrameOf } from '../memory/pte.js';
import type { ReclaimContext } from './vmscan.js';
import { fileFdatasync, fileOfPage, folioMarkDirty } from './writeback.js';
import { REFAULT_ACTIVATE, REFAULT_RESTORE, shadowOfPte, workingsetRefault } from './workingset.js';

/** Knuth's multiplicative hash constant (2^32 / golden ratio). */
const HASH_MULTIPLIER = 0x9e3779b1;

/**
 * Fault-hash slot bits beside the page: a store was seen (for a present page read(): a second
 * mark_page_accessed queued); read ahead into the swap cache, unmapped; a mark_page_accessed
 * queued for this CPU's read() of it.
 */
const HASH_STORE = 1;
const HASH_SWAPCACHE = 2;
/** Page cache (never in the swap cache): a folio_mark_dirty record is queued for this CPU. */
const HASH_DIRTIED = 2;
const HASH_MARKED = 4;
/** Anon pages: read ahead by this CPU's swap-in this epoch, not yet installed by the place step. */
const HASH_READ_AHEAD = 4;
const HASH_SHIFT = 3;

/**
 * The CPU's set of pages it faulted this epoch. Slots hold (page + 1) * 8 + HASH_* bits; returns
 * the slot index holding `page`, or the empty slot where it would go (as -1 - index).
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
    if (slot >>> HASH_SHIFT === key) return i;
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
    const slot = s.faultHash[base + found];
    if ((slot & HASH_SWAPCACHE) !== 0) {
      // Read ahead into the swap cache by this CPU earlier this epoch: a swap-cache hit maps it.
      if (!queueFault(s, cpu, nid, page, kind, 1)) return -1;
      s.faultHash[base + found] = (slot & ~HASH_SWAPCACHE) | store;
      return swapCacheFault(s, cpu, nid, page);
    }
    // Faulted (or read ahead) earlier this epoch: mapped by now. A first store after a load
    // must still reach the page's dirty bit, so it queues one more record; so does the first
    // read() of a page read ahead, for its mark_page_accessed.
    // The local latency, loaded when contention is on (kernel/bandwidth.ts).
    const local = (nid * s.layout.nodes + nid) * 2;
    if (kind === 2 && (slot & HASH_MARKED) === 0) {
      if (!queueFault(s, cpu, nid, page, KIND_MARK, 0)) return -1;
      s.faultHash[base + found] = slot | HASH_MARKED;
      return s.traffic.latency[local];
    }
    if (store === 0 || (slot & HASH_STORE) !== 0) return s.traffic.latency[local];
    if (!queueFault(s, cpu, nid, page, kind, 1)) return -1;
    s.faultHash[base + found] = slot | HASH_STORE;
    return s.traffic.latency[local + 1];
  }
  const slot = base + (-1 - found);
  const file = page < s.plan.filePages;
  const row = nid * NR_COUNTERS;
  if (!file) {
    if (e === 0) {
      if (!queueFault(s, cpu, nid, page, kind, 1)) return -1;
      hashInsert(s, cpu, slot, page, store);
      s.counters[row + PGFAULT]++;
      s.counters[row + TIERSIM_FAULT_NS] += s.params.minorFaultNs;
      return s.params.minorFaultNs;
    }
    if (isSwapCachePte(e)) {
      if (!queueFault(s, cpu, nid, page, kind, 1)) return -1;
      hashInsert(s, cpu, slot, page, store);
      return swapCacheFault(s, cpu, nid, page);
    }
    return swapInFault(s, cpu, nid, page, kind, slot);
  }
  const region = regionOf(s, cpu, page);
  const advice = region === undefined ? ADVICE_NORMAL : adviceOf(region.advice);
  const window =
    (kind & 2) !== 0 ? readaheadWindow(s, cpu, page, advice) : mmapReadaroundWindow(s, cpu, page, advice);
  if (!queueFault(s, cpu, nid, page, kind, window)) return -1;
  hashInsert(s, cpu, slot, page, store);
  // A file page not in the page cache: the CPU waits for the read, which brings in the
  // not-yet-cached pages of the readahead (or read-around) window in one request.
  const start = page - Math.floor(window / WINDOW_BACK);
  const stop = start + (window % WINDOW_BACK);
  let pages = 1;
  for (let q = start; q < stop; q++) {
    if (q === page || s.pte[q] > 0) continue;
    const qs = hashFind(s, cpu, q);
    if (qs >= 0) continue;
    pages++;
    hashInsert(s, cpu, base + (-1 - qs), q, 0);
  }
  const ns = readLatencyNs(s, DEV_DISK, pages);
  countRead(s, nid, DEV_DISK, pages, ns);
  s.counters[row + PGPGIN] += pages * s.params.pageKiB;
  if ((kind & 2) !== 0) {
    s.counters[row + TIERSIM_READ_MISS]++;
    s.counters[row + TIERSIM_READAHEAD_PAGES] += pages - 1;
  } else {
    s.counters[row + PGFAULT]++;
    s.counters[row + PGMAJFAULT]++;
  }
  s.counters[row + TIERSIM_FAULT_NS] += ns;
  return ns;
}

/**
 * A fault on a page in the swap cache (read ahead, not mapped): minor, and a readahead hit for
 * this CPU's window. swap_ra_hit is counted when the place step maps the page (mapSwapCachePage),
 * once per page read ahead, as the kernel counts it on clearing PG_readahead: two CPUs of a task
 * may both fault the page in one epoch.
 */
function swapCacheFault(s: SimState, cpu: number, nid: number, page: number): number {
  const row = nid * NR_COUNTERS;
  swapRaHit(s, cpu, page);
  s.counters[row + PGFAULT]++;
  s.counters[row + TIERSIM_FAULT_NS] += s.params.minorFaultNs;
  return s.params.minorFaultNs;
}

/**
 * A fault on an anonymous page in swap (do_swap_page → swapin_readahead): a major fault that
 * reads the page and the swap entries of its readahead window in one request (pswpin per page).
 * The window's other pages go into the swap cache unmapped; this CPU remembers them for the rest
 * of the epoch so that its next access to one is a swap-cache hit.
 */
function swapInFault(
  s: SimState,
  cpu: number,
  nid: number,
  page: number,
  kind: number,
  slot: number,
): number {
  const region = regionOf(s, cpu, page);
  const first = region === undefined ? page : region.firstPage;
  const end = region === undefined ? page + 1 : region.firstPage + region.pages;
  const window = swapRaWindow(s, cpu, page, first, end);
  if (!queueFault(s, cpu, nid, page, kind, window)) return -1;
  hashInsert(s, cpu, slot, page, kind & 1);
  const start = page - Math.floor(window / WINDOW_BACK);
  const stop = start + (window % WINDOW_BACK);
  const base = cpu * s.layout.faultHashSize;
  let pages = 1;
  for (let q = start; q < stop; q++) {
    if (q === page || !isShadowPte(s.pte[q])) continue;
    const qs = hashFind(s, cpu, q);
    // Read only what this CPU can remember: the place step installs exactly these pages.
    if (qs >= 0 || !hashInsert(s, cpu, base + (-1 - qs), q, HASH_SWAPCACHE | HASH_READ_AHEAD)) continue;
    pages++;
  }
  const row = nid * NR_COUNTERS;
  const ns = readLatencyNs(s, DEV_SWAP, pages);
  countRead(s, nid, DEV_SWAP, pages, ns);
  s.counters[row + PGPGIN] += pages * s.params.pageKiB;
  s.counters[row + PSWPIN] += pages;
  s.counters[row + SWAP_RA] += pages - 1;
  s.counters[row + PGFAULT]++;
  s.counters[row + PGMAJFAULT]++;
  s.counters[row + TIERSIM_FAULT_NS] += ns;
  return ns;
}

/** The region of CPU `cpu`'s task that holds `page` (the VMA of the fault), if any. */
function regionOf(s: SimState, cpu: number, page: number): RegionPlan | undefined {
  const task = s.plan.cpuTask[cpu];
  if (task < 0) return undefined;
  const regions = s.plan.tasks[task].regions;
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (page >= r.firstPage && page < r.firstPage + r.pages) return r;
  }
  return undefined;
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

/**
 * A read() of a present page-cache page whose flags mark_page_accessed would change: queue the
 * call for the place step (kernel/accessed.ts), at most two per CPU and page per epoch (the
 * second activates what the first referenced). Returns the extra nanoseconds (none), or -1 when
 * the fault ring is full. Past the hash's capacity the marks of new pages are dropped.
 */
export function handleReadAccess(s: SimState, cpu: number, nid: number, page: number): number {
  const base = cpu * s.layout.faultHashSize;
  const found = hashFind(s, cpu, page);
  if (found >= 0) {
    const slot = s.faultHash[base + found];
    if ((slot & HASH_STORE) !== 0) return 0;
    if (!queueFault(s, cpu, nid, page, KIND_MARK, 0)) return -1;
    s.faultHash[base + found] = slot | HASH_STORE;
    return 0;
  }
  if (s.cpuWords[cpu * CPU_WORDS + C_HASH_USED] * 2 >= s.layout.faultHashSize) return 0;
  if (!queueFault(s, cpu, nid, page, KIND_MARK, 0)) return -1;
  hashInsert(s, cpu, base + (-1 - found), page, HASH_MARKED);
  return 0;
}

/**
 * A store (write(), or through a shared mapping) to a present page-cache page that is not dirty:
 * queue its folio_mark_dirty for the place step (kernel/writeback.ts), once per CPU and page
 * per epoch while the hash has room. Returns the extra nanoseconds (none), or -1 when the fault
 * ring is full.
 */
export function handleFileDirty(s: SimState, cpu: number, nid: number, page: number): number {
  // A write() followed by fdatasync: every one is queued (the sync leaves the page clean, so
  // the next write() dirties it again), none folded into the epoch's first.
  if (syncedFile(s, page) >= 0) return queueFault(s, cpu, nid, page, KIND_DIRTY, WINDOW_SYNC) ? 0 : -1;
  const base = cpu * s.layout.faultHashSize;
  const found = hashFind(s, cpu, page);
  if (found >= 0) {
    const slot = s.faultHash[base + found];
    if ((slot & HASH_DIRTIED) !== 0) return 0;
    if (!queueFault(s, cpu, nid, page, KIND_DIRTY, 0)) return -1;
    s.faultHash[base + found] = slot | HASH_DIRTIED;
    return 0;
  }
  if (!queueFault(s, cpu, nid, page, KIND_DIRTY, 0)) return -1;
  hashInsert(s, cpu, base + (-1 - found), page, HASH_DIRTIED);
  return 0;
}

/** Remember a page this CPU faulted (or read ahead) this epoch, while the hash is under half full. */
function hashInsert(s: SimState, cpu: number, slot: number, page: number, bits: number): boolean {
  const cw = cpu * CPU_WORDS;
  if (s.cpuWords[cw + C_HASH_USED] * 2 >= s.layout.faultHashSize) return false;
  s.faultHash[slot] = (page + 1) * 8 + bits;
  s.cpuWords[cw + C_HASH_USED]++;
  return true;
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
      if ((word & KIND_DIRTY) === KIND_DIRTY) {
        const e = s.pte[page];
        if (e > 0) folioMarkDirty(s, e - 1, page, cpu);
        if (window === WINDOW_SYNC) fileFdatasync(s, fileOfPage(s, page), cpu);
        continue;
      }
      if ((word & KIND_MARK) === KIND_MARK) {
        markPageAccessed(s, page);
        continue;
      }
      if ((word & KIND_HINT) !== 0) {
        numaHintFault(s, ctx.policies[s.plan.cpuTask[cpu]], ctx.scanSpaces, page, cpu, word & 1);
        continue;
      }
      installPage(s, ctx, page, cpu, word & 3);
      // A write() that faulted its page in, then fdatasync.
      if ((word & 3) === 3) {
        const file = syncedFile(s, page);
        if (file >= 0) fileFdatasync(s, file, cpu);
      }
      // The rest of a readahead window: page-cache pages neither mapped nor accessed, or a
      // swap-in's other swap entries, into the swap cache unmapped.
      const file = page < s.plan.filePages;
      const start = page - Math.floor(window / WINDOW_BACK);
      const stop = start + (window % WINDOW_BACK);
      for (let q = start; q < stop; q++) {
        if (q === page) continue;
        if (file) {
          if (s.pte[q] <= 0) installPage(s, ctx, q, cpu, KIND_READAHEAD);
          continue;
        }
        // The pages the access phase read for this window (and counted in swap_ra), once each.
        const qs = hashFind(s, cpu, q);
        if (qs < 0) continue;
        const h = cpu * s.layout.faultHashSize + qs;
        if ((s.faultHash[h] & HASH_READ_AHEAD) === 0) continue;
        s.faultHash[h] = s.faultHash[h] & ~HASH_READ_AHEAD;
        if (isShadowPte(s.pte[q])) installPage(s, ctx, q, cpu, KIND_READAHEAD);
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
  mapped = true,
): void {
  // Page cache arrives unaccessed; anonymous memory as its first store left it (young, dirty);
  // shmem written through write() (mapped false: a tmpfs file, the initramfs rootfs) unmapped,
  // unaccessed and dirty.
  const file = first < s.plan.filePages;
  const kind = file ? KIND_READAHEAD : mapped ? 1 : KIND_WRITTEN;
  const row = s.machine.cpuNode[cpu] * NR_COUNTERS;
  for (let page = first; page < end; page++) {
    if (s.pte[page] > 0) continue;
    installPage(s, ctx, page, cpu, kind);
    // Touching (or MAP_POPULATE, through GUP) faults each anon page in via handle_mm_fault(),
    // which counts PGFAULT; page cache a loader read() or write() brought in is no fault.
    if (kind === 1) s.counters[row + PGFAULT]++;
  }
}

/** Window word of a KIND_DIRTY record whose write() is followed by fdatasync. */
const WINDOW_SYNC = 1;

/** The file of page-cache page `page` when its write()s are followed by fdatasync, else -1. */
function syncedFile(s: SimState, page: number): number {
  if (page >= s.plan.filePages) return -1;
  const file = fileOfPage(s, page);
  return file >= 0 && s.plan.files[file].sync ? file : -1;
}

/** installPage kind of a page read ahead (or populated): no access to record. */
const KIND_READAHEAD = 8;
/** installPage kind of a shmem page written by write() into a tmpfs file: unmapped, dirty. */
const KIND_WRITTEN = 16;
/** Fault-record kind bit of a NUMA hint fault (the third word is then the frame). */
const KIND_HINT = 4;
/** Fault-record kind of a read()'s mark_page_accessed (hint faults are never syscalls). */
const KIND_MARK = KIND_HINT | 2;
/** Fault-record kind of a store dirtying a present page-cache page (folio_mark_dirty). */
const KIND_DIRTY = KIND_HINT | 3;

function installPage(s: SimState, ctx: ReclaimContext, page: number, cpu: number, kind: number): void {
  const store = kind & 1;
  const e = s.pte[page];
  if (e > 0) {
    // Another record of this epoch brought the page in already.
    if (store !== 0) {
      if (page < s.plan.filePages) folioMarkDirty(s, e - 1, page, cpu);
      else s.frameDirty[e - 1] = 1;
    }
    if (kind === 2) markPageAccessed(s, page);
    else if ((kind & 2) === 0) s.frameYoung[e - 1] |= PTE_YOUNG;
    return;
  }
  if (isSwapCachePte(e)) {
    // Only readahead leaves a page unmapped in the swap cache, so its first mapping is the
    // swap_cache_get_folio() that finds PG_readahead set and clears it: the one SWAP_RA_HIT.
    if (kind !== KIND_READAHEAD) {
      mapSwapCachePage(s, page, swapCacheFrameOf(e), store);
      s.counters[s.machine.cpuNode[cpu] * NR_COUNTERS + SWAP_RA_HIT]++;
    }
    return;
  }
  const cpuNid = s.machine.cpuNode[cpu];
  const policy = ctx.policies[s.plan.cpuTask[cpu]];
  const zonelist = policyZonelist(policy, s.plan, cpuNid, page);
  const inFault = kind !== KIND_READAHEAD && kind !== KIND_WRITTEN && (kind & 2) === 0;
  ctx.stallNs = 0;
  // A fault that maps the page first allocates the page tables its address lacks (pgtable.ts);
  // without them the fault fails (VM_FAULT_OOM) and the page is not mapped.
  const frame =
    inFault && !ensurePgtables(s, ctx, cpu, page, zonelist)
      ? -2
      : allocUserPage(s, ctx, cpuNid, zonelist, policy.mode === MPOL_INTERLEAVE ? zonelist[0] : -1);
  if (ctx.stallNs > 0) {
    s.cpuWords[cpu * CPU_WORDS + C_CLOCK] += ctx.stallNs;
    s.counters[cpuNid * NR_COUNTERS + TIERSIM_FAULT_NS] += ctx.stallNs;
  }
  if (frame < 0) {
    // -2: the page-table allocation failed and counted it.
    if (frame === -1) s.counters[cpuNid * NR_COUNTERS + TIERSIM_ALLOC_FAIL]++;
    return;
  }
  const nid = frameNode(s, frame);
  const file = page < s.plan.filePages;
  let flags = 0;
  if (e < 0) {
    const shadow = shadowOfPte(e);
    if (s.layout.lruGen) {
      flags |= lruGenRefault(s, shadow, file, nid, frame, inFault);
    } else {
      const refault = workingsetRefault(s, shadow, file, nid);
      if ((refault & REFAULT_ACTIVATE) !== 0) flags |= PG_ACTIVE;
      if ((refault & REFAULT_RESTORE) !== 0) flags |= PG_WORKINGSET;
    }
    // Read back from swap: the page keeps its slot in the swap cache (kernel/swapcache.ts).
    if (!file) flags |= PG_SWAPCACHE;
  }
  // folio_add_lru() with MGLRU: a page added in a fault (lru_gen_in_fault) joins the youngest
  // generation; read() and readahead pages are placed by lru_gen_add_folio's other rules.
  if (s.layout.lruGen && inFault) flags |= PG_ACTIVE;
  if (kind === KIND_READAHEAD) {
    // A page read ahead (or populated) is neither mapped nor accessed; from swap, it waits
    // unmapped in the swap cache for its own fault.
    mapPage(s, page, frame, nid, flags, 0, 0, 0);
    if (!file && e < 0) s.pte[page] = pteOfSwapCache(frame);
    return;
  }
  if (kind === KIND_WRITTEN) {
    // shmem_write_end() marks the folio dirty; nothing maps it or marks it accessed.
    mapPage(s, page, frame, nid, flags, 0, 1, 0);
    return;
  }
  // A fault maps the page young. read() maps nothing and marks the new page accessed (its
  // first mark_page_accessed); write() does not mark it.
  if (kind === 2) {
    mapPage(s, page, frame, nid, flags, 0, 0, 0);
    markPageAccessed(s, page);
    return;
  }
  // A new page-cache page written at once is dirtied through folio_mark_dirty (counted).
  const dirty = file ? 0 : store;
  if ((kind & 2) !== 0) mapPage(s, page, frame, nid, flags, 0, dirty, 0);
  else mapPage(s, page, frame, nid, flags, 1, dirty, 0);
  if (file && store !== 0) folioMarkDirty(s, frame, page, cpu);
  if ((flags & PG_SWAPCACHE) !== 0 && (store !== 0 || vmSwapFull(s, nid))) freeSwapOf(s, frame);
}

/**
 * do_swap_page() for a page found in the swap cache: map it young. A write fault, or swap more
 * than half full, drops its slot (should_try_to_free_swap → folio_free_swap).
 */
function mapSwapCachePage(s: SimState, page: number, frame: number, store: number): void {
  s.pte[page] = frame + 1;
  s.frameYoung[frame] |= PTE_YOUNG;
  if (store !== 0) s.frameDirty[frame] = 1;
  if ((s.frameFlags[frame] & PG_SWAPCACHE) !== 0 && (store !== 0 || vmSwapFull(s, frameNode(s, frame)))) {
    freeSwapOf(s, frame);
  }
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
  if (!file && isShmemPage(s.plan, page)) s.nodeWords[nid * NODE_WORDS + W_SHMEM_PAGES]++;
  s.pte[page] = frame + 1;
}
