/**
 * checkInvariants (src/memory/invariants.ts) on states broken one word at a time: each case
 * starts from a sound state built by the kernel's own calls (checked to give no problem), breaks
 * one relation the checker promises to watch, and expects the violation it names, with the
 * numbers worked out by hand from the fixture below. Sound states alone (every scenario test's
 * assertSound) cannot tell a checker that reports nothing from one that checks: these can.
 *
 * Fixture (test/kernel/scenario.ts's default machine: node 0 frames 0..63, node 1 frames
 * 64..127, no non-movable pool): file pages 0..3 on node 0 take frames 0..3 (inactive file,
 * list 2: head 3 … tail 0), anon pages 64..66 frames 4..6 (inactive anon, list 0: head 6 …
 * tail 4), anon pages 70..72 node 1's frames 64..66; then frames 7 and 8 taken and given
 * back, so node 0's movable free list is 8 → 7, its bump pointer 9, W_FREE 64 - 7 = 57.
 */
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/engine/simulation.js';
import {
  FRAME_DIRTY,
  FRAME_WRITEBACK,
  LRU_INACTIVE_ANON,
  LRU_INACTIVE_FILE,
  PG_ACTIVE,
  PG_ISOLATED,
  PG_LRU,
  PG_SWAPBACKED,
  PG_SWAPCACHE,
} from '../../src/memory/flags.js';
import { checkInvariants } from '../../src/memory/invariants.js';
import { giveFrame, stashUnmovable, takeFrame, takeUnmovableFrame } from '../../src/memory/frames.js';
import {
  NODE_WORDS,
  W_ANON_PAGES,
  W_FILE_DIRTY,
  W_FILE_PAGES,
  W_FREE,
  W_FREE_HEAD,
  W_ISOLATED_FILE,
  W_LRU_HEAD,
  W_LRU_SIZE,
  W_LRU_TAIL,
  W_PAGETABLES,
  W_SHMEM_PAGES,
  W_SWAP_USED,
  W_UNMOVABLE_FREE,
  W_UNMOV_CLAIMED,
  W_UNMOV_HEAD1,
  W_WB_SIZE,
  W_WRITEBACK,
} from '../../src/memory/layout.js';
import { PGTABLE_PAGE } from '../../src/memory/pgtable-layout.js';
import { pteOfSwapCache } from '../../src/memory/pte.js';
import { isolate } from '../../src/memory/lru.js';
import { GEN_WORDS, G_HEAD, G_MAX_SEQ, G_MIN_SEQ, G_SIZE, G_TAIL } from '../../src/kernel/mglru/lrugen.js';
import { place, range, scenario, type ScenarioOptions } from '../kernel/scenario.js';

const N1 = NODE_WORDS; // node 1's first node word

function fixture(opts: ScenarioOptions = {}): Simulation {
  const sim = scenario(opts);
  place(sim, range(0, 4), 0);
  place(sim, range(64, 3), 0);
  place(sim, range(70, 3), 1);
  const a = takeFrame(sim.s, 0);
  const b = takeFrame(sim.s, 0);
  expect([a, b]).toEqual([7, 8]);
  giveFrame(sim.s, 0, a);
  giveFrame(sim.s, 0, b);
  expect(checkInvariants(sim.s)).toEqual([]);
  return sim;
}

const problems = (sim: Simulation) => checkInvariants(sim.s);

