/**
 * The NUMA-balancing scanner and its period, hand-computed (kernel/sched/fair.c task_tick_numa,
 * task_numa_work, task_numa_fault, update_task_scan_period; mm/mempolicy.c vma_policy_mof,
 * mpol_misplaced), and 5.18's two-stage filter for slow pages.
 *
 * Pages: file "f" = ids 0..63, task t's anon region from id 64 (see scenario.ts).
 */
import { describe, expect, it } from 'vitest';
import { numaScan } from '../../src/kernel/numa.js';
import { PG_SWAPBACKED } from '../../src/memory/flags.js';
import {
  C_CLOCK,
  TASK_WORDS,
  T_FAULTS_LOCAL,
  T_FAULTS_PRIVATE,
  T_FAULTS_REMOTE,
  T_FAULTS_SHARED,
  T_MM_SCAN_SEQ,
  T_NEXT_SCAN_NS,
  T_NODE_STAMP_NS,
  T_SCAN_CURSOR,
  T_SCAN_PERIOD_MS,
} from '../../src/memory/layout.js';
import type { Simulation } from '../../src/engine/simulation.js';
import {
  arm,
  counter,
  hint,
  nodeOf,
  place,
  range,
  reclaimEpoch,
  scenario,
  setNow,
  total,
} from './scenario.js';

const ANON = 64;

const word = (sim: Simulation, k: number) => sim.s.taskWords[0 * TASK_WORDS + k];
const armed = (sim: Simulation, page: number) => (sim.s.frameYoung[sim.s.pte[page] - 1] & 2) !== 0;
/** Arm PROT_NONE without touching the page's cpupid field (a later scan in NORMAL mode). */
const rearm = (sim: Simulation, pages: readonly number[]) => {
  for (const p of pages) sim.s.frameYoung[sim.s.pte[p] - 1] |= 2;
};

describe('the scan budget counts address space in chunks (task_numa_work)', () => {
  // scan_size_mb 1 = 256 pages, virtpages 2048; chunks end on 2 MiB (512-page) boundaries. The
  // address space: the anon region (2048 pages) then the mapped file (64 pages): 2112 pages.
  const sim = scenario({
    version: '6.1',
    anonSize: '8MiB',
    kernel: 'numa_balancing: 2, numa_balancing_scan_delay_ms: 0, numa_balancing_scan_size_mb: 1',
  });
  const slow = [10, 20, 700, 1600].map((o) => ANON + o);
  place(sim, slow, 1);

  it('a chunk with any armed PTE costs its whole size: one chunk per scan here', () => {
    // 1 ms: the first tick sets the period to task_scan_start from the RSS now (4 present
    // pages: task_nr_scan_windows = 1, not the 2112 mapped pages' 9): max(1000 / (2560 / 1),
    // 1000 / 1) = 1000 ms. node_stamp moves by the old period (0), the scan adds 2 ticks (8 ms);
    // the next scan is due at 1 + 1000 = 1001 ms.
    setNow(sim, 1);
    numaScan(sim.s, sim.ctx.scanSpaces);
    expect(word(sim, T_SCAN_PERIOD_MS)).toBe(1000);
    expect(word(sim, T_NODE_STAMP_NS)).toBe(8e6);
    expect(word(sim, T_NEXT_SCAN_NS)).toBe(1001e6);
    // Chunk [0, ALIGN(256, 512) = 512) holds two slow pages: both armed, the budget (256) is
    // spent by the chunk's 512 pages. The old per-PTE budget would have armed all four.
    expect(slow.map((p) => armed(sim, p))).toEqual([true, true, false, false]);
    expect(word(sim, T_SCAN_CURSOR)).toBe(512);
    expect(counter(sim, 0, 'numa_pte_updates')).toBe(2);
  });

  it('a scan waits for both the tick (node_stamp + period) and numa_next_scan', () => {
    // 1000 ms: 1000 < 8 + 1000: no tick.
    setNow(sim, 1000);
    numaScan(sim.s, sim.ctx.scanSpaces);
    expect(word(sim, T_SCAN_CURSOR)).toBe(512);
    // 1100 ms: 1100 > 1008: node_stamp 1008 (+ 8 after the scan); 1100 >= 1001: the scan runs.
    // Chunk [512, 1024) holds page 700.
    setNow(sim, 1100);
    numaScan(sim.s, sim.ctx.scanSpaces);
    expect(word(sim, T_NODE_STAMP_NS)).toBe(1016e6);
    expect(armed(sim, slow[2])).toBe(true);
    expect(word(sim, T_SCAN_CURSOR)).toBe(1024);
  });

  it('an empty chunk costs only virtual pages; the end of the address space starts a pass', () => {
    // 2100 ms: [1024, 1536) is empty (virtpages 2048 - 512), [1536, 2048) holds page 1600.
    setNow(sim, 2100);
    numaScan(sim.s, sim.ctx.scanSpaces);
    expect(armed(sim, slow[3])).toBe(true);
    expect(word(sim, T_SCAN_CURSOR)).toBe(2048);
    expect(word(sim, T_MM_SCAN_SEQ)).toBe(0);
    // 3200 ms: the file VMA (64 pages, none present), then no VMA is left: reset_ptenuma_scan.
    setNow(sim, 3200);
    numaScan(sim.s, sim.ctx.scanSpaces);
    expect(word(sim, T_SCAN_CURSOR)).toBe(0);
    expect(word(sim, T_MM_SCAN_SEQ)).toBe(1);
    expect(counter(sim, 0, 'numa_pte_updates')).toBe(4);
  });
});

