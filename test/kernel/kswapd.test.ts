/**
 * kswapd's sleep and CPU, hand-computed on the two-node scenario machine (node 0: DRAM, 1 CPU
 * running task t, 64 frames; node 1: PMEM, no CPU, 64 frames; watermarks min 4 / low 8 / high
 * 12; no swap) unless stated. The kernel facts: kswapd_try_to_sleep() naps HZ/10 after a run
 * that balanced the node and runs again without a wake-up if the node is unbalanced when the nap
 * ends (kswapd_high_wmark_hit_quickly) — or at once after a run that could not balance it; a
 * wake-up during the nap counts kswapd_low_wmark_hit_quickly; balance_pgdat counts pageoutrun
 * and, when a run down to priority 1 reclaimed nothing, kswapd_failures. kswapd is a thread on
 * its node's CPUs (a CPU-less node's: on the nearest CPU node's), sharing them fairly with the
 * tasks there.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { reclaimPhase, routeStep, settlePhase, migratePhase, acksStep } from '../../src/engine/phases.js';
import { KSWAPD_NAP_NS, kswapdNapsEnd, wakeupKswapd } from '../../src/kernel/kswapd.js';
import { chargeKswapdCpu, kswapdHost, planKswapdCpu } from '../../src/kernel/kswapd-cpu.js';
import {
  CPU_WORDS,
  C_CLOCK,
  NODE_WORDS,
  W_KSWAPD_BUDGET_NS,
  W_KSWAPD_CPU_NS,
  W_KSWAPD_DEBT_NS,
  W_KSWAPD_FAILURES,
  W_KSWAPD_NAP_END_NS,
  W_KSWAPD_PASS,
  W_KSWAPD_PRIORITY,
  W_KSWAPD_RUNNING,
  W_KSWAPD_WOKEN,
} from '../../src/memory/layout.js';
import { refreshSwapView } from '../../src/kernel/swap.js';
import type { Simulation } from '../../src/engine/simulation.js';
import {
  assertSound,
  counter,
  free,
  place,
  range,
  reclaimEpoch,
  scenario,
  setNow,
  woken,
} from './scenario.js';

const ANON = 64;
const EPOCH_NS = 1e6;

function word(sim: Simulation, nid: number, w: number): number {
  return sim.s.nodeWords[nid * NODE_WORDS + w];
}

/** The cost of one page kswapd scans and demotes to node 1. */
function demoteNs(sim: Simulation): number {
  const p = sim.s.params;
  return p.reclaimScanNs + p.migrateFixedNs + p.copyNsInto[1];
}

