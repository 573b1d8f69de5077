/**
 * Every threshold comparison the kernel makes, at its boundary: the value on each side of it,
 * hand-computed from the kernel's expression (6.12 sources) on the scenario machine (node 0
 * DRAM with CPU 0, node 1 PMEM; 64 frames each; min 4 / low 8 / high 12 / promo 16).
 *
 *   should_numa_migrate_memory           latency >= th → not hot (kernel/sched/fair.c)
 *   numa_promotion_adjust_threshold      now - start > th_period (jiffies ms, unsigned); diff > ref * 11/10 → th down one
 *                                        unit, diff < ref * 9/10 → up one unit
 *   zone_watermark_ok                    free <= mark + reserve → fails (free > mark passes),
 *                                        marks read as wmark_pages() (+ watermark_boost)
 *   get_scan_count                       !priority && swappiness → SCAN_EQUAL; file_is_tiny →
 *                                        SCAN_ANON; cache_trim_mode → SCAN_FILE; else SCAN_FRACT
 *                                        with ap = swappiness × (total + 1) / (anon_cost + 1),
 *                                        fp = (200 - swappiness) × …, scan = size >> priority ×
 *                                        fraction / denominator rounded down (root memcg online)
 *   shrink_node (file_is_tiny)           file + free <= total high → tiny
 *
 * The rate limit's own boundaries (nr_cand - snapshot >= limit; now - start > 1000 ms) are in
 * promotion.test.ts ("the rate limit"), the promotion target's free > HIGH + 1 there too.
 */
import { describe, expect, it } from 'vitest';
import { getScanCount, ScanControl, shrinkNode, RECLAIM_KSWAPD } from '../../src/kernel/vmscan.js';
import { WMARK_HIGH, WMARK_LOW, WMARK_MIN, watermark, watermarkOk } from '../../src/kernel/watermark.js';
import { jiffiesMs } from '../../src/kernel/numa.js';
import {
  NODE_WORDS,
  W_FREE,
  W_PROMO_THRESHOLD_MS,
  W_PROMO_TH_CANDIDATES,
  W_PROMO_TH_START_MS,
  W_WMARK_BOOST,
} from '../../src/memory/layout.js';
import { NR_COUNTERS, PGPROMOTE_CANDIDATE } from '../../src/metrics/vmstat.js';
import { parseConfigText } from '../../src/config/load.js';
import { createSimulation } from '../../src/engine/simulation.js';
import { arm, counter, hint, nodeOf, place, range, reclaimEpoch, scenario, setNow } from './scenario.js';

const ANON = 64;
const TIERING = 'numa_balancing: 2';

/** The threshold-adjustment period of node 0 starts at `ms` (else the first call adjusts at once). */
function thresholdPeriodFrom(sim: ReturnType<typeof scenario>, ms: number): void {
  sim.s.nodeWords[W_PROMO_TH_START_MS] = jiffiesMs(ms);
}

describe('the hot threshold (should_numa_migrate_memory: latency >= th is not hot)', () => {
  it('latency th - 1 = 1124 ms is hot and promoted; latency th = 1125 ms is not', () => {
    // The first check adjusts the threshold at once (nbp_th_start 0 against a clock that reads
    // boot time - 300 s): too few candidates for the 65536 MB/s limit, 1000 + 125 = 1125 ms.
    const sim = scenario({ version: '6.1', kernel: TIERING });
    place(sim, [ANON, ANON + 1], 1);
    setNow(sim, 2000);
    arm(sim, [ANON], 2000 - 1124);
    arm(sim, [ANON + 1], 2000 - 1125);
    hint(sim, 0, [ANON, ANON + 1]);
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgpromote_candidate')).toBe(1);
    expect(counter(sim, 0, 'tiersim_promote_not_hot')).toBe(1);
    expect([nodeOf(sim, ANON), nodeOf(sim, ANON + 1)]).toEqual([0, 1]);
  });
});