describe('checkInvariants: classic LRU lists', () => {
  it('the fixture is what the header says', () => {
    const s = fixture().s;
    expect(s.nodeWords[W_LRU_HEAD + LRU_INACTIVE_FILE]).toBe(3);
    expect(s.nodeWords[W_LRU_TAIL + LRU_INACTIVE_FILE]).toBe(0);
    expect(s.nodeWords[W_LRU_HEAD + LRU_INACTIVE_ANON]).toBe(6);
    expect(s.nodeWords[W_FREE_HEAD]).toBe(8);
    expect(s.lruNext[8]).toBe(7);
    expect(s.nodeWords[W_FREE]).toBe(57);
    expect(s.nodeWords[W_ANON_PAGES]).toBe(3);
    expect(s.nodeWords[W_FILE_PAGES]).toBe(4);
  });

  it('a listed frame outside the node, at either bound', () => {
    const a = fixture();
    a.s.nodeWords[W_LRU_HEAD + LRU_INACTIVE_FILE] = 64; // node 0's frame end
    expect(problems(a)).toContain('node 0 list 2: frame 64 outside the node');
    const b = fixture();
    b.s.nodeWords[N1 + W_LRU_HEAD + LRU_INACTIVE_ANON] = 63; // one below node 1's start
    expect(problems(b)).toContain('node 1 list 0: frame 63 outside the node');
  });

  it('a list that loops reaches a frame twice', () => {
    const sim = fixture();
    sim.s.lruNext[0] = 3; // tail back to the head
    expect(problems(sim)).toContain('node 0 list 2: frame 3 reached twice');
  });

  it('a back link that does not name the previous frame', () => {
    const sim = fixture();
    sim.s.lruPrev[2] = 7;
    expect(problems(sim)).toEqual(['node 0 list 2: frame 2 prev 7 != 3']);
  });

  it('a listed frame without PG_lru, or isolated, or on the wrong list', () => {
    const a = fixture();
    a.s.frameFlags[2] = 0;
    expect(problems(a)).toEqual(['node 0: frame 2 on list 2 with flags 0']);
    const b = fixture();
    b.s.frameFlags[2] = PG_LRU | PG_ISOLATED;
    expect(problems(b)).toEqual(['node 0: frame 2 on list 2 with flags 72']);
    const c = fixture();
    c.s.frameFlags[2] = PG_LRU | PG_ACTIVE;
    expect(problems(c)).toEqual(['node 0: frame 2 flags 9 belong on list 3, found on 2']);
  });

  it('the recorded tail and size against the walk', () => {
    const a = fixture();
    a.s.nodeWords[W_LRU_TAIL + LRU_INACTIVE_FILE] = 1;
    expect(problems(a)).toEqual(['node 0 list 2: tail 1 != last 0']);
    const b = fixture();
    b.s.nodeWords[W_LRU_SIZE + LRU_INACTIVE_FILE] = 5;
    // Only this: the managed-pages sum counts the frames walked, not the recorded sizes.
    expect(problems(b)).toEqual(['node 0 list 2: size 5 != walked 4']);
  });

  it('anon and file counts from the lists (3 anon, 4 file on node 0)', () => {
    const a = fixture();
    a.s.nodeWords[W_ANON_PAGES] = 4;
    expect(problems(a)).toEqual(['node 0: 3 anon frames, counted 4']);
    const b = fixture();
    b.s.nodeWords[W_FILE_PAGES] = 3;
    expect(problems(b)).toEqual(['node 0: 4 file frames, counted 3']);
  });
});