describe('the scan costs its task CPU time, and 32 times it of run time before the next scan', () => {
  it('charges costs.numa_scan_per_pte per present PTE walked and moves node_stamp by 32 × that', () => {
    const sim = scenario({
      version: '6.1',
      kernel: 'numa_balancing: 2, numa_balancing_scan_delay_ms: 0',
      costs: 'numa_scan_per_pte: 1us',
    });
    place(sim, range(ANON, 10), 0);
    place(sim, range(ANON + 10, 5), 1);
    const clock = sim.s.cpuWords[C_CLOCK];
    // 1 ms: one call walks the whole address space (128 pages < the 65,536-page budget): 15
    // present PTEs (10 top-tier ones skipped, 5 slow ones armed) = 15 us on CPU 0; node_stamp
    // = 0 + 2 ticks (8 ms) + 32 × 15 us = 8.48 ms.
    setNow(sim, 1);
    numaScan(sim.s, sim.ctx.scanSpaces);
    expect(counter(sim, 0, 'numa_pte_updates')).toBe(5);
    expect(sim.s.cpuWords[C_CLOCK] - clock).toBe(15_000);
    expect(word(sim, T_NODE_STAMP_NS)).toBe(8e6 + 32 * 15_000);
  });
});

describe('the scan period adapts to the fault statistics (update_task_scan_period)', () => {
  // NORMAL mode on two DRAM nodes, a task with a thread on each (CPU 0 on node 0, CPU 1 on node
  // 1): every fault is recorded. 128 mapped pages = 1 window: task_scan_min = max(1000 / 10,
  // 100 / 1) = 100 ms, task_scan_max = 60000 ms.
  const nodes = `    - { id: 0, cpus: 1, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 1, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }`;
  const sim = scenario({
    version: '6.1',
    nodes,
    cpus: [0, 1],
    kernel: 'numa_balancing: 1, numa_balancing_scan_period_min_ms: 100',
  });
  const w = sim.s.taskWords;
  w[T_SCAN_PERIOD_MS] = 1000;
  const local = range(ANON, 8);
  const remote = range(ANON + 8, 30);
  place(sim, local, 0);
  place(sim, remote, 1);
  const pass = (seq: number) => (w[T_MM_SCAN_SEQ] = seq);

  it('mostly private faults: the period grows by (10 - 7) slots of a tenth', () => {
    // Pass 0: CPU 0 faults its 8 local pages and 2 remote ones, all first faults (cpupid unset:
    // private). The remote two migrate to node 0.
    setNow(sim, 1000);
    arm(sim, [...local, ...remote.slice(0, 2)], 0);
    hint(sim, 0, [...local, ...remote.slice(0, 2)]);
    reclaimEpoch(sim);
    expect([w[T_FAULTS_LOCAL], w[T_FAULTS_REMOTE], w[T_FAULTS_PRIVATE], w[T_FAULTS_SHARED]]).toEqual([
      8, 2, 10, 0,
    ]);
    expect(w[T_SCAN_PERIOD_MS]).toBe(1000); // no pass completed: no placement yet
    // Pass 1: its first recorded fault runs task_numa_placement: ps_ratio = 10 * 10 / 10 = 10
    // >= 7: diff = (10 - 7) * ceil(1000 / 10) = +300.
    pass(1);
    setNow(sim, 2000);
    // The faults of pass 1: CPU 0 on 10 node-1 pages last faulted by CPU 1 (cpupid 2): shared,
    // remote; the two-stage filter keeps them on node 1 (their last fault came from node 1).
    const shared = remote.slice(2, 12);
    arm(sim, shared, 2);
    hint(sim, 0, shared);
    expect(w[T_SCAN_PERIOD_MS]).toBe(1300);
    expect(shared.map((p) => nodeOf(sim, p))).toEqual(shared.map(() => 1));
    expect([w[T_FAULTS_LOCAL], w[T_FAULTS_REMOTE], w[T_FAULTS_PRIVATE], w[T_FAULTS_SHARED]]).toEqual([
      0, 10, 0, 10,
    ]);
  });

  it('shared remote faults: the period shrinks by (7 - max(lr, ps)) slots', () => {
    // Pass 2, at 2100 ms (after numa_migrate_retry = 2000 + min(1000, 1300 / 16)): lr_ratio 0,
    // ps_ratio 0: diff = -(7 - 0) * ceil(1300 / 10) = -910: 390 ms. Its faults: 5 first faults
    // of CPU 0 on node-1 pages, which migrate (remote, private).
    pass(2);
    setNow(sim, 2100);
    const moving = remote.slice(12, 17);
    arm(sim, moving, 0);
    hint(sim, 0, moving);
    reclaimEpoch(sim);
    expect(w[T_SCAN_PERIOD_MS]).toBe(390);
    expect(moving.map((p) => nodeOf(sim, p))).toEqual(moving.map(() => 0));
  });

  it('no local and no shared faults: the period doubles and the next scan waits for it', () => {
    // Pass 3: only remote private faults since the update: local + shared = 0: 390 * 2 = 780,
    // numa_next_scan = now + 780 ms; the counts are kept for the next update.
    pass(3);
    setNow(sim, 2200);
    arm(sim, [local[0]], 0);
    hint(sim, 0, [local[0]]);
    expect(w[T_SCAN_PERIOD_MS]).toBe(780);
    expect(w[T_NEXT_SCAN_NS]).toBe((2200 + 780) * 1e6);
    expect([w[T_FAULTS_LOCAL], w[T_FAULTS_REMOTE]]).toEqual([1, 5]);
    // Doubling stops at task_scan_max.
    // (Two seconds per pass: numa_migrate_retry, at most 1 s away, never holds the update back.)
    for (let seq = 4; seq < 12; seq++) {
      pass(seq);
      setNow(sim, 2000 * seq);
      arm(sim, [remote[13 + seq]], 0);
      hint(sim, 0, [remote[13 + seq]]);
      reclaimEpoch(sim);
    }
    // Pass 4 had local 1: 780 grows by ps (10 - 7) slots: 780 + 3 * 78 = 1014; then only remote
    // private faults: 2028, 4056, ..., capped at 60000 after six doublings.
    expect(w[T_SCAN_PERIOD_MS]).toBe(60000);
  });
});

