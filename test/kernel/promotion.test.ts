/**
 * Promotion by NUMA balancing in memory-tiering mode, hand-computed on the scenario machine
 * (node 0 DRAM with CPU 0, node 1 PMEM; min 4 / low 8 / high 12 / promo 16 unless stated).
 *
 * Method: place pages on chosen nodes, arm them as the scanner would (PROT_NONE + scan time),
 * set the coordinator's clock, take hint faults through the real access-phase and place-step
 * code, run the reclaim → migrate → settle part of the epoch, and check where pages are and
 * what the kernel counts. Defaults: hot_threshold_ms 1000, rate limit unlimited.
 */
import { describe, expect, it } from 'vitest';
import { numaScan, updatePromotionGauges } from '../../src/kernel/numa.js';
import { W_KSWAPD_WOKEN, W_WMARK_BOOST, NODE_WORDS } from '../../src/memory/layout.js';
import { COUNTER_INDEX, NR_COUNTERS } from '../../src/metrics/vmstat.js';
import {
  arm,
  assertSound,
  counter,
  free,
  hint,
  nodeOf,
  place,
  range,
  reclaimEpoch,
  scenario,
  setNow,
  total,
  woken,
} from './scenario.js';

const ANON = 64;
const TIERING = 'numa_balancing: 2';

describe('hot-page selection (6.0)', () => {
  it('promotes a page whose hint fault comes within the threshold, not one beyond it', () => {
    const sim = scenario({ version: '6.1', kernel: TIERING });
    place(sim, [ANON, ANON + 1], 1, { young: true });
    setNow(sim, 2000);
    arm(sim, [ANON], 1500); // hint-fault latency 500 ms < 1000 ms: hot
    arm(sim, [ANON + 1], 500); // 1500 ms: not hot
    hint(sim, 0, [ANON, ANON + 1]);
    reclaimEpoch(sim);
    expect(nodeOf(sim, ANON)).toBe(0);
    expect(nodeOf(sim, ANON + 1)).toBe(1);
    expect(counter(sim, 0, 'numa_hint_faults')).toBe(2);
    expect(counter(sim, 0, 'numa_hint_faults_local')).toBe(0); // the pages were on node 1
    expect(counter(sim, 0, 'pgpromote_candidate')).toBe(1);
    expect(counter(sim, 0, 'tiersim_promote_not_hot')).toBe(1);
    expect(counter(sim, 0, 'pgpromote_success')).toBe(1);
    expect(counter(sim, 0, 'numa_pages_migrated')).toBe(1);
    expect(total(sim, 'pgmigrate_success')).toBe(1);
    // The refused page's PTE is restored: no longer armed, accessed.
    expect(sim.s.frameYoung[sim.s.pte[ANON + 1] - 1]).toBe(1);
    expect(free(sim, 0)).toBe(63);
    assertSound(sim);
  });

  it('5.18 (no hot-page selection) promotes every hint-faulted slow page', () => {
    const sim = scenario({ version: '5.18', kernel: TIERING });
    place(sim, [ANON, ANON + 1], 1);
    setNow(sim, 5000);
    arm(sim, [ANON, ANON + 1], 0);
    hint(sim, 0, [ANON, ANON + 1]);
    reclaimEpoch(sim);
    expect([nodeOf(sim, ANON), nodeOf(sim, ANON + 1)]).toEqual([0, 0]);
    expect(counter(sim, 0, 'pgpromote_success')).toBe(2);
    expect(counter(sim, 0, 'pgpromote_candidate')).toBe(0);
  });

  it('a page already on the faulting CPU node is not migrated (hint fault counted local)', () => {
    const sim = scenario({ version: '6.1', kernel: 'numa_balancing: 3' });
    place(sim, [ANON], 0);
    setNow(sim, 2000);
    arm(sim, [ANON], 1990);
    hint(sim, 0, [ANON]);
    expect(counter(sim, 0, 'numa_hint_faults_local')).toBe(1);
    expect(total(sim, 'numa_pages_migrated')).toBe(0);
  });
});

