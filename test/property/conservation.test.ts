/**
 * Goal: on any small machine and workload, memory is conserved and the vmstat counters keep the
 * identities the kernel's (and tiersim's) accounting implies.
 *
 * Method: fast-check draws random experiments (test/helpers/random-config.ts: 1–4 nodes of
 * 64–2048 pages, CPU-less PMEM/CXL nodes, fixed or formula watermarks, 5.15/5.18/6.0/6.1,
 * demotion on/off, NUMA balancing in any mode, swap or none, 1–3 pinned tasks, every pattern, workloads from 0.2x to 3x memory, sometimes a
 * MADV_PAGEOUT) and runs each inline. After every epoch: checkInvariants is empty (each page in
 * exactly one place, free + LRU + isolated + page tables + per-CPU list = managed), every frame taken was counted in
 * pgalloc_normal and every frame returned in pgfree, swap use equals the anon pages whose entry
 * is a swap shadow plus the pages in the swap cache, no event counter went down and every CPU clock reached the epoch's end. At
 * the end: the counter identities listed in `identityViolations`. (The access matrix counts only
 * accesses to present pages; an access that faults is in tiersim_accesses but in no matrix cell,
 * so the matrix is checked against tiersim_accesses as an inequality with the faults.)
 * The same test then asserts the generator really exercised reclaim, demotion, swap and direct
 * reclaim (not passing vacuously), and a last test shows that the checks do report a corrupted
 * state and inconsistent counters. fast-check prints seed and path on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/engine/simulation.js';
import { checkInvariants } from '../../src/memory/invariants.js';
import {
  CPU_WORDS,
  C_CLOCK,
  NODE_WORDS,
  W_FREE,
  W_FREE_HEAD,
  W_PCP_STOLEN,
  W_SWAP_USED,
} from '../../src/memory/layout.js';
import { PG_SWAPCACHE } from '../../src/memory/flags.js';
import { frameOfPte, isShadowPte } from '../../src/memory/pte.js';
import { COUNTERS, COUNTER_INDEX, NR_COUNTERS, type CounterName } from '../../src/metrics/vmstat.js';
import type { RunResult } from '../../src/metrics/result.js';
import { SMALL_515 } from '../helpers/configs.js';
import { build, choicesArb, toYaml } from '../helpers/random-config.js';
import { runText, type Run } from '../helpers/run.js';

const NUM_RUNS = 250;
/**
 * A failure fast-check printed replays from its seed and path: FC_SEED=<seed> FC_PATH=<path>
 * npx vitest run --config vitest.long.config.ts test/property/conservation.test.ts. A replay runs
 * the one shrunk case, so the coverage bounds below are not checked then.
 */
const REPLAY =
  process.env.FC_SEED === undefined
    ? undefined
    : {
        seed: Number(process.env.FC_SEED),
        ...(process.env.FC_PATH === undefined ? {} : { path: process.env.FC_PATH }),
        endOnFailure: true,
      };

function counter(sim: Simulation, nid: number, name: CounterName): number {
  return sim.s.counters[nid * NR_COUNTERS + COUNTER_INDEX[name]];
}

/**
 * Pages a per-CPU refill took off node `nid`'s free count (W_PCP_STOLEN): neither free nor
 * allocated yet, as in the kernel, whose NR_FREE_PAGES leaves the pcp lists out.
 */
function onPcpList(sim: Simulation, nid: number): number {
  return sim.s.nodeWords[nid * NODE_WORDS + W_PCP_STOLEN];
}

const EVENT_COUNTERS = COUNTERS.flatMap((c, i) => (c.kind === 'event' ? [{ name: c.name, index: i }] : []));

/**
 * Conservation checks cheap enough for every epoch, beyond checkInvariants. `previous` holds the
 * counters after the previous epoch (event counters never go down) and is updated.
 */