describe('tiering mode keeps no statistics of slow memory (task_numa_fault)', () => {
  it('a refused slow page records nothing; a promoted one counts remote and private', () => {
    const sim = scenario({ version: '6.1', kernel: 'numa_balancing: 2' });
    place(sim, [ANON, ANON + 1], 1);
    setNow(sim, 5000);
    arm(sim, [ANON], 1000); // latency 4000 ms: not hot
    arm(sim, [ANON + 1], 4990);
    hint(sim, 0, [ANON, ANON + 1]);
    reclaimEpoch(sim);
    expect(nodeOf(sim, ANON + 1)).toBe(0);
    const w = sim.s.taskWords;
    expect([w[T_FAULTS_LOCAL], w[T_FAULTS_REMOTE], w[T_FAULTS_PRIVATE], w[T_FAULTS_SHARED]]).toEqual([
      0, 1, 1, 0,
    ]);
  });
});

describe('policies and migrate-on-fault (vma_policy_mof, MPOL_F_NUMA_BALANCING)', () => {
  const run = (policy: string) => {
    const sim = scenario({
      version: '6.1',
      task: `policy: ${policy}`,
      kernel: 'numa_balancing: 2, numa_balancing_scan_delay_ms: 0',
    });
    place(sim, range(ANON, 4), 1);
    setNow(sim, 10);
    numaScan(sim.s, sim.ctx.scanSpaces);
    const updates = counter(sim, 0, 'numa_pte_updates');
    // A hint fault on a page armed by hand: only a MOF policy may migrate it.
    arm(sim, [ANON], 5);
    hint(sim, 0, [ANON]);
    reclaimEpoch(sim);
    return { updates, promoted: total(sim, 'pgpromote_success') };
  };

  it('MPOL_BIND without the flag is never scanned nor promoted; with it, it is', () => {
    expect(run('{ mode: bind, nodes: [0] }')).toEqual({ updates: 0, promoted: 0 });
    expect(run('{ mode: bind, nodes: [0], flags: [numa_balancing] }')).toEqual({ updates: 4, promoted: 1 });
  });

  it('a bind|numa_balancing task does not promote to a node outside its set', () => {
    expect(run('{ mode: bind, nodes: [1], flags: [numa_balancing] }')).toEqual({ updates: 4, promoted: 0 });
  });

  it('preferred and interleave have no MPOL_F_MOF: not scanned, not migrated', () => {
    expect(run('{ mode: preferred, nodes: [1] }')).toEqual({ updates: 0, promoted: 0 });
    expect(run('{ mode: interleave, nodes: [0, 1] }')).toEqual({ updates: 0, promoted: 0 });
    expect(run('{ mode: default }')).toEqual({ updates: 4, promoted: 1 });
  });
});