describe('the rate limit (6.0 patch 2)', () => {
  // 4 MiB nodes (1024 frames) and a 600-page anon region, all of it on PMEM to start with.
  const nodes = `    - { id: 0, cpus: 1, memory: 4MiB, device: dram, watermarks: { min: 4, low: 8, high: 12 } }
    - { id: 1, cpus: 0, memory: 4MiB, device: pmem, watermarks: { min: 4, low: 8, high: 12 } }`;

  it('passes rate × 1 s candidates per period (1 MB/s = 256 pages), then opens a new period after 1 s', () => {
    const sim = scenario({
      version: '6.1',
      nodes,
      anonSize: '2400KiB',
      kernel: `${TIERING}, numa_balancing_promote_rate_limit_MBps: 1`,
    });
    const pages = range(ANON, 600);
    place(sim, pages, 1);
    // nbp_rl_start is 0 and the kernel's clock reads boot time - 300 s (INITIAL_JIFFIES), so
    // the first candidate opens period 1 at 500 ms: numa_promotion_rate_limit counts it first
    // (1) and snapshots that, then refuses when count - snapshot >= 256: candidates 1..256 pass.
    setNow(sim, 500);
    arm(sim, pages, 490);
    hint(sim, 0, pages);
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgpromote_candidate')).toBe(600);
    expect(counter(sim, 0, 'pgpromote_success')).toBe(256);
    expect(counter(sim, 0, 'tiersim_promote_rate_limited')).toBe(344);
    expect(pages.filter((p) => nodeOf(sim, p) === 0)).toEqual(pages.slice(0, 256));
    // 1600 ms > 500 + 1000: the 601st candidate opens period 2 and is its snapshot, so diffs
    // 0..255 pass: 256 of the 344 pages left on PMEM.
    const left = pages.slice(256);
    setNow(sim, 1600);
    arm(sim, left, 1590);
    hint(sim, 0, left);
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgpromote_candidate')).toBe(944);
    expect(counter(sim, 0, 'pgpromote_success')).toBe(256 + 256);
    expect(counter(sim, 0, 'tiersim_promote_rate_limited')).toBe(344 + 88);
    expect(left.filter((p) => nodeOf(sim, p) === 1)).toEqual(left.slice(256));
    expect(free(sim, 0)).toBe(1024 - 512);
    assertSound(sim);
  });

  it('a period lasts more than 1000 ms: at exactly start + 1000 the old snapshot still applies', () => {
    const sim = scenario({
      version: '6.1',
      nodes,
      anonSize: '2400KiB',
      kernel: `${TIERING}, numa_balancing_promote_rate_limit_MBps: 1`,
    });
    const pages = range(ANON, 300);
    place(sim, pages, 1);
    // 500 ms: 100 candidates open the period (snapshot 1) and pass.
    setNow(sim, 500);
    arm(sim, pages.slice(0, 100), 495);
    hint(sim, 0, pages.slice(0, 100));
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgpromote_success')).toBe(100);
    // 1500 ms = start + 1000: not past it, so candidates 101..256 pass and 44 are refused.
    setNow(sim, 1500);
    arm(sim, pages.slice(100), 1495);
    hint(sim, 0, pages.slice(100));
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgpromote_success')).toBe(256);
    expect(counter(sim, 0, 'tiersim_promote_rate_limited')).toBe(44);
  });
});

