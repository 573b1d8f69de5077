/**
 * Dirty page cache and its writeback (mm/page-writeback.c, fs/fs-writeback.c): how a page-cache
 * page becomes dirty, the flusher that writes it back, and the throttling of tasks that dirty
 * pages faster than the disk takes them.
 *
 * - A store to a clean page-cache page (write(), or a store through a shared mapping, which the
 *   kernel write-protects until page_mkwrite) is folio_mark_dirty(): the access phase queues it
 *   and the place step applies it here (folioMarkDirty), so the dirty counts and the inode's
 *   dirtied_when do not depend on which thread ran which CPU.
 * - A frame's dirty byte is FRAME_CLEAN, FRAME_DIRTY (PG_dirty) or FRAME_WRITEBACK
 *   (PG_writeback). Each write issued goes on the queue of the node owning the frame, with its
 *   completion time from the block device model (kernel/blockdev.ts: latency, transfer, queueing
 *   at the previous epoch's load); at the end of the epoch it completes in, the page is clean
 *   (folio_end_writeback: nr_written, and a PG_reclaim page rotates to the inactive tail).
 * - The flusher (wb_workfn → wb_do_writeback) runs in the coordinator's end step: work asked by
 *   reclaim (wb_check_start_all), periodic kupdate writeback of inodes dirty for longer than
 *   dirty_expire_centisecs every dirty_writeback_centisecs (wb_check_old_data_flush), and
 *   background writeback while NR_FILE_DIRTY is above the background threshold
 *   (wb_check_background_flush). Inodes are written oldest dirtied_when first, each from its
 *   writeback_index onwards (range_cyclic), at most what the disk transfers in an epoch.
 * - balance_dirty_pages(): in the place step, each CPU's thread that has dirtied its
 *   nr_dirtied_pause pages is checked; above the freerun ceiling (background + limit) / 2 it is
 *   paused for the pages it dirtied at its task ratelimit, the kernel's pos_ratio curve applied
 *   to a balanced rate of the disk's write bandwidth shared by the dirtying CPUs.
 *
 * Everything here runs in serial coordinator steps except startWriteback from a node's own
 * reclaim (kswapd's pageout), which touches only that node's frame, words and queue.
 */
import {
  FRAME_DIRTY,
  FRAME_WRITEBACK,
  LRU_INACTIVE_FILE,
  PG_ACTIVE,
  PG_ISOLATED,
  PG_LRU,
  PG_RECLAIM,
  lruOf,
} from '../memory/flags.js';
import { frameNode } from '../memory/frames.js';
import {
  CPU_WORDS,
  C_CLOCK,
  C_DIRTIED_PAUSE,
  C_NR_DIRTIED,
  FILE_WORDS,
  G_NOW_NS,
  G_WB_KUPDATE,
  G_WB_LAST_OLD_FLUSH_NS,
  G_WB_START_ALL_PAGES,
  I_CLEAN_RUN,
  I_DIRTIED_WHEN_NS,
  I_DIRTY,
  I_SYNC_HI,
  I_SYNC_LO,
  I_WB_INDEX,
  NODE_WORDS,
  W_FILE_DIRTY,
  W_FILE_PAGES,
  W_FREE,
  W_ISOLATED_FILE,
  W_WAKE_FLUSHER,
  W_WB_HEAD,
  W_WB_SIZE,
  W_WRITEBACK,
  WB_DONE_NS,
  WB_FRAME,
  WB_PAGE,
  WB_RECORD_WORDS,
} from '../memory/layout.js';
import { lruAddTail, lruDel } from '../memory/lru.js';
import type { DirtyParams, SimState } from '../memory/state.js';
import {
  NR_COUNTERS,
  NR_DIRTIED,
  NR_DIRTY_BACKGROUND_THRESHOLD,
  NR_DIRTY_THRESHOLD,
  NR_WRITTEN,
  PGPGOUT,
  PGROTATED,
  TIERSIM_DIRTY_THROTTLE_NS,
} from '../metrics/vmstat.js';
import { DEV_DISK, countWrite, writeLatencyNs } from './blockdev.js';
import { lruGenAddFolio, lruGenDelFolio } from './mglru/lrugen.js';