function epochViolations(sim: Simulation, epochsDone: number, previous: Float64Array): string[] {
  const s = sim.s;
  const out: string[] = [...checkInvariants(s)];
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    for (const { name, index } of EVENT_COUNTERS) {
      const i = nid * NR_COUNTERS + index;
      if (s.counters[i] < previous[i])
        out.push(`node ${nid}: ${name} went down from ${previous[i]} to ${s.counters[i]}`);
    }
  }
  previous.set(s.counters);
  const endNs = epochsDone * s.params.epochNs;
  for (let cpu = 0; cpu < s.layout.cpus; cpu++) {
    const clock = s.cpuWords[cpu * CPU_WORDS + C_CLOCK];
    if (clock < endNs)
      out.push(`cpu ${cpu}: clock ${clock} behind the end of epoch ${epochsDone} (${endNs})`);
  }
  for (let nid = 0; nid < s.layout.nodes; nid++) {
    const managed = s.layout.managedPages[nid];
    const free = s.nodeWords[nid * NODE_WORDS + W_FREE];
    if (free < 0 || free > managed) out.push(`node ${nid}: free ${free} outside [0, ${managed}]`);
    const onPcp = onPcpList(sim, nid);
    const inUse = counter(sim, nid, 'pgalloc_normal') - counter(sim, nid, 'pgfree');
    if (inUse !== managed - free - onPcp)
      out.push(
        `node ${nid}: pgalloc_normal - pgfree = ${inUse} but ${managed - free - onPcp} frames are in use (${onPcp} more on the per-CPU list)`,
      );
  }
  let swapUsed = 0;
  for (let nid = 0; nid < s.layout.nodes; nid++) swapUsed += s.nodeWords[nid * NODE_WORDS + W_SWAP_USED];
  // Slots: every evicted anon page holds one, and so does every page in the swap cache.
  let swapped = 0;
  let swapCached = 0;
  for (let page = s.plan.filePages; page < s.layout.pages; page++) {
    const e = s.pte[page];
    if (isShadowPte(e)) swapped++;
    const frame = frameOfPte(e);
    if (frame >= 0 && (s.frameFlags[frame] & PG_SWAPCACHE) !== 0) swapCached++;
  }
  if (swapUsed !== swapped + swapCached)
    out.push(
      `swap slots in use ${swapUsed} != anon pages in swap ${swapped} + in the swap cache ${swapCached}`,
    );
  if (s.params.swapPages === 0 && swapped > 0) out.push(`${swapped} anon pages in swap with no swap`);
  return out;
}

/**
 * Run `yaml` inline with epochViolations after every epoch: the first epoch that breaks one,
 * labelled, and its violations (empty if none did). `afterEpoch` sees every epoch too.
 */
async function runCheckingEveryEpoch(
  yaml: string,
  afterEpoch?: (sim: Simulation) => void,
): Promise<{ run: Run; perEpoch: string[] }> {
  const perEpoch: string[] = [];
  let previous: Float64Array | undefined;
  const run = await runText(yaml, (sim, done) => {
    afterEpoch?.(sim);
    if (perEpoch.length > 0) return;
    previous ??= new Float64Array(sim.s.counters.length);
    const found = epochViolations(sim, done, previous);
    if (found.length > 0) perEpoch.push(`after epoch ${done}:`, ...found);
  });
  return { run, perEpoch };
}