describe('the promotion watermark', () => {
  it('a full fast node refuses, and its kswapd demotes down to PROMO, which makes room', () => {
    const sim = scenario({ version: '6.1', kernel: TIERING });
    place(sim, range(ANON, 52), 0); // node 0: free 12 (= HIGH): a promotion needs free > HIGH + 1
    place(sim, [0], 1, { young: true });
    setNow(sim, 3000);
    arm(sim, [0], 2990);
    hint(sim, 0, [0]);
    expect(counter(sim, 0, 'tiersim_promote_no_space')).toBe(1);
    expect(sim.s.nodeWords[0 * NODE_WORDS + W_KSWAPD_WOKEN]).toBe(1);
    reclaimEpoch(sim);
    // kswapd balances to PROMO (16) in tiering mode: anon force-scanned (file_is_tiny):
    // p = 5: 1, p = 4: 51 >> 4 = 3 (free 12 + 4 = 16, not above PROMO), p = 3: 48 >> 3 = 6
    // (22 > 16): 10 pages demoted to node 1.
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(10);
    expect(free(sim, 0)).toBe(22);
    expect(nodeOf(sim, 0)).toBe(1);
    // Now there is room: the next hint fault promotes.
    arm(sim, [0], 2995);
    hint(sim, 0, [0]);
    reclaimEpoch(sim);
    expect(nodeOf(sim, 0)).toBe(0);
    expect(counter(sim, 0, 'pgpromote_success')).toBe(1);
    assertSound(sim);
  });

  it('refusals wake kswapd to PROMO only, and refusals during its nap wake it again', () => {
    const sim = scenario({ version: '6.1', kernel: TIERING });
    place(sim, range(ANON, 52), 0); // node 0: free 12 (= HIGH)
    const slow = range(0, 12);
    place(sim, slow, 1, { young: true });
    setNow(sim, 3000);
    arm(sim, slow, 2990);
    hint(sim, 0, slow);
    expect(counter(sim, 0, 'tiersim_promote_no_space')).toBe(12);
    reclaimEpoch(sim);
    // Balanced means free > PROMO = 16, however many were refused: as in the test above, 10
    // pages demoted (p = 5: 1, p = 4: 3, p = 3: 6), free 22. kswapd naps.
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(10);
    expect(free(sim, 0)).toBe(22);
    expect(woken(sim, 0)).toBe(false);
    expect(counter(sim, 0, 'pageoutrun')).toBe(1);
    // Each promotion needs free − queued > HIGH + 1 = 13: 9 fit (the 9th sees 22 − 8 = 14); the
    // 10th is refused and wakes kswapd from its nap (free − queued = 13, not above PROMO).
    arm(sim, slow, 2995);
    hint(sim, 0, slow);
    expect(counter(sim, 0, 'tiersim_promote_no_space')).toBe(12 + 3);
    expect(woken(sim, 0)).toBe(true);
    expect(counter(sim, 0, 'kswapd_low_wmark_hit_quickly')).toBe(1);
    reclaimEpoch(sim);
    expect(counter(sim, 0, 'pgpromote_success')).toBe(9);
    // Second run, the 9 queued promotions counted as taken: balanced once 13 + in flight > 16,
    // i.e. 4 demoted. Free 22 − 9 promoted + 4 = 17; no longer file_is_tiny (free 22 > HIGH),
    // so get_scan_count's SCAN_FRACT with equal (zero) costs gives anon 60 / 200 of
    // inactive >> p: p = 5, 4: 0 (1, 2 pages × 0.3); p = 3: 42 >> 3 = 5 → 1; p = 2: 41 >> 2 =
    // 10 → 3. 4 in flight: balanced.
    expect(counter(sim, 0, 'pgdemote_kswapd')).toBe(14);
    expect(counter(sim, 0, 'pageoutrun')).toBe(2);
    expect(free(sim, 0)).toBe(17);
    // The last 3 fit now (17 − 2 = 15 > 13).
    arm(sim, slow, 2998);
    hint(sim, 0, slow);
    reclaimEpoch(sim);
    expect(slow.map((p) => nodeOf(sim, p))).toEqual(slow.map(() => 0));
    expect(counter(sim, 0, 'pgpromote_success')).toBe(12);
    assertSound(sim);
  });
});

describe('the promotion watermark with a boost', () => {
  it("migrate_balanced_pgdat's HIGH includes watermark_boost: refused and kswapd woken, not queued to fail", () => {
    const sim = scenario({ version: '6.1', kernel: TIERING });
    place(sim, range(ANON, 42), 0); // node 0: free 22
    place(sim, [0], 1, { young: true });
    // A boost of 20 (an unmovable steal's): high_wmark_pages = 12 + 20 = 32, and free 22 is not
    // above 32 + 1; min_wmark_pages = 4 + 20 = 24, so the page could not be allocated either.
    sim.s.nodeWords[0 * NODE_WORDS + W_WMARK_BOOST] = 20;
    setNow(sim, 3000);
    arm(sim, [0], 2990);
    hint(sim, 0, [0]);
    expect(counter(sim, 0, 'tiersim_promote_no_space')).toBe(1);
    expect(woken(sim, 0)).toBe(true);
    // Without the boost in the check, free 22 > 12 + 1 queued the page, the allocation failed
    // at MIN + boost (pgmigrate_fail 1) and nothing woke kswapd.
    expect(counter(sim, 0, 'pgmigrate_fail')).toBe(0);
    expect(nodeOf(sim, 0)).toBe(1);
    assertSound(sim);
  });
});