/** MAX_PAUSE: the longest balance_dirty_pages() sleep, HZ/5. */
export const MAX_PAUSE_NS = 200_000_000;
/** DIRTY_POLL_THRESH (128 KiB of 4 KiB pages): also a new task's first nr_dirtied_pause. */
export const DIRTY_POLL_THRESH = 32;
/** RATELIMIT_CALC_SHIFT: pos_ratio is a fixed-point fraction of 1 << 10. */
const RATELIMIT_CALC_SHIFT = 10;
const RATELIMIT_ONE = 1 << RATELIMIT_CALC_SHIFT;
/** BIO_MAX_VECS: the most pages one write request of contiguous pages carries. */
const WB_REQUEST_PAGES = 256;
/** Pages the flusher examines per epoch, per page it may write (bounds its scan of clean pages). */
const WB_SCAN_FACTOR = 64;

// ---------------------------------------------------------------------------------------------
// Thresholds (global_dirtyable_memory, domain_dirty_limits)
// ---------------------------------------------------------------------------------------------

/**
 * global_dirtyable_memory(): free pages less totalreserve_pages, plus the file LRU pages (every
 * page-cache page not isolated), plus 1 so that it is never 0.
 */
export function globalDirtyableMemory(s: SimState): number {
  let free = 0;
  let file = 0;
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    const w = nid * NODE_WORDS;
    free += s.nodeWords[w + W_FREE];
    file += s.nodeWords[w + W_FILE_PAGES] - s.nodeWords[w + W_ISOLATED_FILE];
  }
  free -= Math.min(free, s.params.dirty.totalreservePages);
  return free + file + 1;
}

/**
 * domain_dirty_limits() for the global domain: the dirty limit (thresh) of `avail` dirtyable
 * pages. The ratios are first made per-PAGE_SIZE fractions (ratio * PAGE_SIZE / 100), as the
 * kernel does for precision; dirty_bytes, when set, wins over dirty_ratio.
 */
export function dirtyThresh(p: DirtyParams, avail: number, pageSize: number): number {
  const thresh =
    p.bytes > 0
      ? Math.ceil(p.bytes / pageSize)
      : Math.floor((Math.floor((p.ratio * pageSize) / 100) * avail) / pageSize);
  return Math.min(thresh, 0xffffffff);
}

/** domain_dirty_limits(): the background threshold, at most half the dirty limit. */
export function backgroundThresh(p: DirtyParams, avail: number, pageSize: number, thresh: number): number {
  const bg =
    p.backgroundBytes > 0
      ? Math.ceil(p.backgroundBytes / pageSize)
      : Math.floor((Math.floor((p.backgroundRatio * pageSize) / 100) * avail) / pageSize);
  return bg >= thresh ? Math.floor(thresh / 2) : bg;
}

/** dirty_freerun_ceiling(): below this many dirty + writeback pages no task is throttled. */
export function freerunCeiling(thresh: number, bg: number): number {
  return Math.floor((thresh + bg) / 2);
}

/** dirty_poll_interval(): pages a task may dirty before balance_dirty_pages() looks again. */
export function dirtyPollInterval(dirty: number, thresh: number): number {
  if (thresh > dirty) return 2 ** (Math.floor(Math.log2(thresh - dirty)) >> 1);
  return 1;
}

/**
 * pos_ratio_polynom(): 1 + ((setpoint - dirty) / (limit - setpoint))^3 in 1/1024 units,
 * clamped to [0, 2]; integer steps as the kernel's (truncating division, arithmetic shifts).
 */
export function posRatioPolynom(setpoint: number, dirty: number, limit: number): number {
  const x = Math.trunc(((setpoint - dirty) * RATELIMIT_ONE) / ((limit - setpoint) | 1));
  let pos = x;
  pos = Math.floor((pos * x) / RATELIMIT_ONE);
  pos = Math.floor((pos * x) / RATELIMIT_ONE);
  pos += RATELIMIT_ONE;
  return Math.min(Math.max(pos, 0), 2 * RATELIMIT_ONE);
}

/** Pages the disk writes in one epoch at its bandwidth: the flusher's budget per epoch. */
export function flusherPagesPerEpoch(epochNs: number, writeBps: number, pageSize: number): number {
  return Math.max(1, Math.floor((epochNs * 1e-9 * writeBps) / pageSize));
}

function totalWord(s: SimState, word: number): number {
  let n = 0;
  for (let nid = 0; nid < s.layout.nodes; nid++) n += s.nodeWords[nid * NODE_WORDS + word];
  return n;
}