/** The end-of-run identities, machine-wide (result.vmstat) and per node where they hold per node. */
function identityViolations(sim: Simulation, r: RunResult): string[] {
  const out: string[] = [];
  const v = r.vmstat;
  const eq = (what: string, a: number, b: number) => {
    if (a !== b) out.push(`${what}: ${a} != ${b}`);
  };
  const le = (what: string, a: number, b: number) => {
    if (!(a <= b)) out.push(`${what}: ${a} > ${b}`);
  };
  const { machine, params } = sim.s;

  eq(
    'pgmigrate_success = pgdemote_kswapd + pgdemote_direct + numa_pages_migrated',
    v.pgmigrate_success,
    v.pgdemote_kswapd + v.pgdemote_direct + v.numa_pages_migrated,
  );
  le('pgpromote_success <= numa_pages_migrated', v.pgpromote_success, v.numa_pages_migrated);
  le('numa_hint_faults_local <= numa_hint_faults', v.numa_hint_faults_local, v.numa_hint_faults);
  le(
    'pgpromote_candidate + tiersim_promote_not_hot <= numa_hint_faults',
    v.pgpromote_candidate + v.tiersim_promote_not_hot,
    v.numa_hint_faults,
  );
  le(
    'numa_pages_migrated <= numa_hint_faults - numa_hint_faults_local',
    v.numa_pages_migrated,
    v.numa_hint_faults - v.numa_hint_faults_local,
  );
  if (params.numa.mode === 0) {
    for (const name of [
      'numa_pte_updates',
      'numa_hint_faults',
      'numa_pages_migrated',
      'pgpromote_candidate',
    ] as const)
      eq(`${name} with numa_balancing 0`, v[name], 0);
  }
  le('pgdemote_kswapd <= pgsteal_kswapd', v.pgdemote_kswapd, v.pgsteal_kswapd);
  le('pgdemote_direct <= pgsteal_direct', v.pgdemote_direct, v.pgsteal_direct);
  eq(
    'pgsteal_anon + pgsteal_file = pgsteal_kswapd + pgsteal_direct',
    v.pgsteal_anon + v.pgsteal_file,
    v.pgsteal_kswapd + v.pgsteal_direct,
  );
  eq(
    'pgscan_anon + pgscan_file = pgscan_kswapd + pgscan_direct',
    v.pgscan_anon + v.pgscan_file,
    v.pgscan_kswapd + v.pgscan_direct,
  );
  eq('numa_hit + numa_miss = pgalloc_normal', v.numa_hit + v.numa_miss, v.pgalloc_normal);
  eq('sum numa_miss = sum numa_foreign', v.numa_miss, v.numa_foreign);
  eq('numa_local + numa_other = pgalloc_normal', v.numa_local + v.numa_other, v.pgalloc_normal);
  le('pgmajfault <= pgfault', v.pgmajfault, v.pgfault);
  // A swap fault reads its page plus the readahead window's swap entries (swap_ra); each
  // read-ahead page is mapped by at most one swap-cache hit.
  le('swap_ra <= pswpin', v.swap_ra, v.pswpin);
  le('pswpin - swap_ra <= pgmajfault', v.pswpin - v.swap_ra, v.pgmajfault);
  le('swap_ra_hit <= swap_ra', v.swap_ra_hit, v.swap_ra);
  le(
    'pgsteal_kswapd + pgsteal_direct <= pgscan_kswapd + pgscan_direct (every page stolen was scanned)',
    v.pgsteal_kswapd + v.pgsteal_direct,
    v.pgscan_kswapd + v.pgscan_direct,
  );
  for (const t of ['anon', 'file'] as const) {
    le(
      `workingset_activate_${t} <= workingset_refault_${t}`,
      v[`workingset_activate_${t}`],
      v[`workingset_refault_${t}`],
    );
    le(
      `workingset_restore_${t} <= workingset_activate_${t}`,
      v[`workingset_restore_${t}`],
      v[`workingset_activate_${t}`],
    );
  }

  const noTarget = machine.demotion.preferred.every((p) => p.length === 0);
  if (!params.demotionEnabled || noTarget) {
    eq('pgdemote_kswapd without demotion', v.pgdemote_kswapd, 0);
    eq('pgdemote_direct without demotion', v.pgdemote_direct, 0);
    if (params.numa.mode === 0) eq('pgmigrate_fail without demotion or promotion', v.pgmigrate_fail, 0);
  }
  if (params.swapPages === 0) {
    eq('pswpout without swap', v.pswpout, 0);
    eq('pswpin without swap', v.pswpin, 0);
  }

  for (const node of r.nodes) {
    const n = node.vmstat;
    const id = `node ${node.id}`;
    const managed = sim.s.layout.managedPages[node.id];
    le(`${id} nr_free_pages <= managed`, n.nr_free_pages, managed);
    le(`${id} 0 <= nr_free_pages`, 0, n.nr_free_pages);
    eq(`${id} numa_hit + numa_miss = pgalloc_normal`, n.numa_hit + n.numa_miss, n.pgalloc_normal);
    eq(`${id} numa_local + numa_other = pgalloc_normal`, n.numa_local + n.numa_other, n.pgalloc_normal);
    eq(
      `${id} pgmigrate_success = pgdemote_* + numa_pages_migrated`,
      n.pgmigrate_success,
      n.pgdemote_kswapd + n.pgdemote_direct + n.numa_pages_migrated,
    );
    le(`${id} pgdemote_kswapd <= pgsteal_kswapd`, n.pgdemote_kswapd, n.pgsteal_kswapd);
    le(`${id} pgdemote_direct <= pgsteal_direct`, n.pgdemote_direct, n.pgsteal_direct);
    le(`${id} pgmajfault <= pgfault`, n.pgmajfault, n.pgfault);
    if (machine.demotion.preferred[node.id].length === 0) {
      eq(`${id} (no demotion target) pgdemote_kswapd`, n.pgdemote_kswapd, 0);
      eq(`${id} (no demotion target) pgdemote_direct`, n.pgdemote_direct, 0);
    }
    // Gauges agree with the node's lists. Page-table pages are unmovable, on no LRU and never
    // reclaimed: they are the one other place a managed frame can be, but for the pages a
    // per-CPU refill holds.
    const onPcp = onPcpList(sim, node.id);
    eq(
      `${id} free + LRU + isolated + page tables + per-CPU list = managed`,
      n.nr_free_pages +
        n.nr_inactive_anon +
        n.nr_active_anon +
        n.nr_inactive_file +
        n.nr_active_file +
        n.nr_isolated_anon +
        n.nr_isolated_file +
        n.nr_page_table_pages +
        onPcp,
      managed,
    );
    eq(
      `${id} anon + file + page-table pages = managed - free - on the per-CPU list`,
      n.nr_anon_pages + n.nr_file_pages + n.nr_page_table_pages,
      managed - n.nr_free_pages - onPcp,
    );
    eq(`${id} MemFree (kB)`, node.meminfo.MemFree, n.nr_free_pages * params.pageKiB);
    // An access either hit a present page (counted in the matrix row of the CPU's node) or
    // missed: a fault (pgfault), a read() miss, or a repeat of a miss earlier in the epoch. A
    // NUMA hint fault is in pgfault as Linux counts it, and its access is served (in the row).
    const row = r.access_matrix[node.id].reduce((a, b) => a + b, 0);
    le(
      `${id} matrix row + pgfault - numa_hint_faults + read misses <= tiersim_accesses`,
      row + n.pgfault - n.numa_hint_faults + n.tiersim_read_miss,
      n.tiersim_accesses,
    );
    eq(
      `${id} tiersim_accesses_served = matrix column`,
      n.tiersim_accesses_served,
      r.access_matrix.reduce((a, rw) => a + rw[node.id], 0),
    );
  }
  // Tasks account for every access.
  eq(
    'sum of task accesses = tiersim_accesses',
    r.tasks.reduce((a, t) => a + t.accesses, 0),
    v.tiersim_accesses,
  );
  return out;
}