describe('5.18 and 6.0: slow pages go through the two-stage filter', () => {
  // CPU 0 on DRAM node 0, CPU 1 on DRAM node 2, PMEM node 1; the task runs on both.
  const nodes = `    - { id: 0, cpus: 1, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 0, memory: 256KiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 2, cpus: 1, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }`;

  for (const version of ['5.18', '6.0'] as const) {
    it(`${version}: a page last faulted from node 2 is promoted to node 0 only at its second fault from node 0`, () => {
      const sim = scenario({ version, nodes, cpus: [0, 1], kernel: 'numa_balancing: 2' });
      place(sim, [ANON], 1);
      setNow(sim, 5000);
      arm(sim, [ANON], 2); // cpupid: CPU 1 (node 2)
      hint(sim, 0, [ANON]);
      reclaimEpoch(sim);
      expect(nodeOf(sim, ANON)).toBe(1);
      expect(sim.s.frameScanMs[sim.s.pte[ANON] - 1]).toBe(1); // now CPU 0
      rearm(sim, [ANON]);
      hint(sim, 0, [ANON]);
      reclaimEpoch(sim);
      expect(nodeOf(sim, ANON)).toBe(0);
      expect(counter(sim, 0, 'pgpromote_success')).toBe(1);
      expect(total(sim, 'pgpromote_candidate')).toBe(0);
    });
  }

  it('6.1 judges the same page by its hint-fault latency instead', () => {
    const sim = scenario({ version: '6.1', nodes, cpus: [0, 1], kernel: 'numa_balancing: 2' });
    place(sim, [ANON], 1);
    setNow(sim, 5000);
    arm(sim, [ANON], 4990); // scanned 10 ms ago: hot
    hint(sim, 0, [ANON]);
    reclaimEpoch(sim);
    expect(nodeOf(sim, ANON)).toBe(0);
    expect(counter(sim, 0, 'pgpromote_candidate')).toBe(1);
  });
});

describe('pgpromote_success by version (migrate_misplaced_folio)', () => {
  // NORMAL mode (1) moving a slow page to the faulting CPU's node: 6.1 counts it as a
  // promotion, 6.12 (from 6.11) only in tiering mode.
  for (const [version, expected] of [
    ['6.1', 1],
    ['6.6', 1],
    ['6.12', 0],
  ] as const) {
    it(`${version}: a NORMAL-mode move from PMEM to DRAM counts ${expected}`, () => {
      const sim = scenario({ version, kernel: 'numa_balancing: 1' });
      place(sim, [ANON], 1);
      setNow(sim, 5000);
      arm(sim, [ANON], 1); // cpupid: CPU 0 (NORMAL mode needs a previous fault on a slow page)
      hint(sim, 0, [ANON]);
      reclaimEpoch(sim);
      expect(nodeOf(sim, ANON)).toBe(0);
      expect(total(sim, 'numa_pages_migrated')).toBe(1);
      expect(total(sim, 'pgpromote_success')).toBe(expected);
    });
  }
});