// ---------------------------------------------------------------------------------------------
// Dirtying
// ---------------------------------------------------------------------------------------------

/** The file (inode) holding page-cache page `page`: index into plan.files, or -1. */
export function fileOfPage(s: SimState, page: number): number {
  const files = s.plan.files;
  let lo = 0;
  let hi = files.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const f = files[mid];
    if (page < f.firstPage) hi = mid - 1;
    else if (page >= f.firstPage + f.pages) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * folio_mark_dirty() of the page-cache page in `frame` by CPU `cpu` (-1: no task to throttle):
 * NR_FILE_DIRTY and nr_dirtied on the page's node (folio_account_dirtied), the inode dirtied
 * now if it was clean (__mark_inode_dirty), and the task's nr_dirtied for balance_dirty_pages.
 * A page under writeback is redirtied (its write still completes). Serial steps only.
 */
export function folioMarkDirty(s: SimState, frame: number, page: number, cpu: number): void {
  if (s.frameDirty[frame] === FRAME_DIRTY) return;
  s.frameDirty[frame] = FRAME_DIRTY;
  const nid = frameNode(s, frame);
  s.nodeWords[nid * NODE_WORDS + W_FILE_DIRTY]++;
  s.counters[nid * NR_COUNTERS + NR_DIRTIED]++;
  const file = fileOfPage(s, page);
  if (file >= 0) {
    const i = file * FILE_WORDS;
    if (s.writeback[i + I_DIRTY] === 0) {
      s.writeback[i + I_DIRTY] = 1;
      s.writeback[i + I_DIRTIED_WHEN_NS] = s.globalWords[G_NOW_NS];
    }
    s.writeback[i + I_CLEAN_RUN] = 0;
    // The span fdatasync looks in (the dirty tag of the page's xarray slot).
    const offset = page - s.plan.files[file].firstPage;
    const lo = s.writeback[i + I_SYNC_LO];
    const hi = s.writeback[i + I_SYNC_HI];
    if (lo === hi) {
      s.writeback[i + I_SYNC_LO] = offset;
      s.writeback[i + I_SYNC_HI] = offset + 1;
    } else {
      if (offset < lo) s.writeback[i + I_SYNC_LO] = offset;
      if (offset >= hi) s.writeback[i + I_SYNC_HI] = offset + 1;
    }
  }
  if (cpu >= 0) s.cpuWords[cpu * CPU_WORDS + C_NR_DIRTIED]++;
}

// ---------------------------------------------------------------------------------------------
// Writes in flight
// ---------------------------------------------------------------------------------------------

function queueBase(s: SimState, nid: number): number {
  return s.layout.files * FILE_WORDS + nid * s.layout.writebackQueueMax * WB_RECORD_WORDS;
}

/** Room on node `nid`'s queue of writes in flight (the block layer's requests). */
export function writebackQueueFull(s: SimState, nid: number): boolean {
  return s.nodeWords[nid * NODE_WORDS + W_WB_SIZE] >= s.layout.writebackQueueMax;
}

/**
 * Start writing the dirty page-cache page in `frame` of node `nid`, completing at `doneNs`:
 * PG_dirty → PG_writeback, pgpgout. The caller checked writebackQueueFull and counts the
 * request on the block device. Serial steps, or the node's own reclaim.
 */
export function startWriteback(s: SimState, nid: number, frame: number, doneNs: number): void {
  const w = nid * NODE_WORDS;
  s.frameDirty[frame] = FRAME_WRITEBACK;
  s.nodeWords[w + W_FILE_DIRTY]--;
  s.nodeWords[w + W_WRITEBACK]++;
  s.counters[nid * NR_COUNTERS + PGPGOUT] += s.params.pageKiB;
  const max = s.layout.writebackQueueMax;
  const head = s.nodeWords[w + W_WB_HEAD];
  const size = s.nodeWords[w + W_WB_SIZE];
  const r = queueBase(s, nid) + ((head + size) % max) * WB_RECORD_WORDS;
  s.writeback[r + WB_FRAME] = frame;
  s.writeback[r + WB_PAGE] = s.framePage[frame];
  // Completions in issue order: a write never completes before one issued earlier on its node.
  const prev =
    size > 0 ? s.writeback[queueBase(s, nid) + ((head + size - 1) % max) * WB_RECORD_WORDS + WB_DONE_NS] : 0;
  s.writeback[r + WB_DONE_NS] = Math.max(prev, doneNs);
  s.nodeWords[w + W_WB_SIZE] = size + 1;
}

/** kswapd's pageout() of one dirty page of its node: one write request. False when congested. */
export function pageoutFile(s: SimState, nid: number, frame: number): boolean {
  if (writebackQueueFull(s, nid)) return false;
  const ns = countWrite(s, nid, DEV_DISK, 1);
  startWriteback(s, nid, frame, s.globalWords[G_NOW_NS] + s.params.epochNs + ns);
  return true;
}

/**
 * folio_end_writeback() of a page whose write was queued on node `nid`: nr_written; unless the
 * page moved away or was redirtied meanwhile it is clean, and with PG_reclaim set
 * folio_rotate_reclaimable() moves it to the inactive tail (MGLRU: the oldest generation).
 */
function endPageWriteback(s: SimState, nid: number, frame: number, page: number): void {
  s.nodeWords[nid * NODE_WORDS + W_WRITEBACK]--;
  s.counters[nid * NR_COUNTERS + NR_WRITTEN]++;
  if (s.framePage[frame] !== page || s.frameDirty[frame] !== FRAME_WRITEBACK) return;
  s.frameDirty[frame] = 0;
  const flags = s.frameFlags[frame];
  if ((flags & PG_RECLAIM) === 0) return;
  s.frameFlags[frame] = flags & ~PG_RECLAIM;
  // lru_move_tail needs the page on its LRU (folio_test_clear_lru); an isolated one stays.
  if ((flags & PG_LRU) === 0) return;
  if (s.layout.lruGen) {
    lruGenDelFolio(s, nid, frame, false);
    s.frameFlags[frame] &= ~PG_ACTIVE;
    lruGenAddFolio(s, nid, frame, true);
  } else {
    lruDel(s, nid, lruOf(flags), frame);
    s.frameFlags[frame] &= ~PG_ACTIVE;
    lruAddTail(s, nid, LRU_INACTIVE_FILE, frame);
  }
  s.counters[nid * NR_COUNTERS + PGROTATED]++;
}

/** Complete every queued write due by `nowNs`, node by node in issue order. */
export function completeWriteback(s: SimState, nowNs: number): void {
  const max = s.layout.writebackQueueMax;
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    const w = nid * NODE_WORDS;
    const base = queueBase(s, nid);
    let head = s.nodeWords[w + W_WB_HEAD];
    let size = s.nodeWords[w + W_WB_SIZE];
    while (size > 0) {
      const r = base + head * WB_RECORD_WORDS;
      if (s.writeback[r + WB_DONE_NS] > nowNs) break;
      endPageWriteback(s, nid, s.writeback[r + WB_FRAME], s.writeback[r + WB_PAGE]);
      head = (head + 1) % max;
      size--;
    }
    s.nodeWords[w + W_WB_HEAD] = head;
    s.nodeWords[w + W_WB_SIZE] = size;
  }
}