describe('the scanner', () => {
  it('mode 0 arms nothing; mode 2 arms only slow pages and stamps their scan time; mode 1 all off the task node', () => {
    const run = (mode: number) => {
      const sim = scenario({
        version: '6.1',
        kernel: `numa_balancing: ${mode}, numa_balancing_scan_delay_ms: 0`,
      });
      place(sim, range(ANON, 4), 0);
      place(sim, range(ANON + 4, 4), 1);
      setNow(sim, 1234);
      numaScan(sim.s, sim.ctx.scanSpaces);
      const armed = range(ANON, 8).map((p) => (sim.s.frameYoung[sim.s.pte[p] - 1] & 2) >> 1);
      const stamps = range(ANON, 8).map((p) => sim.s.frameScanMs[sim.s.pte[p] - 1]);
      return { armed, stamps, updates: counter(sim, 0, 'numa_pte_updates') };
    };
    expect(run(0)).toEqual({ armed: [0, 0, 0, 0, 0, 0, 0, 0], stamps: Array(8).fill(0), updates: 0 });
    expect(run(2)).toEqual({
      armed: [0, 0, 0, 0, 1, 1, 1, 1],
      stamps: [0, 0, 0, 0, 1234, 1234, 1234, 1234],
      updates: 4,
    });
    // NORMAL mode: the task is single-threaded, so its private pages already on its node (0)
    // are left alone (change_protection's target_node); the others are armed.
    expect(run(1)).toEqual({ armed: [0, 0, 0, 0, 1, 1, 1, 1], stamps: Array(8).fill(0), updates: 4 });
  });

  it('never arms unmapped page cache (read() regions are not in the address space) nor dirty file pages', () => {
    const sim = scenario({
      version: '6.1',
      kernel: `${TIERING}, numa_balancing_scan_delay_ms: 0`,
      fileAccess: 'read',
    });
    place(sim, range(0, 4), 1);
    place(sim, range(ANON, 2), 1);
    setNow(sim, 10);
    numaScan(sim.s, sim.ctx.scanSpaces);
    expect(range(0, 4).every((p) => (sim.s.frameYoung[sim.s.pte[p] - 1] & 2) === 0)).toBe(true);
    expect(counter(sim, 0, 'numa_pte_updates')).toBe(2);
    const mapped = scenario({ version: '6.1', kernel: `${TIERING}, numa_balancing_scan_delay_ms: 0` });
    place(mapped, [0], 1, { dirty: true });
    place(mapped, [1], 1);
    setNow(mapped, 10);
    numaScan(mapped.s, mapped.ctx.scanSpaces);
    expect(counter(mapped, 0, 'numa_pte_updates')).toBe(1); // page 1 only
  });
});

describe('threshold adjustment (6.1 patch 3)', () => {
  it('raises the threshold one unit (2 × 1000 / 16 = 125 ms) after a period with too few candidates', () => {
    const sim = scenario({
      version: '6.1',
      kernel: `${TIERING}, numa_balancing_scan_period_max_ms: 2000, numa_balancing_promote_rate_limit_MBps: 1`,
    });
    place(sim, [ANON], 1);
    // nbp_th_start is 0 and the kernel's clock reads boot time - 300 s (INITIAL_JIFFIES), so
    // "now - start" is past scan_period_max at the first candidate: the threshold moves at once.
    setNow(sim, 500);
    arm(sim, [ANON], 400);
    hint(sim, 0, [ANON]);
    updatePromotionGauges(sim.s);
    expect(counter(sim, 0, 'tiersim_promote_threshold_ms')).toBe(1125);
  });

  it("compares a period's candidates in the kernel's integers: ref_cand * 11 / 10 and * 9 / 10", () => {
    // Rate limit 1 MB/s = 256 pages/s; period 2000 ms: ref_cand = 512, the band (460, 563]
    // leaves the threshold alone (512 * 9 / 10 = 460 in integers: 460 candidates is not "too
    // few", where 460.8 would be).
    const sim = scenario({
      version: '6.1',
      kernel: `${TIERING}, numa_balancing_scan_period_max_ms: 2000, numa_balancing_promote_rate_limit_MBps: 1`,
    });
    const pages = range(ANON, 4);
    place(sim, pages, 1);
    const candidates = NR_COUNTERS * 0 + COUNTER_INDEX.pgpromote_candidate;
    const threshold = [];
    // Each adjustment reads the node's candidates before this fault adds its own, and keeps the
    // count as nbp_th_nr_cand; set the count so the next period's difference is `diff`.
    let ms = 500;
    for (const [i, diff] of [0, 460, 459, 564].entries()) {
      if (i > 0) sim.s.counters[candidates] += diff - 1; // the previous fault's candidate is 1 of them
      setNow(sim, ms);
      arm(sim, [pages[i]], ms - 10);
      hint(sim, 0, [pages[i]]);
      updatePromotionGauges(sim.s);
      threshold.push(counter(sim, 0, 'tiersim_promote_threshold_ms'));
      ms += 2001; // "now - start > th_period"
    }
    // 0: too few, up; 460: inside the band; 459: too few, up; 564 > 563: too many, down.
    expect(threshold).toEqual([1125, 1125, 1250, 1125]);
  });
});