describe('checkInvariants: free frames', () => {
  it('a free list reaching outside the node, at either bound, or a frame twice', () => {
    const a = fixture();
    a.s.nodeWords[W_FREE_HEAD] = 64;
    expect(problems(a)).toContain('node 0: free list reaches frame 64 twice or outside the node');
    const b = fixture();
    b.s.nodeWords[N1 + W_FREE_HEAD] = 63;
    expect(problems(b)).toContain('node 1: free list reaches frame 63 twice or outside the node');
    const c = fixture();
    c.s.lruNext[7] = 8;
    expect(problems(c)).toContain('node 0: free list reaches frame 8 twice or outside the node');
    const d = fixture();
    d.s.nodeWords[W_FREE_HEAD] = 3; // a frame on the inactive file list
    expect(problems(d)).toContain('node 0: free list reaches frame 3 twice or outside the node');
  });

  it('a free frame holding a page, or with any column not clean', () => {
    const a = fixture();
    a.s.framePage[8] = 5;
    expect(problems(a)).toContain('node 0: free frame 8 holds page 5');
    const dirty = 'node 0: free frame 8 is not clean (flags, PTE bits, dirty, accessed or scan time set)';
    for (const col of ['frameFlags', 'frameYoung', 'frameDirty', 'frameAccessed', 'frameScanMs'] as const) {
      const sim = fixture();
      sim.s[col][8] = 1;
      expect(problems(sim), col).toContain(dirty);
    }
  });

  it('the free count: lists + never used (57 = 2 + 0 + 55)', () => {
    const sim = fixture();
    sim.s.nodeWords[W_FREE] = 58;
    // Only the word is wrong: the sum below uses the free frames found (57), not the word.
    expect(problems(sim)).toEqual(['node 0: free count 58 != free lists 2 + 0 + never used 55']);
  });

  it('the non-movable free count, and claimed pages up to the movable free frames (2 + 64 - 9 = 57)', () => {
    const a = fixture();
    a.s.nodeWords[W_UNMOVABLE_FREE] = 1;
    expect(problems(a)).toEqual([
      'node 0: non-movable free count 1 != listed 0 + never used 0 + claimed 0 - on the per-CPU list 0',
    ]);
    const b = fixture();
    b.s.nodeWords[W_UNMOV_CLAIMED] = 57;
    b.s.nodeWords[W_UNMOVABLE_FREE] = 57;
    expect(problems(b)).toEqual([]);
    b.s.nodeWords[W_UNMOV_CLAIMED] = 58;
    b.s.nodeWords[W_UNMOVABLE_FREE] = 58;
    expect(problems(b)).toEqual(['node 0: 58 claimed pages but fewer movable free frames']);
    const c = fixture();
    c.s.nodeWords[W_UNMOV_CLAIMED] = -1;
    c.s.nodeWords[W_UNMOVABLE_FREE] = -1;
    expect(problems(c)).toEqual(['node 0: -1 claimed pages but fewer movable free frames']);
  });
});

describe('checkInvariants: the non-movable pool (16 free pages, frames 48..63 of node 0)', () => {
  const pool = () =>
    fixture({
      nodes: `    - { id: 0, cpus: 1, memory: 256KiB, device: dram, unmovable_free_pages: 16, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 0, memory: 256KiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }`,
    });

  it('a frame taken from and given back to the pool heads its list; a batch steal stays sound', () => {
    const sim = pool();
    expect(sim.s.layout.unmovableStart[0]).toBe(48);
    expect(takeUnmovableFrame(sim.s, 0)).toBe(48);
    giveFrame(sim.s, 0, 48);
    expect(sim.s.nodeWords[W_UNMOV_HEAD1]).toBe(49);
    expect(problems(sim)).toEqual([]);
    // Two frames to the per-CPU list: no longer free, still listed (never used) in the pool.
    stashUnmovable(sim.s, 0, 2);
    expect(problems(sim)).toEqual([]);
  });

  it('a pool frame on the movable list, a movable one on the pool list', () => {
    const a = pool();
    takeUnmovableFrame(a.s, 0);
    giveFrame(a.s, 0, 48);
    a.s.lruNext[48] = a.s.nodeWords[W_FREE_HEAD];
    a.s.nodeWords[W_FREE_HEAD] = 48;
    a.s.nodeWords[W_UNMOV_HEAD1] = 0;
    expect(problems(a)).toContain('node 0: free frame 48 on the movable list');
    const b = pool();
    b.s.nodeWords[W_UNMOV_HEAD1] = 8 + 1;
    b.s.nodeWords[W_FREE_HEAD] = -1;
    const p = problems(b);
    expect(p).toContain('node 0: free frame 8 on the non-movable list');
    expect(p).toContain('node 0: free frame 7 on the non-movable list');
    expect(p).not.toContain('node 0: free frame 8 on the movable list');
  });
});