// ---------------------------------------------------------------------------------------------
// The flusher
// ---------------------------------------------------------------------------------------------

/** State of one flusher run: what it may still write and scan, the request being built. */
class FlushRun {
  budget = 0;
  scanLeft = 0;
  nowNs = 0;
  /** Pages issued this epoch (their transfers queue one after the other on the disk). */
  issued = 0;
  congested = false;
  reqNid = -1;
  reqPages = 0;
  reqNextPage = -1;
  /** NR_FILE_DIRTY as the run goes (background writeback stops at the threshold). */
  dirty = 0;
}

const run = new FlushRun();

function flushRequest(s: SimState): void {
  if (run.reqPages > 0) countWrite(s, run.reqNid, DEV_DISK, run.reqPages);
  run.reqPages = 0;
  run.reqNid = -1;
  run.reqNextPage = -1;
}

/**
 * writeback_single_inode() → write_cache_pages(): write up to `limit` dirty pages of file
 * `file` from its writeback_index on; the inode is clean once a whole file's worth of clean
 * pages went by. Returns the pages written.
 */
function writeInode(s: SimState, file: number, limit: number, stopAtBg: number): number {
  const f = s.plan.files[file];
  const i = file * FILE_WORDS;
  let index = s.writeback[i + I_WB_INDEX];
  let cleanRun = s.writeback[i + I_CLEAN_RUN];
  let written = 0;
  const pageNs = (s.params.pageSize / s.params.disk.writeBps) * 1e9;
  while (written < limit && run.scanLeft > 0 && run.dirty > stopAtBg) {
    run.scanLeft--;
    const page = f.firstPage + index;
    index = index + 1 === f.pages ? 0 : index + 1;
    const e = s.pte[page];
    const frame = e - 1;
    if (e > 0 && s.frameDirty[frame] === FRAME_DIRTY && (s.frameFlags[frame] & PG_ISOLATED) === 0) {
      const nid = frameNode(s, frame);
      if (writebackQueueFull(s, nid)) {
        run.congested = true;
        // This page is written next time.
        index = index === 0 ? f.pages - 1 : index - 1;
        break;
      }
      if (run.reqPages === WB_REQUEST_PAGES || run.reqNextPage !== page || run.reqNid !== nid) {
        flushRequest(s);
        run.reqNid = nid;
      }
      run.reqPages++;
      run.reqNextPage = page + 1;
      // The disk transfers the epoch's pages one after the other behind the request latency.
      run.issued++;
      const doneNs = run.nowNs + writeLatencyNs(s, DEV_DISK, 0) + Math.round(run.issued * pageNs);
      startWriteback(s, nid, frame, doneNs);
      run.dirty--;
      written++;
      cleanRun = 0;
      continue;
    }
    cleanRun++;
    if (cleanRun >= f.pages) {
      s.writeback[i + I_DIRTY] = 0;
      break;
    }
  }
  s.writeback[i + I_WB_INDEX] = index;
  s.writeback[i + I_CLEAN_RUN] = cleanRun;
  return written;
}

