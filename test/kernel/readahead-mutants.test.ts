/**
 * Readahead windows (kernel/readahead.ts) where the mutation run found them untested: windows
 * clipped to the file the page is in when there are several files (not the first one), the
 * read() stream state a POSIX_FADV_RANDOM read resets, the read() window capped at
 * read_ahead_kb without POSIX_FADV_SEQUENTIAL, a non-sequential miss read alone, mmap_miss kept
 * per CPU and capped at MMAP_LOTSAMISS * 10 (6.12 do_sync_mmap_readahead). read_ahead_kb 32:
 * 8 pages. A window is (page - start) * WINDOW_BACK + length.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import {
  ADVICE_NORMAL,
  ADVICE_RANDOM,
  ADVICE_SEQUENTIAL,
  MMAP_LOTSAMISS,
  mmapReadaroundWindow,
  readaheadWindow,
} from '../../src/kernel/readahead.js';
import { WINDOW_BACK } from '../../src/kernel/swapcache.js';
import { CPU_WORDS, C_MMAP_MISS } from '../../src/memory/layout.js';
import { scenario } from './scenario.js';

/** Files f (64 pages, ids 0..63) and g (32 pages, ids 64..95). */
function twoFiles() {
  const yaml = `
topology:
  struct_page_size: 0
  memory_below_4g: 0
  nodes:
    - { id: 0, cpus: 1, memory: 1MiB, device: dram }
storage: { read_ahead_kb: 32 }
run: { duration: 1ms, epoch: 1ms }
workload:
  files: [{ name: f, size: 256KiB }, { name: g, size: 128KiB }]
  tasks:
    - name: t
      cpus: [0]
      regions:
        - { kind: file, file: f, access: read }
        - { kind: file, file: g, access: read }
`;
  const sim = createSimulation(parseConfigText(yaml, '/virtual/two-files.yaml').config);
  expect(sim.s.plan.files.map((f) => [f.firstPage, f.pages])).toEqual([
    [0, 64],
    [64, 32],
  ]);
  return sim;
}

describe('windows in the second file', () => {
  it('read() misses near the end of g are clipped at g end (96)', () => {
    const s = twoFiles().s;
    // 88 alone (no stream yet), 89 sequential: 4 (89..92), 93: 8, clipped to 93..95.
    expect(readaheadWindow(s, 0, 88, ADVICE_NORMAL)).toBe(1);
    expect(readaheadWindow(s, 0, 89, ADVICE_NORMAL)).toBe(4);
    expect(readaheadWindow(s, 0, 93, ADVICE_NORMAL)).toBe(3);
    // g first page, not sequential: the page alone (f ends there, g does not).
    expect(readaheadWindow(s, 0, 64, ADVICE_NORMAL)).toBe(1);
  });

  it('mmap read-around stays inside g: [64, 72) for faults at 64 and 66, [90, 96) at 94', () => {
    const s = twoFiles().s;
    expect(mmapReadaroundWindow(s, 0, 64, ADVICE_NORMAL)).toBe(0 * WINDOW_BACK + 8);
    expect(mmapReadaroundWindow(s, 0, 66, ADVICE_NORMAL)).toBe(2 * WINDOW_BACK + 8);
    expect(mmapReadaroundWindow(s, 0, 94, ADVICE_NORMAL)).toBe(4 * WINDOW_BACK + 6);
    // The last page of f: centred at 63 - 4 = 59, cut at f end: [59, 64).
    expect(mmapReadaroundWindow(s, 0, 63, ADVICE_NORMAL)).toBe(4 * WINDOW_BACK + 5);
  });
});

describe('read() stream state', () => {
  it('a POSIX_FADV_RANDOM read restarts the stream after its page; windows never pass 8 pages', () => {
    const s = scenario({ readAheadKb: 32, fileAccess: 'read' }).s;
    expect(readaheadWindow(s, 0, 10, ADVICE_NORMAL)).toBe(1);
    expect(readaheadWindow(s, 0, 11, ADVICE_NORMAL)).toBe(4); // 11..14
    expect(readaheadWindow(s, 0, 15, ADVICE_NORMAL)).toBe(8); // 15..22
    // A random read of 23: the page alone, the window forgotten, the stream continues at 24.
    expect(readaheadWindow(s, 0, 23, ADVICE_RANDOM)).toBe(1);
    // 24 is sequential again but starts over at 4 (not twice the 8 before).
    expect(readaheadWindow(s, 0, 24, ADVICE_NORMAL)).toBe(4); // 24..27
    expect(readaheadWindow(s, 0, 28, ADVICE_NORMAL)).toBe(8); // 28..35
    // read_ahead_kb caps the doubling: 8, not 16.
    expect(readaheadWindow(s, 0, 36, ADVICE_NORMAL)).toBe(8); // 36..43
    // A miss off the stream: the page alone.
    expect(readaheadWindow(s, 0, 50, ADVICE_NORMAL)).toBe(1);
  });
});

describe('mmap_miss', () => {
  it('is per CPU: CPU 1 past MMAP_LOTSAMISS reads single pages, CPU 0 still reads around', () => {
    const s = scenario({
      readAheadKb: 32,
      cpus: [0, 1],
      nodes: `    - { id: 0, cpus: 2, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }`,
    }).s;
    s.cpuWords[1 * CPU_WORDS + C_MMAP_MISS] = MMAP_LOTSAMISS;
    expect(mmapReadaroundWindow(s, 1, 20, ADVICE_NORMAL)).toBe(1);
    expect(s.cpuWords[1 * CPU_WORDS + C_MMAP_MISS]).toBe(101);
    expect(mmapReadaroundWindow(s, 0, 40, ADVICE_NORMAL)).toBe(4 * WINDOW_BACK + 8);
    expect(s.cpuWords[0 * CPU_WORDS + C_MMAP_MISS]).toBe(1);
  });

  it('read_ahead_kb 0: the page alone, before any mmap_miss accounting (!ra->ra_pages)', () => {
    const s = scenario({ readAheadKb: 0 }).s;
    expect(mmapReadaroundWindow(s, 0, 20, ADVICE_NORMAL)).toBe(1);
    expect(s.cpuWords[C_MMAP_MISS]).toBe(0);
    expect(mmapReadaroundWindow(s, 0, 30, ADVICE_SEQUENTIAL)).toBe(1);
  });

  it('stops counting at MMAP_LOTSAMISS * 10', () => {
    const s = scenario({ readAheadKb: 32 }).s;
    s.cpuWords[C_MMAP_MISS] = 999;
    expect(mmapReadaroundWindow(s, 0, 20, ADVICE_NORMAL)).toBe(1);
    expect(s.cpuWords[C_MMAP_MISS]).toBe(1000);
    expect(mmapReadaroundWindow(s, 0, 40, ADVICE_NORMAL)).toBe(1);
    expect(s.cpuWords[C_MMAP_MISS]).toBe(1000);
  });
});