describe('the threshold adjustment (numa_promotion_adjust_threshold)', () => {
  // Rate limit 1 MB/s = 256 pages/s; th_period = scan_period_max = 60000 ms, so ref_cand =
  // 256 × 60000 / 1000 = 15360; 11/10 of it 16896, 9/10 13824; one unit = 2 × 1000 / 16 = 125 ms.
  const threshold = (diff: number, nowMs: number) => {
    const sim = scenario({
      version: '6.1',
      kernel: `${TIERING}, numa_balancing_promote_rate_limit_MBps: 1`,
    });
    place(sim, [ANON], 1);
    // The period began at 0 (the kernel's clock then: jiffiesMs(0)) with no candidates; `diff`
    // candidates since.
    sim.s.counters[0 * NR_COUNTERS + PGPROMOTE_CANDIDATE] = diff;
    thresholdPeriodFrom(sim, 0);
    sim.s.nodeWords[W_PROMO_TH_CANDIDATES] = 0;
    setNow(sim, nowMs);
    arm(sim, [ANON], nowMs - 1);
    hint(sim, 0, [ANON]);
    return [sim.s.nodeWords[0 * NODE_WORDS + W_PROMO_THRESHOLD_MS], sim.s.nodeWords[W_PROMO_TH_START_MS]];
  };

  it('waits for more than th_period: nothing at 60000 ms, an adjustment at 60001 ms', () => {
    expect(threshold(20000, 60000)).toEqual([0, jiffiesMs(0)]);
    expect(threshold(20000, 60001)).toEqual([875, jiffiesMs(60001)]);
    expect(jiffiesMs(60001)).toBe(2 ** 32 - 300_000 + 60001);
  });

  it('lowers the threshold only above 110 % of the reference (16896 keeps it, 16897 lowers it)', () => {
    expect(threshold(16896, 60001)[0]).toBe(1000);
    expect(threshold(16897, 60001)[0]).toBe(875);
  });

  it('raises it only below 90 % (13824 keeps it, 13823 raises it)', () => {
    expect(threshold(13824, 60001)[0]).toBe(1000);
    expect(threshold(13823, 60001)[0]).toBe(1125);
  });

  it('the adjusted threshold is the one compared: 875 ms not hot, 874 ms hot', () => {
    const sim = scenario({ version: '6.1', kernel: `${TIERING}, numa_balancing_promote_rate_limit_MBps: 1` });
    place(sim, [ANON, ANON + 1], 1);
    sim.s.nodeWords[0 * NODE_WORDS + W_PROMO_THRESHOLD_MS] = 875;
    thresholdPeriodFrom(sim, 5000);
    setNow(sim, 5000);
    arm(sim, [ANON], 5000 - 875);
    arm(sim, [ANON + 1], 5000 - 874);
    hint(sim, 0, [ANON, ANON + 1]);
    expect(counter(sim, 0, 'tiersim_promote_not_hot')).toBe(1);
    expect(counter(sim, 0, 'pgpromote_candidate')).toBe(1);
  });
});

describe('zone_watermark_ok (free <= mark fails) with the boost of wmark_pages()', () => {
  const ok = (free: number, mark: number, boost = 0, extra = 0) => {
    const sim = scenario();
    sim.s.nodeWords[W_FREE] = free;
    sim.s.nodeWords[W_WMARK_BOOST] = boost;
    return watermarkOk(sim.s, 0, mark, extra);
  };

  it('min 4, low 8, high 12: free at the mark fails, one above passes', () => {
    expect([ok(4, WMARK_MIN), ok(5, WMARK_MIN)]).toEqual([false, true]);
    expect([ok(8, WMARK_LOW), ok(9, WMARK_LOW)]).toEqual([false, true]);
    expect([ok(12, WMARK_HIGH), ok(13, WMARK_HIGH)]).toEqual([false, true]);
  });

  it('a boost of 3 raises every mark by 3; extra pages (a migration batch) add to it', () => {
    expect([ok(11, WMARK_LOW, 3), ok(12, WMARK_LOW, 3)]).toEqual([false, true]);
    expect([ok(15, WMARK_HIGH, 3), ok(16, WMARK_HIGH, 3)]).toEqual([false, true]);
    expect([ok(14, WMARK_HIGH, 0, 2), ok(15, WMARK_HIGH, 0, 2)]).toEqual([false, true]);
    const sim = scenario();
    sim.s.nodeWords[W_WMARK_BOOST] = 3;
    expect([watermark(sim.s, 0, WMARK_MIN), watermark(sim.s, 0, WMARK_HIGH)]).toEqual([7, 15]);
  });

  it("a zone's lowmem_reserve is part of the node's mark: a DMA + Normal node, user allocation", () => {
    // 16 MiB below 4 GiB (ZONE_DMA, the first 16 MiB: 4096 pages) and 16 MiB above (Normal, 4096
    // pages); min_free_kbytes 1024 = 256 pages shared by managed pages: min 128 each; low = min +
    // max(min / 4, managed × 10 / 10000) = 128 + 32 = 160. DMA's lowmem_reserve for a movable
    // allocation = Normal's 4096 / ratio 256 = 16. Node LOW = 160 + 16 + 160 = 336.
    const sim = createSimulation(
      parseConfigText(
        `
topology:
  struct_page_size: 0
  memory_below_4g: 16MiB
  nodes: [{ id: 0, cpus: 1, memory: 32MiB, device: dram }]
kernel: { version: '6.12', min_free_kbytes: 1024 }
run: { duration: 1ms, epoch: 1ms }
workload: { tasks: [{ name: t, cpus: [0], regions: [{ kind: anon, size: 256KiB }] }] }
`,
        '/virtual/zones.yaml',
      ).config,
    );
    expect(sim.s.machine.nodes[0].zones.map((z) => z.lowmemReserve[3])).toEqual([16, 0]);
    expect(sim.s.nodeWords[WMARK_LOW]).toBe(336);
    sim.s.nodeWords[W_FREE] = 336;
    expect(watermarkOk(sim.s, 0, WMARK_LOW)).toBe(false);
    sim.s.nodeWords[W_FREE] = 337;
    expect(watermarkOk(sim.s, 0, WMARK_LOW)).toBe(true);
  });
});