/**
 * writeback_inodes_wb(): dirty inodes oldest dirtied_when first (b_io order), those dirtied at
 * or before `dirtiedBeforeNs`, until `limit` pages are written, the run's budget or scan is used
 * up, or NR_FILE_DIRTY is down to `stopAtBg`. Returns the pages written.
 */
function writeInodes(s: SimState, dirtiedBeforeNs: number, limit: number, stopAtBg: number): number {
  let written = 0;
  const files = s.plan.files.length;
  while (written < limit && run.budget > 0 && run.scanLeft > 0 && !run.congested && run.dirty > stopAtBg) {
    let best = -1;
    for (let f = 0; f < files; f++) {
      const i = f * FILE_WORDS;
      if (s.writeback[i + I_DIRTY] === 0 || s.writeback[i + I_DIRTIED_WHEN_NS] > dirtiedBeforeNs) continue;
      if (best < 0 || s.writeback[i + I_DIRTIED_WHEN_NS] < s.writeback[best * FILE_WORDS + I_DIRTIED_WHEN_NS])
        best = f;
    }
    if (best < 0) break;
    const n = writeInode(s, best, Math.min(limit - written, run.budget), stopAtBg);
    written += n;
    run.budget -= n;
    // An inode still dirty after a pass that was not cut short has been written as far as the
    // run allows (requeue_io); the next pass picks it again.
    if (n === 0 && s.writeback[best * FILE_WORDS + I_DIRTY] !== 0) break;
  }
  return written;
}

/** An inode dirtied at or before `beforeNs` is waiting (the kupdate work is not done). */
function expiredInode(s: SimState, beforeNs: number): boolean {
  for (let f = 0; f < s.plan.files.length; f++) {
    const i = f * FILE_WORDS;
    if (s.writeback[i + I_DIRTY] !== 0 && s.writeback[i + I_DIRTIED_WHEN_NS] <= beforeNs) return true;
  }
  return false;
}

/**
 * Coordinator, at the end of each epoch (`nowNs`): writes that completed, then the flusher's
 * share of the epoch (wb_do_writeback): reclaim's wake-ups, kupdate, background writeback.
 * Also sets the machine-wide threshold gauges.
 */