describe('shared anonymous memory (shmem)', () => {
  it('is never scanned (no shared policy: vma_policy_mof is false), while the mapped file is', () => {
    const sim = scenario({
      version: '6.1',
      anonKind: 'shmem',
      kernel: 'numa_balancing: 2, numa_balancing_scan_delay_ms: 0',
    });
    place(sim, range(ANON, 4), 1); // shmem pages on PMEM
    place(sim, range(0, 2), 1); // file pages on PMEM
    setNow(sim, 10);
    numaScan(sim.s, sim.ctx.scanSpaces);
    expect(range(ANON, 4).some((p) => armed(sim, p))).toBe(false);
    expect(range(0, 2).every((p) => armed(sim, p))).toBe(true);
    expect(counter(sim, 0, 'numa_pte_updates')).toBe(2);
    // It is swap-backed memory, on the anon LRU like private anon.
    expect(sim.s.frameFlags[sim.s.pte[ANON] - 1] & PG_SWAPBACKED).not.toBe(0);
  });
});

describe('per-VMA scan filters of 6.6 and 6.12 (vma_numab_state, vma_is_accessed)', () => {
  // Tiering mode, scan_delay 100 ms (VMA_PID_RESET_PERIOD 400 ms), the default budget (65,536
  // pages) covers the whole address space in one call: every call is one pass. The address
  // space: the anon VMA (64 pages, scan-space pages 0..63), then the mapped file (64..127).
  // One page of each on PMEM; the task has one thread.
  const file = 0;
  const setup = (version: '6.1' | '6.6' | '6.12') => {
    const sim = scenario({ version, kernel: 'numa_balancing: 2, numa_balancing_scan_delay_ms: 100' });
    place(sim, [ANON, file], 1);
    return sim;
  };
  /** One task_numa_work at `ms`: the tick and numa_next_scan are made due. */
  const scanAt = (sim: Simulation, ms: number) => {
    sim.s.taskWords[T_NODE_STAMP_NS] = 1;
    sim.s.taskWords[T_SCAN_PERIOD_MS] = 1;
    sim.s.taskWords[T_NEXT_SCAN_NS] = 0;
    setNow(sim, ms);
    numaScan(sim.s, sim.ctx.scanSpaces);
  };
  /** Restore both PTEs without a hint fault (no PID bit), so the next scan can arm them again. */
  const disarm = (sim: Simulation) => {
    for (const p of [ANON, file]) sim.s.frameYoung[sim.s.pte[p] - 1] &= ~2;
  };
  const armedPair = (sim: Simulation) => [armed(sim, ANON), armed(sim, file)];

  it('a new VMA waits scan_delay after its state is set up, except in the first pass', () => {
    for (const [version, second] of [
      ['6.1', [true, true]],
      ['6.6', [false, false]],
      ['6.12', [false, false]],
    ] as const) {
      const sim = setup(version);
      // 200 ms, pass 0: both VMAs get their state (next_scan 300 ms) and are scanned.
      scanAt(sim, 200);
      expect(armedPair(sim)).toEqual([true, true]);
      expect(word(sim, T_MM_SCAN_SEQ)).toBe(1);
      // 250 ms, pass 1: 250 < 300: 6.6+ skip both, and the empty walk still ends the pass.
      disarm(sim);
      scanAt(sim, 250);
      expect(armedPair(sim)).toEqual(second);
      expect(word(sim, T_MM_SCAN_SEQ)).toBe(2);
    }
  });

  it('a VMA the task has not faulted in for two PID windows is skipped (6.6), forced one VMA a call (6.12)', () => {
    const results = (['6.1', '6.6', '6.12'] as const).map((version) => {
      const sim = setup(version);
      scanAt(sim, 200); // pass 0 (seq 0 -> 1); PID reset due at 300 + 400 = 700 ms
      // Still 200 ms: a hint fault on the anon page sets the task's bit in the anon VMA
      // (pids_active[1]); the page is hot (latency 0) and moves to DRAM.
      hint(sim, 0, [ANON]);
      reclaimEpoch(sim);
      disarm(sim);
      // 400 ms, pass 1: the first two passes are always allowed: both VMAs walked, one PTE
      // armed (the anon page is on DRAM now: tiering mode leaves it).
      const before = counter(sim, 0, 'numa_pte_updates');
      scanAt(sim, 400);
      const pass1 = [counter(sim, 0, 'numa_pte_updates') - before];
      disarm(sim);
      // 800 ms, pass 2: the window moved (800 > 700: pids_active[0] = anon's bit, [1] = 0; the
      // next reset at 1100). The anon VMA's bit is in [0]: accessed. The file VMA has none.
      scanAt(sim, 800);
      const pass2 = [armed(sim, file), word(sim, T_MM_SCAN_SEQ), word(sim, T_SCAN_CURSOR)];
      return [...pass1, ...pass2];
    });
    // 6.1: no filter: the file page is armed, the pass ends (seq 3, offset 0).
    expect(results[0]).toEqual([1, true, 3, 0]);
    // 6.6 (6.4's rules): the file VMA is skipped; the walk reaches the end: seq 3.
    expect(results[1]).toEqual([1, false, 3, 0]);
    // 6.12: skipped, then no VMA was left: vma_pids_forced rescans from the offset (0): the
    // anon VMA is done in this pass (prev_scan_seq), the file VMA is scanned and the call stops
    // after it (one forced VMA): the offset is its end (128) and the pass is not over yet.
    expect(results[2]).toEqual([1, true, 2, 128]);
  });

  it('6.12 forces one VMA per call: with neither VMA faulted in, a pass takes two calls', () => {
    const sim = setup('6.12');
    scanAt(sim, 200); // pass 0
    disarm(sim);
    scanAt(sim, 400); // pass 1: allowed (seq - start_scan_seq = 1 < 2)
    expect(armedPair(sim)).toEqual([true, true]);
    disarm(sim);
    // 800 ms, pass 2: no bits (the window moved, both empty); the offset (0) is not inside a
    // VMA; seq 2 is not past prev_scan_seq 1 + 1 thread: both skipped; forced: anon only.
    scanAt(sim, 800);
    expect(armedPair(sim)).toEqual([true, false]);
    expect([word(sim, T_MM_SCAN_SEQ), word(sim, T_SCAN_CURSOR)]).toEqual([2, 64]);
    // 900 ms: from offset 64: the file VMA skipped, then forced: armed; offset 128.
    scanAt(sim, 900);
    expect(armedPair(sim)).toEqual([true, true]);
    expect([word(sim, T_MM_SCAN_SEQ), word(sim, T_SCAN_CURSOR)]).toEqual([2, 128]);
    // 1000 ms: nothing past 128: reset_ptenuma_scan, pass 3.
    disarm(sim);
    scanAt(sim, 1000);
    expect(word(sim, T_MM_SCAN_SEQ)).toBe(3);
    expect(armedPair(sim)).toEqual([true, false]);
  });

  it('6.6 ages the PID bits after the access test: a fault at 200 ms keeps the VMA scanned until the second reset', () => {
    const sim = setup('6.6');
    place(sim, [ANON + 1], 1); // stays on PMEM: shows whether the anon VMA is walked
    scanAt(sim, 200);
    hint(sim, 0, [ANON]); // the anon VMA's bit in pids_active[1]
    reclaimEpoch(sim);
    const walked = [];
    for (const ms of [400, 800, 1200, 1600]) {
      sim.s.frameYoung[sim.s.pte[ANON + 1] - 1] &= ~2;
      scanAt(sim, ms);
      walked.push(armed(sim, ANON + 1));
    }
    // 400: pass 1, always. 800: bit in [1]: scanned, then aged ([0] = 1, reset 1100 -> 1500).
    // 1200: bit in [0]: scanned, aged ([0] = 0). 1600: no bit: skipped.
    expect(walked).toEqual([true, true, true, false]);
  });

  it('6.12 scans a VMA left unscanned for more passes than the task has threads (get_nr_threads)', () => {
    const walked = (['6.6', '6.12'] as const).map((version) => {
      const sim = setup(version);
      scanAt(sim, 200); // pass 0: both VMAs scanned (prev_scan_seq 0), next_scan 300 ms
      // 210-230 ms: inside the scan delay every VMA is skipped and each empty walk ends a pass.
      for (const ms of [210, 220, 230]) scanAt(sim, ms);
      expect(word(sim, T_MM_SCAN_SEQ)).toBe(4);
      disarm(sim);
      // 310 ms, pass 4: no PID bits. 6.12: seq 4 > prev_scan_seq 0 + 1 thread: both VMAs are
      // "accessed" and scanned in one call (forcing would have taken the anon VMA only); 6.6
      // (the mm's first two passes are over, no bits) skips both.
      scanAt(sim, 310);
      return armedPair(sim);
    });
    expect(walked).toEqual([
      [false, false],
      [true, true],
    ]);
  });

  it('6.6 never scans such a VMA again (the starvation 6.7 fixed)', () => {
    const sim = setup('6.6');
    scanAt(sim, 200);
    disarm(sim);
    scanAt(sim, 400);
    for (const ms of [800, 900, 1000, 2000]) {
      disarm(sim);
      scanAt(sim, ms);
      expect(armedPair(sim)).toEqual([false, false]);
    }
  });
});