describe("kswapd's nap", () => {
  it('after balancing, naps HZ/10; unbalanced when the nap ends, it runs again unwoken', () => {
    const sim = scenario();
    place(sim, range(ANON, 56), 0); // free 8 = LOW
    setNow(sim, 5);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // As in demotion.test.ts: 10 demoted (p = 5: 1, p = 4: 3, p = 3: 6), free 18, balanced.
    expect(free(sim, 0)).toBe(18);
    expect(counter(sim, 0, 'pageoutrun')).toBe(1);
    expect(woken(sim, 0)).toBe(false);
    // The nap started when the run ended: 5 ms + kswapd's time at its half of the CPU.
    const ran = 10 * demoteNs(sim);
    expect(word(sim, 0, W_KSWAPD_NAP_END_NS)).toBe(5e6 + 2 * ran + KSWAPD_NAP_NS);
    // The task takes 8 more pages (no allocator call: nothing wakes kswapd): free 10 < HIGH.
    place(sim, range(0, 8), 0);
    const napEnd = word(sim, 0, W_KSWAPD_NAP_END_NS);
    kswapdNapsEnd(sim.s, napEnd - 1); // an epoch ending just before the nap does
    expect(woken(sim, 0)).toBe(false);
    kswapdNapsEnd(sim.s, napEnd);
    expect(woken(sim, 0)).toBe(true);
    expect(counter(sim, 0, 'kswapd_high_wmark_hit_quickly')).toBe(1);
    expect(counter(sim, 0, 'kswapd_low_wmark_hit_quickly')).toBe(0);
    expect(word(sim, 0, W_KSWAPD_NAP_END_NS)).toBe(0);
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pageoutrun')).toBe(2);
    expect(free(sim, 0)).toBeGreaterThan(12);
    assertSound(sim);
  });

  it('balanced when the nap ends, it sleeps until woken; a wake-up from that sleep counts nothing', () => {
    const sim = scenario();
    place(sim, range(ANON, 56), 0);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    kswapdNapsEnd(sim.s, word(sim, 0, W_KSWAPD_NAP_END_NS));
    expect(woken(sim, 0)).toBe(false);
    expect(word(sim, 0, W_KSWAPD_NAP_END_NS)).toBe(0);
    expect(counter(sim, 0, 'kswapd_high_wmark_hit_quickly')).toBe(0);
    place(sim, range(0, 8), 0); // free 10
    wakeupKswapd(sim.s, 0);
    expect(woken(sim, 0)).toBe(true);
    expect(counter(sim, 0, 'kswapd_low_wmark_hit_quickly')).toBe(0);
    expect(counter(sim, 0, 'kswapd_high_wmark_hit_quickly')).toBe(0);
  });

  it('a wake-up during the nap cuts it short (low), one on a balanced node does nothing', () => {
    const sim = scenario();
    place(sim, range(ANON, 56), 0);
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    wakeupKswapd(sim.s, 0); // free 18 > HIGH: balanced, the nap goes on
    expect(woken(sim, 0)).toBe(false);
    expect(word(sim, 0, W_KSWAPD_NAP_END_NS)).toBeGreaterThan(0);
    place(sim, range(0, 8), 0); // free 10
    wakeupKswapd(sim.s, 0);
    expect(woken(sim, 0)).toBe(true);
    expect(word(sim, 0, W_KSWAPD_NAP_END_NS)).toBe(0);
    expect(counter(sim, 0, 'kswapd_low_wmark_hit_quickly')).toBe(1);
    wakeupKswapd(sim.s, 0); // already awake: nothing more
    expect(counter(sim, 0, 'kswapd_low_wmark_hit_quickly')).toBe(1);
  });

  it('a run that cannot balance the node is followed at once by another (high), 16 failures then a nap', () => {
    const sim = scenario({ demotion: false });
    place(sim, range(ANON, 56), 0); // anon without swap or target: nothing reclaimable
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // Runs 1..15 end unbalanced and not hopeless: each is followed by another without a nap;
    // the 16th makes the node hopeless and kswapd naps (prepare_kswapd_sleep: hopeless).
    expect(counter(sim, 0, 'pageoutrun')).toBe(16);
    expect(counter(sim, 0, 'kswapd_high_wmark_hit_quickly')).toBe(15);
    expect(word(sim, 0, W_KSWAPD_FAILURES)).toBe(16);
    expect(word(sim, 0, W_KSWAPD_NAP_END_NS)).toBeGreaterThan(0);
    // Still hopeless at the nap's end: full sleep, nothing counted.
    kswapdNapsEnd(sim.s, word(sim, 0, W_KSWAPD_NAP_END_NS));
    expect(woken(sim, 0)).toBe(false);
    expect(counter(sim, 0, 'kswapd_high_wmark_hit_quickly')).toBe(15);
  });
});

/** Node 0: 256 frames, 250 cold anon pages (free 6), HIGH 100; node 1 (PMEM) the target. */
function bigNode(): Simulation {
  const sim = scenario({
    anonSize: '1000KiB',
    nodes: `    - { id: 0, cpus: 1, memory: 1MiB, device: dram, watermarks: { min: 4, low: 8, high: 100 } }
    - { id: 1, cpus: 0, memory: 1MiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }`,
  });
  place(sim, range(ANON, 250), 0);
  return sim;
}

/** The migrate and settle part of an epoch (kswapd's demotions land). */
function migrateSettle(sim: Simulation): void {
  let more = routeStep(sim) > 0;
  while (more) {
    for (let nid = 0; nid < 2; nid++) migratePhase(sim, nid);
    more = acksStep(sim);
  }
  for (let nid = 0; nid < 2; nid++) settlePhase(sim, nid);
}