export function flusherStep(s: SimState, nowNs: number): void {
  completeWriteback(s, nowNs);
  const p = s.params.dirty;
  const avail = globalDirtyableMemory(s);
  const thresh = dirtyThresh(p, avail, s.params.pageSize);
  const bg = backgroundThresh(p, avail, s.params.pageSize, thresh);
  s.counters[NR_DIRTY_THRESHOLD] = thresh;
  s.counters[NR_DIRTY_BACKGROUND_THRESHOLD] = bg;
  run.dirty = totalWord(s, W_FILE_DIRTY);
  // wakeup_flusher_threads(WB_REASON_VMSCAN) → wb_start_writeback: write what is dirty now.
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    const w = nid * NODE_WORDS;
    if (s.nodeWords[w + W_WAKE_FLUSHER] === 0) continue;
    s.nodeWords[w + W_WAKE_FLUSHER] = 0;
    if (s.globalWords[G_WB_START_ALL_PAGES] === 0) s.globalWords[G_WB_START_ALL_PAGES] = run.dirty;
  }
  // wb_check_old_data_flush(): the periodic timer queues kupdate work.
  if (p.writebackIntervalNs > 0 && nowNs >= s.globalWords[G_WB_LAST_OLD_FLUSH_NS] + p.writebackIntervalNs) {
    s.globalWords[G_WB_LAST_OLD_FLUSH_NS] = nowNs;
    s.globalWords[G_WB_KUPDATE] = 1;
  }
  if (run.dirty === 0) {
    s.globalWords[G_WB_START_ALL_PAGES] = 0;
    s.globalWords[G_WB_KUPDATE] = 0;
    return;
  }
  run.budget = flusherPagesPerEpoch(s.params.epochNs, s.params.disk.writeBps, s.params.pageSize);
  run.scanLeft = run.budget * WB_SCAN_FACTOR;
  run.nowNs = nowNs;
  run.issued = 0;
  run.congested = false;
  const startAll = s.globalWords[G_WB_START_ALL_PAGES];
  if (startAll > 0) {
    const n = writeInodes(s, Infinity, startAll, 0);
    s.globalWords[G_WB_START_ALL_PAGES] = n === 0 || run.dirty === 0 ? 0 : Math.max(0, startAll - n);
  }
  if (s.globalWords[G_WB_KUPDATE] !== 0) {
    const before = nowNs - p.expireNs;
    writeInodes(s, before, Infinity, 0);
    if (!expiredInode(s, before)) s.globalWords[G_WB_KUPDATE] = 0;
  }
  // wb_over_bg_thresh(): NR_FILE_DIRTY (not writeback) above the background threshold.
  if (run.dirty > bg) writeInodes(s, Infinity, Infinity, bg);
  flushRequest(s);
}

// ---------------------------------------------------------------------------------------------
// fdatasync
// ---------------------------------------------------------------------------------------------

/**
 * fdatasync(fd) of file `file` by CPU `cpu` (vfs_fsync_range → file_write_and_wait_range):
 * filemap_fdatawrite_range writes every dirty page of the file (WB_SYNC_ALL: requests of
 * contiguous pages, BIO_MAX_VECS at most), and filemap_fdatawait_range waits for them. The
 * caller's clock takes the wait (as a read fault's does): each request's latency and transfer
 * at the disk's current queueing, one after the other. The writes complete within the wait,
 * so at the epoch's end (completeWriteback) the pages are clean and still cached. A page
 * isolated by reclaim or migration is skipped (the kernel would wait for its lock), as is
 * everything once its node's write queue is full (left dirty for the flusher). Coordinator
 * only (the place step). Returns the ns the caller waited.
 */
