/**
 * Page-cache readahead windows (mm/readahead.c, do_sync_mmap_readahead in mm/filemap.c, 6.12),
 * with the region's madvise/fadvise advice. A window is returned as
 * (page - start) * WINDOW_BACK + length, the encoding of a fault record's third word.
 *
 * - read() misses: ondemand readahead, simplified per CPU stream: a miss right after the previous
 *   window is sequential and reads a window that starts at 4 pages and doubles up to
 *   read_ahead_kb (twice that with POSIX_FADV_SEQUENTIAL, which doubles ra_pages); any other miss
 *   reads its page alone. POSIX_FADV_RANDOM reads the page alone (force_page_cache_ra of the
 *   request).
 * - mmap major faults: MADV_RANDOM reads the page alone; MADV_SEQUENTIAL reads read_ahead_kb
 *   forward from the fault; otherwise read-around: read_ahead_kb centred on the fault, while the
 *   file's mmap_miss (one per major fault, less the pages fault-around maps from the cache) stays
 *   at most MMAP_LOTSAMISS.
 */
import {
  CPU_WORDS,
  C_MMAP_MISS,
  C_MMAP_RA_END,
  C_MMAP_RA_PAGES,
  C_NEXT_SEQUENTIAL,
  C_RA_WINDOW,
} from '../memory/layout.js';
import type { SimState } from '../memory/state.js';
import { WINDOW_BACK } from './swapcache.js';

export const ADVICE_NORMAL = 0;
export const ADVICE_RANDOM = 1;
export const ADVICE_SEQUENTIAL = 2;

/** MMAP_LOTSAMISS: more major faults than this (net of cache hits) and read-around stops. */
export const MMAP_LOTSAMISS = 100;
/** Longest window a fault record can carry. */
const WINDOW_MAX = WINDOW_BACK - 1;

export function adviceOf(advice: 'normal' | 'random' | 'sequential'): number {
  return advice === 'random' ? ADVICE_RANDOM : advice === 'sequential' ? ADVICE_SEQUENTIAL : ADVICE_NORMAL;
}

function fileEndOf(s: SimState, page: number): number {
  const files = s.plan.files;
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (page < f.firstPage + f.pages) return f.firstPage + f.pages;
  }
  return page + 1;
}

function fileStartOf(s: SimState, page: number): number {
  const files = s.plan.files;
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (page < f.firstPage + f.pages) return f.firstPage;
  }
  return page;
}

/** The window of a read() miss of CPU `cpu` at `page` (forward only). */
export function readaheadWindow(s: SimState, cpu: number, page: number, advice: number): number {
  const cw = cpu * CPU_WORDS;
  if (advice === ADVICE_RANDOM) {
    s.cpuWords[cw + C_RA_WINDOW] = 0;
    s.cpuWords[cw + C_NEXT_SEQUENTIAL] = page + 1;
    return 1;
  }
  const max = Math.min(WINDOW_MAX, s.params.readAheadPages * (advice === ADVICE_SEQUENTIAL ? 2 : 1));
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

/**
 * do_sync_mmap_readahead() for a major fault of CPU `cpu` at `page`. mmap_miss is kept per CPU;
 * fault-around's decrement is taken when the next fault comes right after the previous window
 * (the accesses walked through it, so its pages were mapped from the cache).
 */
export function mmapReadaroundWindow(s: SimState, cpu: number, page: number, advice: number): number {
  const ra = Math.min(WINDOW_MAX, s.params.readAheadPages);
  if (advice === ADVICE_RANDOM || ra <= 1) return 1;
  const first = fileStartOf(s, page);
  const end = fileEndOf(s, page);
  if (advice === ADVICE_SEQUENTIAL) return Math.min(ra, end - page);
  const cw = cpu * CPU_WORDS;
  let miss = s.cpuWords[cw + C_MMAP_MISS];
  if (page === s.cpuWords[cw + C_MMAP_RA_END]) miss = Math.max(0, miss - s.cpuWords[cw + C_MMAP_RA_PAGES]);
  if (miss < MMAP_LOTSAMISS * 10) miss++;
  s.cpuWords[cw + C_MMAP_MISS] = miss;
  if (miss > MMAP_LOTSAMISS) return 1;
  const start = Math.max(first, page - Math.floor(ra / 2));
  const stop = Math.min(end, start + ra);
  s.cpuWords[cw + C_MMAP_RA_END] = stop;
  s.cpuWords[cw + C_MMAP_RA_PAGES] = stop - start;
  return (page - start) * WINDOW_BACK + (stop - start);
}