describe('checkInvariants: used frames', () => {
  it('isolated frames are counted by kind; a lost count or a frame in no place is named', () => {
    const sim = fixture();
    isolate(sim.s, 0, LRU_INACTIVE_FILE, 2, false);
    isolate(sim.s, 0, LRU_INACTIVE_ANON, 5, true);
    expect(problems(sim)).toEqual([]);
    sim.s.nodeWords[W_ISOLATED_FILE] = 0;
    expect(problems(sim)).toContain('node 0: 2 isolated frames, counted 1');
    // Frame 8 (the free list's head) handed out and left nowhere: 1 listed + 55 never used.
    const lost = fixture();
    expect(takeFrame(lost.s, 0)).toBe(8);
    expect(problems(lost)).toEqual([
      'node 0: frame 8 (page -1) is neither free, on an LRU, nor isolated',
      'node 0: free 56 + on the per-CPU list 0 + on LRU 7 + isolated 0 + page tables 0 != managed 64',
    ]);
  });

  it('page-table frames against NR_PAGETABLE and the slots that name them', () => {
    const sim = fixture({ pageTables: false });
    expect(sim.s.pgtableFrame.length).toBeGreaterThanOrEqual(2);
    const f = takeFrame(sim.s, 0);
    expect(f).toBe(8);
    sim.s.framePage[f] = PGTABLE_PAGE;
    sim.s.nodeWords[W_PAGETABLES] = 1;
    sim.s.pgtableFrame[0] = f + 1;
    expect(problems(sim)).toEqual([]);
    sim.s.nodeWords[W_PAGETABLES] = 2;
    expect(problems(sim)).toEqual([
      'node 0: 1 page-table frames, NR_PAGETABLE 2',
      'node 0: 1 page-table slots, NR_PAGETABLE 2',
    ]);
    sim.s.nodeWords[W_PAGETABLES] = 1;
    sim.s.pgtableFrame[1] = f + 1; // a second slot naming the same frame
    expect(problems(sim)).toEqual([
      `page-table slot 1: frame ${f} is not a page-table frame of its own`,
      'node 0: 2 page-table slots, NR_PAGETABLE 1',
    ]);
    sim.s.pgtableFrame[1] = 3 + 1; // a slot naming frame 3 (file page 3)
    expect(problems(sim)).toContain('page-table slot 1: frame 3 is not a page-table frame of its own');
  });
});

describe('checkInvariants: page-cache counts', () => {
  it('nr_dirty counts dirty page-cache frames only; nr_writeback the writes queued', () => {
    const a = fixture();
    a.s.frameDirty[2] = FRAME_DIRTY;
    expect(problems(a)).toEqual(['node 0: 1 dirty page-cache frames, nr_dirty 0']);
    a.s.nodeWords[W_FILE_DIRTY] = 1;
    a.s.frameDirty[4] = FRAME_DIRTY; // anon: a dirty PTE, not nr_dirty
    expect(problems(a)).toEqual([]);
    const b = fixture();
    b.s.frameDirty[2] = FRAME_WRITEBACK;
    expect(problems(b)).toEqual(['node 0: 1 frames under writeback, 0 writes queued, nr_writeback 0']);
    b.s.nodeWords[W_WB_SIZE] = 1;
    b.s.nodeWords[W_WRITEBACK] = 1;
    expect(problems(b)).toEqual([]);
    // A page redirtied during its write: a write queued, the frame DIRTY again.
    b.s.frameDirty[2] = 0;
    expect(problems(b)).toEqual([]);
    b.s.nodeWords[W_WRITEBACK] = 0;
    expect(problems(b)).toEqual(['node 0: 0 frames under writeback, 1 writes queued, nr_writeback 0']);
  });

  it('NR_SHMEM counts the swap-backed frames of shmem pages', () => {
    const sim = fixture({ anonKind: 'shmem' });
    expect(sim.s.nodeWords[W_SHMEM_PAGES]).toBe(3);
    sim.s.nodeWords[W_SHMEM_PAGES] = 4;
    expect(problems(sim)).toEqual(['node 0: 3 shmem frames, counted 4']);
    const anon = fixture();
    anon.s.nodeWords[W_SHMEM_PAGES] = 3;
    expect(problems(anon)).toEqual(['node 0: 0 shmem frames, counted 3']);
  });
});