export function fileFdatasync(s: SimState, file: number, cpu: number): number {
  const f = s.plan.files[file];
  const i = file * FILE_WORDS;
  const lo = s.writeback[i + I_SYNC_LO];
  const hi = s.writeback[i + I_SYNC_HI];
  s.writeback[i + I_SYNC_LO] = 0;
  s.writeback[i + I_SYNC_HI] = 0;
  const nowNs = s.globalWords[G_NOW_NS];
  let waitNs = 0;
  let reqNid = -1;
  let reqPages = 0;
  let reqNext = -1;
  let left = -1;
  let leftHi = 0;
  for (let offset = lo; offset < hi; offset++) {
    const page = f.firstPage + offset;
    const e = s.pte[page];
    if (e <= 0) continue;
    const frame = e - 1;
    if (s.frameDirty[frame] !== FRAME_DIRTY) continue;
    const nid = frameNode(s, frame);
    if ((s.frameFlags[frame] & PG_ISOLATED) !== 0 || writebackQueueFull(s, nid)) {
      // Still dirty: the next fdatasync (or the flusher) writes it.
      if (left < 0) left = offset;
      leftHi = offset + 1;
      continue;
    }
    if (reqPages === WB_REQUEST_PAGES || reqNext !== page || reqNid !== nid) {
      if (reqPages > 0) waitNs += countWrite(s, reqNid, DEV_DISK, reqPages);
      reqNid = nid;
      reqPages = 0;
    }
    reqPages++;
    reqNext = page + 1;
    // Done within the caller's wait: by the end of this epoch's flusher step at the latest.
    startWriteback(s, nid, frame, nowNs);
  }
  if (reqPages > 0) waitNs += countWrite(s, reqNid, DEV_DISK, reqPages);
  if (left >= 0) {
    s.writeback[i + I_SYNC_LO] = left;
    s.writeback[i + I_SYNC_HI] = leftHi;
  }
  if (cpu >= 0) s.cpuWords[cpu * CPU_WORDS + C_CLOCK] += waitNs;
  return waitNs;
}

// ---------------------------------------------------------------------------------------------
// Throttling
// ---------------------------------------------------------------------------------------------

/**
 * balance_dirty_pages_ratelimited() for every CPU (the place step, after the faults): a CPU's
 * thread that dirtied its nr_dirtied_pause pages is checked. Below the freerun ceiling it goes
 * on (nr_dirtied_pause = dirty_poll_interval); above, it sleeps pages_dirtied / task_ratelimit
 * (at most MAX_PAUSE; MAX_PAUSE when the ratelimit is 0 at the limit), charged to its clock.
 */
export function balanceDirtyPages(s: SimState): void {
  const cpus = s.layout.cpus;
  let dirtiers = 0;
  let due = 0;
  for (let cpu = 0; cpu < cpus; cpu++) {
    const c = cpu * CPU_WORDS;
    const n = s.cpuWords[c + C_NR_DIRTIED];
    if (n === 0) continue;
    dirtiers++;
    const pause = s.cpuWords[c + C_DIRTIED_PAUSE];
    if (n >= (pause > 0 ? pause : DIRTY_POLL_THRESH)) due++;
  }
  if (due === 0) return;
  const p = s.params.dirty;
  const pageSize = s.params.pageSize;
  const avail = globalDirtyableMemory(s);
  const thresh = dirtyThresh(p, avail, pageSize);
  const bg = backgroundThresh(p, avail, pageSize, thresh);
  const dirty = totalWord(s, W_FILE_DIRTY) + totalWord(s, W_WRITEBACK);
  const freerun = freerunCeiling(thresh, bg);
  const setpoint = Math.floor((freerun + thresh) / 2);
  const pos = dirty >= thresh ? 0 : posRatioPolynom(setpoint, dirty, thresh);
  // The balanced dirty ratelimit: the disk's write bandwidth shared by the dirtying threads.
  const dirtyRatelimit = Math.max(1, Math.floor(s.params.disk.writeBps / pageSize / dirtiers));
  const taskRatelimit = Math.floor((dirtyRatelimit * pos) / RATELIMIT_ONE);
  for (let cpu = 0; cpu < cpus; cpu++) {
    const c = cpu * CPU_WORDS;
    const n = s.cpuWords[c + C_NR_DIRTIED];
    const limit = s.cpuWords[c + C_DIRTIED_PAUSE];
    if (n === 0 || n < (limit > 0 ? limit : DIRTY_POLL_THRESH)) continue;
    s.cpuWords[c + C_NR_DIRTIED] = 0;
    if (dirty <= freerun) {
      s.cpuWords[c + C_DIRTIED_PAUSE] = dirtyPollInterval(dirty, thresh);
      continue;
    }
    const pauseNs =
      taskRatelimit === 0 ? MAX_PAUSE_NS : Math.min(MAX_PAUSE_NS, Math.round((n * 1e9) / taskRatelimit));
    s.cpuWords[c + C_CLOCK] += pauseNs;
    s.cpuWords[c + C_DIRTIED_PAUSE] = DIRTY_POLL_THRESH;
    s.counters[s.machine.cpuNode[cpu] * NR_COUNTERS + TIERSIM_DIRTY_THROTTLE_NS] += pauseNs;
  }
}