describe("kswapd's CPU budget", () => {
  it('a run cut short mid-pass resumes next epoch at the same priority, where it stopped, and is no failure', () => {
    const sim = bigNode();
    wakeupKswapd(sim.s, 0);
    refreshSwapView(sim.s);
    // Enough CPU for 60 pages scanned and demoted.
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_BUDGET_NS] = 60 * demoteNs(sim);
    reclaimPhase(sim, 0);
    // file_is_tiny (no file, free 6 ≤ HIGH): anon force-scanned at inactive >> p.
    // p = 7: 250 >> 7 = 1; p = 6: 249 >> 6 = 3; p = 5: 246 >> 5 = 7; p = 4: 239 >> 4 = 14;
    // p = 3: 225 >> 3 = 28 (53 so far, within budget); p = 2: 197 >> 2 = 49, in chunks of 32:
    // after the first, 85 pages cost more than the budget; 17 are left to scan at p = 2.
    // Never balanced (6 + 85 ≤ 100), each priority scanned < nr_to_reclaim = 100: it dropped.
    expect(counter(sim, 0, 'pgscan_kswapd')).toBe(85);
    expect(word(sim, 0, W_KSWAPD_PRIORITY)).toBe(2);
    expect(word(sim, 0, W_KSWAPD_PASS)).not.toBe(0);
    expect(word(sim, 0, W_KSWAPD_RUNNING)).toBe(1);
    expect(word(sim, 0, W_KSWAPD_FAILURES)).toBe(0);
    expect(counter(sim, 0, 'tiersim_kswapd_budget_exhausted')).toBe(1);
    migrateSettle(sim);
    expect(free(sim, 0)).toBe(91);
    // Next epoch, plenty of CPU: the same run goes on with the 17 pages left at p = 2 (not a new
    // pass at p = 1, which would scan 165 >> 1 = 82), then 91 + 17 in flight > 100: balanced.
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_BUDGET_NS] = EPOCH_NS;
    reclaimPhase(sim, 0);
    migrateSettle(sim);
    expect(counter(sim, 0, 'pgscan_kswapd')).toBe(102);
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(102);
    expect(counter(sim, 0, 'pageoutrun')).toBe(1);
    expect(free(sim, 0)).toBe(108);
    expect(woken(sim, 0)).toBe(false);
    expect(word(sim, 0, W_KSWAPD_FAILURES)).toBe(0);
    expect(word(sim, 0, W_KSWAPD_PASS)).toBe(0);
    assertSound(sim);
  });

  it("time a batch overran its budget by is paid from kswapd's next share", () => {
    const sim = bigNode();
    wakeupKswapd(sim.s, 0);
    refreshSwapView(sim.s);
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_BUDGET_NS] = 10 * demoteNs(sim);
    reclaimPhase(sim, 0);
    // p = 7: 1 page, p = 6: 3, p = 5: 7 in one batch: 11 pages' time against a budget of 10.
    expect(counter(sim, 0, 'pgscan_kswapd')).toBe(11);
    expect(word(sim, 0, W_KSWAPD_DEBT_NS)).toBe(demoteNs(sim));
    migrateSettle(sim);
    planKswapdCpu(sim.s, sim.ctx.kswapdCpu);
    expect(word(sim, 0, W_KSWAPD_BUDGET_NS)).toBe(EPOCH_NS / 2 - demoteNs(sim));
    expect(word(sim, 0, W_KSWAPD_DEBT_NS)).toBe(0);
  });
});