interface Coverage {
  runs: number;
  reclaimed: number;
  demoted: number;
  demotedDirect: number;
  swapped: number;
  directReclaim: number;
  madvise: number;
  migrateFail: number;
  promoted: number;
  hintFaults: number;
  refaults: number;
  overcommitted: number;
  mglruReclaimed: number;
}

describe('conservation and counter identities on random machines', () => {
  it('every epoch conserves pages; every run keeps the identities', async () => {
    const coverage: Coverage = {
      runs: 0,
      reclaimed: 0,
      demoted: 0,
      demotedDirect: 0,
      swapped: 0,
      directReclaim: 0,
      madvise: 0,
      migrateFail: 0,
      promoted: 0,
      hintFaults: 0,
      refaults: 0,
      overcommitted: 0,
      mglruReclaimed: 0,
    };
    await fc.assert(
      fc.asyncProperty(choicesArb, async (choices) => {
        const config = build(choices);
        const yaml = toYaml(config);
        const { run, perEpoch } = await runCheckingEveryEpoch(yaml);
        expect(perEpoch, yaml).toEqual([]);
        expect(identityViolations(run.sim, run.result), yaml).toEqual([]);

        const v = run.result.vmstat;
        coverage.runs++;
        if (v.pgsteal_kswapd + v.pgsteal_direct > 0) coverage.reclaimed++;
        if (run.sim.s.layout.lruGen && v.pgsteal_kswapd + v.pgsteal_direct > 0) coverage.mglruReclaimed++;
        if (v.pgdemote_kswapd > 0) coverage.demoted++;
        if (v.pgdemote_direct > 0) coverage.demotedDirect++;
        if (v.pswpout > 0) coverage.swapped++;
        if (v.allocstall_normal > 0) coverage.directReclaim++;
        if (run.sim.spec.actions.length > 0) coverage.madvise++;
        if (v.pgmigrate_fail > 0) coverage.migrateFail++;
        if (v.pgpromote_success > 0) coverage.promoted++;
        if (v.numa_hint_faults > 0) coverage.hintFaults++;
        if (v.workingset_refault_anon + v.workingset_refault_file > 0) coverage.refaults++;
        if (run.sim.s.layout.pages > run.sim.s.layout.managedPages.reduce((a, b) => a + b, 0))
          coverage.overcommitted++;
      }),
      { numRuns: NUM_RUNS, ...REPLAY },
    );
    if (REPLAY !== undefined) return;
    // The generator really reached reclaim, demotion, swap and direct reclaim, so the properties
    // did not pass vacuously. fast-check's seed is random, so the bounds are loose (in 5 500
    // runs, reclaim happened in ~22% of them, demotion in ~7%, swap-out in ~14%).
    const seen = JSON.stringify(coverage);
    expect(coverage.runs).toBe(NUM_RUNS);
    expect(coverage.reclaimed, seen).toBeGreaterThanOrEqual(NUM_RUNS / 10);
    expect(coverage.demoted, seen).toBeGreaterThanOrEqual(2);
    expect(coverage.swapped, seen).toBeGreaterThanOrEqual(2);
    expect(coverage.directReclaim, seen).toBeGreaterThanOrEqual(2);
    expect(coverage.madvise, seen).toBeGreaterThanOrEqual(2);
    // With NUMA balancing in a third of the runs: hint faults in 11-18 % (2026-12-03, six runs of
    // this test), promotions in 2-5 %. A run is 2-20 ms: task_numa_work moves node_stamp two
    // ticks (8 ms) on, so most runs scan once, and a single-threaded task skips its local pages.
    expect(coverage.hintFaults, seen).toBeGreaterThanOrEqual(NUM_RUNS / 50);
    // Promotions came in 5-12 of the 250 in eleven runs of this test and in 1 once (2026-12-03):
    // at least one shows the property reached promotion, without flaking.
    expect(coverage.promoted, seen).toBeGreaterThanOrEqual(1);
    expect(coverage.overcommitted, seen).toBeGreaterThanOrEqual(NUM_RUNS / 10);
    // MGLRU is on in ~14% of the runs (6.1 draws), and reclaims in ~7 of them on average.
    expect(coverage.mglruReclaimed, seen).toBeGreaterThanOrEqual(1);
  }, 120_000);

  // fast-check's shrunk counterexample of CI run 2026-12-03 (seed 944059410): 261 pages with
  // watermarks 0, so page-table pages take the non-movable pool and a per-CPU refill holds
  // pages between epochs. The identities held only once they counted W_PCP_STOLEN.
  it('an epoch that ends with pages on the per-CPU list conserves them', async () => {
    const yaml = `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 1044KiB, device: dram, watermarks: { min: 0, low: 0, high: 0 } }
    - { id: 1, cpus: 0, memory: 256KiB, device: pmem }
kernel: { version: '5.15', demotion_enabled: false, swappiness: 0 }
storage: { disk: { read_latency: 1us }, swap: { size: 0KiB } }
costs: { minor_fault: 100ns, reclaim_scan_per_page: 20ns, fault_batch_max: 16 }
run: { duration: 2000us, epoch: 100us, seed: 0 }
workload:
  tasks:
    - name: t0
      cpus: [0]
      cpu_per_access: 5ns
      regions:
        - { kind: anon, size: 1300KiB, pattern: { type: normal, stdev: 0.01 }, write_fraction: 0 }
`;
    const onPcp: number[] = [];
    const { run, perEpoch } = await runCheckingEveryEpoch(yaml, (sim) => onPcp.push(onPcpList(sim, 0)));
    // The case is the one it names: epoch 1 ends with 2 pages on node 0's per-CPU list.
    expect(onPcp[0]).toBe(2);
    expect(perEpoch).toEqual([]);
    expect(identityViolations(run.sim, run.result)).toEqual([]);
  });

  it('the checks report a corrupted state or inconsistent counters (they can fail)', async () => {
    const run = await runText(SMALL_515);
    const { sim, result } = run;
    const s = sim.s;
    const epochs = result.epochs_run;
    const fresh = () => Float64Array.from(s.counters);
    expect(epochViolations(sim, epochs, fresh())).toEqual([]);
    expect(identityViolations(sim, result)).toEqual([]);
    expect(result.vmstat.pgdemote_kswapd).toBeGreaterThan(0);

    const w = 2 * NODE_WORDS;
    s.nodeWords[w + W_FREE]--;
    expect(epochViolations(sim, epochs, fresh()).join('\n')).toMatch(
      /node 2: free count|node 2: pgalloc_normal - pgfree/,
    );
    s.nodeWords[w + W_FREE]++;
    s.nodeWords[W_SWAP_USED]++;
    expect(epochViolations(sim, epochs, fresh()).join('\n')).toMatch(/swap slots in use/);
    s.nodeWords[W_SWAP_USED]--;
    // A free frame left dirty (takeFrame relies on free frames being clean).
    const freeFrame = s.nodeWords[W_FREE_HEAD];
    expect(freeFrame).toBeGreaterThanOrEqual(0);
    s.frameDirty[freeFrame] = 1;
    expect(epochViolations(sim, epochs, fresh()).join('\n')).toMatch(/node 0: free frame \d+ is not clean/);
    s.frameDirty[freeFrame] = 0;
    const previous = fresh();
    previous[COUNTER_INDEX.pgfault]++;
    expect(epochViolations(sim, epochs, previous).join('\n')).toMatch(/node 0: pgfault went down/);
    expect(epochViolations(sim, epochs + 1, fresh()).join('\n')).toMatch(/clock .* behind the end of epoch/);
    expect(epochViolations(sim, epochs, fresh())).toEqual([]);

    const bad = structuredClone(result);
    bad.vmstat.pgmigrate_success++;
    bad.nodes[1].vmstat.numa_miss++;
    bad.access_matrix[0][2] += 1e9;
    const found = identityViolations(sim, bad).join('\n');
    expect(found).toMatch(/pgmigrate_success = pgdemote_kswapd \+ pgdemote_direct/);
    expect(found).toMatch(/node 1 numa_hit \+ numa_miss = pgalloc_normal/);
    expect(found).toMatch(/node 0 matrix row/);
  });
});
