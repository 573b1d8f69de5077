/**
 * Page-cache readahead with madvise/fadvise advice and mmap read-around (6.12
 * do_sync_mmap_readahead), hand-computed on the scenario machine: file f = page ids 0..63,
 * read_ahead_kb 32 (8 pages).
 */
import { describe, expect, it } from 'vitest';
import { CPU_WORDS, C_MMAP_MISS, C_MMAP_RA_END, C_MMAP_RA_PAGES } from '../../src/memory/layout.js';
import {
  ADVICE_NORMAL,
  ADVICE_SEQUENTIAL,
  MMAP_LOTSAMISS,
  mmapReadaroundWindow,
} from '../../src/kernel/readahead.js';
import { WINDOW_BACK } from '../../src/kernel/swapcache.js';
import { assertSound, counter, nodeOf, range, scenario, touch } from './scenario.js';

const READ = 2;
const c = (sim: ReturnType<typeof scenario>, name: Parameters<typeof counter>[2]) => counter(sim, 0, name);

describe('mmap read-around', () => {
  it('reads read_ahead_kb centred on a major fault, clipped to the file', () => {
    const sim = scenario({ demotion: false, readAheadKb: 32 });
    touch(sim, 0, [20]);
    // start = 20 - 8 / 2 = 16: pages 16..23, one request, one major fault.
    expect([c(sim, 'pgmajfault'), c(sim, 'tiersim_disk_read_ios'), c(sim, 'pgpgin')]).toEqual([1, 1, 8 * 4]);
    expect(range(15, 10).map((p) => nodeOf(sim, p))).toEqual([-1, 0, 0, 0, 0, 0, 0, 0, 0, -1]);
    // Near the start of the file: start = max(0, 1 - 4) = 0, pages 0..7.
    touch(sim, 0, [1]);
    expect(c(sim, 'pgpgin')).toBe(16 * 4);
    expect(range(0, 8).every((p) => nodeOf(sim, p) === 0)).toBe(true);
    // The read-around pages are in the cache unreferenced: only the faulted page is young.
    expect(sim.s.frameYoung[sim.s.pte[17] - 1]).toBe(0);
    expect(sim.s.frameYoung[sim.s.pte[20] - 1]).toBe(1);
    assertSound(sim);
  });

  it('stops after more than MMAP_LOTSAMISS misses; a fault right after the last window takes its pages off', () => {
    const sim = scenario({ demotion: false, readAheadKb: 32 });
    const w = 0 * CPU_WORDS;
    sim.s.cpuWords[w + C_MMAP_MISS] = MMAP_LOTSAMISS - 1;
    // 100th miss: still read-around (window 16..24 as (20 - 16) * WINDOW_BACK + 8).
    expect(mmapReadaroundWindow(sim.s, 0, 20, ADVICE_NORMAL)).toBe(4 * WINDOW_BACK + 8);
    expect(sim.s.cpuWords[w + C_MMAP_MISS]).toBe(100);
    expect([sim.s.cpuWords[w + C_MMAP_RA_END], sim.s.cpuWords[w + C_MMAP_RA_PAGES]]).toEqual([24, 8]);
    // 101st, elsewhere: > MMAP_LOTSAMISS, the page alone.
    expect(mmapReadaroundWindow(sim.s, 0, 40, ADVICE_NORMAL)).toBe(1);
    expect(sim.s.cpuWords[w + C_MMAP_MISS]).toBe(101);
    // A fault at 24, right after the window of 8: 101 - 8 + 1 = 94, read-around again.
    expect(mmapReadaroundWindow(sim.s, 0, 24, ADVICE_NORMAL)).toBe(4 * WINDOW_BACK + 8);
    expect(sim.s.cpuWords[w + C_MMAP_MISS]).toBe(94);
    // MADV_SEQUENTIAL: read_ahead_kb forward, no mmap_miss accounting.
    expect(mmapReadaroundWindow(sim.s, 0, 60, ADVICE_SEQUENTIAL)).toBe(4);
    expect(sim.s.cpuWords[w + C_MMAP_MISS]).toBe(94);
  });
});

describe('advice: random', () => {
  it('MADV_RANDOM: one page per major fault', () => {
    const sim = scenario({ demotion: false, readAheadKb: 32, fileAdvice: 'random' });
    touch(sim, 0, [20]);
    touch(sim, 0, [21]);
    touch(sim, 0, [22]);
    expect([c(sim, 'pgmajfault'), c(sim, 'tiersim_disk_read_ios'), c(sim, 'pgpgin')]).toEqual([3, 3, 3 * 4]);
    expect(nodeOf(sim, 23)).toBe(-1);
    assertSound(sim);
  });

  it('POSIX_FADV_RANDOM: sequential read() misses read one page each; normal advice reads ahead', () => {
    const random = scenario({ demotion: false, readAheadKb: 32, fileAccess: 'read', fileAdvice: 'random' });
    for (const p of range(0, 4)) touch(random, 0, [p], READ);
    expect([
      c(random, 'tiersim_read_miss'),
      c(random, 'pgpgin'),
      c(random, 'tiersim_readahead_pages'),
    ]).toEqual([4, 4 * 4, 0]);
    const normal = scenario({ demotion: false, readAheadKb: 32, fileAccess: 'read' });
    // Miss 0 alone, miss 1 sequential: window 4 (1..4); 2..4 are cached; miss 5: window 8 (5..12).
    for (const p of range(0, 6)) touch(normal, 0, [p], READ);
    expect([c(normal, 'tiersim_read_miss'), c(normal, 'tiersim_readahead_pages')]).toEqual([3, 3 + 7]);
  });

  it('POSIX_FADV_SEQUENTIAL doubles the largest read() window', () => {
    const sim = scenario({ demotion: false, readAheadKb: 32, fileAccess: 'read', fileAdvice: 'sequential' });
    // Windows 1, 4, 8, 16 (twice the 8 of read_ahead_kb): misses at 0, 1, 5, 13.
    for (const p of range(0, 29)) touch(sim, 0, [p], READ);
    expect(c(sim, 'tiersim_read_miss')).toBe(4);
    expect(c(sim, 'tiersim_readahead_pages')).toBe(3 + 7 + 15);
    assertSound(sim);
  });
});