describe('checkInvariants: page table and swap', () => {
  it('an entry naming another page’s frame, and the frame whose page points elsewhere', () => {
    const sim = fixture();
    sim.s.pte[0] = 3 + 1;
    expect(problems(sim)).toEqual([
      'page 0: entry names frame 3, which holds page 3',
      'frame 0 holds page 0 whose entry is 4',
    ]);
  });

  it('flags of the wrong kind for the page', () => {
    const a = fixture();
    a.s.frameFlags[2] |= PG_SWAPBACKED;
    expect(problems(a)).toContain('page 2: anon flags do not match its kind');
    const b = fixture();
    b.s.frameFlags[4] &= ~PG_SWAPBACKED;
    expect(problems(b)).toContain('page 64: file flags do not match its kind');
  });

  it('a swap-cache entry needs PG_swapcache and a slot; a swapped-out anon page a slot', () => {
    const sim = fixture({ swap: '1MiB' });
    sim.s.pte[64] = pteOfSwapCache(4);
    expect(problems(sim)).toContain('page 64: unmapped in frame 4 but not in the swap cache');
    sim.s.frameFlags[4] |= PG_SWAPCACHE;
    expect(problems(sim)).toEqual(['swap slots in use 0 != anon pages in swap 0 + in the swap cache 1']);
    sim.s.nodeWords[W_SWAP_USED] = 1;
    expect(problems(sim)).toEqual([]);
    // Anon page 67, never present, swapped out (a shadow entry): one more slot.
    sim.s.pte[67] = -5;
    expect(problems(sim)).toEqual(['swap slots in use 1 != anon pages in swap 1 + in the swap cache 1']);
    sim.s.nodeWords[N1 + W_SWAP_USED] = 1; // slots of every node count
    expect(problems(sim)).toEqual([]);
    // A file page's shadow is no swap entry.
    sim.s.pte[10] = -5;
    expect(problems(sim)).toEqual([]);
  });

  it('at most 20 problems are reported', () => {
    const sim = fixture();
    for (let page = 10; page < 64; page++) sim.s.pte[page] = 1; // 54 entries naming frame 0
    const p = problems(sim);
    expect(p).toHaveLength(20);
    expect(p[0]).toBe('page 10: entry names frame 0, which holds page 0');
  });
});