describe("kswapd's CPU share", () => {
  it('runs on its own node, or a CPU-less node on the nearest node with CPUs', () => {
    const cfg = parseConfigText(
      `
topology:
  nodes:
    - { id: 0, cpus: 1, memory: 1MiB, device: dram }
    - { id: 1, cpus: 1, memory: 1MiB, device: dram }
    - { id: 2, cpus: 0, memory: 1MiB, device: pmem }
    - { id: 3, cpus: 0, memory: 1MiB, device: pmem }
  distances: [[10, 21, 17, 28], [21, 10, 28, 17], [17, 28, 10, 28], [28, 17, 28, 10]]
run: { duration: 1ms }
`,
      '/virtual/hosts.yaml',
    ).config;
    const machine = createSimulation(cfg).s.machine;
    expect([0, 1, 2, 3].map((n) => kswapdHost(machine, n))).toEqual([0, 1, 0, 1]);
  });

  it("shares the CPU fairly with the task and the CPU-less node's kswapd", () => {
    const sim = scenario();
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    planKswapdCpu(sim.s, sim.ctx.kswapdCpu);
    // One CPU, its task and one kswapd: half each.
    expect(word(sim, 0, W_KSWAPD_BUDGET_NS)).toBe(EPOCH_NS / 2);
    sim.s.nodeWords[1 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    planKswapdCpu(sim.s, sim.ctx.kswapdCpu);
    // Node 1 has no CPU: its kswapd runs on node 0's, a third each.
    expect(word(sim, 0, W_KSWAPD_BUDGET_NS)).toBe(Math.floor(EPOCH_NS / 3));
    expect(word(sim, 1, W_KSWAPD_BUDGET_NS)).toBe(Math.floor(EPOCH_NS / 3));
  });

  it("kswapd's reclaim time delays the task on its CPU", () => {
    const sim = scenario();
    place(sim, range(ANON, 56), 0);
    const clock0 = sim.s.cpuWords[0 * CPU_WORDS + C_CLOCK];
    wakeupKswapd(sim.s, 0);
    reclaimEpoch(sim);
    // 10 pages scanned and demoted, all of it taken from CPU 0's task (no idle CPU).
    const ran = 10 * demoteNs(sim);
    expect(counter(sim, 0, 'tiersim_kswapd_ns')).toBe(ran);
    expect(counter(sim, 0, 'tiersim_kswapd_delay_ns')).toBe(ran);
    expect(sim.s.cpuWords[0 * CPU_WORDS + C_CLOCK] - clock0).toBe(ran);
  });

  it('on a node with an idle CPU, kswapd runs there: a whole epoch of budget and no delay', () => {
    const sim = scenario({
      nodes: `    - { id: 0, cpus: 2, memory: 256KiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 0, memory: 256KiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }`,
    });
    place(sim, range(ANON, 56), 0);
    wakeupKswapd(sim.s, 0);
    planKswapdCpu(sim.s, sim.ctx.kswapdCpu);
    expect(word(sim, 0, W_KSWAPD_BUDGET_NS)).toBe(EPOCH_NS);
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'tiersim_kswapd_ns')).toBe(10 * demoteNs(sim));
    expect(counter(sim, 0, 'tiersim_kswapd_delay_ns')).toBe(0);
    expect(sim.s.cpuWords[0 * CPU_WORDS + C_CLOCK]).toBe(0);
    expect(sim.s.cpuWords[1 * CPU_WORDS + C_CLOCK]).toBe(0);
  });

  it('the delay is what the kswapds use beyond the idle CPUs, split over the busy ones', () => {
    // Node 0: 3 CPUs, a task on 0 and 1, CPU 2 idle. Both kswapds awake: 3 CPUs for 2 tasks + 2
    // kswapds, 3/4 of the epoch each. Using all of it (1.5 epochs), the idle CPU gives 1, the
    // other 0.5 epoch is taken from the two tasks, 0.25 each.
    const cfg = parseConfigText(
      `
topology:
  nodes:
    - { id: 0, cpus: 3, memory: 256KiB, device: dram }
    - { id: 1, cpus: 0, memory: 256KiB, device: pmem }
run: { duration: 1ms, epoch: 1ms }
workload:
  tasks:
    - { name: t, cpus: [0, 1], regions: [{ kind: anon, size: 64KiB }] }
`,
      '/virtual/share.yaml',
    ).config;
    const sim = createSimulation(cfg);
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    sim.s.nodeWords[1 * NODE_WORDS + W_KSWAPD_WOKEN] = 1;
    planKswapdCpu(sim.s, sim.ctx.kswapdCpu);
    expect(word(sim, 0, W_KSWAPD_BUDGET_NS)).toBe(750_000);
    expect(word(sim, 1, W_KSWAPD_BUDGET_NS)).toBe(750_000);
    sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_CPU_NS] = 750_000;
    sim.s.nodeWords[1 * NODE_WORDS + W_KSWAPD_CPU_NS] = 750_000;
    chargeKswapdCpu(sim.s, sim.ctx.kswapdCpu);
    expect(counter(sim, 0, 'tiersim_kswapd_ns')).toBe(750_000);
    expect(counter(sim, 1, 'tiersim_kswapd_ns')).toBe(750_000);
    expect(counter(sim, 0, 'tiersim_kswapd_delay_ns')).toBe(500_000);
    expect([0, 1, 2].map((c) => sim.s.cpuWords[c * CPU_WORDS + C_CLOCK])).toEqual([250_000, 250_000, 0]);
    expect(word(sim, 0, W_KSWAPD_CPU_NS)).toBe(0); // charged once
  });
});