describe('get_scan_count: balance and fractions at their edges', () => {
  // 32 inactive anon and 32 inactive file pages on node 0; no reclaim cost recorded yet.
  const nr = (swappiness: number, priority: number, tweak: (sc: ScanControl) => void = () => {}) => {
    const sim = scenario({ kernel: `swappiness: ${swappiness}` });
    place(sim, range(ANON, 32), 0);
    place(sim, range(0, 32), 0);
    const sc = new ScanControl();
    sc.priority = priority;
    tweak(sc);
    getScanCount(sim.s, sc, 0);
    return [...sc.nr];
  };

  it('priority 0 scans everything equally (SCAN_EQUAL) only when swappiness > 0', () => {
    expect(nr(1, 0)).toEqual([32, 0, 32, 0]);
    // swappiness 0: SCAN_FRACT with ap = 0 × 1 / 1 = 0, fp = 200: no anon at all.
    expect(nr(0, 0)).toEqual([0, 0, 32, 0]);
    // SCAN_EQUAL wins over file_is_tiny and cache_trim_mode, which come after it.
    expect(nr(60, 0, (sc) => (sc.fileIsTiny = true))).toEqual([32, 0, 32, 0]);
  });

  it('swappiness 200 scans no file; the fraction rounds down (60: 8 × 60/200 = 2.4 → 2, 8 × 140/200 = 5.6 → 5)', () => {
    expect(nr(200, 1)).toEqual([16, 0, 0, 0]);
    expect(nr(60, 2)).toEqual([2, 0, 5, 0]);
  });

  it('file_is_tiny scans anon only, cache_trim_mode file only, no swap (may_swap off) file only', () => {
    expect(nr(60, 2, (sc) => (sc.fileIsTiny = true))).toEqual([8, 0, 0, 0]);
    expect(nr(60, 2, (sc) => (sc.cacheTrimMode = true))).toEqual([0, 0, 8, 0]);
    expect(nr(60, 2, (sc) => (sc.maySwap = false))).toEqual([0, 0, 8, 0]);
  });
});

describe('file_is_tiny (shrink_node): file + free <= total high', () => {
  // 64 frames, high 12: `anon` anon pages and 2 file pages leave file + free = 64 - anon.
  const tiny = (anon: number) => {
    const sim = scenario();
    place(sim, range(ANON, anon), 0);
    place(sim, [0, 1], 0);
    const sc = sim.ctx.sc[0];
    sc.reset(RECLAIM_KSWAPD, 0, 1);
    sc.priority = 5; // inactive anon >> 5 = 1: the last condition holds
    shrinkNode(sim.s, sim.ctx, sc, 0);
    return sc.fileIsTiny;
  };

  it('52 anon pages: file + free = 12 = high, tiny; 51: 13, not', () => {
    expect(tiny(52)).toBe(true);
    expect(tiny(51)).toBe(false);
  });
});