describe('checkInvariants: multi-gen LRU', () => {
  // 6.1 with lru_gen: max_seq 3, min_seq 0 for both types. File pages 0..3 are in generation 1
  // (list 1 * 2 + 1 = 3: head 3 … tail 0, frameGen 2), anon pages 64..66 in generation 2 (list
  // 4, frameGen 3). The youngest two (3, 2) count as active: classic sizes 0+3 anon, 4+0 file.
  const gen = () => fixture({ version: '6.1', kernel: 'lru_gen: { enabled: true }' });

  it('the fixture', () => {
    const s = gen().s;
    expect(s.lruGenWords[G_HEAD + 3]).toBe(3);
    expect(s.lruGenWords[G_SIZE + 4]).toBe(3);
    expect([0, 1, 2, 3].map((l) => s.nodeWords[W_LRU_SIZE + l])).toEqual([0, 3, 4, 0]);
    expect(s.frameGen[0]).toBe(2);
    expect(s.frameGen[4]).toBe(3);
  });

  it('between MIN_NR_GENS (2) and MAX_NR_GENS (4) generations per type', () => {
    const a = gen();
    a.s.lruGenWords[G_MIN_SEQ] = 2; // anon: 3 - 2 + 1 = 2 generations
    expect(problems(a)).toEqual([]);
    a.s.lruGenWords[G_MIN_SEQ] = 3;
    expect(problems(a)).toEqual(['node 0 type 0: 1 generations (min_seq 3, max_seq 3)']);
    const b = gen();
    b.s.lruGenWords[G_MIN_SEQ + 1] = -1;
    expect(problems(b)).toEqual(['node 0 type 1: 5 generations (min_seq -1, max_seq 3)']);
  });

  it('a generation list outside the node or looping stops the node’s check', () => {
    const a = gen();
    a.s.lruGenWords[G_HEAD + 3] = 64;
    expect(problems(a)).toEqual(['node 0 gen 1 type 1: frame 64 outside the node']);
    const b = gen();
    b.s.lruGenWords[GEN_WORDS + G_HEAD + 4] = 63; // node 1's anon list of generation 2
    expect(problems(b)).toEqual(['node 1 gen 2 type 0: frame 63 outside the node']);
    const c = gen();
    c.s.lruNext[0] = 3;
    expect(problems(c)).toEqual(['node 0 gen 1 type 1: frame 3 reached twice']);
  });

  it('links, flags, generation bits and type of a listed frame', () => {
    const a = gen();
    a.s.lruPrev[2] = 7;
    expect(problems(a)).toEqual(['node 0 gen 1: frame 2 prev 7 != 3']);
    for (const [flags, text] of [
      [PG_LRU | PG_ACTIVE, 9],
      [0, 0],
      [PG_LRU | PG_ISOLATED, 72],
    ] as const) {
      const sim = gen();
      sim.s.frameFlags[2] = flags;
      expect(problems(sim)).toEqual([`node 0: frame 2 on gen 1 with flags ${text}`]);
    }
    const b = gen();
    b.s.frameGen[2] = 3;
    expect(problems(b)).toEqual(['node 0: frame 2 gen bits 3 on gen 1']);
    b.s.frameGen[2] = 2 | 8; // bits above GEN_MASK are not the generation
    expect(problems(b)).toEqual([]);
    const c = gen();
    c.s.frameFlags[2] |= PG_SWAPBACKED;
    expect(problems(c)).toContain('node 0: frame 2 flags 12 on the type 1 list');
  });

  it('tail, size, and the classic sizes the generations make', () => {
    const a = gen();
    a.s.lruGenWords[G_TAIL + 3] = 1;
    expect(problems(a)).toEqual(['node 0 gen 1 type 1: tail 1 != last 0']);
    const b = gen();
    b.s.lruGenWords[G_SIZE + 3] = 5;
    expect(problems(b)).toEqual(['node 0 gen 1 type 1: size 5 != walked 4']);
    const c = gen();
    c.s.nodeWords[W_LRU_SIZE + 1] = 2;
    expect(problems(c)).toEqual(['node 0 type 0: classic sizes 0+2, generations 0+3']);
    const d = gen();
    d.s.nodeWords[W_LRU_SIZE + 2] = 3;
    expect(problems(d)).toEqual(['node 0 type 1: classic sizes 3+0, generations 4+0']);
    // max_seq 4 (min_seq 1): the active generations are 0 and 3, so anon's generation 2 is
    // inactive now: classic sizes 3+0 anon, 4+0 file.
    const e = gen();
    e.s.lruGenWords[G_MAX_SEQ] = 4;
    e.s.lruGenWords[G_MIN_SEQ] = 1;
    e.s.lruGenWords[G_MIN_SEQ + 1] = 1;
    e.s.nodeWords[W_LRU_SIZE] = 3;
    e.s.nodeWords[W_LRU_SIZE + 1] = 0;
    expect(problems(e)).toEqual([]);
  });

  it('a free frame with generation bits is not clean; counts come from the generations', () => {
    const a = gen();
    a.s.frameGen[8] = 1;
    expect(problems(a)).toEqual([
      'node 0: free frame 8 is not clean (flags, PTE bits, dirty, accessed or scan time set)',
    ]);
    const b = gen();
    b.s.nodeWords[W_ANON_PAGES] = 4;
    expect(problems(b)).toEqual(['node 0: 3 anon frames, counted 4']);
    b.s.nodeWords[W_ANON_PAGES] = 3;
    b.s.nodeWords[W_FILE_PAGES] = 5;
    expect(problems(b)).toEqual(['node 0: 4 file frames, counted 5']);
  });
});
